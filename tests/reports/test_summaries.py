"""The national view reads its months from MonthlyFigure: its figures must be the ones a
live count gives, for any period, and a rebuild must replace, never add."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import selectors, services, tasks
from reports.models import MonthlyFigure, SummaryRun
from tests.conftest import login_staff
from tests.factories import WorkerFactory
from tests.markets.factories import MarketFactory
from tests.workers.factories import ProfileFactory
from workers import services as worker_services
from workers.models import Case, Stage

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def depart(province, stage, left, *, market=None, sex="male", commune=None, groups=()):
    profile = ProfileFactory(user=WorkerFactory(province=province), sex=sex, commune=commune)
    for group in groups:
        profile.claims.create(group=group)
    Case.all_objects.filter(pk=profile.case.pk).update(
        stage=stage,
        market=market,
        departure_date=left,
        return_date=days_ago(5) if stage == Stage.RETURNED else None,
    )
    return profile.case


def session(counsellor, case, day: datetime.date, channel: str, topics: list[str]) -> None:
    worker_services.session_log(
        counsellor=counsellor,
        case=case,
        channel=channel,
        topics=topics,
        held_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0))),
        duration_minutes=10,
        outcome="",
        next_step="",
    )


@pytest.fixture
def history(lao_cai, dong_thap, counsellor, other_counsellor):
    """Departures, returns and sessions spread over the last two years, in two provinces."""
    japan, korea = MarketFactory(name_vi="Nhật Bản"), MarketFactory(name_vi="Hàn Quốc")
    here = list(lao_cai.communes.order_by("name")[:2])
    there = dong_thap.communes.order_by("name").first()
    rows = [
        (lao_cai, Stage.DEPARTED, 3, japan, "male", here[0], ["poor"]),
        (lao_cai, Stage.DEPARTED, 40, japan, "female", here[1], ["poor", "ethnic_minority"]),
        (lao_cai, Stage.RETURNED, 75, korea, "male", here[0], []),
        (lao_cai, Stage.REINTEGRATED, 200, None, "female", None, ["land_recovered"]),
        (lao_cai, Stage.DEPARTED, 400, korea, "male", here[1], []),
        (dong_thap, Stage.DEPARTED, 10, japan, "female", there, ["poor"]),
        (dong_thap, Stage.RETURNED, 130, korea, "male", there, []),
        (dong_thap, Stage.PREPARING, None, None, "male", there, []),  # not gone: never counted
    ]
    cases = [
        depart(p, stage, days_ago(n) if n is not None else None, market=m, sex=s, commune=c,
               groups=g)
        for p, stage, n, m, s, c, g in rows
    ]  # fmt: skip
    for n, channel, topics in [
        (1, "phone", ["fees"]),
        (33, "in_person", ["markets", "fees"]),
        (95, "outreach", ["markets"]),
        (300, "online", ["support", "training"]),
    ]:
        session(counsellor, cases[0], days_ago(n), channel, topics)
        session(other_counsellor, cases[5], days_ago(n + 2), channel, topics[:1])
    return cases


FIGURES = [
    "departures", "by_market", "by_sex", "by_commune", "by_group", "by_month", "returns",
    "sessions", "sessions_by_channel", "sessions_by_topic", "preparing", "abroad",
]  # fmt: skip


def figures(board: selectors.Dashboard) -> dict[str, object]:
    shown = {name: getattr(board, name) for name in FIGURES}
    shown["year"] = board.progress.departures
    return shown


@pytest.mark.parametrize(
    "start, end",
    [
        (datetime.date(TODAY.year - 1, 1, 1), TODAY),  # whole months, the current one so far
        (days_ago(150), days_ago(20)),  # starts and ends inside months
        (days_ago(500), days_ago(45)),  # the summary's months only, and an edge
        (TODAY.replace(day=1), TODAY),  # the current month so far
        (days_ago(60), datetime.date(TODAY.year, 12, 31)),  # past the summary's last day
    ],
)
def test_national_figures_from_the_summary_equal_a_live_count(history, start, end):
    period = selectors.Period(start, end)
    live = selectors.dashboard(None, period, TODAY)

    services.monthly_figures_rebuild(today=TODAY)
    summarised = selectors.dashboard(None, period, TODAY)

    assert live.summarised_at is None
    assert figures(summarised) == figures(live)
    # And the live count is the one made by hand.
    gone = [
        c for c in Case.all_objects.all() if c.departure_date and start <= c.departure_date <= end
    ]
    assert live.departures == len(gone)


def test_the_national_view_reads_whole_past_months_from_the_summary(history):
    run = services.monthly_figures_rebuild(today=TODAY)
    last_month = TODAY.replace(day=1) - datetime.timedelta(days=1)
    period = selectors.Period(last_month.replace(day=1), last_month)
    before = selectors.dashboard(None, period, TODAY).departures
    # The summary is what is read: a changed row shows (a province's view stays live).
    MonthlyFigure.objects.create(
        province=None,
        month=period.start,
        figure=MonthlyFigure.Figure.DEPARTURES_MARKET,
        key="",
        count=7,
    )

    after = selectors.dashboard(None, period, TODAY)

    assert after.departures == before + 7
    assert after.summarised_at == run.made_at
    assert SummaryRun.objects.count() == 1


def test_departures_recorded_after_a_rebuild_count_at_the_next_one(history, lao_cai):
    services.monthly_figures_rebuild(today=TODAY)
    year = selectors.Period(datetime.date(TODAY.year - 1, 1, 1), TODAY)
    before = selectors.dashboard(None, year, TODAY).departures

    depart(lao_cai, Stage.DEPARTED, TODAY)
    depart(lao_cai, Stage.DEPARTED, days_ago(100))
    waiting = selectors.dashboard(None, year, TODAY).departures
    province = selectors.dashboard(lao_cai, year, TODAY).departures
    services.monthly_figures_rebuild(today=TODAY)
    rebuilt = selectors.dashboard(None, year, TODAY)

    assert waiting == before  # until the next run, ten minutes at most
    # A province counts its open month at once; a departure dated in a closed month waits
    # for the next run like the nation's.
    assert province == selectors.live_counts(lao_cai, year).departures - 1
    assert selectors.dashboard(lao_cai, year, TODAY).departures == province + 1
    assert rebuilt.departures == before + 2
    assert rebuilt.departures == selectors.live_counts(None, year).departures


def test_rebuilding_replaces_the_figures_and_the_task_does_it_too(history):
    # The task counts through the day it runs (which may be after TODAY past midnight).
    first = services.monthly_figures_rebuild(today=timezone.localdate())
    rows = sorted(MonthlyFigure.objects.values_list("province", "month", "figure", "key", "count"))

    count = tasks.monthly_figures_rebuild.delay().get()

    assert count == first.rows == len(rows) > 0
    again = MonthlyFigure.objects.values_list("province", "month", "figure", "key", "count")
    assert sorted(again) == rows
    months = MonthlyFigure.objects.values_list("month", flat=True)
    assert all(month <= timezone.localdate() for month in months)


def test_the_national_dashboard_says_when_past_months_were_counted(client, admin_user, history):
    services.monthly_figures_rebuild(today=TODAY)
    login_staff(client, admin_user)

    nation = client.get(reverse("reports:dashboard"), {"province": "all"})
    province = client.get(reverse("reports:dashboard"), {"province": "15"})

    assert 'id="summarised"' in nation.text
    assert "Tháng này được đếm ngay" in province.text  # its past months: the summary's


@pytest.mark.parametrize(
    "start, end",
    [
        (datetime.date(TODAY.year - 1, 1, 1), TODAY),
        (days_ago(150), days_ago(20)),
        (days_ago(500), days_ago(45)),
        (TODAY.replace(day=1), TODAY),
        (days_ago(60), datetime.date(TODAY.year, 12, 31)),
    ],
)
def test_a_province_dashboard_from_the_summary_shows_the_figures_it_counted_live(
    history, lao_cai, start, end
):
    period = selectors.Period(start, end)
    before = selectors.dashboard(lao_cai, period, TODAY, summary=False)  # as it always counted

    services.monthly_figures_rebuild(today=TODAY)
    after = selectors.dashboard(lao_cai, period, TODAY)

    assert after.summarised_at is not None
    assert figures(after) == figures(before)
    gone = Case.all_objects.filter(province=lao_cai, departure_date__range=(start, end))
    assert before.departures == gone.count()


def test_a_province_counts_its_open_month_live(history, lao_cai, counsellor):
    services.monthly_figures_rebuild(today=TODAY)
    period = selectors.Period(TODAY.replace(day=1), TODAY)
    sessions = selectors.dashboard(lao_cai, period, TODAY).sessions
    nation = selectors.dashboard(None, period, TODAY).sessions

    session(counsellor, history[0], TODAY, "phone", ["fees"])  # after the rebuild

    assert selectors.dashboard(lao_cai, period, TODAY).sessions == sessions + 1
    assert selectors.dashboard(None, period, TODAY).sessions == nation  # at the next run
