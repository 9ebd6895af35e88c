"""The figures of the dashboards, read from the other apps in aggregate queries.

Every figure is a COUNT or SUM grouped on indexed columns of the case, session and report
tables, computed when the page is asked for: with a million workers a province's dashboard
reads a few tens of thousands of rows through indexes, so no summary table (and no job
keeping one current) is needed yet. See `make bench` for the figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from accounts.models import Province, User
from fairs.selectors import Figures, fair_figures
from loans.models import (
    BUDGET_STATUSES,
    SPENT_STATUSES,
    WAITING_STATUSES,
    Application,
    SupportProgramme,
)
from markets.models import FraudReport, Market
from reports.models import Target
from workers.models import (
    Case,
    Channel,
    CounsellingSession,
    PriorityGroupClaim,
    Sex,
    Stage,
    Topic,
)
from workers.reference import PriorityGroup

GONE = [Stage.DEPARTED, Stage.RETURNED, Stage.REINTEGRATED]
PREPARING = [Stage.COUNSELLED, Stage.PREPARING, Stage.DOCUMENTS_READY, Stage.CONTRACTED]


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class Progress:
    departures: int
    target: int | None
    year: int
    today: datetime.date

    @property
    def percent(self) -> float | None:
        return round(100 * self.departures / self.target, 1) if self.target else None

    @property
    def monthly_pace_needed(self) -> int | None:
        """Departures a month needed for the rest of the year to reach the target."""
        if not self.target or self.today.year != self.year:
            return None
        remaining = max(0, self.target - self.departures)
        months_left = 12 - self.today.month + 1
        return -(-remaining // months_left)


@dataclass
class Dashboard:
    province: Province | None
    period: Period
    progress: Progress
    departures: int
    by_market: list[tuple[str, int]]
    by_sex: list[tuple[str, int]]
    by_commune: list[tuple[str, int]]
    by_group: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    preparing: int
    abroad: int
    returns: int
    return_overdue: int
    sessions: int
    sessions_by_channel: list[tuple[str, int]]
    sessions_by_topic: list[tuple[str, int]]
    fraud_by_status: list[tuple[str, int]]
    extra: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _cases(province: Province | None) -> QuerySet[Case]:
    cases = Case.objects.all()
    return cases.filter(province=province) if province else cases


def _labelled(rows: list[tuple[object, int]], labels: dict[object, str]) -> list[tuple[str, int]]:
    return sorted(
        ((str(labels.get(key, "—")), count) for key, count in rows),
        key=lambda kv: (-kv[1], kv[0]),
    )


def departures_in(province: Province | None, period: Period) -> QuerySet[Case]:
    """Cases that left for work abroad within the period (whatever their stage now)."""
    return _cases(province).filter(
        stage__in=GONE, departure_date__gte=period.start, departure_date__lte=period.end
    )


def target_for(province: Province | None, year: int) -> int | None:
    targets = Target.objects.filter(year=year, half=Target.Half.YEAR)
    if province is not None:
        targets = targets.filter(province=province)
    values = list(targets.values_list("departures", flat=True))
    return sum(values) if values else None


def job_fairs(user: User, province: Province | None, period: Period) -> list[tuple[str, int]]:
    """Sessions, enterprises, registrations, attendance, interviews and offers of the fairs
    held in the period, from the fairs app's own figures."""
    figures = fair_figures(user, period.start, period.end)
    total = Figures()
    for row in figures.fairs:
        if province is None or row.fair.province_id == province.pk:
            total.add(row.figures)
    return [
        (str(_("Fair sessions held")), total.sessions),
        (str(_("Enterprises taking part")), total.enterprises),
        (str(_("Vacancies offered")), total.vacancies),
        (str(_("Places registered")), total.registrations),
        (str(_("Attendance")), total.attendance),
        (str(_("Interviews held")), total.interviews),
        (str(_("Job offers")), total.offers),
    ]


def support(province: Province | None, year: int) -> dict[str, list[tuple[str, int]]]:
    """Support of the budget year by programme: approved and paid or referred (VND), and
    the applications waiting for a decision now."""
    applications = Application.objects.all()
    if province is not None:
        applications = applications.filter(province=province)
    rows = (
        applications.filter(budget_year=year)
        .values_list("programme")
        .annotate(
            approved=Sum("approved_amount", filter=Q(status__in=BUDGET_STATUSES)),
            spent=Sum("approved_amount", filter=Q(status__in=SPENT_STATUSES)),
        )
    )
    names = {p.pk: p.name for p in SupportProgramme.objects.all()}
    waiting = applications.filter(status__in=WAITING_STATUSES).values_list("programme")
    return {
        "approved": _labelled([(pk, int(a or 0)) for pk, a, _s in rows], names),
        "spent": _labelled([(pk, int(s or 0)) for pk, _a, s in rows], names),
        "waiting": _labelled(list(waiting.annotate(n=Count("pk"))), names),
    }


def topic_counts(sessions: QuerySet[CounsellingSession]) -> list[tuple[str, int]]:
    """(topic, sessions) counted by the database: a session's topics are a JSON list, and
    reading every list into Python took seconds over a nation's sessions."""
    ids = sessions.values("pk").query
    inner, params = ids.sql_with_params()
    if connection.vendor == "postgresql":
        each = "jsonb_array_elements_text(s.topics) AS t(value)"
    else:
        each = "json_each(s.topics) AS t"
    table = connection.ops.quote_name(CounsellingSession._meta.db_table)
    sql = (
        f"SELECT t.value, COUNT(*) FROM {table} s CROSS JOIN {each} "  # noqa: S608
        f"WHERE s.id IN ({inner}) GROUP BY t.value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(str(topic), int(n)) for topic, n in cursor.fetchall()]


def dashboard(
    province: Province | None, period: Period, today: datetime.date, user: User | None = None
) -> Dashboard:
    left = departures_in(province, period)
    departures = left.count()
    year_left = departures_in(
        province,
        Period(datetime.date(period.end.year, 1, 1), datetime.date(period.end.year, 12, 31)),
    )
    markets = {m.pk: m.name for m in Market.objects.all()}
    by_market = _labelled(list(left.values_list("market").annotate(n=Count("pk"))), markets)
    sexes = dict(Sex.choices)
    by_sex = _labelled(list(left.values_list("profile__sex").annotate(n=Count("pk"))), sexes)
    by_commune = [
        (name or "—", n)
        for name, n in left.values_list("profile__commune__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "profile__commune__name")[:20]
    ]
    groups = dict(PriorityGroup.choices)
    by_group = _labelled(
        list(
            PriorityGroupClaim.objects.filter(profile__case__in=left)
            .values_list("group")
            .annotate(n=Count("pk"))
        ),
        groups,
    )
    by_month = [
        (month.strftime("%m/%Y"), n)
        for month, n in left.annotate(month=TruncMonth("departure_date"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    ]
    cases = _cases(province)
    snapshot = cases.aggregate(
        preparing=Count("pk", filter=Q(stage__in=PREPARING)),
        abroad=Count("pk", filter=Q(stage=Stage.DEPARTED)),
        returns=Count("pk", filter=Q(return_date__gte=period.start, return_date__lte=period.end)),
    )
    sessions = CounsellingSession.objects.filter(
        held_at__date__gte=period.start, held_at__date__lte=period.end
    )
    if province is not None:
        sessions = sessions.filter(province=province)
    channels = dict(Channel.choices)
    by_channel = _labelled(list(sessions.values_list("channel").annotate(n=Count("pk"))), channels)
    topic_labels = dict(Topic.choices)
    by_topic = _labelled(topic_counts(sessions), topic_labels)
    reports = FraudReport.objects.all()
    if province is not None:
        reports = reports.filter(province=province)
    statuses = dict(FraudReport._meta.get_field("status").flatchoices)
    fraud = _labelled(list(reports.values_list("status").annotate(n=Count("pk"))), statuses)
    return Dashboard(
        province=province,
        period=period,
        progress=Progress(
            year_left.count(), target_for(province, period.end.year), period.end.year, today
        ),
        departures=departures,
        by_market=by_market,
        by_sex=by_sex,
        by_commune=by_commune,
        by_group=by_group,
        by_month=by_month,
        preparing=snapshot["preparing"],
        abroad=snapshot["abroad"],
        returns=snapshot["returns"],
        return_overdue=cases.return_overdue(today).count(),
        sessions=sessions.count(),
        sessions_by_channel=by_channel,
        sessions_by_topic=by_topic,
        fraud_by_status=fraud,
        extra={
            "fairs": job_fairs(user, province, period) if user is not None else [],
            **support(province, period.end.year),
        },
    )


@dataclass(frozen=True)
class ProvinceRow:
    province: Province
    departures: int
    target: int | None

    @property
    def percent(self) -> float | None:
        return round(100 * self.departures / self.target, 1) if self.target else None


def national(year: int) -> list[ProvinceRow]:
    """Each of the 34 provinces against its target for the year: two grouped queries."""
    period = Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    counts = dict(departures_in(None, period).values_list("province").annotate(n=Count("pk")))
    targets = dict(
        Target.objects.filter(year=year, half=Target.Half.YEAR).values_list(
            "province", "departures"
        )
    )
    return [
        ProvinceRow(p, counts.get(p.pk, 0), targets.get(p.pk))
        for p in Province.objects.order_by("short_name")
    ]
