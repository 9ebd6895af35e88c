from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from accounts.models import Province, User
from assistance import services
from assistance.models import HelpRequest
from markets.models import FigureKind, FigureStatus, LegalFigure, Market
from tests.factories import WorkerFactory
from tests.markets.factories import MarketFactory
from tests.workers.factories import ProfileFactory
from workers.models import Case, Stage, WorkerProfile


def abroad_profile(
    province: Province, *, market: Market | None = None, stage: str = Stage.DEPARTED, **user: Any
) -> WorkerProfile:
    """A worker of the province working abroad (the case's market set, departed last year)."""
    profile = ProfileFactory(user=WorkerFactory(province=province, **user))
    Case.all_objects.filter(profile=profile).update(
        stage=stage,
        market=market or MarketFactory(code="korea", name_vi="Hàn Quốc", currency="KRW"),
        departure_date=timezone.localdate() - datetime.timedelta(days=300),
    )
    profile.refresh_from_db()
    return profile


def help_request(profile: WorkerProfile, actor: User | None = None, **fields: Any) -> HelpRequest:
    values: dict[str, Any] = {"phone_abroad": "+82 10 0000 0000", "kind": "wages"}
    values.update(fields)
    return services.help_request_create(profile=profile, actor=actor or profile.user, **values)


def contacts(market: Market) -> tuple[LegalFigure, LegalFigure]:
    """A hotline checked against its source, and a labour board with no checked number."""
    day = datetime.date(2026, 1, 1)
    hotline = LegalFigure.objects.create(
        market=market, kind=FigureKind.HOTLINE, label_vi="Đường dây nóng 1350", value_vi="1350",
        document="Bộ Việc làm và Lao động Hàn Quốc", valid_from=day,
        status=FigureStatus.CONFIRMED, checked_on=day,
    )  # fmt: skip
    board = LegalFigure.objects.create(
        market=market, kind=FigureKind.LABOUR_BOARD,
        label_vi="Ban Quản lý lao động, Đại sứ quán Việt Nam tại Hàn Quốc",
        value_vi="Hỏi văn phòng số đang dùng.", document="Danh bạ (chưa đối chiếu)",
        valid_from=day,
    )  # fmt: skip
    return hotline, board
