import datetime
import io
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import ExportRecord
from reports import services
from tests.conftest import login_staff
from tests.factories import StaffFactory, WorkerFactory
from tests.markets.factories import MarketFactory
from tests.workers.factories import ProfileFactory
from workers import services as worker_services
from workers.models import Case, Stage

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def dataset(lao_cai, dong_thap, counsellor):
    """Known cases: who left when, to where; built row by row, counted by hand below."""
    japan, korea = MarketFactory(name_vi="Nhật Bản"), MarketFactory(name_vi="Hàn Quốc")
    communes = list(lao_cai.communes.order_by("name")[:2])
    rows = [
        # province, stage, departure (days ago), market, sex, commune, groups
        (lao_cai, Stage.DEPARTED, 10, japan, "male", 0, ["poor"]),
        (lao_cai, Stage.DEPARTED, 40, japan, "female", 0, ["poor", "ethnic_minority"]),
        (lao_cai, Stage.RETURNED, 60, korea, "male", 1, []),
        (lao_cai, Stage.DEPARTED, 400, korea, "male", 1, []),  # last year: outside the period
        (lao_cai, Stage.PREPARING, None, None, "female", 0, []),
        (lao_cai, Stage.CONTRACTED, None, japan, "male", 1, []),
        (dong_thap, Stage.DEPARTED, 5, japan, "female", None, ["poor"]),  # another province
    ]
    made = []
    for province, stage, days_ago, market, sex, commune, groups in rows:
        profile = ProfileFactory(
            user=WorkerFactory(province=province),
            sex=sex,
            commune=communes[commune] if commune is not None else None,
        )
        for group in groups:
            profile.claims.create(group=group)
        departed = TODAY - datetime.timedelta(days=days_ago) if days_ago is not None else None
        Case.all_objects.filter(pk=profile.case.pk).update(
            stage=stage,
            market=market,
            departure_date=departed,
            return_date=TODAY if stage == Stage.RETURNED else None,
        )
        made.append((province, stage, departed, market, sex, commune, groups, profile))
    for channel in ["in_person", "in_person", "phone"]:
        worker_services.session_log(
            counsellor=counsellor,
            case=made[0][7].case,
            channel=channel,
            topics=["markets", "fees"] if channel == "phone" else ["markets"],
            # On TODAY, whenever the test runs: now() may already be the next day.
            held_at=timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(0, 30))),
            duration_minutes=10,
            outcome="",
            next_step="",
        )
    services.target_set(province=lao_cai, year=YEAR, half=0, departures=20, by=counsellor)
    return made


def in_period(row, start):
    _province, stage, departed, *_ = row
    return (
        departed is not None
        and start <= departed <= TODAY
        and stage in (Stage.DEPARTED, Stage.RETURNED, Stage.REINTEGRATED)
    )


def test_every_figure_matches_counts_made_by_hand(client, dataset, lao_cai, counsellor):
    start = TODAY - datetime.timedelta(days=90)
    login_staff(client, counsellor)

    response = client.get(
        reverse("reports:dashboard"), {"start": start.isoformat(), "end": TODAY.isoformat()}
    )

    board = response.context["board"]
    mine = [r for r in dataset if r[0] == lao_cai]
    left = [r for r in mine if in_period(r, start)]
    assert board.departures == len(left) == 3
    assert dict(board.by_market) == dict(Counter(r[3].name_vi for r in left))
    assert dict(board.by_sex) == {"Nam": 2, "Nữ": 1}
    assert dict(board.by_group) == {"Hộ nghèo": 2, "Người dân tộc thiểu số": 1}
    assert sum(n for _c, n in board.by_commune) == 3
    assert board.preparing == len([r for r in mine if r[1] in (Stage.PREPARING, Stage.CONTRACTED)])
    assert board.abroad == len([r for r in mine if r[1] == Stage.DEPARTED])
    assert board.returns == 1
    assert board.sessions == 3
    assert dict(board.sessions_by_channel) == {"Trực tiếp": 2, "Điện thoại": 1}
    assert dict(board.sessions_by_topic) == {"Thị trường": 3, "Chi phí và lừa đảo": 1}
    this_year = [r for r in mine if in_period(r, datetime.date(YEAR, 1, 1))]
    assert board.progress.departures == len(this_year)
    assert board.progress.target == 20
    assert board.progress.percent == round(100 * len(this_year) / 20, 1)


def test_the_excel_export_has_the_same_figures_and_is_recorded(client, dataset, counsellor):
    login_staff(client, counsellor)
    start = (TODAY - datetime.timedelta(days=90)).isoformat()

    response = client.get(reverse("reports:export"), {"start": start, "end": TODAY.isoformat()})

    sheet = load_workbook(io.BytesIO(response.content)).active
    values: dict[object, object] = {}
    for row in sheet.iter_rows(values_only=True):
        if row[0]:
            values.setdefault(row[0], row[1])  # the first table a label appears in
    assert values["Số người xuất cảnh trong kỳ"] == 3
    assert values["Chỉ tiêu năm"] == 20
    assert values["Nhật Bản"] == 2 and values["Hàn Quốc"] == 1
    assert ExportRecord.objects.get().what == "dashboard"


def test_the_end_before_the_start_is_refused_with_a_message(client, counsellor):
    login_staff(client, counsellor)

    response = client.get(
        reverse("reports:dashboard"), {"start": "2026-06-01", "end": "2026-01-01"}
    )

    assert response.status_code == 200
    assert response.context["board"] is None
    assert "trước ngày bắt đầu" in response.text


def test_a_counsellor_cannot_see_another_provinces_dashboard_or_export(
    client, counsellor, dong_thap
):
    login_staff(client, counsellor)

    for name in ["reports:dashboard", "reports:export", "reports:print"]:
        response = client.get(reverse(name), {"province": str(dong_thap.code)})
        assert response.status_code == 404, name
    assert client.get(reverse("reports:national")).status_code == 404


def test_an_admin_sees_any_province_and_the_nation(client, admin_user, dataset, dong_thap):
    login_staff(client, admin_user)

    one = client.get(reverse("reports:dashboard"), {"province": str(dong_thap.code)})
    nation = client.get(reverse("reports:dashboard"), {"province": "all"})
    table = client.get(reverse("reports:national"))

    assert one.context["board"].departures == 1
    assert nation.context["board"].departures == 4
    rows = {r.province.code: r for r in table.context["rows"]}
    assert len(rows) == 34
    assert rows[15].target == 20 and rows[82].departures == 1


def test_a_manager_sets_a_target_for_their_own_province_only(client, manager, lao_cai, dong_thap):
    login_staff(client, manager)

    client.post(
        reverse("reports:targets"),
        {"province": lao_cai.pk, "year": YEAR, "half": 0, "departures": 2000},
    )
    refused = client.post(
        reverse("reports:targets"),
        {"province": dong_thap.pk, "year": YEAR, "half": 0, "departures": 1},
    )
    client.post(
        reverse("reports:targets"),
        {"province": lao_cai.pk, "year": YEAR, "half": 0, "departures": 2100},
    )

    from reports.models import Target

    assert list(Target.all_objects.values_list("province__code", "departures")) == [(15, 2100)]
    assert refused.status_code == 200


def test_the_dashboard_has_no_external_resource(client, dataset, counsellor):
    from tests.mrc.test_pages import assert_self_contained

    login_staff(client, counsellor)

    assert_self_contained(client.get(reverse("reports:dashboard")).text)


def test_job_fairs_held_in_the_period_are_counted_for_the_province_only(
    client, counsellor, lao_cai, dong_thap
):
    from tests.fairs.factories import FairFactory, register

    past = timezone.now() - datetime.timedelta(days=5)
    here = FairFactory(province=lao_cai, starts_at=past, ends_at=past + datetime.timedelta(hours=3))
    FairFactory(province=dong_thap, starts_at=past, ends_at=past + datetime.timedelta(hours=3))
    for _ in range(3):
        register(here, WorkerFactory(province=lao_cai))
    login_staff(client, counsellor)

    board = client.get(reverse("reports:dashboard")).context["board"]

    fairs = dict(board.extra["fairs"])
    assert fairs["Số phiên đã tổ chức"] == 1
    assert fairs["Lượt đăng ký"] == 3


def test_support_approved_and_waiting_are_summed_by_programme_for_the_province(
    client, counsellor, manager, lao_cai, dong_thap
):
    from decimal import Decimal

    from loans import services as loans
    from tests.loans.factories import grant_programme, in_review, submitted_grant, worker_profile

    programme = grant_programme()
    approved = in_review(worker_profile(lao_cai), programme, counsellor)
    loans.application_approve(application_id=approved.pk, actor=manager, amount=Decimal(3_000_000))
    submitted_grant(worker_profile(lao_cai), programme)
    elsewhere = in_review(worker_profile(dong_thap), programme, StaffFactory(province=dong_thap))
    login_staff(client, counsellor)

    extra = client.get(reverse("reports:dashboard")).context["board"].extra

    assert dict(extra["approved"]) == {programme.name: 3_000_000}
    assert dict(extra["waiting"]) == {programme.name: 1}
    assert elsewhere.province == dong_thap


def test_hostile_periods_provinces_and_years_get_an_answer_not_a_server_error(client, admin_user):
    login_staff(client, admin_user)

    far = client.get(reverse("reports:dashboard"), {"start": "0001-01-01", "end": "9999-12-31"})
    province = client.get(reverse("reports:dashboard"), {"province": "²"})
    export = client.get(reverse("reports:export"), {"province": "all", "x\x00": "a\x00b"})
    year = client.get(reverse("reports:national"), {"year": "2147483648"})

    assert far.status_code == 200 and far.context["board"] is None
    assert "1900" in far.text  # says which years it takes
    assert province.status_code == 404
    assert export.status_code == 200
    assert ExportRecord.objects.get().filters == {"province": "all", "x": "ab"}
    assert year.status_code == 200 and year.context["year"] == TODAY.year


def test_the_figures_are_kept_a_minute_and_the_page_says_when_they_were_counted(
    client, counsellor, dataset, settings, django_assert_max_num_queries
):
    """Staff of a province opening the dashboard one after another share one count for
    DASHBOARD_CACHE_SECONDS; the page says when it was counted ("Số liệu lúc ...")."""
    settings.DASHBOARD_CACHE_SECONDS = 60
    # This process's memory: the test Redis databases are shared by every run on the
    # machine, and another run's cache.clear() would empty them between the two visits.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "dashboard-figures-test",
        }
    }
    login_staff(client, counsellor)
    url = reverse("reports:dashboard")
    first = client.get(url)
    assert first.status_code == 200
    board = first.context["board"]
    assert board.computed_at is not None
    shown = timezone.localtime(board.computed_at).strftime("%H:%M %d/%m/%Y")
    assert f"Số liệu lúc {shown}" in first.content.decode()
    departures = board.departures
    # A departure recorded now shows after the minute, not within it...
    later = dataset[4][7].case
    Case.all_objects.filter(pk=later.pk).update(stage=Stage.DEPARTED, departure_date=TODAY)
    with django_assert_max_num_queries(12):  # the figures are not counted again
        again = client.get(url)
    assert again.context["board"].departures == departures
    assert again.context["board"].computed_at == board.computed_at
    # ... and at once with the setting at 0 (counted on every visit, no time shown).
    settings.DASHBOARD_CACHE_SECONDS = 0
    now = client.get(url)
    assert now.context["board"].departures == departures + 1
    assert now.context["board"].computed_at is None
    assert "Số liệu lúc" not in now.content.decode()
