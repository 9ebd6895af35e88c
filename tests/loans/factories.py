"""Programmes, budgets and workers for the support tests; applications go through services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory

from accounts.models import Province, User
from loans import services
from loans.models import (
    Application,
    Attachment,
    CostItem,
    Kind,
    ProgrammeBudget,
    SupportProgramme,
    Unit,
)
from tests.factories import ModelFactory, WorkerFactory
from tests.workers.factories import ProfileFactory, jpeg_upload
from workers.models import DocumentType, PriorityGroupClaim, WorkerProfile
from workers.uploads import clean_upload

TODAY = datetime.date(2026, 6, 15)


class ProgrammeFactory(ModelFactory[SupportProgramme]):
    class Meta:
        model = SupportProgramme

    code = factory.Sequence(lambda n: f"programme-{n}")
    name_vi = factory.Sequence(lambda n: f"Chương trình hỗ trợ {n}")
    name_en = factory.Sequence(lambda n: f"Support programme {n}")
    kind = Kind.GRANT
    legal_basis_vi = "Thông tư 55/2023/TT-BTC, Điều 25"
    legal_basis_en = "Circular 55/2023/TT-BTC, Art. 25"
    valid_from = datetime.date(2020, 1, 1)
    valid_to = None
    receipts_required = True


def grant_programme(
    *,
    province: Province | None = None,
    groups: list[str] | None = None,
    budget: int | None = 100_000_000,
    year: int | None = None,
    **fields: Any,
) -> SupportProgramme:
    """A grant with the caps of the 2021-2025 programmes and a budget for the year."""
    programme = ProgrammeFactory(
        kind=Kind.GRANT,
        province=province,
        eligible_groups=groups if groups is not None else ["poor", "ethnic_minority"],
        **fields,
    )
    for order, (code, unit, cap) in enumerate(
        [
            ("language_training", Unit.COURSE, 4_000_000),
            ("meals", Unit.DAY, 50_000),
            ("lodging", Unit.MONTH, 400_000),
            ("personal_items", Unit.ONCE, 600_000),
            ("passport", Unit.ONCE, None),
        ]
    ):
        CostItem.objects.create(
            programme=programme,
            code=code,
            unit=unit,
            cap=Decimal(cap) if cap is not None else None,
            legal_basis="Thông tư 55/2023/TT-BTC, Điều 25" if cap else "",
            order=order,
        )
    if budget is not None:
        add_budget(programme, budget, year)
    return programme


def loan_programme(*, budget: int | None = 1_000_000_000, **fields: Any) -> SupportProgramme:
    """The 2026 loan: any contract worker, 100% of costs minus support, collateral > 200 M."""
    values: dict[str, Any] = {
        "kind": Kind.LOAN,
        "eligible_groups": [],
        "requires_contract": True,
        "loan_share_percent": 100,
        "deduct_state_support": True,
        "collateral_threshold": Decimal(200_000_000),
        "term_within_contract": True,
        "receipts_required": False,
    }
    values.update(fields)
    programme = ProgrammeFactory(**values)
    if budget is not None:
        add_budget(programme, budget)
    return programme


def add_budget(programme: SupportProgramme, amount: int, year: int | None = None) -> None:
    from django.utils import timezone

    ProgrammeBudget.objects.create(
        programme=programme, year=year or timezone.localdate().year, amount=Decimal(amount)
    )


def worker_profile(
    province: Province,
    *,
    groups: list[str] | None = None,
    born: datetime.date = datetime.date(1999, 4, 1),
    with_commune: bool = True,
    user: User | None = None,
) -> WorkerProfile:
    """A consenting worker of the province, with birth date, commune and priority groups."""
    profile = ProfileFactory(
        user=user or WorkerFactory(province=province),
        date_of_birth=born,
        commune=province.communes.order_by("code").first() if with_commune else None,
    )
    for group in groups if groups is not None else ["poor"]:
        PriorityGroupClaim.objects.create(profile=profile, group=group)
    return profile


def attach(application: Application, actor: User, what: str = "receipt") -> Attachment:
    document_type = None if what == "receipt" else DocumentType.objects.get(code=what)
    return services.attachment_add(
        application_id=application.pk,
        actor=actor,
        kind=Attachment.Kind.RECEIPT if what == "receipt" else Attachment.Kind.DOCUMENT,
        document_type=document_type,
        clean=clean_upload(jpeg_upload()),
        original_name=f"{what}.jpg",
    )


def draft_grant(
    profile: WorkerProfile,
    programme: SupportProgramme,
    *,
    lines: dict[str, tuple[int, int]] | None = None,
    receipt: bool = True,
) -> Application:
    """A draft with cost lines and a receipt: ready to be sent."""
    actor = profile.user
    application = services.application_start(profile=profile, programme=programme, actor=actor)
    items = {item.code: item for item in programme.cost_items.all()}
    wanted = lines if lines is not None else {"language_training": (1, 4_000_000)}
    services.application_save(
        application_id=application.pk,
        actor=actor,
        values={"phone": "0912345678"},
        lines=[
            services.LineInput(item_id=items[code].pk, quantity=q, amount=Decimal(a))
            for code, (q, a) in wanted.items()
        ],
    )
    if receipt:
        attach(application, actor)
    application.refresh_from_db()
    return application


def submitted_grant(profile: WorkerProfile, programme: SupportProgramme, **kw: Any) -> Application:
    application = draft_grant(profile, programme, **kw)
    return services.application_submit(application_id=application.pk, actor=profile.user)


def in_review(
    profile: WorkerProfile, programme: SupportProgramme, counsellor: User, **kw: Any
) -> Application:
    application = submitted_grant(profile, programme, **kw)
    return services.application_review(application_id=application.pk, actor=counsellor)
