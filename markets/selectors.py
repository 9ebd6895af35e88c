"""Reads of the markets app that pages and other apps (job fairs, cases, reports) share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from markets import rules
from markets.charts import BarChart, bar_chart
from markets.models import (
    FEE_RULE_KINDS,
    Complaint,
    ComplaintOutcome,
    ComplaintQuerySet,
    ComplaintStatus,
    DepartureStat,
    DepartureTotal,
    Enterprise,
    EnterpriseNameToken,
    ExchangeRate,
    FigureKind,
    FraudReport,
    FraudReportQuerySet,
    FraudReportStatus,
    LegalFigure,
    Market,
    Notice,
    Programme,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# --- Markets --------------------------------------------------------------------------


def published_markets() -> QuerySet[Market]:
    """Published markets with their published programmes, in the admins' order."""
    return Market.objects.published().prefetch_related(
        Prefetch("programmes", queryset=Programme.objects.filter(is_published=True))
    )


def market_for_public(code: str, on: datetime.date | None = None) -> Market:
    """One published market with programmes and the figures in force on `on` (today), each
    list in `.figures_in_force`; Market.DoesNotExist otherwise."""
    day = on or timezone.localdate()
    in_force = LegalFigure.objects.in_force_on(day)
    return (
        Market.objects.published()
        .prefetch_related(
            Prefetch(
                "programmes",
                queryset=Programme.objects.filter(is_published=True).prefetch_related(
                    Prefetch("figures", queryset=in_force, to_attr="figures_in_force")
                ),
            ),
            Prefetch("figures", queryset=in_force, to_attr="figures_in_force"),
            "departures",
        )
        .get(code=code)
    )


def national_rules(on: datetime.date | None = None) -> list[LegalFigure]:
    """The rules in force for every programme (Law 69/2020), each with its source."""
    day = on or timezone.localdate()
    return list(
        LegalFigure.objects.in_force_on(day).filter(market__isnull=True, programme__isnull=True)
    )


class MissingRule(LookupError):
    """No rule in force for the service fee: the administrators must record one."""


def fee_rules_for(programme: Programme, on: datetime.date | None = None) -> rules.FeeRules:
    """The fee rules in force for a programme on a day (today): the programme's own rows win
    over the market's, which win over the national ones. Raises MissingRule when no wage
    rule is in force."""
    day = on or timezone.localdate()
    rows = LegalFigure.objects.in_force_on(day).filter(
        Q(programme=programme)
        | Q(market_id=programme.market_id)
        | Q(market__isnull=True, programme__isnull=True),
        kind__in=FEE_RULE_KINDS,
    )

    def narrowness(figure: LegalFigure) -> int:
        return 2 if figure.programme_id else 1 if figure.market_id else 0

    chosen: dict[str, LegalFigure] = {}
    for figure in sorted(rows, key=lambda f: (narrowness(f), f.valid_from, f.pk)):
        chosen[figure.kind] = figure  # the narrowest and latest wins

    wage = chosen.get(FigureKind.SERVICE_FEE_MONTHS_PER_YEAR)
    if wage is None or wage.amount is None:
        raise MissingRule(FigureKind.SERVICE_FEE_MONTHS_PER_YEAR)
    long = chosen.get(FigureKind.SERVICE_FEE_LONG_CONTRACT)
    cap = chosen.get(FigureKind.SERVICE_FEE_CAP)
    deposit_cap = chosen.get(FigureKind.DEPOSIT_CAP)

    def basis(kind: FigureKind) -> rules.Basis | None:
        figure = chosen.get(kind)
        return figure.basis() if figure is not None else None

    def money(figure: LegalFigure | None) -> rules.Money | None:
        if figure is None or figure.amount is None:
            return None
        return rules.Money(figure.amount, figure.currency or rules.VND)

    return rules.FeeRules(
        wage_rule_months_per_year=wage.amount,
        wage_rule_basis=wage.basis(),
        long_contract_from_months=long.per_months if long and long.amount is not None else None,
        long_contract_max_months=long.amount if long else None,
        long_contract_basis=long.basis() if long else None,
        service_fee_cap=money(cap),
        service_fee_cap_months=cap.per_months if cap else None,
        service_fee_cap_basis=cap.basis() if cap else None,
        no_service_fee=basis(FigureKind.NO_SERVICE_FEE),
        no_brokerage=basis(FigureKind.NO_BROKERAGE),
        no_deposit=basis(FigureKind.NO_DEPOSIT),
        deposit_cap=money(deposit_cap),
        deposit_cap_basis=deposit_cap.basis() if deposit_cap else None,
    )


def programme_figures(programme: Programme, on: datetime.date | None = None) -> list[LegalFigure]:
    """Every figure in force for a programme, with the market's and the national fee rules,
    for the fee checker's answer: each with its source and status."""
    day = on or timezone.localdate()
    return list(
        LegalFigure.objects.in_force_on(day).filter(
            Q(programme=programme) | Q(market_id=programme.market_id)
        )
    )


#: Who a counsellor calls for a worker in trouble in a market, in this order.
CONTACT_KINDS = (FigureKind.LABOUR_BOARD, FigureKind.HOTLINE)


def market_contacts(market_id: int | None, on: datetime.date | None = None) -> list[LegalFigure]:
    """The labour management board at the embassy and the hotlines of a market, in force on
    the day, each with its source and whether its number was checked (never a guess)."""
    if market_id is None:
        return []
    day = on or timezone.localdate()
    rows = list(
        LegalFigure.objects.in_force_on(day).filter(
            market_id=market_id, programme__isnull=True, kind__in=CONTACT_KINDS
        )
    )
    return sorted(rows, key=lambda f: (CONTACT_KINDS.index(f.kind), f.order, f.pk))


def exchange_rates() -> dict[str, Decimal]:
    """VND per unit of each currency on file, VND itself included."""
    rates = dict(ExchangeRate.objects.values_list("currency", "vnd_per_unit"))
    rates[rules.VND] = Decimal(1)
    return rates


def exchange_rate_dates() -> dict[str, datetime.date]:
    return dict(ExchangeRate.objects.values_list("currency", "as_of"))


def fee_check_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(is_published=True, market__is_published=True).select_related(
        "market"
    )


def market_departures_chart(market: Market) -> BarChart | None:
    stats: list[DepartureStat] = sorted(market.departures.all(), key=lambda s: s.year)
    return bar_chart([(str(s.year), s.departures) for s in stats])


def national_departures() -> list[DepartureTotal]:
    return list(DepartureTotal.objects.order_by("year"))


def national_departures_chart(totals: list[DepartureTotal]) -> BarChart | None:
    return bar_chart([(str(t.year), t.total) for t in totals])


# --- Notices --------------------------------------------------------------------------


def public_notices(
    *, province_id: int | None, all_provinces: bool = False, now: datetime.datetime | None = None
) -> QuerySet[Notice]:
    """What the public sees now: pinned first, newest first; national plus one province (or
    every province)."""
    notices = Notice.objects.visible_at(now or timezone.now())
    if not all_provinces:
        notices = notices.in_scope(province_id)
    return notices.select_related("province").public_order()


def notice_for_public(pk: int, *, now: datetime.datetime | None = None) -> Notice:
    """One notice the public may read now; Notice.DoesNotExist otherwise."""
    return Notice.objects.visible_at(now or timezone.now()).select_related("province").get(pk=pk)


def staff_notices(user: User) -> QuerySet[Notice]:
    """The notices a manager or admin may edit: their province's, or all for an admin."""
    return Notice.objects.for_user(user).select_related("province", "author")


# --- Enterprises ----------------------------------------------------------------------


def enterprise_may_recruit(enterprise: Enterprise, on: datetime.date) -> bool:
    """Whether the enterprise's licence lets it recruit workers on that day."""
    return enterprise.may_recruit_on(on)


def licensed_enterprises_on(day: datetime.date) -> QuerySet[Enterprise]:
    """Enterprises whose licence lets them recruit on that day (for job fairs, cases)."""
    return Enterprise.objects.may_recruit_on(day)


def enterprise_list(query: str = "") -> QuerySet[Enterprise]:
    return Enterprise.objects.search(query).prefetch_related("markets")


@dataclass(frozen=True)
class EnterpriseSearch:
    query: str
    results: QuerySet[Enterprise]
    look_alikes: list[rules.LookAlike]


LOOK_ALIKE_CANDIDATES = 50


def enterprise_look_alikes(
    query: str, *, exclude: QuerySet[Enterprise] | None = None
) -> list[rules.LookAlike]:
    """Registered names sharing a distinctive part with the query ("Hoang Lien Group",
    "Cong ty TNHH Nhan luc Hoang Lien" against the licensed "Công ty CP Nhân lực Hoàng
    Liên"), most alike first. One indexed query over the name-token table: the register is
    never read whole."""
    wanted = rules.name_tokens(rules.normalise(query))
    if not wanted or len("".join(wanted)) < 3:
        return []
    # Candidates come off the token index; each one's shared words are counted over the
    # (enterprise, token) index: no GROUP BY over the enterprise's columns, no table scan.
    tokens = EnterpriseNameToken.objects.filter(token__in=wanted)
    shared = (
        tokens.filter(enterprise=OuterRef("pk"))
        .values("enterprise")
        .annotate(n=Count("pk"))
        .values("n")
    )
    candidates = Enterprise.objects.filter(pk__in=tokens.values("enterprise_id")).annotate(
        shared=Subquery(shared)
    )
    if exclude is not None:
        candidates = candidates.exclude(pk__in=exclude.values("pk"))
    # Most shared words first; rules.is_look_alike then decides on these few rows (one
    # shared word out of several needs the rest to be nearly the same text).
    rows = candidates.order_by("-shared", "name_normalised", "pk").values_list(
        "pk", "name", "name_distinctive", "shared"
    )[:LOOK_ALIKE_CANDIDATES]
    found: list[rules.LookAlike] = []
    for pk, name, name_distinctive, shared in rows:
        other = name_distinctive.split()
        if rules.is_look_alike(wanted=wanted, other=other, shared=shared):
            found.append(rules.LookAlike(pk, name, shared / max(len(wanted), len(other))))
    found.sort(key=lambda item: -item.ratio)
    return found


def enterprise_search(query: str) -> EnterpriseSearch:
    """Matches for a name or licence number, and registered names that merely look like it
    (those not already among the matches)."""
    results = enterprise_list(query)
    look_alikes: list[rules.LookAlike] = []
    if query.strip():
        look_alikes = enterprise_look_alikes(query, exclude=results)[:5]
    return EnterpriseSearch(query=query, results=results, look_alikes=look_alikes)


def enterprise_for_public(pk: int) -> Enterprise:
    return Enterprise.objects.prefetch_related("markets").get(pk=pk)


# --- Fraud reports --------------------------------------------------------------------


def fraud_reports_for(user: User | AnonymousUser, status: str = "") -> FraudReportQuerySet:
    reports = FraudReport.objects.for_user(user).select_related("province", "commune")
    if status in FraudReportStatus.values:
        reports = reports.filter(status=status)
    return reports


def fraud_reports_open_count(user: User | AnonymousUser) -> int:
    """Reports not yet closed in the user's scope: for a count on the staff home."""
    if not user.is_authenticated or not user.is_staff_member:
        return 0
    return FraudReport.objects.for_user(user).open().count()


def market_codes() -> dict[int, str]:
    """Every market's code by its id (for figures keyed by id)."""
    return dict(Market.objects.values_list("pk", "code"))


# --- Complaints -----------------------------------------------------------------------

#: Outcomes in which the complainant got what she asked for (counted as resolved).
RESOLVED_OUTCOMES = (ComplaintOutcome.RESOLVED, ComplaintOutcome.RECOVERED)


def complaints_for(user: User | AnonymousUser) -> ComplaintQuerySet:
    """Complaints the user may see: her own (a worker), her province's (staff), all (admin)."""
    return Complaint.objects.for_user(user).select_related("province", "enterprise")


def complaints_open_count(user: User | AnonymousUser) -> int:
    """Complaints not yet closed in the user's scope: for a count on the staff home."""
    if not user.is_authenticated or not user.is_staff_member:
        return 0
    return Complaint.objects.for_user(user).open().count()


@dataclass(frozen=True)
class EnterpriseCases:
    """An enterprise's complaints and fraud reports as one staff member may see them."""

    complaints: list[Complaint]
    fraud_reports: list[FraudReport]
    complaints_total: int
    complaints_open: int
    complaints_resolved: int
    amount_recovered: Decimal
    fraud_reports_total: int

    RECENT = 50


def enterprise_cases(enterprise: Enterprise, user: User | AnonymousUser) -> EnterpriseCases:
    """Counts over every row in scope and the latest rows of each: four queries whatever
    the number of complaints."""
    complaints = Complaint.objects.for_user(user).filter(enterprise=enterprise)
    totals = complaints.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status=ComplaintStatus.CLOSED)),
        resolved=Count("pk", filter=Q(outcome__in=RESOLVED_OUTCOMES)),
        recovered=Sum("amount_recovered"),
    )
    reports = FraudReport.objects.for_user(user).filter(enterprise=enterprise)
    recent_reports = list(reports.select_related("province")[: EnterpriseCases.RECENT + 1])
    return EnterpriseCases(
        complaints=list(complaints.select_related("province")[: EnterpriseCases.RECENT]),
        fraud_reports=recent_reports[: EnterpriseCases.RECENT],
        complaints_total=totals["total"],
        complaints_open=totals["open"],
        complaints_resolved=totals["resolved"],
        amount_recovered=totals["recovered"] or Decimal(0),
        fraud_reports_total=reports.count()
        if len(recent_reports) > EnterpriseCases.RECENT
        else len(recent_reports),
    )


@dataclass(frozen=True)
class ComplaintRow:
    enterprise_id: int | None  # None: brokers and others outside the register
    name: str
    licence_number: str
    lodged: int
    resolved: int
    recovered: Decimal


def complaints_by_enterprise(
    province_id: int | None, start: datetime.datetime, end: datetime.datetime
) -> list[ComplaintRow]:
    """Per enterprise, in [start, end): complaints lodged, complaints closed as resolved or
    with money recovered, and the money recovered (by the day each was closed). Brokers,
    named in free text, make one row. One query, most complaints first."""
    complaints = Complaint.objects.unscoped("the province the view chose, or the nation")
    if province_id is not None:
        complaints = complaints.filter(province_id=province_id)
    lodged = Q(created_at__gte=start, created_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    rows = (
        complaints.filter(lodged | closed)
        .values("enterprise_id", "enterprise__name", "enterprise__licence_number")
        .annotate(
            lodged=Count("pk", filter=lodged),
            resolved=Count("pk", filter=closed & Q(outcome__in=RESOLVED_OUTCOMES)),
            recovered=Sum("amount_recovered", filter=closed),
        )
        .order_by()
    )
    result = [
        ComplaintRow(
            enterprise_id=row["enterprise_id"],
            name=row["enterprise__name"] or "",
            licence_number=row["enterprise__licence_number"] or "",
            lodged=row["lodged"],
            resolved=row["resolved"],
            recovered=row["recovered"] or Decimal(0),
        )
        for row in rows
    ]
    result.sort(key=lambda r: (r.enterprise_id is None, -r.lodged, -r.resolved, r.name))
    return result
