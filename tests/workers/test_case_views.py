import datetime
import html
import io
import re
from collections.abc import Sequence

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from accounts.models import ExportRecord, Role, User
from orientation.models import Progress
from tests.assistance.factories import help_request
from tests.conftest import login_staff
from tests.factories import StaffFactory, WorkerFactory
from tests.markets.factories import MarketFactory, ProgrammeFactory, enterprise
from tests.orientation.factories import PublishedModuleFactory
from tests.workers.factories import ProfileFactory
from workers import case_views, selectors, services
from workers.forms import NoteForm
from workers.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseNote,
    CheckIn,
    CounsellingSession,
    DeletionRequest,
    FollowUp,
    PriorityGroupClaim,
    Stage,
    WorkerProfile,
)
from workers.reference import PriorityGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lao_cai):
    return ProfileFactory(user=WorkerFactory(province=lao_cai, name="Nguyễn Văn Ánh")).case


def session_post() -> dict[str, object]:
    return {
        "channel": "in_person",
        "topics": ["markets", "fees"],
        "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 25,
        "outcome": "Muốn đi Hàn Quốc",
        "next_step": "Học tiếng",
    }


def test_a_counsellor_logs_a_session_and_moves_the_case(client, case, counsellor):
    login_staff(client, counsellor)

    client.post(reverse("workers:session_add", args=[case.pk]), session_post())
    response = client.post(
        reverse("workers:case_move", args=[case.pk]),
        {"version": Case.all_objects.get(pk=case.pk).version, "to": "counselled", "reason": ""},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.COUNSELLED
    session = CounsellingSession.all_objects.get()
    assert session.topics == ["markets", "fees"] and session.province == case.province
    page = client.get(response["Location"])
    assert "Muốn đi Hàn Quốc" in page.text


def test_the_case_page_note_field_is_the_note_forms_own(client, case, counsellor):
    login_staff(client, counsellor)

    page = client.get(reverse("workers:staff_worker", args=[case.profile_id])).text

    # Written out in the template for speed: it must still be what NoteForm checks.
    [textarea] = re.findall(r"<textarea[^>]*>", page)
    assert 'name="text"' in textarea and 'id="id_text"' in textarea and "required" in textarea
    assert f'maxlength="{NoteForm.base_fields["text"].max_length}"' in textarea
    assert '<label for="id_text">Ghi chú:</label>' in page


def test_a_note_is_added_once_and_a_blank_one_comes_back_with_why(client, case, counsellor):
    login_staff(client, counsellor)
    url = reverse("workers:note_add", args=[case.pk])

    refused = client.post(url, {"text": "   "})

    assert refused.status_code == 200
    assert "Trường này là bắt buộc." in refused.text
    assert not CaseNote.objects.filter(case=case).exists()

    added = client.post(url, {"text": "Gọi lại sau Tết"})

    assert added["Location"] == reverse("workers:staff_worker", args=[case.profile_id])
    assert list(CaseNote.objects.filter(case=case).values_list("text", flat=True)) == [
        "Gọi lại sau Tết"
    ]


def test_a_refused_move_says_what_is_missing(client, case, counsellor):
    login_staff(client, counsellor)

    response = client.post(
        reverse("workers:case_move", args=[case.pk]),
        {"version": case.version, "to": "counselled"},
        follow=True,
    )

    assert "buổi tư vấn" in response.text
    assert not CaseEvent.objects.exists()


def test_two_counsellors_moving_at_once_get_a_changed_by_someone_else_message(
    client, case, counsellor
):
    login_staff(client, counsellor)
    url = reverse("workers:case_move", args=[case.pk])
    client.post(url, {"version": case.version, "to": "on_hold", "reason": "Ốm"})

    response = client.post(url, {"version": case.version, "to": "withdrawn", "reason": "Thôi"})

    case.refresh_from_db()
    assert case.stage == Stage.ON_HOLD
    assert response.status_code == 200  # the form again, with what was typed
    assert "Người khác đã thay đổi" in response.text
    assert 'value="Thôi"' in response.text


def test_follow_ups_due_show_on_the_staff_home_and_can_be_closed(client, case, counsellor):
    login_staff(client, counsellor)
    client.post(
        reverse("workers:follow_up_add", args=[case.pk]),
        {
            "title": "Gọi lại cho Ánh",
            "due_on": timezone.localdate().isoformat(),
            "assignee": counsellor.pk,
        },
    )
    task = FollowUp.all_objects.get()

    home = client.get(reverse("home"))
    assert "Gọi lại cho Ánh" in home.text

    client.post(reverse("workers:follow_up_done", args=[task.pk]), {"next": "/"})
    task.refresh_from_db()
    assert task.done_at is not None
    assert "Gọi lại cho Ánh" not in client.get(reverse("home")).text


def test_a_visitor_session_is_logged_without_an_account(client, counsellor, lao_cai):
    login_staff(client, counsellor)
    commune = lao_cai.communes.first()

    response = client.post(
        reverse("workers:contact_session"),
        {
            **session_post(),
            "contact_name": "Lù Văn Sáng",
            "contact_phone": "0912 777 888",
            "contact_commune": commune.pk,
        },
    )

    assert response.status_code == 302
    session = CounsellingSession.all_objects.get()
    assert session.case is None and session.contact_phone == "+84912777888"


# --- scoping -------------------------------------------------------------------------------


@pytest.fixture
def case_things(case, counsellor):
    session = services.session_log(
        counsellor=counsellor,
        case=case,
        channel="phone",
        topics=["fees"],
        held_at=timezone.now(),
        duration_minutes=5,
        outcome="",
        next_step="",
    )
    task = services.follow_up_create(
        case=case, title="Gọi", due_on=timezone.localdate(), assignee=counsellor, actor=counsellor
    )
    return session, task


@pytest.mark.parametrize(
    ("name", "method", "target"),
    [
        ("workers:staff_worker", "get", "profile"),
        ("workers:case_move", "post", "case"),
        ("workers:session_add", "post", "case"),
        ("workers:note_add", "post", "case"),
        ("workers:follow_up_add", "post", "case"),
        ("workers:check_in_add", "post", "case"),
        ("workers:assign", "post", "case"),
        ("workers:session", "get", "session"),
        ("workers:follow_up_done", "post", "task"),
    ],
)
def test_a_counsellor_of_another_province_gets_404_on_every_case_page(
    client, case, case_things, other_counsellor, name, method, target
):
    session, task = case_things
    pk = {"profile": case.profile_id, "case": case.pk, "session": session.pk, "task": task.pk}[
        target
    ]
    login_staff(client, other_counsellor)

    response = getattr(client, method)(reverse(name, args=[pk]), {"version": 0, "to": "x"})

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.done_at is None
    assert CaseEvent.objects.count() == 0


def test_lists_and_exports_of_another_province_show_none_of_its_workers(
    client, case, case_things, other_counsellor
):
    login_staff(client, other_counsellor)

    caseload = client.get(reverse("workers:caseload"))
    sessions = client.get(reverse("workers:sessions"))
    export = client.get(reverse("workers:export"))

    assert case.profile.user.name not in caseload.text + sessions.text
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 1  # the header only


def test_the_sessions_list_runs_newest_first_across_pages(client, case, counsellor):
    now = timezone.now()
    for days in range(55):
        services.session_log(
            counsellor=counsellor, case=case, channel="phone", topics=["fees"],
            held_at=now - datetime.timedelta(days=days), duration_minutes=10,
            outcome=f"Call {days}", next_step="",
        )  # fmt: skip
    login_staff(client, counsellor)

    first = client.get(reverse("workers:sessions")).context["page"]
    second = client.get(reverse("workers:sessions"), {"page": 2}).context["page"]

    outcomes = [s.outcome for s in [*first, *second]]
    assert outcomes == [f"Call {days}" for days in range(55)]
    assert first.paginator.count == 55


def test_the_sessions_list_reads_each_session_in_vietnamese(client, case, counsellor):
    held_at = datetime.datetime(2026, 3, 2, 1, 5, tzinfo=datetime.UTC)  # 08:05 in Hà Nội
    worker_session = services.session_log(
        counsellor=counsellor, case=case, channel="phone", topics=["fees"], held_at=held_at,
        duration_minutes=10, outcome="", next_step="",
    )  # fmt: skip
    services.session_log(
        counsellor=counsellor, case=None, channel="in_person", topics=["fees"],
        held_at=held_at, duration_minutes=10, outcome="", next_step="",
        contact_name="<b>Lò Thị Sáu</b>",
    )  # fmt: skip
    login_staff(client, counsellor)

    page = re.sub(r">\s+<", "><", client.get(reverse("workers:sessions")).text)

    link = reverse("workers:session", args=[worker_session.pk])
    assert f'<a href="{link}">08:05 02/03/2026</a>' in page
    assert f"<td>{case.profile.user.name}</td><td>Điện thoại</td><td>{counsellor.name}</td>" in page
    assert '&lt;b&gt;Lò Thị Sáu&lt;/b&gt; <span class="muted">(người đến tư vấn)</span>' in page
    assert "<b>Lò" not in page


def test_an_empty_sessions_list_says_so(client, counsellor):
    login_staff(client, counsellor)

    assert '<tr><td colspan="4">—</td></tr>' in client.get(reverse("workers:sessions")).text


def test_anonymous_and_workers_cannot_reach_case_pages(client, case, worker):
    url = reverse("workers:caseload")
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(worker)
    assert client.get(url).status_code == 404
    assert client.get(reverse("workers:export")).status_code == 404


def test_caseload_query_count_does_not_grow_with_rows(
    client, counsellor, lao_cai, django_assert_max_num_queries
):
    login_staff(client, counsellor)
    ProfileFactory.create_batch(3, user__province=lao_cai)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("workers:caseload"), {"q": "a", "stage": "registered"})
    ProfileFactory.create_batch(60, user__province=lao_cai)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("workers:caseload"), {"stage": "registered", "page": 2})

    assert response.context["page"].paginator.count == 63


def caseload_row(page: str, name: str) -> str:
    """The <tr> of the caseload that names this worker."""
    start = page.index(name)
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


def test_a_caseload_row_shows_the_worker_stage_commune_market_and_counsellor(
    client, counsellor, lao_cai
):
    japan = MarketFactory(code="jp", name_vi="Nhật Bản", name_en="Japan")
    commune = lao_cai.communes.order_by("name").first()
    profile = ProfileFactory(
        user=WorkerFactory(province=lao_cai, name="Giàng A Páo"),
        commune=commune,
        id_problems=["The birth year does not match the ID."],
    )
    Case.all_objects.filter(pk=profile.case.pk).update(
        stage=Stage.CONTRACTED, market=japan, assigned_to=counsellor, commune=commune
    )
    login_staff(client, counsellor)

    vietnamese = caseload_row(client.get(reverse("workers:caseload")).text, "Giàng A Páo")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = caseload_row(client.get(reverse("workers:caseload")).text, "Giàng A Páo")

    link = reverse("workers:staff_worker", args=[profile.pk])
    for expected in [f'href="{link}"', "Đã ký hợp đồng", commune.name, "Nhật Bản"]:
        assert expected in vietnamese
    assert "Cần kiểm tra số định danh" in vietnamese  # the ID flag
    assert counsellor.name in vietnamese
    assert "Contracted" in english and "Japan" in english and "ID to check" in english


def test_a_caseload_row_of_a_case_without_commune_market_or_counsellor_shows_dashes(
    client, counsellor, lao_cai
):
    ProfileFactory(user=WorkerFactory(province=lao_cai, name="Lò Văn Sáng"), commune=None)
    login_staff(client, counsellor)

    row = caseload_row(client.get(reverse("workers:caseload")).text, "Lò Văn Sáng")

    assert row.count("<td>—</td>") == 3  # commune, market, counsellor


def test_a_caseload_row_escapes_what_was_typed_into_a_name(client, counsellor, lao_cai):
    ProfileFactory(user=WorkerFactory(province=lao_cai, name='Lò <b>Sáng</b> "A"'))
    login_staff(client, counsellor)

    page = client.get(reverse("workers:caseload")).text

    assert "Lò &lt;b&gt;Sáng&lt;/b&gt; &quot;A&quot;" in page
    assert "<b>Sáng</b>" not in page


def test_an_admin_sees_the_communes_of_every_province_in_the_caseload(
    client, admin_user, lao_cai, dong_thap
):
    for province, name in [(lao_cai, "Giàng A Páo"), (dong_thap, "Trần Thị Lan")]:
        commune = province.communes.order_by("name").first()
        ProfileFactory(user=WorkerFactory(province=province, name=name), commune=commune)
    login_staff(client, admin_user)

    page = client.get(reverse("workers:caseload")).text

    for province, name in [(lao_cai, "Giàng A Páo"), (dong_thap, "Trần Thị Lan")]:
        assert province.communes.order_by("name").first().name in caseload_row(page, name)


#: The case page's queries: session, user (the second factor is looked at once a minute,
#: the bell's count is kept in the cache); the worker's file, case and deletion request
#: (and whether a transfer waits, someone tried to reuse the ID or a help request was
#: made, read in full only when so); the priority claims; the audit row; document types
#: and documents; the timeline's page of keys, then each of its five kinds shown here (and
#: the provinces of its moves between provinces, one query for all); the follow-ups' ids
#: (the open ones and the latest done), then their rows; the orientation panel (the
#: lessons, each marked passed or not, one query) and the help requests.
CASE_PAGE_QUERIES = 18


def test_the_case_page_query_count_does_not_grow_with_the_case_history(
    client, counsellor, lao_cai, dong_thap, django_assert_num_queries
):
    profile = ProfileFactory(user__province=lao_cai)
    case = profile.case
    # As a case on its way abroad: its programme (whose name carries the market's), the
    # market, the sending enterprise and its counsellor are all shown.
    programme = ProgrammeFactory()
    Case.all_objects.filter(pk=case.pk).update(
        programme=programme,
        market=programme.market,
        enterprise=enterprise(),
        assigned_to=counsellor,
        stage=Stage.DEPARTED,  # abroad: the help panel is shown
    )
    login_staff(client, counsellor)
    url = reverse("workers:staff_worker", args=[profile.pk])

    def grow(n: int) -> None:
        for i in range(n):
            colleague = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
            CaseEvent.objects.create(case=case, to_stage=Stage.COUNSELLED, actor=colleague)
            CaseEvent.objects.create(
                case=case, from_stage=Stage.COUNSELLED, to_stage=Stage.COUNSELLED,
                actor=colleague, from_province=lao_cai, to_province=dong_thap, at=timezone.now(),
            )  # fmt: skip
            CaseNote.objects.create(case=case, author=colleague, text=f"Note {i}")
            CheckIn.objects.create(case=case, by=colleague, situation="ok")
            Assignment.objects.create(case=case, assigned_to=colleague, assigned_by=counsellor)
            FollowUp.all_objects.create(
                case=case, title=f"Call {i}", due_on=timezone.localdate(), assignee=colleague,
                created_by=counsellor,
            )  # fmt: skip
            services.session_log(
                counsellor=colleague, case=case, channel="phone", topics=["fees"],
                held_at=timezone.now(), duration_minutes=10, outcome="", next_step="",
            )  # fmt: skip
        for group in list(PriorityGroup.values)[: n + 1]:
            PriorityGroupClaim.objects.get_or_create(profile=profile, group=group)
        for _ in range(n):  # orientation lessons, one of each pair passed by the worker
            lesson = PublishedModuleFactory(questions=0)
            if lesson.pk % 2:
                Progress.objects.create(
                    worker=profile.user, module=lesson, passed_at=timezone.now()
                )

    grow(1)
    client.get(url)  # the first visit after signing in also writes the session
    # No help request on the file (most files): the help panel reads nothing (whether
    # there is any was asked with the file), and shows the way to record one.
    with django_assert_num_queries(CASE_PAGE_QUERIES - 1):
        page = client.get(url).text
    assert "data-help" in page and reverse("assistance:staff_new", args=[profile.pk]) in page
    request = help_request(profile)
    client.get(url)  # the request notified the counsellor: the bell counts once, then keeps it
    with django_assert_num_queries(CASE_PAGE_QUERIES) as few:
        assert client.get(url).status_code == 200
    grow(6)

    with django_assert_num_queries(CASE_PAGE_QUERIES):
        page = client.get(url).text

    assert "Note 5" in page  # the newest of the history is on the page
    assert reverse("assistance:staff_request", args=[request.pk]) in page
    assert str(programme) in page  # "Market · Programme", read with the case
    assert f"{programme.market} · {programme}" not in page  # the market once, not twice
    claims = [q for q in few.captured_queries if "prioritygroupclaim" in q["sql"]]
    assert len(claims) == 1  # read once, for the checklist and the sensitive section


def test_a_long_caseload_keeps_its_count_a_minute_a_short_one_counts_each_visit(
    client, counsellor, lao_cai, dong_thap, monkeypatch
):
    # As a province of thousands, in small: a count of 3 or more is long, 2 a page.
    monkeypatch.setattr(selectors, "COUNT_KEPT_FROM", 3)
    monkeypatch.setattr(case_views, "CASES_PER_PAGE", 2)
    for _ in range(3):
        ProfileFactory(user__province=lao_cai)
    ProfileFactory(user__province=dong_thap)
    login_staff(client, counsellor)

    def total(**params: str) -> str:
        page = client.get(reverse("workers:caseload"), params).text
        shown = re.search(r"(\d+) hồ sơ", page)
        assert shown, "the caseload says how many cases"
        return shown.group(1)

    assert total() == "3"
    newest = ProfileFactory(user__province=lao_cai, user__name="Lầu Thị Mới")
    assert total() == "3"  # kept: the total may be a minute old...
    assert newest.user.name in client.get(reverse("workers:caseload")).text  # ...the rows not
    colleague = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    login_staff(client, colleague)
    assert total() == "3"  # one count for the province's staff
    assert total(stage=Stage.WITHDRAWN) == "0"  # other conditions, counted apart
    login_staff(client, StaffFactory(role=Role.COUNSELLOR, province=dong_thap))
    assert total() == "1"  # another province's, never this one's
    cache.clear()  # a minute later
    login_staff(client, colleague)
    assert total() == "4"

    monkeypatch.setattr(selectors, "COUNT_KEPT_FROM", 1000)
    cache.clear()
    assert total() == "4"
    ProfileFactory(user__province=lao_cai)
    assert total() == "5"  # a short list is counted on each visit


def test_caseload_filters_and_search_without_diacritics(client, case, counsellor, lao_cai):
    other = ProfileFactory(user=WorkerFactory(province=lao_cai, name="Lò Thị Mai")).case
    Case.all_objects.filter(pk=other.pk).update(stage=Stage.PREPARING)
    login_staff(client, counsellor)

    found = client.get(reverse("workers:caseload"), {"q": "nguyen van anh"})
    preparing = client.get(reverse("workers:caseload"), {"stage": "preparing"})

    assert [c.case_id for c in found.context["page"]] == [case.pk]
    assert [c.case_id for c in preparing.context["page"]] == [other.pk]


def test_a_search_that_fills_less_than_a_page_is_counted_from_its_rows(
    client, case, counsellor, lao_cai
):
    """The count of a search costs PostgreSQL as much as the search: when the first page is
    not full, its rows are the count. A full first page still shows the whole count."""
    ProfileFactory(user=WorkerFactory(province=lao_cai, name="Nguyễn Văn Ánh"))
    for i in range(case_views.CASES_PER_PAGE):
        ProfileFactory(user=WorkerFactory(province=lao_cai, name=f"Lò Thị Mai {i}"))
    login_staff(client, counsellor)

    with CaptureQueriesContext(connection) as few:
        found = client.get(reverse("workers:caseload"), {"q": "nguyen van anh"})
    with CaptureQueriesContext(connection) as many:
        full = client.get(reverse("workers:caseload"), {"q": "lo thi mai"})

    def counted(queries: CaptureQueriesContext) -> bool:
        return any('COUNT(*) AS "__count" FROM "workers_case"' in q["sql"] for q in queries)

    assert not counted(few) and "2 hồ sơ" in found.text
    assert counted(many)
    assert f"{case_views.CASES_PER_PAGE} hồ sơ" in full.text
    assert (
        client.get(reverse("workers:caseload"), {"q": "lo thi mai", "page": 2})
        .context["page"]
        .paginator.count
        == case_views.CASES_PER_PAGE
    )


def test_caseload_finds_a_worker_by_personal_id_or_phone_in_the_province_only(
    client, counsellor, lao_cai, dong_thap
):
    ours = ProfileFactory(
        user=WorkerFactory(province=lao_cai, phone="+84912345678"), personal_id="015090123456"
    ).case
    ProfileFactory(user=WorkerFactory(province=lao_cai, phone="+84912345679"))
    ProfileFactory(user=WorkerFactory(province=dong_thap, phone="+84987654321"))
    login_staff(client, counsellor)

    def found(q: str) -> list[int]:
        page = client.get(reverse("workers:caseload"), {"q": q}).context["page"]
        return [row.case_id for row in page]

    assert found("015090123456") == [ours.pk]
    assert found("0912 345 678") == [ours.pk]
    assert found("+84 912 345 678") == [ours.pk]
    assert found("0987654321") == []  # a worker of another province


def test_caseload_filters_offer_their_choices_and_keep_what_was_chosen(
    client, counsellor, lao_cai, dong_thap
):
    login_staff(client, counsellor)
    commune = lao_cai.communes.order_by("name").first()
    elsewhere = dong_thap.communes.order_by("name").first()

    page = client.get(
        reverse("workers:caseload"),
        {"q": "giang a", "stage": "preparing", "commune": commune.pk, "return_overdue": "on"},
    ).text

    assert '<option value="preparing" selected>' in page
    assert f'<option value="{commune.pk}" selected>{commune.name}</option>' in page
    assert f'value="{elsewhere.pk}"' not in page  # only the counsellor's province
    assert 'name="q" value="giang a"' in page
    assert 'id="f-ro" name="return_overdue" checked' in page


# --- export and import ---------------------------------------------------------------------


def test_export_escapes_formulas_and_is_recorded(client, lao_cai, counsellor):
    ProfileFactory(user=WorkerFactory(province=lao_cai, name='=HYPERLINK("http://x","y")'))
    login_staff(client, counsellor)

    response = client.get(reverse("workers:export"), {"stage": "registered"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet["A2"]
    assert cell.value == '\'=HYPERLINK("http://x","y")'
    assert cell.data_type == "s"
    record = ExportRecord.objects.get()
    assert (record.user, record.what, record.rows) == (counsellor, "caseload", 1)
    assert record.filters == {"stage": "registered"}


def sheet(rows: Sequence[Sequence[object]]) -> SimpleUploadedFile:
    book = Workbook()
    ws = book.active
    ws.append(["Họ và tên", "Số điện thoại", "Số định danh", "Ngày sinh", "Giới tính", "Xã/phường"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("ds.xlsx", out.getvalue())


GOOD = [
    ["Vàng A Páo", "0912000111", "015090123456", "17/05/1990", "Nam", "Bát Xát"],
    ["Giàng Thị Dua", "0912000222", "015301004567", "02/09/2001", "Nữ", ""],
]
BAD = [
    ["", "0212", "123", "31/02/1990", "?", "Không có"],
    ["Lò Văn Ba", "0912000333", "015090123456", "17/05/1990", "Nam", ""],  # same ID as row 2
]


def preview(client, rows):
    return client.post(reverse("workers:import"), {"file": sheet(rows)})


def test_import_preview_names_each_row_and_column_and_saves_nothing(client, counsellor):
    login_staff(client, counsellor)

    response = preview(client, GOOD + BAD)

    rows = {r.number: r for r in response.context["rows"]}
    assert rows[2].ok and rows[3].ok
    bad_columns = {column for column, _message in rows[4].errors}
    assert bad_columns == {
        "Họ và tên",
        "Số điện thoại",
        "Số định danh",
        "Ngày sinh",
        "Giới tính",
        "Xã/phường",
    }
    assert any("2" in message for _c, message in rows[5].errors)  # duplicate of row 2
    assert not WorkerProfile.all_objects.exists()


def test_import_all_or_nothing_imports_nothing_when_a_row_is_bad(client, counsellor):
    login_staff(client, counsellor)
    token = preview(client, GOOD + BAD).context["token"]

    client.post(reverse("workers:import"), {"token": token, "mode": "all"})

    assert not WorkerProfile.all_objects.exists()
    assert not User.objects.filter(phone="+84912000111").exists()


def test_import_valid_rows_only(client, counsellor, lao_cai):
    login_staff(client, counsellor)
    token = preview(client, GOOD + BAD).context["token"]

    client.post(reverse("workers:import"), {"token": token, "mode": "valid"})

    profiles = WorkerProfile.all_objects.select_related("user", "case", "commune")
    assert sorted(p.user.name for p in profiles) == ["Giàng Thị Dua", "Vàng A Páo"]
    pao = profiles.get(personal_id="015090123456")
    assert pao.user.phone == "+84912000111" and pao.date_of_birth == datetime.date(1990, 5, 17)
    assert pao.commune.name == "Xã Bát Xát" and pao.case.province == lao_cai
    assert (pao.case.commune, pao.case.sex) == (pao.commune, pao.sex)  # the caseload's filters
    assert pao.user.consents.get().recorded_by == counsellor


def test_import_all_rows_when_every_row_is_good(client, counsellor):
    login_staff(client, counsellor)
    token = preview(client, GOOD).context["token"]

    client.post(reverse("workers:import"), {"token": token, "mode": "all"})

    assert WorkerProfile.all_objects.count() == 2


def test_replaying_an_import_says_it_was_already_imported_and_adds_nothing(client, counsellor):
    # Security review, finding 12: the second confirmation was a server error.
    login_staff(client, counsellor)
    client.cookies["mrc_language"] = "en"
    token = preview(client, GOOD).context["token"]
    client.post(reverse("workers:import"), {"token": token, "mode": "all"})

    replay = client.post(reverse("workers:import"), {"token": token, "mode": "all"}, follow=True)

    assert replay.status_code == 200
    assert "already imported" in replay.text
    assert WorkerProfile.all_objects.count() == 2


def test_a_list_whose_people_were_registered_since_its_preview_imports_nothing(client, counsellor):
    login_staff(client, counsellor)
    client.cookies["mrc_language"] = "en"
    first = preview(client, GOOD).context["token"]
    second = preview(client, GOOD[:1]).context["token"]
    client.post(reverse("workers:import"), {"token": first, "mode": "all"})

    response = client.post(reverse("workers:import"), {"token": second, "mode": "all"}, follow=True)

    assert response.status_code == 200
    assert "registered since the preview" in response.text
    assert WorkerProfile.all_objects.count() == 2
    assert response.status_code == 200


def test_an_import_token_of_another_counsellor_is_refused(client, counsellor, lao_cai):
    from tests.factories import StaffFactory

    login_staff(client, counsellor)
    token = preview(client, GOOD).context["token"]
    login_staff(client, StaffFactory(province=lao_cai))

    response = client.post(reverse("workers:import"), {"token": token, "mode": "all"})

    assert response.status_code == 404
    assert not WorkerProfile.all_objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(client, counsellor):
    login_staff(client, counsellor)

    response = client.post(
        reverse("workers:import"), {"file": SimpleUploadedFile("x.xlsx", b"not a zip")}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_checking_an_import_reads_the_portal_once_whatever_the_number_of_rows(
    counsellor, lao_cai, django_assert_max_num_queries
):
    from workers.importing import check_rows

    header = ["Họ và tên", "Số điện thoại", "Số định danh", "Ngày sinh", "Giới tính", "Xã/phường"]
    few = [
        [f"Người {i}", f"09120003{i:02d}", f"0150901234{i:02d}", "17/05/1990", "Nam", ""]
        for i in range(3)
    ]
    many = [
        [f"Người {i}", f"09120003{i:02d}", f"0150901234{i:02d}", "17/05/1990", "Nam", ""]
        for i in range(60)
    ]
    with django_assert_max_num_queries(10) as queries:
        check_rows(header, few, province_id=lao_cai.pk)
    with django_assert_max_num_queries(len(queries.captured_queries)):
        checked = check_rows(header, many, province_id=lao_cai.pk)
    assert all(row.ok for row in checked)


def test_the_case_page_costs_the_same_at_5_and_500_events(
    client, counsellor, lao_cai, django_assert_num_queries
):
    case = ProfileFactory(user__province=lao_cai).case
    login_staff(client, counsellor)
    url = reverse("workers:staff_worker", args=[case.profile_id])

    def events(n: int) -> None:
        CaseEvent.objects.bulk_create(
            CaseEvent(
                case=case,
                from_stage=Stage.REGISTERED,
                to_stage=Stage.REGISTERED,
                actor=counsellor,
                reason=f"Event {i}",
                at=timezone.now() - datetime.timedelta(hours=i),
            )
            for i in range(n)
        )

    events(5)
    client.get(url)  # the first view of the day writes the audit row (checked elsewhere)
    with CaptureQueriesContext(connection) as short:
        short_page = client.get(url).text
    events(495)

    with django_assert_num_queries(len(short.captured_queries)):
        long_page = client.get(url).text

    assert "Event 4" in short_page and "Xem cũ hơn" not in short_page
    assert long_page.count("Event ") == selectors.TIMELINE_PAGE  # the newest page only
    assert "Event 0" in long_page and "Xem cũ hơn" in long_page


@pytest.mark.parametrize(
    ("model", "time_column"),
    [
        (CaseEvent, "at"),
        (CounsellingSession, "held_at"),
        (CaseNote, "at"),
        (CheckIn, "at"),
        (Assignment, "at"),
    ],
)
def test_a_timeline_table_has_one_index_starting_with_the_case(model, time_column):
    """A second index, on the case alone, let the plan PostgreSQL keeps for a prepared
    statement read a 2,000-item history off it and sort all of it (docs/performance.md)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)

    on_case = [
        found["columns"]
        for found in constraints.values()
        if found["index"] and found["columns"][:1] == ["case_id"]
    ]

    assert on_case == [["case_id", time_column]]


def test_see_older_walks_the_whole_history_once_without_javascript(client, counsellor, lao_cai):
    case = ProfileFactory(user__province=lao_cai).case
    same_minute = timezone.now() - datetime.timedelta(days=1)
    # Ties in time across and within kinds: the cursor must still split them exactly.
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            from_stage=Stage.REGISTERED,
            to_stage=Stage.REGISTERED,
            actor=counsellor,
            reason=f"Event {i};",
            at=same_minute,
        )
        for i in range(70)
    )
    CaseNote.objects.bulk_create(
        CaseNote(case=case, author=counsellor, text=f"Note {i};", at=same_minute) for i in range(40)
    )
    login_staff(client, counsellor)
    url = reverse("workers:staff_worker", args=[case.profile_id])

    seen: list[str] = []
    pages, address = 0, url
    while address:
        page = client.get(address).text
        pages += 1
        seen += re.findall(r"(?:Event|Note) \d+;", page)
        older = re.search(r'href="(\?older=[^"#]+)', page)
        address = url + html.unescape(older.group(1)) if older else ""
        assert ("Mới nhất" in page) == (pages > 1)

    assert pages == -(-110 // selectors.TIMELINE_PAGE)  # 110 items, a page at a time
    expected = [f"Event {i};" for i in range(70)] + [f"Note {i};" for i in range(40)]
    assert sorted(seen) == sorted(expected)


def test_each_kind_of_timeline_line_reads_in_vietnamese_and_escapes_what_was_typed(
    client, counsellor, lao_cai, dong_thap
):
    case = ProfileFactory(user__province=lao_cai).case
    other = StaffFactory(role=Role.COUNSELLOR, province=lao_cai, name="Hà Thị Thu")
    hour = timezone.now() - datetime.timedelta(hours=8)

    def at(n: int) -> datetime.datetime:
        return hour + datetime.timedelta(minutes=n)

    CaseEvent.objects.create(
        case=case, from_stage=Stage.REGISTERED, to_stage=Stage.COUNSELLED, actor=counsellor,
        reason="đã gặp <b>bố mẹ</b>", at=at(1),
    )  # fmt: skip
    CaseEvent.objects.create(
        case=case, from_stage=Stage.COUNSELLED, to_stage=Stage.COUNSELLED, actor=other,
        reason="Sửa ngày đi", at=at(2),
    )  # fmt: skip
    CaseEvent.objects.create(
        case=case, from_stage=Stage.COUNSELLED, to_stage=Stage.COUNSELLED, actor=other,
        from_province=lao_cai, to_province=dong_thap, reason="chuyển nhà", at=at(3),
    )  # fmt: skip
    session = services.session_log(
        counsellor=other, case=case, channel="phone", topics=["fees"], held_at=at(4),
        duration_minutes=25, outcome="hiểu phí", next_step="",
    )  # fmt: skip
    CaseNote.objects.create(case=case, author=counsellor, text="<script>x</script>", at=at(5))
    CheckIn.objects.create(
        case=case, by=other, contact_made=False, problems="mất hộ chiếu", at=at(6)
    )
    Assignment.objects.create(
        case=case, assigned_to=other, assigned_by=counsellor, reason="nghỉ phép", at=at(7)
    )
    login_staff(client, counsellor)

    page = client.get(reverse("workers:staff_worker", args=[case.profile_id])).text
    lines = [
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", line))).strip()
        for line in re.findall(r'<li><span class="muted">[^<]*</span>(.*?)</li>', page, re.S)
    ]

    me, them = str(counsellor), str(other)
    assert lines == [
        f"{me} giao cho {them}: nghỉ phép",
        f"Liên lạc định kỳ · {them}: không liên lạc được — mất hộ chiếu",
        f"Ghi chú · {me}: <script>x</script>",
        f"Buổi tư vấn (Điện thoại, 25\u2032) · {them}: hiểu phí",
        f"Chuyển từ {lao_cai.name} sang {dong_thap.name}, do {them} thực hiện: chuyển nhà",
        f"Sửa ngày đi · {them}",
        f"Đã đăng ký → Đã được tư vấn, do {me} chuyển: đã gặp <b>bố mẹ</b>",
    ]
    assert "<script>" not in page and "&lt;b&gt;bố mẹ&lt;/b&gt;" in page
    assert reverse("workers:session", args=[session.pk]) in page


def test_a_move_names_its_stages_as_django_would_also_a_first_or_an_old_one(counsellor):
    from django.utils import translation

    from workers.templatetags.case_timeline import timeline_line

    def line(from_stage: str, to_stage: str, language: str = "vi") -> str:
        event = CaseEvent(from_stage=from_stage, to_stage=to_stage, actor=counsellor)
        with translation.override(language):
            return timeline_line(event)

    assert line(Stage.REGISTERED, Stage.COUNSELLED).startswith("Đã đăng ký → Đã được tư vấn,")
    assert line(Stage.REGISTERED, Stage.COUNSELLED, "en").startswith("Registered → Counselled")
    assert line("", Stage.REGISTERED).startswith("— → Đã đăng ký,")  # the first move
    # A stage since dropped from the list still reads as it was stored, as Django's would.
    assert line("waitlisted", Stage.REGISTERED).startswith("waitlisted → Đã đăng ký,")
    for stage in Stage:
        other = Stage.COUNSELLED if stage == Stage.REGISTERED else Stage.REGISTERED
        with translation.override("vi"):
            expected = CaseEvent(from_stage=stage).get_from_stage_display()
        assert _label_of(line(stage, other)) == expected


def _label_of(line: str) -> str:
    return line.split(" → ")[0]


def test_a_malformed_cursor_shows_the_newest_items(client, counsellor, case):
    CaseNote.objects.create(case=case, author=counsellor, text="Newest note")
    login_staff(client, counsellor)

    page = client.get(reverse("workers:staff_worker", args=[case.profile_id]), {"older": "x-1"})

    assert page.status_code == 200 and "Newest note" in page.text


def test_the_case_page_lists_every_open_follow_up_then_the_latest_five_done(
    client, counsellor, lao_cai
):
    profile = ProfileFactory(user__province=lao_cai)
    today, now = timezone.localdate(), timezone.now()

    neighbour = ProfileFactory(user__province=lao_cai)

    def follow_up(
        title: str, due_in: int, done_ago: int | None = None, of: WorkerProfile = profile
    ) -> FollowUp:
        return FollowUp.all_objects.create(
            case=of.case, title=title, due_on=today + datetime.timedelta(days=due_in),
            assignee=counsellor, created_by=counsellor,
            done_at=None if done_ago is None else now - datetime.timedelta(hours=done_ago),
        )  # fmt: skip

    later, sooner = follow_up("later", 5), follow_up("sooner", 1)
    done = [follow_up(f"done {i}", 0, done_ago=i) for i in range(7)]  # done 0 the latest
    # Another case's, open and done more lately: not this case's business.
    follow_up("neighbour's", 0, of=neighbour), follow_up("neighbour's done", 0, 0, of=neighbour)
    login_staff(client, counsellor)

    def shown(profile: WorkerProfile) -> list[FollowUp]:
        page = client.get(reverse("workers:staff_worker", args=[profile.pk]))
        return page.context["follow_ups"]

    assert shown(profile) == [sooner, later, *done[:5]]
    FollowUp.all_objects.filter(case=neighbour.case).delete()
    assert shown(neighbour) == []


def test_the_case_page_shows_a_pending_deletion_request_read_with_the_file(
    client, counsellor, lao_cai
):
    asked = ProfileFactory(user__province=lao_cai)
    not_asked = ProfileFactory(user__province=lao_cai)
    request = DeletionRequest.all_objects.create(profile=asked, reason="")
    login_staff(client, counsellor)

    def shown(profile):
        return client.get(reverse("workers:staff_worker", args=[profile.pk])).context["deletion"]

    assert (shown(asked), shown(not_asked)) == (request, None)
