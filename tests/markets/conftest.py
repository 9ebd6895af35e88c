from __future__ import annotations

from decimal import Decimal

import pytest

from markets.models import Programme
from tests.markets.factories import ExchangeRateFactory, MarketFactory, ProgrammeFactory

ENGLISH = "en"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english(client):  # type: ignore[no-untyped-def]
    """The test client reads the English screens (our strings are merged into the Vietnamese
    catalogue later)."""
    client.cookies["mrc_language"] = ENGLISH
    return client


@pytest.fixture
def rates(db) -> None:  # type: ignore[no-untyped-def]
    ExchangeRateFactory(currency="USD", vnd_per_unit=Decimal("25000"))
    ExchangeRateFactory(currency="JPY", vnd_per_unit=Decimal("170"))


@pytest.fixture
def japan_intern(rates) -> Programme:  # type: ignore[no-untyped-def]
    """Japan technical intern: 1 month per 12 months, capped at USD 3,600 per 36 months."""
    market = MarketFactory(code="japan", name_vi="Nhật Bản", name_en="Japan", currency="JPY")
    return ProgrammeFactory(
        market=market,
        code="technical-intern",
        name_vi="Thực tập sinh kỹ năng",
        name_en="Technical intern",
        service_fee_months_per_year=Decimal("1"),
        service_fee_cap=Decimal("3600"),
        service_fee_cap_currency="USD",
        service_fee_cap_months=36,
    )
