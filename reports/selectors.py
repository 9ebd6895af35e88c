"""The figures of the dashboards, read from the other apps in aggregate queries.

A province's dashboard counts its own cases and sessions when the page is asked for: at a
million workers that is a few tens of thousands of rows read through indexes, exact to the
minute. The national view would count all of them for every visit, so whole months before
the current one and the current month so far come from `MonthlyFigure`, rebuilt every ten
minutes by a job; a period that starts or ends inside a past month counts those days live.
See `make bench`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Count, DateField, F, Q, QuerySet, Sum, Value, When
from django.db.models import Case as Cases
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Commune, Province, User
from accounts.text import vietnamese_sort_key
from assistance.selectors import HelpFigures
from assistance.selectors import figures as help_figures
from fairs.selectors import Figures, fair_figures
from loans.models import (
    BUDGET_STATUSES,
    SPENT_STATUSES,
    WAITING_STATUSES,
    Application,
    ApplicationEvent,
    Kind,
    Status,
    SupportProgramme,
)
from markets.models import FraudReport, Market
from markets.selectors import ComplaintRow, complaints_by_enterprise
from orientation.selectors import lessons_passed_between, workers_completed_count
from reports.models import MonthlyFigure, SummaryRun, Target
from workers.models import (
    Case,
    CaseQuerySet,
    Channel,
    CounsellingSession,
    PriorityGroupClaim,
    Sex,
    Stage,
    Topic,
)
from workers.reference import PriorityGroup

GONE = [Stage.DEPARTED, Stage.LEFT_CONTRACT, Stage.RETURNED, Stage.REINTEGRATED]
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
    #: (market, women, men, all) of the period's departures, most departures first.
    by_market_sex: list[tuple[str, int, int, int]] = field(default_factory=list)
    #: Workers recorded as having left their contract or overstayed in the period, by market.
    left_contract: list[tuple[str, int]] = field(default_factory=list)
    support_period: SupportFigures | None = None
    # When the national figures of whole past months were counted (None: all counted now).
    summarised_at: datetime.datetime | None = None
    extra: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: Workers who have passed every national orientation lesson online (to date).
    orientation_completed: int = 0
    #: Orientation lessons first passed online in the period.
    orientation_lessons_passed: int = 0
    #: Complaints lodged, resolved and money recovered in the period, by enterprise.
    complaints: list[ComplaintRow] = field(default_factory=list)
    #: Help requests from abroad: received in the period by kind, time to first contact,
    #: closed in the period by outcome, amounts recovered.
    help: HelpFigures | None = None
    #: When these figures were counted, if they were kept a short while (`dashboard_recent`).
    computed_at: datetime.datetime | None = None

    @property
    def left_contract_total(self) -> int:
        return sum(n for _market, n in self.left_contract)


def _cases(province: Province | None) -> CaseQuerySet:
    cases = Case.objects.unscoped(
        "a report of one province, or national for who may see the nation"
    )
    return cases.filter(province=province) if province else cases


def _labelled(
    rows: Sequence[tuple[Any, int]], labels: Mapping[Any, object]
) -> list[tuple[str, int]]:
    return sorted(
        ((str(labels.get(key, "—")), count) for key, count in rows),
        key=lambda kv: (-kv[1], vietnamese_sort_key(kv[0])),
    )


def departures_in(province: Province | None, period: Period) -> QuerySet[Case]:
    """Cases that left for work abroad within the period (whatever their stage now)."""
    return _cases(province).filter(
        stage__in=GONE, departure_date__gte=period.start, departure_date__lte=period.end
    )


def target_for(province: Province | None, year: int) -> int | None:
    targets = Target.objects.unscoped("the caller passes the province").filter(
        year=year, half=Target.Half.YEAR
    )
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
    applications = Application.objects.unscoped("the province the view chose, or the nation")
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


@dataclass
class SupportRow:
    """One programme's support in a period: grants paid, and loans referred, granted, lent."""

    name: str
    kind: str
    paid_workers: int = 0
    paid_amount: int = 0
    referred: int = 0
    referred_workers: int = 0
    granted: int = 0
    granted_workers: int = 0
    lent_amount: int = 0


@dataclass
class SupportFigures:
    """The period's support, by programme and in total; a worker is counted once in a total
    however many programmes or applications they had."""

    rows: list[SupportRow]
    workers_supported: int = 0
    amount_paid: int = 0
    loans_referred: int = 0
    workers_lent: int = 0
    amount_lent: int = 0


def support_in(province: Province | None, period: Period) -> SupportFigures:
    """Grants paid, loans referred, granted and lent in the period, by programme.

    Paid grants count on the day they were paid (their closing); loans count as referred on
    the day of the referral, and as granted on the date of the bank's decision, at the
    amount the bank lent (not the amount the centre approved). Four queries whatever the
    number of applications or programmes.
    """
    applications = Application.objects.unscoped("the province the view chose, or the nation")
    events = ApplicationEvent.objects.filter(action=ApplicationEvent.Action.REFER)
    if province is not None:
        applications = applications.filter(province=province)
        events = events.filter(application__province=province)
    start, end = midnight(period.start), midnight(period.end + datetime.timedelta(days=1))
    paid = Q(
        status=Status.PAID, programme__kind=Kind.GRANT, closed_at__gte=start, closed_at__lt=end
    )
    granted = Q(
        status=Status.LOAN_GRANTED,
        bank_decided_on__gte=period.start,
        bank_decided_on__lte=period.end,
    )
    rows: dict[int, SupportRow] = {}
    names = {
        p.pk: (str(p.name), p.kind)
        for p in SupportProgramme.objects.only("pk", "name_vi", "name_en", "kind")
    }

    def row(pk: int) -> SupportRow:
        name, kind = names.get(pk, ("—", ""))
        return rows.setdefault(pk, SupportRow(name=name, kind=kind))

    by_programme = (
        applications.filter(paid | granted)
        .order_by()
        .values_list("programme")
        .annotate(
            paid_workers=Count("profile", distinct=True, filter=paid),
            paid_amount=Sum("approved_amount", filter=paid),
            granted=Count("pk", filter=granted),
            granted_workers=Count("profile", distinct=True, filter=granted),
            lent=Sum("lent_amount", filter=granted),
        )
    )
    for pk, paid_workers, paid_amount, n_granted, granted_workers, lent in by_programme:
        r = row(pk)
        r.paid_workers, r.paid_amount = paid_workers, int(paid_amount or 0)
        r.granted, r.granted_workers, r.lent_amount = n_granted, granted_workers, int(lent or 0)
    referred = events.filter(at__gte=start, at__lt=end).order_by()
    for pk, n, workers in referred.values_list("application__programme").annotate(
        n=Count("application", distinct=True),
        workers=Count("application__profile", distinct=True),
    ):
        r = row(pk)
        r.referred, r.referred_workers = n, workers
    totals = applications.filter(paid | granted).aggregate(
        workers_supported=Count("profile", distinct=True, filter=paid),
        amount_paid=Sum("approved_amount", filter=paid),
        workers_lent=Count("profile", distinct=True, filter=granted),
        amount_lent=Sum("lent_amount", filter=granted),
    )
    return SupportFigures(
        rows=sorted(rows.values(), key=lambda r: (r.kind, r.name)),
        workers_supported=totals["workers_supported"] or 0,
        amount_paid=int(totals["amount_paid"] or 0),
        loans_referred=sum(r.referred for r in rows.values()),
        workers_lent=totals["workers_lent"] or 0,
        amount_lent=int(totals["amount_lent"] or 0),
    )


def left_contract_in(province: Province | None, period: Period) -> list[tuple[object, int]]:
    """(market id, workers) who left their contract or overstayed in the period."""
    cases = _cases(province).filter(
        left_contract_on__gte=period.start, left_contract_on__lte=period.end
    )
    return list(cases.order_by().values_list("market").annotate(n=Count("pk")))


def by_market_and_sex(
    market_sex: Counter[str], markets: dict[str, str]
) -> list[tuple[str, int, int, int]]:
    """(market, women, men, all) from "<market>|<sex>" counts, most departures first."""
    table: dict[str, list[int]] = {}
    for key, n in market_sex.items():
        market, _sep, sex = key.partition("|")
        women_men_all = table.setdefault(market, [0, 0, 0])
        if sex == Sex.FEMALE:
            women_men_all[0] += n
        elif sex == Sex.MALE:
            women_men_all[1] += n
        women_men_all[2] += n
    return sorted(
        ((str(markets.get(m, "—")), w, men, total) for m, (w, men, total) in table.items()),
        key=lambda row: (-row[3], row[0]),
    )


def topic_counts(sessions: QuerySet[CounsellingSession], **by: Any) -> list[tuple[Any, ...]]:
    """(*by, topic, sessions) counted by the database, grouped by the expressions `by`.

    A session's topics are a JSON list: reading every list into Python took seconds over a
    nation's sessions.
    """
    # Unordered: the sessions' default order would sort every row of the period first.
    rows = sessions.order_by().values(listed=F("topics"), **by)
    inner, params = rows.query.sql_with_params()
    if connection.vendor == "postgresql":
        each = "jsonb_array_elements_text(i.listed) AS t(value)"
    else:
        each = "json_each(i.listed) AS t"
    groups = "".join(f"i.{connection.ops.quote_name(name)}, " for name in by)
    sql = (
        f"SELECT {groups}t.value, COUNT(*) FROM ({inner}) i "  # noqa: S608
        f"CROSS JOIN {each} GROUP BY {groups}t.value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def channel_and_topic_counts(
    sessions: QuerySet[CounsellingSession],
) -> tuple[Counter[str], Counter[str]]:
    """Sessions by channel and by topic in one query (one round trip, not two): the topics
    of a session are a JSON list, unnested by the database as in `topic_counts`."""
    rows = sessions.order_by().values("channel", listed=F("topics"))
    inner, params = rows.query.sql_with_params()
    if connection.vendor == "postgresql":
        each = "jsonb_array_elements_text(i.listed) AS t(value)"
    else:
        each = "json_each(i.listed) AS t"
    sql = (
        f"SELECT 'c', i.channel, COUNT(*) FROM ({inner}) i GROUP BY i.channel "  # noqa: S608
        f"UNION ALL SELECT 't', t.value, COUNT(*) FROM ({inner}) i CROSS JOIN {each} "
        "GROUP BY t.value"
    )
    channel: Counter[str] = Counter()
    topic: Counter[str] = Counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        for which, key, n in cursor.fetchall():
            (channel if which == "c" else topic)[key] += n
    return channel, topic


def figure_key(value: object) -> str:
    return "" if value is None else str(value)


def as_month(value: object) -> datetime.date:
    """The first day of a month as the database returned it (a date, datetime or text)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _first_of_next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


@dataclass
class Counts:
    """The figures of a period that add up across periods: departures by market (id), sex,
    commune (id), priority group and month; returns; sessions by channel and topic."""

    market: Counter[str] = field(default_factory=Counter)
    sex: Counter[str] = field(default_factory=Counter)
    #: "<market id>|<sex>"
    market_sex: Counter[str] = field(default_factory=Counter)
    commune: Counter[str] = field(default_factory=Counter)
    group: Counter[str] = field(default_factory=Counter)
    month: Counter[datetime.date] = field(default_factory=Counter)
    returns: int = 0
    channel: Counter[str] = field(default_factory=Counter)
    topic: Counter[str] = field(default_factory=Counter)

    @property
    def departures(self) -> int:
        return sum(self.month.values())

    @property
    def sessions(self) -> int:
        return sum(self.channel.values())

    def add(self, other: Counts) -> None:
        for name in [
            "market",
            "sex",
            "market_sex",
            "commune",
            "group",
            "month",
            "channel",
            "topic",
        ]:
            getattr(self, name).update(getattr(other, name))
        self.returns += other.returns


def midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _sessions(province: Province | None, period: Period) -> QuerySet[CounsellingSession]:
    # The instants the period's local days begin and end: held_at__date would convert every
    # row's time zone before comparing, and no index could bound the range.
    sessions = CounsellingSession.objects.unscoped(
        "report figures: the caller passes the province"
    ).filter(
        held_at__gte=midnight(period.start),
        held_at__lt=midnight(period.end + datetime.timedelta(days=1)),
    )
    return sessions.filter(province=province) if province is not None else sessions


def live_counts(province: Province | None, period: Period) -> Counts:
    """The period's figures counted from the cases and sessions themselves: four queries
    (departures by market, sex, commune and month in one; priority groups; returns;
    sessions by channel and topic in one)."""
    left = departures_in(province, period)
    market: Counter[str] = Counter()
    sex: Counter[str] = Counter()
    market_sex: Counter[str] = Counter()
    commune: Counter[str] = Counter()
    month: Counter[datetime.date] = Counter()
    grouped = (
        left.annotate(m=TruncMonth("departure_date"))
        .values_list("market", "sex", "commune", "m")
        .annotate(n=Count("pk"))
    )
    for m, s, c, when, n in grouped:
        market[figure_key(m)] += n
        sex[figure_key(s)] += n
        market_sex[f"{figure_key(m)}|{figure_key(s)}"] += n
        commune[figure_key(c)] += n
        month[as_month(when)] += n
    claims = PriorityGroupClaim.objects.filter(profile__case__in=left)
    channel, topic = channel_and_topic_counts(_sessions(province, period))
    return Counts(
        market=market,
        sex=sex,
        market_sex=market_sex,
        commune=commune,
        group=Counter(dict(claims.values_list("group").annotate(n=Count("pk")))),
        month=month,
        returns=_cases(province)
        .filter(return_date__gte=period.start, return_date__lte=period.end)
        .count(),
        channel=channel,
        topic=topic,
    )


def _buckets(counts: Counts) -> dict[str, Counter[str]]:
    """Where each kind of monthly figure is added up in `counts`."""
    Figure = MonthlyFigure.Figure
    return {
        Figure.DEPARTURES_MARKET: counts.market,
        Figure.DEPARTURES_SEX: counts.sex,
        Figure.DEPARTURES_MARKET_SEX: counts.market_sex,
        Figure.DEPARTURES_COMMUNE: counts.commune,
        Figure.DEPARTURES_GROUP: counts.group,
        Figure.SESSIONS_CHANNEL: counts.channel,
        Figure.SESSIONS_TOPIC: counts.topic,
    }


def summary_counts(
    first: datetime.date, last: datetime.date, province: Province | None = None
) -> Counts:
    """The figures of the whole months from `first` to `last`, from the summary: the
    nation's, or one province's."""
    Figure = MonthlyFigure.Figure
    rows = MonthlyFigure.objects.filter(month__gte=first, month__lte=last).exclude(
        figure=Figure.CASES_BY_STAGE
    )
    if province is not None:
        rows = rows.filter(province=province)
    counts = Counts()
    into = _buckets(counts)
    for figure, key, n in rows.values_list("figure", "key").annotate(n=Sum("count")):
        if figure == Figure.RETURNS:
            counts.returns += n
        else:
            into[figure][key] += n
    monthly = rows.filter(figure=Figure.DEPARTURES_MARKET).values_list("month")
    counts.month.update(dict(monthly.annotate(n=Sum("count"))))
    return counts


def latest_run(province: Province | None) -> SummaryRun | None:
    """The summary the dashboards read (the nation's and each province's)."""
    return SummaryRun.objects.order_by("-made_at").first()


def summary_through(province: Province | None, run: SummaryRun | None) -> datetime.date | None:
    """The last day the dashboard reads from the summary `run`. The nation reads all it
    counted; a province only its closed months, and counts the open one live, so what a
    counsellor records this month shows at once (a province's month is small)."""
    if run is None or province is None:
        return run.through if run is not None else None
    return run.through.replace(day=1) - datetime.timedelta(days=1)


def split(
    period: Period, through: datetime.date | None
) -> tuple[tuple[datetime.date, datetime.date] | None, list[Period]]:
    """The months of the period read from the summary (first and last), and the days
    around them counted live: a month is read when the period holds all of it, or all of
    what the summary counted of it (the period reaches the summary's last day `through`)."""
    if through is None:
        return None, [period]
    first = period.start if period.start.day == 1 else _first_of_next_month(period.start)
    day = datetime.timedelta(days=1)
    if period.end >= through:
        after = _first_of_next_month(through)  # the summary's last month, as counted
        tail = Period(through + day, period.end)
    else:
        after = _first_of_next_month(period.end)
        if after - day != period.end:
            after = period.end.replace(day=1)  # ends inside a month: count those days live
        tail = Period(after, period.end)
    if first >= after:
        return None, [period]
    live = [p for p in [Period(period.start, first - day), tail] if p.start <= p.end]
    return (first, after - day), live


def period_counts(province: Province | None, period: Period, run: SummaryRun | None) -> Counts:
    """The period's figures: from the summary `run` where it can, the rest live."""
    months, live = split(period, summary_through(province, run))
    counts = summary_counts(*months, province) if months else Counts()
    for part in live:
        counts.add(live_counts(province, part))
    return counts


def departures_total(province: Province | None, period: Period, run: SummaryRun | None) -> int:
    """Departures in the period, split like `period_counts` but counting nothing else."""
    months, live = split(period, summary_through(province, run))
    summarised = 0
    if months:
        rows = MonthlyFigure.objects.filter(
            figure=MonthlyFigure.Figure.DEPARTURES_MARKET,
            month__gte=months[0],
            month__lte=months[1],
        )
        if province is not None:
            rows = rows.filter(province=province)
        summarised = rows.aggregate(n=Sum("count"))["n"]
    return (summarised or 0) + sum(departures_in(province, part).count() for part in live)


def summary_figures(
    province: Province | None,
    months: tuple[datetime.date, datetime.date] | None,
    year_months: tuple[datetime.date, datetime.date] | None,
    *,
    stages: bool,
) -> tuple[Counts, int, Counter[str]]:
    """What a dashboard reads of the summary, in one query: the figures of the period's
    whole `months`, the departures of the year's (`year_months`) and the cases by stage of
    the last run. Grouped by figure and key (and month for departures by market, which
    draw the line by month); each row says which of the three it belongs to."""
    Figure = MonthlyFigure.Figure
    counts, year_total, by_stage = Counts(), 0, Counter[str]()
    period_q = year_q = None
    wanted = []
    if months:
        period_q = Q(month__gte=months[0], month__lte=months[1]) & ~Q(figure=Figure.CASES_BY_STAGE)
        wanted.append(period_q)
    if year_months:
        year_q = Q(
            figure=Figure.DEPARTURES_MARKET, month__gte=year_months[0], month__lte=year_months[1]
        )
        wanted.append(year_q)
    if stages:
        wanted.append(Q(figure=Figure.CASES_BY_STAGE))
    if not wanted:
        return counts, year_total, by_stage
    rows = MonthlyFigure.objects.filter(reduce(or_, wanted))
    if province is not None:
        rows = rows.filter(province=province)

    def flag(q: Q | None) -> Any:
        if q is None:
            return Value(False)
        return Cases(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())

    grouped = (
        rows.annotate(
            m=Cases(
                When(figure=Figure.DEPARTURES_MARKET, then=F("month")),
                default=None,
                output_field=DateField(),
            ),
            in_period=flag(period_q),
            in_year=flag(year_q),
        )
        .values_list("figure", "key", "m", "in_period", "in_year")
        .annotate(n=Sum("count"))
        .order_by()
    )
    into = _buckets(counts)
    for figure, key, month, in_period, in_year, n in grouped:
        if figure == Figure.CASES_BY_STAGE:
            by_stage[key] += n
            continue
        if in_period:
            if figure == Figure.RETURNS:
                counts.returns += n
            else:
                into[figure][key] += n
            if figure == Figure.DEPARTURES_MARKET:
                counts.month[as_month(month)] += n
        if in_year:
            year_total += n
    return counts, year_total, by_stage


def dashboard(
    province: Province | None,
    period: Period,
    today: datetime.date,
    user: User | None = None,
    *,
    summary: bool = True,
) -> Dashboard:
    """The figures of the period; `summary=False` counts everything live (tests compare)."""
    now = latest_run(province) if summary else None
    year = Period(datetime.date(period.end.year, 1, 1), datetime.date(period.end.year, 12, 31))
    through = summary_through(province, now)
    months, live = split(period, through)
    year_months, year_live = split(year, through)
    counts, year_departures, stages = summary_figures(
        province, months, year_months, stages=now is not None
    )
    counted: dict[Period, int] = {}
    for part in live:
        part_counts = live_counts(province, part)
        counts.add(part_counts)
        counted[part] = part_counts.departures
    # The year's days counted live are most often the period's (this month): counted once.
    for part in year_live:
        year_departures += (
            counted[part] if part in counted else departures_in(province, part).count()
        )
    markets = {str(m.pk): m.name for m in Market.objects.only("pk", "name_vi", "name_en")}
    # Names of the 20 communes shown (and those tied with the 20th), not of every commune of
    # the nation's departures: 3,321 ids read to show 20.
    ranked = sorted(counts.commune.values(), reverse=True)
    least = ranked[19] if len(ranked) > 20 else 0
    communes = dict(
        Commune.objects.filter(
            pk__in=[int(k) for k, n in counts.commune.items() if k and n >= least]
        ).values_list("pk", "name")
    )
    by_commune = sorted(
        ((communes.get(int(k), "—") if k else "—", n) for k, n in counts.commune.items()),
        key=lambda kv: (-kv[1], vietnamese_sort_key(kv[0])),
    )[:20]
    cases = _cases(province)
    if now is not None:  # counted by the last run, not across a province's every case
        snapshot = {
            "preparing": sum(stages.get(stage, 0) for stage in PREPARING),
            "abroad": stages.get(Stage.DEPARTED, 0),
        }
    else:
        snapshot = cases.aggregate(
            preparing=Count("pk", filter=Q(stage__in=PREPARING)),
            abroad=Count("pk", filter=Q(stage=Stage.DEPARTED)),
        )
    reports = FraudReport.objects.unscoped("the province the view chose, or the nation")
    if province is not None:
        reports = reports.filter(province=province)
    statuses = dict(FraudReport._meta.get_field("status").flatchoices)
    fraud = _labelled(list(reports.values_list("status").annotate(n=Count("pk"))), statuses)
    return Dashboard(
        province=province,
        period=period,
        progress=Progress(
            year_departures,
            target_for(province, period.end.year),
            period.end.year,
            today,
        ),
        departures=counts.departures,
        by_market=_labelled(list(counts.market.items()), {**markets, "": "—"}),
        by_sex=_labelled(list(counts.sex.items()), dict(Sex.choices)),
        by_commune=by_commune,
        by_group=_labelled(list(counts.group.items()), dict(PriorityGroup.choices)),
        by_month=[(month.strftime("%m/%Y"), n) for month, n in sorted(counts.month.items())],
        preparing=snapshot["preparing"],
        abroad=snapshot["abroad"],
        returns=counts.returns,
        return_overdue=cases.return_overdue(today).count(),
        sessions=counts.sessions,
        sessions_by_channel=_labelled(list(counts.channel.items()), dict(Channel.choices)),
        sessions_by_topic=_labelled(list(counts.topic.items()), dict(Topic.choices)),
        fraud_by_status=fraud,
        by_market_sex=by_market_and_sex(counts.market_sex, {**markets, "": "—"}),
        left_contract=_labelled(
            [(figure_key(m), n) for m, n in left_contract_in(province, period)],
            {**markets, "": "—"},
        ),
        support_period=support_in(province, period),
        summarised_at=now.made_at if now is not None else None,
        extra={
            "fairs": job_fairs(user, province, period) if user is not None else [],
            **support(province, period.end.year),
        },
        orientation_completed=workers_completed_count(province.pk if province else None),
        orientation_lessons_passed=lessons_passed_between(
            province.pk if province else None,
            midnight(period.start),
            midnight(period.end + datetime.timedelta(days=1)),
        ),
        complaints=complaints_by_enterprise(
            province.pk if province else None,
            midnight(period.start),
            midnight(period.end + datetime.timedelta(days=1)),
        ),
        help=help_figures(
            province.pk if province else None,
            midnight(period.start),
            midnight(period.end + datetime.timedelta(days=1)),
            settings.HELP_FIRST_CONTACT_HOURS,
        ),
    )


def dashboard_recent(
    province: Province | None, period: Period, today: datetime.date, user: User
) -> Dashboard:
    """The dashboard's figures, kept DASHBOARD_CACHE_SECONDS (a minute) for everyone who may
    see them: a province's staff opening the page one after another share one count. The
    page says when they were counted (`computed_at`); 0 counts them on every visit.

    The key holds what the figures depend on: the province, the period, the day, the
    language of the labels, and whether the viewer sees every province's fairs (admins)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return dashboard(province, period, today, user)
    key = ":".join(
        [
            "reports:dashboard:v1",
            str(province.pk) if province is not None else "all",
            period.start.isoformat(),
            period.end.isoformat(),
            today.isoformat(),
            get_language() or "",
            "admin" if user.is_admin else "staff",
        ]
    )
    board = cache.get(key)
    if isinstance(board, Dashboard):
        return board
    board = dashboard(province, period, today, user)
    board.computed_at = timezone.now()
    cache.set(key, board, seconds)
    return board


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
        Target.objects.unscoped("national table of every province")
        .filter(year=year, half=Target.Half.YEAR)
        .values_list("province", "departures")
    )
    return [
        ProvinceRow(p, counts.get(p.pk, 0), targets.get(p.pk))
        for p in Province.objects.all()  # Vietnamese alphabetical order (sort_key)
    ]
