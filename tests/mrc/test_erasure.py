"""One worker through every path of the portal, then her deletion: afterwards no text
column of any table names her (name, phone, personal ID, email) and none of her files is
left, while the support paid to her is still counted, without her identity."""

from __future__ import annotations

import contextlib
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import PendingFileDeletion, Role, User
from accounts.text import fold
from fairs.models import Registration
from loans import services as loan_services
from loans.models import Application
from markets import services as market_services
from markets.models import FraudReport
from tests.factories import StaffFactory, WorkerFactory, province
from tests.fairs.factories import FairFactory, walk_in
from tests.loans.factories import attach, grant_programme, in_review
from tests.workers.factories import VALID_ID, identity_values, jpeg_upload
from workers import services
from workers.models import (
    Case,
    DeletionRequest,
    DocumentType,
    DuplicateIdAttempt,
    PriorityGroupClaim,
    Stage,
)
from workers.tasks import anonymise_due_deletions
from workers.uploads import clean_upload

NAME = "Hoàng Thị Mỹ Duyên"
PHONE = "0912 345 678"
EMAIL = "duyen.hoang@example.org"
TERMS = [NAME, fold(NAME), "+84912345678", "0912345678", PHONE, VALID_ID, EMAIL]

pytestmark = pytest.mark.django_db


def text_hits() -> list[tuple[str, str, str]]:
    """Every (table, column, term) where a text column of any table holds one of TERMS: the
    whole database, read through its own catalogue, not through the models."""
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = connection.introspection.get_table_description(cursor, table)
            names = [c.name for c in columns]
            cursor.execute(
                "SELECT {} FROM {}".format(  # noqa: S608 (names from the catalogue)
                    ", ".join(connection.ops.quote_name(n) for n in names),
                    connection.ops.quote_name(table),
                )
            )
            for row in cursor.fetchall():
                for column, value in zip(names, row, strict=True):
                    if value is None or isinstance(value, int | float | bool | Decimal):
                        continue
                    text = value if isinstance(value, str) else str(value)
                    # JSON text escapes non-ASCII letters on SQLite: read it decoded too.
                    with contextlib.suppress(ValueError, TypeError):
                        text += json.dumps(json.loads(text), ensure_ascii=False)
                    low = text.lower()
                    hits += [(table, column, t) for t in TERMS if t.lower() in low]
    return hits


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def her_whole_story(lao_cai, media: Path) -> tuple[User, User]:
    counsellor = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    manager = StaffFactory(role=Role.MANAGER, province=lao_cai)
    now = timezone.now()
    # Before she has an account: a session as a contact, a walk-in ticket for a fair to
    # come, and a fraud report that names her as the one to call back, with a photo.
    services.session_log(
        counsellor=counsellor, case=None, channel="phone", topics=["fees"], held_at=now,
        duration_minutes=10, outcome=f"{NAME} hỏi về phí đi Nhật", next_step="Gọi lại",
        contact_name=NAME, contact_phone="+84912345678",
    )  # fmt: skip
    fair = FairFactory(province=lao_cai, created_by=counsellor)
    walk_in(fair, counsellor, NAME, phone="+84912345678")
    market_services.fraud_report_submit(
        province=lao_cai, commune=None, name_used="Công ty Việc Nhẹ", phone="0999888777",
        what_was_asked=f"Họ đòi chị {NAME} nộp 80 triệu", amount_paid=None,
        reporter_name=NAME, reporter_contact=PHONE,
        attachments=[market_services.Attachment(file=jpeg_upload(), content_type="image/jpeg")],
    )  # fmt: skip
    # She signs up, consents, fills in her profile.
    worker = WorkerFactory(province=lao_cai, name=NAME, phone="+84912345678", email=EMAIL)
    profile = services.profile_start(user=worker)
    profile = services.profile_save_step(
        profile_id=profile.pk, step="identity", values=identity_values(name=NAME),
        expected_version=profile.version, actor=worker,
    )  # fmt: skip
    commune = lao_cai.communes.order_by("code").first()
    profile = services.profile_save_step(
        profile_id=profile.pk, step="address",
        values={"commune": commune, "address_line": "Thôn Nậm Cang, nhà bà Duyên",
                "old_address": "Huyện Sa Pa"},
        expected_version=profile.version, actor=worker,
    )  # fmt: skip
    for code in ("id_card", "passport"):
        services.document_upload(
            profile=profile, doc_type=DocumentType.objects.get(code=code),
            clean=clean_upload(jpeg_upload()), original_name=f"{NAME}.jpg", expires_on=None,
            priority_group="", actor=worker,
        )  # fmt: skip
    # Someone else tries her ID number.
    other = WorkerFactory(province=lao_cai)
    other_profile = services.profile_start(user=other)
    with pytest.raises(services.DuplicatePersonalId):
        services.profile_save_step(
            profile_id=other_profile.pk, step="identity", values=identity_values(),
            expected_version=other_profile.version, actor=other,
        )  # fmt: skip
    # Staff read her file, log a session, write a note and a follow-up, export a search.
    staff = Client()
    staff.force_login(counsellor)
    assert staff.get(reverse("workers:staff_worker", args=[profile.pk])).status_code == 200
    case = profile.case
    services.session_log(
        counsellor=counsellor, case=case, channel="in_person", topics=["markets"],
        held_at=now, duration_minutes=30, outcome=f"Chị {NAME} ({PHONE}) muốn đi Hàn",
        next_step="Học tiếng",
    )  # fmt: skip
    services.note_add(case=case, author=counsellor, text=f"Gọi {PHONE}: chị Duyên đồng ý")
    services.follow_up_create(
        case=case, title=f"Gọi lại cho {NAME}", due_on=timezone.localdate(),
        assignee=counsellor, actor=counsellor,
    )  # fmt: skip
    assert staff.get(reverse("workers:export"), {"q": NAME}).status_code == 200
    # A support application with three attachments, approved and paid.
    PriorityGroupClaim.objects.create(profile=profile, group="poor")
    programme = grant_programme()
    application = in_review(profile, programme, counsellor)
    Application.all_objects.filter(pk=application.pk).update(note=f"Liên hệ {PHONE}")
    for what in ("id_card", "priority_proof"):
        Application.all_objects.filter(pk=application.pk).update(status="needs_info")
        attach(application, worker, what)
        Application.all_objects.filter(pk=application.pk).update(status="in_review")
    application = loan_services.application_approve(
        application_id=application.pk, actor=manager, amount=Decimal(3_000_000),
        reason=f"Hồ sơ của {NAME} đủ",
    )  # fmt: skip
    loan_services.application_mark_paid(
        application_id=application.pk, actor=counsellor, reference=f"CK {NAME}"
    )
    services.deletion_request_create(profile=profile, reason=f"Tôi là {NAME}, xin xoá")
    return worker, counsellor


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _due(settings) -> None:
    DeletionRequest.all_objects.update(
        requested_at=timezone.now()
        - datetime.timedelta(days=settings.WORKER_DATA_RETENTION_DAYS + 1)
    )


def test_after_her_erasure_no_table_names_her_and_none_of_her_files_is_left(
    lao_cai, media, settings, capsys
):
    worker, _counsellor = her_whole_story(lao_cai, media)
    before_hits = text_hits()
    before_files = files_under(media)
    _due(settings)

    assert anonymise_due_deletions() == 1

    after_hits = text_hits()
    with capsys.disabled():
        tables = sorted({(t, c) for t, c, _ in before_hits})
        print(f"\nbefore: {len(before_hits)} hits in {len(tables)} columns, "
              f"{len(before_files)} files: {tables}")  # fmt: skip
        print(f"after: {len(after_hits)} hits, {len(files_under(media))} files: {after_hits}")
    assert len(before_files) == 6  # fraud photo, two documents, three attachments
    assert after_hits == []
    assert files_under(media) == set()
    assert not PendingFileDeletion.objects.exists()
    # What the law asks to keep is kept, without her: the grant paid and its amount.
    paid = Application.all_objects.get()
    assert (paid.status, paid.approved_amount, paid.applicant) == ("paid", 3_000_000, {})
    # Her ticket for the fair still to come no longer holds a place.
    assert Registration.all_objects.get().status == Registration.Status.CANCELLED
    # The fraud report stays, as evidence against the recruiter, without her.
    report = FraudReport.all_objects.get()
    assert report.name_used == "Công ty Việc Nhẹ" and report.reporter_contact == ""
    assert not DuplicateIdAttempt.all_objects.exists()
    assert not User.objects.get(pk=worker.pk).is_active


def test_a_file_the_storage_cannot_delete_is_kept_in_the_queue_and_retried(
    lao_cai, media, settings, monkeypatch
):
    her_whole_story(lao_cai, media)
    _due(settings)
    from django.core.files.storage import FileSystemStorage

    real_delete = FileSystemStorage.delete

    def refuse(self, name):
        raise OSError("the object store did not answer")

    monkeypatch.setattr(FileSystemStorage, "delete", refuse)
    anonymise_due_deletions()

    waiting = PendingFileDeletion.objects.all()
    assert waiting.count() == 6 and {p.attempts for p in waiting} == {1}
    assert "did not answer" in waiting[0].last_error
    assert len(files_under(media)) == 6

    monkeypatch.setattr(FileSystemStorage, "delete", real_delete)
    assert anonymise_due_deletions() == 0  # nobody new to erase: the files are retried

    assert not PendingFileDeletion.objects.exists()
    assert files_under(media) == set()


def test_a_counsellor_can_no_longer_open_an_erased_attachment(lao_cai, media, settings):
    her_whole_story(lao_cai, media)
    staff = Client()
    staff.force_login(User.objects.get(role=Role.COUNSELLOR))
    attachment_ids = list(Application.all_objects.get().attachments.values_list("pk", flat=True))
    _due(settings)
    anonymise_due_deletions()

    for pk in attachment_ids:
        assert staff.get(reverse("loans:attachment_file", args=[pk])).status_code == 404


def test_erasure_does_not_touch_a_namesake_who_asked_nothing(lao_cai, media, settings):
    her_whole_story(lao_cai, media)
    namesake = WorkerFactory(province=province(15), name="Hoàng Thị Lan", phone="+84987654321")
    services.profile_start(user=namesake)
    _due(settings)
    anonymise_due_deletions()

    namesake.refresh_from_db()
    assert (namesake.name, namesake.phone, namesake.is_active) == (
        "Hoàng Thị Lan", "+84987654321", True,
    )  # fmt: skip
    # Her own file is untouched: her case keeps its stage (it counts in the figures).
    assert Case.all_objects.get(profile__user=namesake).stage == Stage.REGISTERED


def test_a_report_filed_by_someone_else_that_names_her_keeps_its_reporter(lao_cai, media, settings):
    her_whole_story(lao_cai, media)
    market_services.fraud_report_submit(
        province=lao_cai, commune=None, name_used="Công ty Việc Nhẹ", phone="0999888777",
        what_was_asked=f"Họ cũng lừa cả chị {NAME}", amount_paid=None,
        reporter_name="Sùng Văn Páo", reporter_contact="0987 111 222",
    )  # fmt: skip
    _due(settings)
    anonymise_due_deletions()

    theirs = FraudReport.all_objects.get(reporter_name="Sùng Văn Páo")
    assert theirs.reporter_contact == "0987 111 222"
    assert theirs.what_was_asked == "Họ cũng lừa cả chị [đã xoá]"


def test_the_job_reports_each_file_it_deleted(lao_cai, media, settings, caplog):
    her_whole_story(lao_cai, media)
    _due(settings)
    with caplog.at_level("INFO"):
        anonymise_due_deletions()

    deleted = [r for r in caplog.messages if r.startswith("erasure: file ")]
    assert len(deleted) == 6 and all(m.endswith(" deleted") for m in deleted)
    assert "erasure: 6 file(s) deleted, 0 still waiting" in caplog.text
