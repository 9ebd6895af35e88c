"""The province report of a period: workers supported and amounts by programme (worker
counts beside amounts), loans referred, granted and lent (at the amount the bank lent),
departures of women by market, and workers who left their contract or overstayed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from loans import services as loans
from loans.models import Application
from reports import selectors, services
from tests.conftest import login_staff
from tests.factories import StaffFactory
from tests.loans.factories import grant_programme, in_review, loan_programme, worker_profile
from tests.loans.test_services import contracted
from tests.markets.factories import MarketFactory
from tests.reports.test_summaries import depart
from workers import services as worker_services
from workers.models import Case, CaseEvent, Stage

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PERIOD = selectors.Period(TODAY - datetime.timedelta(days=90), TODAY)


def paid_grant(profile, programme, counsellor, manager, amount: int) -> Application:
    application = in_review(profile, programme, counsellor)
    loans.application_approve(application_id=application.pk, actor=manager, amount=Decimal(amount))
    return loans.application_mark_paid(application_id=application.pk, actor=counsellor)


def referred_loan(profile, programme, counsellor, manager, approved: int) -> Application:
    contracted(profile)
    application = loans.application_start(profile=profile, programme=programme, actor=profile.user)
    loans.application_save(
        application_id=application.pk,
        actor=profile.user,
        values={
            "costs_before_departure": Decimal(approved),
            "loan_term_months": 24,
            "contract_signed_on": TODAY,
        },
        loan_amount=Decimal(approved),
    )
    loans.application_submit(application_id=application.pk, actor=profile.user)
    loans.application_review(application_id=application.pk, actor=counsellor)
    loans.application_approve(
        application_id=application.pk, actor=manager, amount=Decimal(approved)
    )
    return loans.application_refer(application_id=application.pk, actor=counsellor)


@pytest.fixture
def support(lao_cai, dong_thap, counsellor, manager):
    """Lào Cai: grants paid to 2 workers (one of them twice), 3 loans referred, 2 granted by
    the bank for less or more than approved; Đồng Tháp: one grant, not counted."""
    grant = grant_programme(budget=1_000_000_000)
    loan = loan_programme(budget=10_000_000_000)
    mai, lan = worker_profile(lao_cai), worker_profile(lao_cai)
    paid_grant(mai, grant, counsellor, manager, 3_000_000)
    paid_grant(mai, grant, counsellor, manager, 1_000_000)
    paid_grant(lan, grant, counsellor, manager, 2_500_000)
    dong_thap_manager = StaffFactory(province=dong_thap, role="manager")
    paid_grant(
        worker_profile(dong_thap),
        grant,
        StaffFactory(province=dong_thap),
        dong_thap_manager,
        4_000_000,
    )
    a, b, c = (worker_profile(lao_cai) for _ in range(3))
    for profile, approved, lent in [(a, 80_000_000, 60_000_000), (b, 50_000_000, 50_000_000)]:
        application = referred_loan(profile, loan, counsellor, manager, approved)
        loans.application_bank_grant(
            application_id=application.pk,
            actor=counsellor,
            lent_amount=Decimal(lent),
            decided_on=TODAY,
        )
    referred_loan(c, loan, counsellor, manager, 70_000_000)  # the bank has not answered yet
    return grant, loan


def test_workers_supported_are_counted_once_beside_the_amounts_paid(support, lao_cai):
    grant, _loan = support
    figures = selectors.support_in(lao_cai, PERIOD)

    [row] = [r for r in figures.rows if r.name == grant.name]
    assert (row.paid_workers, row.paid_amount) == (2, 6_500_000)
    assert (figures.workers_supported, figures.amount_paid) == (2, 6_500_000)


def test_loans_are_counted_at_the_amount_the_bank_lent_not_the_amount_approved(support, lao_cai):
    _grant, loan = support
    figures = selectors.support_in(lao_cai, PERIOD)

    [row] = [r for r in figures.rows if r.name == loan.name]
    assert (row.referred, row.referred_workers) == (3, 3)
    assert (row.granted, row.granted_workers) == (2, 2)
    assert row.lent_amount == 110_000_000  # 60 + 50 million, not the 130 million approved
    assert (figures.loans_referred, figures.workers_lent, figures.amount_lent) == (
        3,
        2,
        110_000_000,
    )


def test_support_outside_the_period_or_the_province_is_not_counted(support, lao_cai):
    before = selectors.Period(TODAY - datetime.timedelta(days=400), TODAY - datetime.timedelta(1))
    figures = selectors.support_in(lao_cai, before)
    assert (figures.workers_supported, figures.loans_referred, figures.amount_lent) == (0, 0, 0)
    nation = selectors.support_in(None, PERIOD)
    assert (nation.workers_supported, nation.amount_paid) == (3, 10_500_000)


def test_the_report_page_and_its_export_show_the_support_figures(client, support, counsellor):
    login_staff(client, counsellor)

    page = client.get(reverse("reports:dashboard"))
    export = client.get(reverse("reports:export"))

    html = page.content.decode()
    assert 'id="workers-supported"><strong>2</strong>' in html
    assert "110.000.000" in html
    assert page.context["board"].support_period.workers_lent == 2
    assert export.status_code == 200


# --- departures by market and sex -----------------------------------------------------


def test_departures_are_split_by_market_and_sex(lao_cai):
    japan, korea = MarketFactory(name_vi="Nhật Bản"), MarketFactory(name_vi="Hàn Quốc")
    for market, sex in [(japan, "female"), (japan, "female"), (japan, "male"), (korea, "male")]:
        depart(lao_cai, Stage.DEPARTED, TODAY - datetime.timedelta(days=3), market=market, sex=sex)

    board = selectors.dashboard(lao_cai, PERIOD, TODAY)

    assert board.by_market_sex == [("Nhật Bản", 2, 1, 3), ("Hàn Quốc", 0, 1, 1)]


def test_the_national_summary_gives_the_same_split_as_a_live_count(lao_cai, dong_thap):
    japan = MarketFactory(name_vi="Nhật Bản")
    long_ago = TODAY - datetime.timedelta(days=200)
    depart(lao_cai, Stage.DEPARTED, long_ago, market=japan, sex="female")
    depart(dong_thap, Stage.RETURNED, long_ago, market=japan, sex="female")
    depart(dong_thap, Stage.DEPARTED, long_ago, market=japan, sex="male")
    year = selectors.Period(long_ago.replace(day=1), TODAY)
    live = selectors.live_counts(None, year).market_sex

    services.monthly_figures_rebuild(today=TODAY)
    summarised = selectors.dashboard(None, year, TODAY)

    assert summarised.summarised_at is not None
    assert summarised.by_market_sex == [("Nhật Bản", 2, 1, 3)]
    assert sum(live.values()) == 3


# --- left the contract or overstayed ---------------------------------------------------


def abroad(lao_cai, market):
    case = depart(lao_cai, Stage.DEPARTED, TODAY - datetime.timedelta(days=60), market=market)
    case.refresh_from_db()
    return case


def test_a_counsellor_records_a_worker_who_left_the_contract_and_the_report_counts_it(
    lao_cai, counsellor
):
    korea = MarketFactory(name_vi="Hàn Quốc")
    case = abroad(lao_cai, korea)
    left_on = TODAY - datetime.timedelta(days=10)

    moved = worker_services.case_move(
        case_id=case.pk,
        to=Stage.LEFT_CONTRACT,
        actor=counsellor,
        expected_version=case.version,
        reason="Bỏ nơi làm việc, gia đình báo tin",
        changes={"left_contract_on": left_on},
    )

    assert (moved.stage, moved.left_contract_on) == (Stage.LEFT_CONTRACT, left_on)
    event = CaseEvent.objects.get(case=case)
    assert (event.from_stage, event.to_stage, event.actor) == (
        Stage.DEPARTED,
        Stage.LEFT_CONTRACT,
        counsellor,
    )
    board = selectors.dashboard(lao_cai, PERIOD, TODAY)
    assert board.left_contract == [("Hàn Quốc", 1)]
    assert board.left_contract_total == 1
    assert board.departures == 1  # still counted as a departure
    assert board.abroad == 0  # no longer "working abroad" under the contract


def test_leaving_the_contract_needs_a_reason_and_a_date_not_in_the_future(lao_cai, counsellor):
    case = abroad(lao_cai, MarketFactory())

    for changes, reason in [
        ({}, "some reason"),
        ({"left_contract_on": TODAY + datetime.timedelta(days=1)}, "some reason"),
        ({"left_contract_on": TODAY}, ""),
    ]:
        with pytest.raises(worker_services.GuardRefused):
            worker_services.case_move(
                case_id=case.pk,
                to=Stage.LEFT_CONTRACT,
                actor=counsellor,
                expected_version=case.version,
                reason=reason,
                changes=changes,
            )
    assert Case.all_objects.get(pk=case.pk).stage == Stage.DEPARTED


@pytest.mark.parametrize(
    "stage", [Stage.REGISTERED, Stage.CONTRACTED, Stage.RETURNED, Stage.WITHDRAWN]
)
def test_only_a_worker_abroad_can_be_recorded_as_having_left_the_contract(
    lao_cai, counsellor, stage
):
    case = abroad(lao_cai, MarketFactory())
    Case.all_objects.filter(pk=case.pk).update(stage=stage)

    with pytest.raises(worker_services.InvalidTransition):
        worker_services.case_move(
            case_id=case.pk,
            to=Stage.LEFT_CONTRACT,
            actor=counsellor,
            expected_version=case.version,
            reason="x",
            changes={"left_contract_on": TODAY},
        )


def test_a_worker_who_left_the_contract_can_still_be_recorded_as_returned(lao_cai, counsellor):
    case = abroad(lao_cai, MarketFactory())
    case = worker_services.case_move(
        case_id=case.pk,
        to=Stage.LEFT_CONTRACT,
        actor=counsellor,
        expected_version=case.version,
        reason="Cư trú bất hợp pháp sau khi hết hợp đồng",
        changes={"left_contract_on": TODAY - datetime.timedelta(days=5)},
    )

    returned = worker_services.case_move(
        case_id=case.pk,
        to=Stage.RETURNED,
        actor=counsellor,
        expected_version=case.version,
        changes={"return_date": TODAY},
    )

    assert returned.stage == Stage.RETURNED
    assert selectors.dashboard(lao_cai, PERIOD, TODAY).left_contract_total == 1


# --- the report's query count does not grow with rows ----------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # The session's own writes (its expiry is refreshed now and then) are not the report's.
    return len(
        [
            q
            for q in queries.captured_queries
            if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
        ]
    )


def test_the_report_reads_in_the_same_number_of_queries_for_more_rows(
    client, lao_cai, counsellor, manager, settings
):
    settings.DASHBOARD_CACHE_SECONDS = 0  # the figures counted on each visit: their queries
    grant = grant_programme(budget=1_000_000_000)
    market = MarketFactory()
    login_staff(client, counsellor)
    url = reverse("reports:dashboard")
    client.get(url)  # the first visit after signing in also writes the session

    def add_rows() -> None:
        paid_grant(worker_profile(lao_cai), grant, counsellor, manager, 1_000_000)
        for sex in ["male", "female"]:
            depart(
                lao_cai, Stage.DEPARTED, TODAY - datetime.timedelta(days=2), market=market, sex=sex
            )
        case = abroad(lao_cai, market)
        Case.all_objects.filter(pk=case.pk).update(
            stage=Stage.LEFT_CONTRACT, left_contract_on=TODAY
        )

    add_rows()
    few = count_queries(client, url)
    for _ in range(3):
        add_rows()
    many = count_queries(client, url)

    assert many == few
    # Issue 21: the summary, the live month's departures and the sessions are read in one
    # query each; a new query on this page must say why.
    assert few <= 30
