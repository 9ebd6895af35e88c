import datetime
import json
import re

import pytest
from django.db import connection, transaction
from django.utils import timezone

from markets.models import LicenceStatus
from tests.factories import StaffFactory, WorkerFactory
from tests.markets.factories import ProgrammeFactory, enterprise
from tests.workers.factories import ProfileFactory
from workers import rules, services
from workers.models import (
    Case,
    CaseEvent,
    Document,
    DocumentType,
    FollowUp,
    Stage,
    WorkerProfile,
)
from workers.selectors import CaseloadFilters, caseload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ALL_STAGES = list(Stage.values)


@pytest.fixture
def case(lao_cai) -> Case:
    return ProfileFactory(user=WorkerFactory(province=lao_cai)).case


def put(case: Case, stage: str, **fields: object) -> Case:
    """Place a case at a stage directly, as if it had got there through its moves."""
    Case.all_objects.filter(pk=case.pk).update(stage=stage, **fields)
    case.refresh_from_db()
    return case


def move(case: Case, to: str, actor, reason: str = "", **changes: object) -> Case:
    case.refresh_from_db()
    return services.case_move(
        case_id=case.pk,
        to=to,
        actor=actor,
        expected_version=case.version,
        reason=reason,
        changes=changes,
    )


def contract_fields() -> dict[str, object]:
    programme = ProgrammeFactory()
    return {
        "market": programme.market,
        "programme": programme,
        "enterprise": enterprise(markets=[programme.market]),
        "contract_start": TODAY,
        "contract_end": TODAY + datetime.timedelta(days=3 * 365),
    }


def verify_required_documents(case: Case, actor) -> None:
    # Documents ready also needs the ID checked with the population database.
    WorkerProfile.all_objects.filter(pk=case.profile_id).update(id_check="match")
    for doc_type in DocumentType.objects.filter(required=True):
        Document.objects.create(
            profile=case.profile,
            type=doc_type,
            file="x",
            content_type="image/jpeg",
            size=1,
            original_name="x.jpg",
            uploaded_by=actor,
            status=Document.Status.VERIFIED,
        )


# --- the table of moves ----------------------------------------------------------------


ALLOWED = {
    (Stage.REGISTERED, Stage.COUNSELLED), (Stage.COUNSELLED, Stage.PREPARING),
    (Stage.PREPARING, Stage.DOCUMENTS_READY), (Stage.DOCUMENTS_READY, Stage.CONTRACTED),
    (Stage.CONTRACTED, Stage.DEPARTED), (Stage.DEPARTED, Stage.RETURNED),
    (Stage.RETURNED, Stage.REINTEGRATED),
    # Abroad: left the contract or overstayed (issue 15), and home again from there.
    (Stage.DEPARTED, Stage.LEFT_CONTRACT), (Stage.LEFT_CONTRACT, Stage.RETURNED),
    *{(s, t) for s in rules.OPEN_STAGES for t in (Stage.ON_HOLD, Stage.WITHDRAWN)},
    (Stage.ON_HOLD, Stage.WITHDRAWN),
}  # fmt: skip


@pytest.mark.parametrize(
    ("start", "target"),
    [(s, t) for s in ALL_STAGES for t in ALL_STAGES if (s, t) not in ALLOWED and s != "on_hold"],
)
def test_every_move_outside_the_table_is_refused_naming_the_current_stage(
    case, counsellor, start, target
):
    put(case, start)

    with pytest.raises(services.InvalidTransition) as refused:
        move(case, target, counsellor, reason="x")

    assert str(Stage(start).label) in str(refused.value)
    assert not CaseEvent.objects.exists()
    case.refresh_from_db()
    assert case.stage == start


def test_the_table_in_code_is_the_documented_pipeline():
    table = {(s, t) for s in ALL_STAGES if s != Stage.ON_HOLD for t in rules.allowed_moves(s)}
    assert table == {pair for pair in ALLOWED if pair[0] != Stage.ON_HOLD}
    assert rules.allowed_moves(Stage.ON_HOLD, Stage.PREPARING) == [Stage.PREPARING, Stage.WITHDRAWN]


def test_the_whole_pipeline_with_every_guard_satisfied_writes_one_event_per_move(case, counsellor):
    services.session_log(
        counsellor=counsellor,
        case=case,
        channel="in_person",
        topics=["markets"],
        held_at=timezone.now(),
        duration_minutes=30,
        outcome="",
        next_step="",
    )
    move(case, Stage.COUNSELLED, counsellor)
    move(case, Stage.PREPARING, counsellor)
    verify_required_documents(case, counsellor)
    move(case, Stage.DOCUMENTS_READY, counsellor)
    move(case, Stage.CONTRACTED, counsellor, **contract_fields())
    move(case, Stage.DEPARTED, counsellor, departure_date=TODAY)
    move(case, Stage.RETURNED, counsellor, return_date=TODAY, reintegration_needs=["job"])
    final = move(case, Stage.REINTEGRATED, counsellor)

    assert final.stage == Stage.REINTEGRATED
    events = list(CaseEvent.objects.filter(case=case).values_list("from_stage", "to_stage"))
    assert events == [
        ("registered", "counselled"),
        ("counselled", "preparing"),
        ("preparing", "documents_ready"),
        ("documents_ready", "contracted"),
        ("contracted", "departed"),
        ("departed", "returned"),
        ("returned", "reintegrated"),
    ]
    assert set(CaseEvent.objects.values_list("actor", flat=True)) == {counsellor.pk}


# --- guards -----------------------------------------------------------------------------


def refused_with(case, to, actor, **changes) -> str:
    with pytest.raises(services.GuardRefused) as refused:
        move(case, to, actor, **changes)
    assert not CaseEvent.objects.filter(case=case).exists()
    return str(refused.value)


def test_counselled_needs_a_session(case, counsellor):
    assert "buổi tư vấn" in refused_with(case, Stage.COUNSELLED, counsellor)


def test_documents_ready_names_each_required_document_not_verified(case, counsellor):
    put(case, Stage.PREPARING)

    message = refused_with(case, Stage.DOCUMENTS_READY, counsellor)

    for name in ["Hộ chiếu", "Phiếu lý lịch tư pháp", "Giấy khám sức khỏe", "Thẻ căn cước"]:
        assert name in message


def test_contracted_names_every_missing_contract_detail(case, counsellor):
    put(case, Stage.DOCUMENTS_READY)

    message = refused_with(case, Stage.CONTRACTED, counsellor)

    for part in ["thị trường", "chương trình", "doanh nghiệp", "ngày bắt đầu", "ngày kết thúc"]:
        assert part in message


def test_contracted_refuses_an_enterprise_whose_licence_is_not_active(case, counsellor):
    put(case, Stage.DOCUMENTS_READY)
    fields = contract_fields()
    fields["enterprise"] = enterprise(status=LicenceStatus.REVOKED, revoked_on=TODAY)

    assert "giấy phép" in refused_with(case, Stage.CONTRACTED, counsellor, **fields)


def test_contracted_refuses_an_end_before_the_start(case, counsellor):
    put(case, Stage.DOCUMENTS_READY)
    fields = contract_fields() | {"contract_end": TODAY - datetime.timedelta(days=1)}

    assert refused_with(case, Stage.CONTRACTED, counsellor, **fields)


def test_departed_needs_a_departure_date_not_in_the_future(case, counsellor):
    put(case, Stage.CONTRACTED)

    assert "ngày xuất cảnh" in refused_with(case, Stage.DEPARTED, counsellor)
    # Read now, not when the module loaded: the run may pass midnight in Vietnam.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert refused_with(case, Stage.DEPARTED, counsellor, departure_date=tomorrow)


def test_returned_needs_a_return_date(case, counsellor):
    put(case, Stage.DEPARTED, departure_date=TODAY - datetime.timedelta(days=900))

    assert "ngày về" in refused_with(case, Stage.RETURNED, counsellor)


@pytest.mark.parametrize("target", [Stage.ON_HOLD, Stage.WITHDRAWN])
def test_on_hold_and_withdrawn_need_a_reason(case, counsellor, target):
    assert "lý do" in refused_with(case, target, counsellor)

    moved = move(case, target, counsellor, reason="Gia đình khó khăn")
    assert moved.stage == target
    assert CaseEvent.objects.get().reason == "Gia đình khó khăn"


def test_a_case_on_hold_resumes_where_it_was(case, counsellor):
    put(case, Stage.PREPARING)
    move(case, Stage.ON_HOLD, counsellor, reason="Ốm")

    resumed = move(case, Stage.PREPARING, counsellor)

    assert resumed.stage == Stage.PREPARING


def test_return_records_needs_as_follow_ups_for_the_counsellor(case, counsellor):
    put(
        case,
        Stage.DEPARTED,
        departure_date=TODAY - datetime.timedelta(days=900),
        assigned_to=counsellor,
    )

    move(
        case,
        Stage.RETURNED,
        counsellor,
        return_date=TODAY,
        reintegration_needs=["job", "loan"],
        skills_abroad="Hàn, chứng chỉ JLPT N3",
    )

    tasks = FollowUp.all_objects.filter(case=case)
    assert sorted(t.source for t in tasks) == ["reintegration:job", "reintegration:loan"]
    assert {t.assignee for t in tasks} == {counsellor}
    case.refresh_from_db()
    assert case.skills_abroad == "Hàn, chứng chỉ JLPT N3"


def test_a_stale_version_is_refused_and_nothing_changes(case, counsellor):
    opened_at = case.version
    services.case_move(
        case_id=case.pk, to=Stage.ON_HOLD, actor=counsellor, expected_version=opened_at, reason="a"
    )

    with pytest.raises(services.StaleCase):
        services.case_move(
            case_id=case.pk,
            to=Stage.WITHDRAWN,
            actor=counsellor,
            expected_version=opened_at,
            reason="b",
        )

    case.refresh_from_db()
    assert case.stage == Stage.ON_HOLD
    assert CaseEvent.objects.count() == 1


# --- assignment, overdue ------------------------------------------------------------------


def test_assignment_keeps_its_history_and_refuses_another_province(
    case, counsellor, other_counsellor, manager
):
    services.case_assign(case_ids=[case.pk], to=counsellor, actor=manager)
    services.case_assign(case_ids=[case.pk], to=manager, actor=manager)

    assert list(case.assignments.values_list("assigned_to", flat=True)) == [
        counsellor.pk,
        manager.pk,
    ]
    with pytest.raises(services.InvalidTransition):
        services.case_assign(case_ids=[case.pk], to=other_counsellor, actor=manager)


def test_handover_moves_open_cases_and_tasks_of_a_leaving_counsellor(lao_cai, counsellor, manager):
    colleague = StaffFactory(province=lao_cai)
    open_case = ProfileFactory(user=WorkerFactory(province=lao_cai)).case
    closed = put(ProfileFactory(user=WorkerFactory(province=lao_cai)).case, Stage.WITHDRAWN)
    services.case_assign(case_ids=[open_case.pk, closed.pk], to=counsellor, actor=manager)
    services.follow_up_create(
        case=open_case, title="Gọi", due_on=TODAY, assignee=counsellor, actor=manager
    )

    cases, tasks = services.caseload_handover(leaving=counsellor, to=colleague, actor=manager)

    assert (cases, tasks) == (1, 1)
    open_case.refresh_from_db()
    closed.refresh_from_db()
    assert open_case.assigned_to == colleague and closed.assigned_to == counsellor
    assert open_case.assignments.last().assigned_by == manager


def test_return_is_overdue_30_days_after_the_contract_end(case):
    put(case, Stage.DEPARTED, contract_end=TODAY - datetime.timedelta(days=31))
    on_time = put(
        ProfileFactory(user=WorkerFactory(province=case.province)).case,
        Stage.DEPARTED,
        contract_end=TODAY - datetime.timedelta(days=29),
    )

    overdue = set(Case.all_objects.return_overdue(TODAY).values_list("pk", flat=True))

    assert overdue == {case.pk}
    assert case.is_return_overdue(TODAY) and not on_time.is_return_overdue(TODAY)


def test_contact_sessions_join_the_file_when_the_person_registers(lao_cai, counsellor):
    session = services.session_log(
        counsellor=counsellor,
        case=None,
        channel="outreach",
        topics=["fees"],
        held_at=timezone.now(),
        duration_minutes=20,
        outcome="",
        next_step="",
        contact_name="Lù Văn Sáng",
        contact_phone="+84912777888",
    )
    user = WorkerFactory(province=lao_cai, phone="+84912777888")

    profile = services.profile_start(user=user)

    session.refresh_from_db()
    assert session.case == profile.case


# --- search -------------------------------------------------------------------------------


@pytest.fixture
def named_cases(lao_cai):
    names = ["Nguyễn Văn Ánh", "Đặng Thị Hương", "Nguyễn Văn Anh", "Lò Thị Mai"]
    return {
        name: services.profile_start(user=WorkerFactory(name=name, province=lao_cai)).case
        for name in names
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nguyen van anh", {"Nguyễn Văn Ánh", "Nguyễn Văn Anh"}),
        ("Nguyễn Văn Ánh", {"Nguyễn Văn Ánh", "Nguyễn Văn Anh"}),
        ("dang thi", {"Đặng Thị Hương"}),
        ("ĐẶNG", {"Đặng Thị Hương"}),
        ("huong", {"Đặng Thị Hương"}),
        ("lo thi  mai", {"Lò Thị Mai"}),
        ("tran", set()),
    ],
)
def test_name_search_ignores_diacritics_case_and_spaces(named_cases, counsellor, typed, expected):
    found = caseload(counsellor, CaseloadFilters(q=typed), TODAY)

    assert {c.profile.user.name for c in found} == expected


def test_search_by_personal_id_and_phone(named_cases, counsellor):
    case = named_cases["Lò Thị Mai"]
    case.profile.personal_id = "015190123456"
    case.profile.save()
    phone = case.profile.user.phone

    by_id = caseload(counsellor, CaseloadFilters(q="015 190 123 456"), TODAY)
    by_phone = caseload(counsellor, CaseloadFilters(q="0" + phone[3:]), TODAY)

    assert [c.pk for c in by_id] == [case.pk]
    assert [c.pk for c in by_phone] == [case.pk]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only"
)
def test_a_name_search_reads_the_trigram_index_by_province_and_name(counsellor, lao_cai):
    """A search must reach the trigrams of one province, not of the nation: btree_gin's
    province key is usable only when the province is compared as a bigint, as the column is."""
    ProfileFactory(user=WorkerFactory(province=lao_cai, name="Giàng Thị Dua"))
    cases = caseload(counsellor, CaseloadFilters(q="giang thi dua"), TODAY)
    sql, params = cases.values_list("pk", flat=True).query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # Leave the planner the trigram index alone (the test's transaction rolls it back).
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'workers_case' "
            "AND indexname NOT IN ('case_search_by_province', 'workers_case_pkey') "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = json.dumps(cursor.fetchone()[0])
        transaction.set_rollback(True)

    index_conditions = re.findall(r'"Index Cond": "([^"]*)"', plan)
    assert any("province_id" in c and "search_name" in c for c in index_conditions), plan
