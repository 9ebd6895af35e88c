"""Figures per fair and per period, checked against counts made here by hand."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from fairs import selectors, services
from fairs.models import Fair, Interview, JobOrder, Participation, Registration
from markets.models import Market
from tests.factories import StaffFactory, WorkerFactory, province
from tests.fairs.factories import FairFactory, participation, register
from tests.markets.factories import MarketFactory, enterprise

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 6, 30)


def _on(day: datetime.date, **fields) -> Fair:
    starts = datetime.datetime.combine(
        day, datetime.time(8), tzinfo=timezone.get_default_timezone()
    )
    return FairFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), **fields)


def _held(fair: Fair, by, *, people: int, came: int, companies, interviews: int, offers: int):
    """A fair that took place: registrations, check-ins, enterprises, interviews, offers."""
    market: Market = MarketFactory(code="japan")
    joined = []
    for company in companies:
        p = Participation.all_objects.create(fair=fair, enterprise=company, added_by=by)
        JobOrder.objects.create(participation=p, market=market, occupation="x", vacancies=10)
        joined.append(p)
    registrations = [register(fair, WorkerFactory()).registration for _ in range(people)]
    at = fair.starts_at + datetime.timedelta(minutes=10)
    for registration in registrations[:came]:
        services.check_in(fair_id=fair.pk, actor=by, code=registration.code, now=at)
    for n, registration in enumerate(registrations[:interviews]):
        services.interview_record(
            participation_id=joined[n % len(joined)].pk,
            registration_id=registration.pk,
            actor=by,
            offered=n < offers,
        )
    return registrations


@pytest.fixture
def period(counsellor, other_counsellor):
    shared = enterprise(name="Công ty CP Nhân lực Hoàng Liên")
    a, b, c = enterprise(), enterprise(), enterprise()
    # Two sessions held in Lào Cai in the period; one of them over capacity (a waitlist).
    first = _on(datetime.date(2026, 2, 10), capacity=6, created_by=counsellor)
    _held(first, counsellor, people=8, came=5, companies=[shared, a], interviews=4, offers=2)
    second = _on(datetime.date(2026, 6, 30), created_by=counsellor)  # the last day counts
    gone = _held(
        second, counsellor, people=4, came=3, companies=[shared, b, c], interviews=3, offers=1
    )
    Registration.all_objects.filter(pk=gone[3].pk).update(status=Registration.Status.CANCELLED)
    # Not counted: a draft, a cancelled fair, a fair after the period, another province's.
    _on(datetime.date(2026, 3, 1), status=Fair.Status.DRAFT, created_by=counsellor)
    called_off = _on(datetime.date(2026, 3, 2), created_by=counsellor)
    register(called_off, WorkerFactory())
    Fair.all_objects.filter(pk=called_off.pk).update(status=Fair.Status.CANCELLED)
    after = _on(datetime.date(2026, 7, 1), created_by=counsellor)
    register(after, WorkerFactory())
    elsewhere = _on(datetime.date(2026, 4, 4), province=province(82), created_by=other_counsellor)
    _held(elsewhere, other_counsellor, people=3, came=2, companies=[a], interviews=1, offers=1)
    Fair.all_objects.filter(pk__in=[first.pk, elsewhere.pk]).update(status=Fair.Status.CLOSED)
    return first, second, elsewhere


def _expected(fairs: list[Fair]) -> dict[str, int]:
    """The same figures, counted row by row in Python."""
    ids = {f.pk for f in fairs}
    registrations = [r for r in Registration.all_objects.all() if r.fair_id in ids]
    interviews = [
        i
        for i in Interview.all_objects.select_related("participation")
        if i.participation.fair_id in ids
    ]
    return {
        "sessions": len(fairs),
        "enterprises": len([p for p in Participation.all_objects.all() if p.fair_id in ids]),
        "registrations": len([r for r in registrations if r.status == "registered"]),
        "attendance": len([r for r in registrations if r.checked_in_at]),
        "interviews": len(interviews),
        "offers": len([i for i in interviews if i.result == "offered"]),
    }


def test_the_period_figures_count_held_sessions_of_the_users_province(period, counsellor):
    first, second, _elsewhere = period

    report = selectors.fair_figures(counsellor, START, END)

    expected = _expected([first, second])
    assert {name: getattr(report.totals, name) for name in expected} == expected
    assert expected == {
        "sessions": 2,
        "enterprises": 5,
        "registrations": 6 + 3,
        "attendance": 5 + 3,
        "interviews": 4 + 3,
        "offers": 2 + 1,
    }
    assert report.distinct_enterprises == 4
    assert report.totals.vacancies == 50
    assert [row.fair for row in report.fairs] == [first, second]
    assert report.fairs[0].figures.registrations == 6  # the waitlist is not counted


def test_an_admin_sees_every_province(period, admin_user):
    first, second, elsewhere = period

    report = selectors.fair_figures(admin_user, START, END)

    assert report.totals.sessions == 3
    expected = _expected([first, second, elsewhere])
    assert report.totals.attendance == expected["attendance"]
    assert report.totals.offers == expected["offers"]


def test_a_worker_or_anonymous_visitor_gets_no_figures(period, worker):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.fair_figures(worker, START, END).totals.sessions == 0
    assert selectors.fair_figures(AnonymousUser(), START, END).fairs == []


def test_the_figures_page_shows_the_totals_for_the_chosen_period(client, period, counsellor):
    client.force_login(counsellor)

    page = client.get(reverse("fairs:figures"), {"start": "2026-01-01", "end": "2026-06-30"})

    assert page.status_code == 200
    assert 'data-sessions="2"' in page.text and 'data-attendance="8"' in page.text
    assert 'data-offers="3"' in page.text


def test_the_figures_page_keeps_a_bad_period_and_says_why(client, counsellor):
    client.force_login(counsellor)

    page = client.get(reverse("fairs:figures"), {"start": "2026-06-30", "end": "2026-01-01"})

    assert "cannot be before" in page.text and 'value="2026-06-30"' in page.text


def test_the_figures_page_costs_the_same_queries_for_more_fairs(
    client, counsellor, django_assert_max_num_queries
):
    client.force_login(counsellor)
    url = reverse("fairs:figures")
    query = {"start": "2026-01-01", "end": "2026-12-31"}
    _on(datetime.date(2026, 2, 1), created_by=counsellor)
    with django_assert_max_num_queries(40) as few:
        client.get(url, query)
    for day in range(2, 12):
        fair = _on(datetime.date(2026, 3, day), created_by=counsellor)
        participation(fair, counsellor)
        register(fair, WorkerFactory())

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url, query)
    assert 'data-sessions="11"' in page.text


def test_other_staff_roles_of_the_province_see_the_same_figures(period, lao_cai):
    manager = StaffFactory(role=Role.MANAGER, province=lao_cai)

    assert selectors.fair_figures(manager, START, END).totals.sessions == 2
