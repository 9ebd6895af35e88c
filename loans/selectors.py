"""Reads of support programmes and applications that more than one view or service needs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import STAFF_ROLES
from loans import rules
from loans.models import (
    BUDGET_STATUSES,
    COMMITTED_STATUSES,
    OPEN_STATUSES,
    SPENT_STATUSES,
    WAITING_STATUSES,
    Application,
    ApplicationEvent,
    Attachment,
    CostItem,
    GroupRule,
    InterestRate,
    Kind,
    ProgrammeBudget,
    Status,
    SupportProgramme,
    SupportProgrammeQuerySet,
    Unit,
)
from workers.models import Document, DocumentType, Stage, WorkerProfile

ZERO = Decimal(0)
MONEY_OUT = DecimalField(max_digits=16, decimal_places=0)

#: Case stages at which the worker holds a signed contract.
CONTRACT_STAGES = (Stage.CONTRACTED, Stage.DEPARTED)

#: What a counsellor or manager did that makes them the "maker" of an application: they may
#: not also be its checker (approve it).
MAKER_ACTIONS = (
    ApplicationEvent.Action.START,
    ApplicationEvent.Action.EDIT,
    ApplicationEvent.Action.ATTACH,
    ApplicationEvent.Action.SUBMIT,
    ApplicationEvent.Action.RESUBMIT,
    ApplicationEvent.Action.REVIEW,
    ApplicationEvent.Action.REQUEST_INFO,
)


# --- Programmes -----------------------------------------------------------------------


def programmes_with_terms() -> SupportProgrammeQuerySet:
    """Programmes with everything their rules and forms read, in a fixed number of queries."""
    return SupportProgramme.objects.select_related("province").prefetch_related(
        "markets",
        "programmes__market",
        "required_documents",
        Prefetch("cost_items", queryset=CostItem.objects.order_by("order", "pk")),
        Prefetch("group_rules", queryset=GroupRule.objects.order_by("valid_from")),
        Prefetch("interest_rates", queryset=InterestRate.objects.order_by("order", "valid_from")),
    )


def programme_terms(programme: SupportProgramme) -> rules.Terms:
    """The programme's conditions and figures in the shape the pure rules take."""
    return rules.Terms(
        kind=programme.kind,
        valid_from=programme.valid_from,
        valid_to=programme.valid_to,
        accepts_until=programme.accepts_until,
        legal_basis=str(programme.legal_basis),
        province_id=programme.province_id,
        province_name=programme.province.short_name if programme.province else "",
        groups=tuple(programme.eligible_groups or ()),
        group_periods=tuple(
            rules.GroupPeriod(
                valid_from=rule.valid_from,
                valid_to=rule.valid_to,
                groups=tuple(rule.groups or ()),
                legal_basis=rule.legal_basis,
                confirmed=rule.confirmed,
            )
            for rule in programme.group_rules.all()
        ),
        markets=tuple((m.code, str(m.name)) for m in programme.markets.all()),
        programmes=tuple(
            (f"{p.market.code}/{p.code}", f"{p.market.name} · {p.name}")
            for p in programme.programmes.all()
        ),
        age_min=programme.age_min,
        age_max=programme.age_max,
        requires_residence=programme.requires_residence,
        requires_permanent_residence=programme.requires_permanent_residence,
        requires_contract=programme.requires_contract,
        contract_deadline_days=programme.contract_deadline_days,
        loan_max=programme.loan_max,
        loan_share_percent=programme.loan_share_percent,
        deduct_state_support=programme.deduct_state_support,
        deposit_loan=programme.deposit_loan,
        collateral_threshold=programme.collateral_threshold,
        term_max_months=programme.term_max_months,
        term_within_contract=programme.term_within_contract,
    )


def rates_in_force(programme: SupportProgramme, day: datetime.date) -> list[InterestRate]:
    """The programme's interest rates in force on `day` (prefetched `interest_rates`)."""
    return [
        rate
        for rate in programme.interest_rates.all()
        if rate.valid_from <= day and (rate.valid_to is None or day <= rate.valid_to)
    ]


def group_rule_on(programme: SupportProgramme, day: datetime.date) -> GroupRule | None:
    """The dated list of eligible groups in force on `day` (prefetched `group_rules`)."""
    return next(
        (
            rule
            for rule in programme.group_rules.all()
            if rule.valid_from <= day and (rule.valid_to is None or day <= rule.valid_to)
        ),
        None,
    )


def item_cap(item: CostItem) -> rules.Cap:
    return rules.Cap(
        label=str(item.get_code_display()),
        unit=item.unit,
        amount=item.cap,
        unit_label="" if item.unit == Unit.ONCE else str(item.get_unit_display()),
        note=str(item.cap_note),
        legal_basis=item.legal_basis,
    )


# --- Workers --------------------------------------------------------------------------


def profile_for_rules(**lookup: Any) -> WorkerProfile:
    """The profile with what `worker_facts` reads, in one query plus one for the claims."""
    return (
        WorkerProfile.objects.unscoped(
            "callers pass the worker's own or a for_user-fetched profile"
        )
        .select_related(
            "user", "user__province", "commune", "case__market", "case__programme__market"
        )
        .prefetch_related("claims")
        .get(**lookup)
    )


def grants_paid_to(profile: WorkerProfile) -> Decimal:
    """Grants the worker has been paid through the portal (state support already received)."""
    total = (
        Application.objects.unscoped("the state support this worker already received")
        .filter(profile=profile, programme__kind=Kind.GRANT, status=Status.PAID)
        .aggregate(total=Sum("approved_amount"))["total"]
    )
    return total or ZERO


def worker_facts(
    profile: WorkerProfile,
    today: datetime.date,
    *,
    contract_signed_on: datetime.date | None = None,
    costs_arose_on: datetime.date | None = None,
) -> rules.Facts:
    """What the conditions look at, from the worker's file and case."""
    case = getattr(profile, "case", None)
    market = case.market if case is not None else None
    programme = case.programme if case is not None else None
    return rules.Facts(
        age=profile.age_on(today),
        priority_groups=frozenset(profile.priority_groups),
        province_id=profile.user.province_id,
        commune_province_id=profile.commune.province_id if profile.commune else None,
        market_code=market.code if market else None,
        programme_key=f"{programme.market.code}/{programme.code}" if programme else None,
        contract_signed=bool(case is not None and case.stage in CONTRACT_STAGES),
        contract_signed_on=contract_signed_on,
        costs_arose_on=costs_arose_on,
        permanent_residence_here=profile.permanent_residence_here,
        state_support_received=grants_paid_to(profile),
    )


@dataclass
class ProgrammeOption:
    """One open programme as a worker sees it: can they apply, and if not, why not yet."""

    programme: SupportProgramme
    reasons: list[str]
    application: Application | None = None

    @property
    def can_apply(self) -> bool:
        return not self.reasons and self.application is None


def support_overview(profile: WorkerProfile, today: datetime.date) -> list[ProgrammeOption]:
    """Every programme open today in the worker's province or nationally, with the reasons."""
    facts = worker_facts(profile, today)
    programmes = programmes_with_terms().open_on(today, profile.user.province_id)
    open_applications = {
        a.programme_id: a
        for a in Application.objects.unscoped(
            "the open applications of the worker being advised"
        ).filter(profile=profile, status__in=OPEN_STATUSES)
    }
    options = [
        ProgrammeOption(
            programme=programme,
            reasons=rules.unmet_conditions(facts, programme_terms(programme), today),
            application=open_applications.get(programme.pk),
        )
        for programme in programmes
    ]
    # What the worker can do now comes first.
    return sorted(options, key=lambda o: (not o.can_apply, o.programme.order))


def eligibility_for(
    application: Application, today: datetime.date
) -> tuple[rules.Facts, rules.Terms, list[str]]:
    """The facts, terms and unmet conditions of an application's worker and programme."""
    profile = profile_for_rules(pk=application.profile_id)
    programme = programmes_with_terms().get(pk=application.programme_id)
    facts = worker_facts(
        profile,
        today,
        contract_signed_on=application.contract_signed_on,
        costs_arose_on=application.costs_arose_on,
    )
    terms = programme_terms(programme)
    return facts, terms, rules.unmet_conditions(facts, terms, today)


# --- Applications ---------------------------------------------------------------------


def application_lines(application: Application) -> list[rules.Line]:
    return [
        rules.Line(item_cap(line.item), line.quantity, line.amount)
        for line in application.lines.select_related("item")
    ]


def missing_documents(application: Application) -> list[DocumentType]:
    """Required documents neither attached (to this or another of the worker's applications)
    nor in the worker's file.

    A document in the file counts unless a counsellor returned it: the review checks it.
    """
    required = list(application.programme.required_documents.all())
    if not required:
        return []
    # A document sent with another of the worker's applications counts too: nobody should
    # photograph their ID card again for each application.
    attached = set(
        Attachment.objects.unscoped("the worker's own applications")
        .filter(application__profile_id=application.profile_id, document_type__isnull=False)
        .values_list("document_type_id", flat=True)
    )
    in_file = set(
        Document.objects.unscoped("the applicant's own papers")
        .filter(profile_id=application.profile_id)
        .exclude(status=Document.Status.RETURNED)
        .values_list("type_id", flat=True)
    )
    return [t for t in required if t.pk not in attached and t.pk not in in_file]


def receipts_count(application: Application) -> int:
    return application.attachments.filter(kind=Attachment.Kind.RECEIPT).count()


def makers_of(application: Application) -> set[int]:
    """Staff who prepared or reviewed the application: none of them may approve it."""
    return set(
        ApplicationEvent.objects.filter(
            application=application,
            action__in=MAKER_ACTIONS,
            actor__role__in=STAFF_ROLES,
        ).values_list("actor_id", flat=True)
    )


def applications_for_review(
    user: Any, *, status: str = "", programme_id: int | None = None
) -> QuerySet[Application]:
    """The staff member's queue: their province's applications, the waiting ones first."""
    queryset = (
        Application.objects.for_user(user)
        .exclude(status=Status.DRAFT)
        .select_related("programme", "profile__user", "province")
    )
    if status == "waiting":
        queryset = queryset.filter(status__in=(*WAITING_STATUSES, Status.APPROVED))
    elif status:
        queryset = queryset.filter(status=status)
    if programme_id:
        queryset = queryset.filter(programme_id=programme_id)
    return queryset.order_by("submitted_at", "pk")


# --- Budgets --------------------------------------------------------------------------


@dataclass
class Figures:
    """A programme's money for one year: budget, promised, paid or referred, left."""

    year: int
    budget: Decimal | None
    committed: Decimal = ZERO
    spent: Decimal = ZERO
    approvals: int = 0
    waiting: int = 0

    @property
    def used(self) -> Decimal:
        return self.committed + self.spent

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.used


def approved_total(programme_id: int, year: int) -> Decimal:
    """Everything that counts against the year's budget (the approving service reads it)."""
    total = (
        Application.objects.unscoped("a programme's budget counts every province's approvals")
        .filter(programme_id=programme_id, budget_year=year, status__in=BUDGET_STATUSES)
        .aggregate(total=Sum("approved_amount"))["total"]
    )
    return total or ZERO


def programmes_with_figures(
    programmes: QuerySet[SupportProgramme], year: int
) -> list[tuple[SupportProgramme, Figures]]:
    """Each programme with its year's figures, in one query however many programmes."""

    def money_sum(statuses: tuple[str, ...]) -> Coalesce:
        return Coalesce(
            Sum(
                "applications__approved_amount",
                filter=Q(applications__budget_year=year, applications__status__in=statuses),
            ),
            Value(ZERO),
            output_field=MONEY_OUT,
        )

    budget = ProgrammeBudget.objects.filter(programme=OuterRef("pk"), year=year).values("amount")
    rows = (
        programmes.annotate(
            year_budget=Subquery(budget[:1], output_field=MONEY_OUT),
            committed=money_sum(COMMITTED_STATUSES),
            spent=money_sum(SPENT_STATUSES),
            approvals=Count(
                "applications",
                filter=Q(applications__budget_year=year, applications__status__in=BUDGET_STATUSES),
            ),
            waiting=Count("applications", filter=Q(applications__status__in=WAITING_STATUSES)),
        )
        .select_related("province")
        .order_by("order", "name_vi")
    )
    return [
        (
            row,
            Figures(
                year=year,
                budget=row.year_budget,
                committed=row.committed,
                spent=row.spent,
                approvals=row.approvals,
                waiting=row.waiting,
            ),
        )
        for row in rows
    ]


def programme_figures(programme: SupportProgramme, year: int) -> Figures:
    rows = programmes_with_figures(SupportProgramme.objects.filter(pk=programme.pk), year)
    return rows[0][1]


def applications_waiting_since(before: datetime.datetime) -> QuerySet[Application]:
    """Sent or resent applications nobody has decided on since `before` (for reminders)."""
    return (
        Application.objects.unscoped("reminder job, every province")
        .filter(status__in=WAITING_STATUSES, updated_at__lt=before)
        .select_related("programme", "province", "profile__user")
        .order_by("updated_at", "pk")
    )
