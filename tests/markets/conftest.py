from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from markets.models import FigureKind, FigureStatus, Programme
from tests.markets.factories import (
    ExchangeRateFactory,
    LegalFigureFactory,
    MarketFactory,
    ProgrammeFactory,
)

ENGLISH = "en"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english(client):
    """The test client reads the English screens (our strings are merged into the Vietnamese
    catalogue later)."""
    client.cookies["mrc_language"] = ENGLISH
    return client


@pytest.fixture
def rates(db) -> None:
    ExchangeRateFactory(currency="USD", vnd_per_unit=Decimal("25000"))
    ExchangeRateFactory(currency="JPY", vnd_per_unit=Decimal("170"))


@pytest.fixture
def japan_intern(rates) -> Programme:
    """Japan technical intern: the national wage rules (from the migration), a CONFIRMED cap
    of USD 3,600 per 36 months (so the checker applies it) and no deposit allowed."""
    market = MarketFactory(code="japan", name_vi="Nhật Bản", name_en="Japan", currency="JPY")
    programme = ProgrammeFactory(
        market=market,
        code="technical-intern",
        name_vi="Thực tập sinh kỹ năng",
        name_en="Technical intern",
    )
    LegalFigureFactory(
        programme=programme,
        kind=FigureKind.SERVICE_FEE_CAP,
        label_vi="Mức trần tiền dịch vụ",
        label_en="Service fee cap",
        amount=Decimal("3600"),
        currency="USD",
        per_months=36,
        status=FigureStatus.CONFIRMED,
        checked_on=datetime.date(2026, 1, 5),
    )
    return programme
