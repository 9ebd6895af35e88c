from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from markets import services
from markets.models import (
    Enterprise,
    ExchangeRate,
    FigureKind,
    FigureStatus,
    FraudReport,
    LegalFigure,
    LicenceStatus,
    Market,
    Notice,
    NoticeCategory,
    NoticeStatus,
    Programme,
)
from tests.factories import ModelFactory, province


class ExchangeRateFactory(ModelFactory[ExchangeRate]):
    class Meta:
        model = ExchangeRate
        django_get_or_create = ("currency",)

    currency = "USD"
    vnd_per_unit = Decimal("25000")
    as_of = datetime.date(2025, 11, 1)


class MarketFactory(ModelFactory[Market]):
    class Meta:
        model = Market
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"market-{n}")
    name_vi = factory.Sequence(lambda n: f"Thị trường {n}")
    name_en = factory.Sequence(lambda n: f"Market {n}")
    currency = "JPY"


class ProgrammeFactory(ModelFactory[Programme]):
    class Meta:
        model = Programme

    market = factory.SubFactory(MarketFactory)
    code = factory.Sequence(lambda n: f"programme-{n}")
    name_vi = factory.Sequence(lambda n: f"Chương trình {n}")
    name_en = factory.Sequence(lambda n: f"Programme {n}")


class LegalFigureFactory(ModelFactory[LegalFigure]):
    """A figure of a programme; give market= and programme=None for a market's figure."""

    class Meta:
        model = LegalFigure

    programme = factory.SubFactory(ProgrammeFactory)
    kind = FigureKind.OTHER
    label_vi = factory.Sequence(lambda n: f"Số liệu {n}")
    label_en = factory.Sequence(lambda n: f"Figure {n}")
    document = "Luật 69/2020/QH14"
    article = "Điều 23"
    valid_from = datetime.date(2022, 1, 1)
    status = FigureStatus.UNCONFIRMED


def enterprise(**fields: Any) -> Enterprise:
    """An enterprise saved through the service, so its search columns are filled."""
    markets = fields.pop("markets", None)
    defaults: dict[str, Any] = {
        "licence_number": f"{Enterprise.objects.count() + 100}/LĐTBXH-GP",
        "name": f"Công ty CP Nhân lực Số {Enterprise.objects.count() + 1}",
        "status": LicenceStatus.ACTIVE,
        "licence_issued_on": datetime.date(2020, 1, 1),
        "is_demo": True,
    }
    defaults.update(fields)
    return services.enterprise_save(enterprise=Enterprise(**defaults), by=None, markets=markets)


def notice(
    author: Any,
    *,
    province_code: int | None = None,
    status: str = NoticeStatus.DRAFT,
    publish_at: datetime.datetime | None = None,
    expires_at: datetime.datetime | None = None,
    title: str = "Thông báo",
    body: str = "Nội dung",
    pinned: bool = False,
    category: str = NoticeCategory.MARKET_UPDATE,
) -> Notice:
    """A notice in any state, written straight to the table (the services have their own
    tests)."""
    return Notice.all_objects.create(
        title=title,
        body=body,
        category=category,
        province=province(province_code) if province_code else None,
        status=status,
        publish_at=publish_at,
        expires_at=expires_at,
        pinned=pinned,
        author=author,
    )


def fraud_report(province_code: int = 15, **fields: Any) -> FraudReport:
    defaults: dict[str, Any] = {
        "name_used": "Công ty Ma",
        "what_was_asked": "50 triệu đồng tiền đặt cọc",
        "province": province(province_code),
        "created_at": timezone.now(),
    }
    defaults.update(fields)
    return FraudReport.all_objects.create(**defaults)
