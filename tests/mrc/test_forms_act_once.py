"""Every form that creates something acts once, when a phone sends it twice.

Each case below opens the page that shows the form (so the test reads the one-time key the
page really renders), then sends the same POST twice: one after the other on any database,
and three at the same moment from three threads on PostgreSQL (SQLite serialises every
write, so nothing races there). It counts the rows (and the files on disk) the sendings
made: one sending's worth, never two, and never a server error.
"""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from fairs.models import Fair, Interview, JobOrder, Participation, Registration
from loans.models import Application, Attachment
from markets.models import FraudReport, FraudReportAttachment, Notice
from reports.models import Target
from tests.factories import StaffFactory, WorkerFactory, province
from tests.fairs.factories import FairFactory, before, participation, walk_in
from tests.loans.factories import draft_grant, grant_programme, worker_profile
from tests.markets.factories import ProgrammeFactory, enterprise
from tests.workers.factories import ProfileFactory, jpeg_upload, pdf_upload
from workers.models import (
    CaseNote,
    CheckIn,
    CounsellingSession,
    DeletionRequest,
    Document,
    FollowUp,
    Stage,
)

KEY = re.compile(r'name="_once" value="([0-9a-f]{32})"')


@dataclass
class Form:
    """One create form: who sends it, where its page is, what it posts, what it makes."""

    client: Client
    page: str
    action: str
    data: Callable[[], dict[str, Any]]  # fresh each time: an upload is read once
    rows: Callable[[], int]
    files: Callable[[], int] = lambda: 0
    # The page that shows the form, when it is not a GET of `page` (an import's preview).
    opener: Callable[[Client], Any] | None = None
    # What one sending makes: rows (a report and its photo are two) and files on disk.
    made: tuple[int, int] = (1, 0)


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _session() -> dict[str, Any]:
    return {
        "channel": "in_person",
        "topics": ["markets"],
        "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 20,
        "outcome": "Muốn đi Nhật",
        "next_step": "",
    }


def _files_under(folder: str) -> Callable[[], int]:
    def count() -> int:
        from django.conf import settings

        root = Path(settings.MEDIA_ROOT) / folder
        return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0

    return count


def _staff(role: str = Role.COUNSELLOR) -> User:
    return StaffFactory(role=role, province=province(15))


def fraud_report() -> Form:
    return Form(
        client=Client(REMOTE_ADDR="10.9.0.1"),
        page=reverse("markets:report_fraud"),
        action=reverse("markets:report_fraud"),
        data=lambda: {
            "name_used": "Công ty Việc Nhẹ Lương Cao",
            "phone": "0999 888 777",
            "province": "15",
            "what_was_asked": "Đòi 80 triệu đồng",
            "amount_paid": "",
            "reporter_name": "Lò Thị Hoa",
            "reporter_contact": "0912 345 678",
            "attachments": [jpeg_upload()],
        },
        rows=lambda: FraudReport.all_objects.count() + FraudReportAttachment.objects.count(),
        files=_files_under("fraud-reports"),
        made=(2, 1),
    )


def _case_and_counsellor() -> tuple[Any, User]:
    counsellor = _staff()
    profile = ProfileFactory(user=WorkerFactory(province=province(15)))
    return profile.case, counsellor


def session_on_a_case() -> Form:
    case, counsellor = _case_and_counsellor()
    url = reverse("workers:session_add", args=[case.pk])
    return Form(_signed_in(counsellor), url, url, _session, CounsellingSession.all_objects.count)


def session_with_a_contact() -> Form:
    counsellor = _staff()
    url = reverse("workers:contact_session")
    return Form(
        _signed_in(counsellor),
        url,
        url,
        lambda: {**_session(), "contact_name": "Lù Văn Sáng", "contact_phone": "0912777888"},
        CounsellingSession.all_objects.count,
    )


def follow_up() -> Form:
    case, counsellor = _case_and_counsellor()
    url = reverse("workers:follow_up_add", args=[case.pk])
    due = timezone.localdate().isoformat()
    return Form(
        _signed_in(counsellor),
        url,
        url,
        lambda: {"title": "Gọi lại", "due_on": due, "assignee": counsellor.pk},
        FollowUp.all_objects.count,
    )


def case_note() -> Form:
    case, counsellor = _case_and_counsellor()
    return Form(
        _signed_in(counsellor),
        reverse("workers:staff_worker", args=[case.profile_id]),
        reverse("workers:note_add", args=[case.pk]),
        lambda: {"text": "Đã gọi điện, chị hẹn tuần sau."},
        CaseNote.objects.count,
    )


def check_in() -> Form:
    case, counsellor = _case_and_counsellor()
    type(case).all_objects.filter(pk=case.pk).update(
        stage=Stage.DEPARTED, departure_date=timezone.localdate()
    )
    url = reverse("workers:check_in_add", args=[case.pk])
    return Form(
        _signed_in(counsellor),
        url,
        url,
        lambda: {"contact_made": "on", "situation": "Ổn", "problems": ""},
        CheckIn.objects.count,
    )


def document_upload() -> Form:
    profile = ProfileFactory(user=WorkerFactory(province=province(15)))
    url = reverse("workers:documents")
    return Form(
        _signed_in(profile.user),
        url,
        url,
        lambda: {"type": "id_card", "file": jpeg_upload()},
        Document.all_objects.count,
        _files_under("documents"),
        made=(1, 1),
    )


def document_upload_by_staff() -> Form:
    case, counsellor = _case_and_counsellor()
    return Form(
        _signed_in(counsellor),
        reverse("workers:staff_worker", args=[case.profile_id]),
        reverse("workers:staff_documents", args=[case.profile_id]),
        lambda: {"type": "id_card", "file": pdf_upload()},
        Document.all_objects.count,
        _files_under("documents"),
        made=(1, 1),
    )


def assisted_registration() -> Form:
    counsellor = _staff()
    url = reverse("workers:staff_new")
    return Form(
        _signed_in(counsellor),
        url,
        url,
        lambda: {"name": "Vàng A Páo", "phone": "0912 000 111", "consent_on_paper": "on"},
        lambda: User.objects.filter(role=Role.WORKER).count(),
    )


def support_receipt() -> Form:
    profile = worker_profile(province(15))
    application = draft_grant(profile, grant_programme(), receipt=False)
    return Form(
        _signed_in(profile.user),
        reverse("loans:application", args=[application.pk]),
        reverse("loans:attach", args=[application.pk]),
        lambda: {"what": "receipt", "file": jpeg_upload()},
        Attachment.all_objects.count,
        _files_under("support"),
        made=(1, 1),
    )


def _fair() -> tuple[Fair, User]:
    counsellor = _staff()
    return FairFactory(province=counsellor.province, created_by=counsellor), counsellor


def fair_walk_in() -> Form:
    fair, counsellor = _fair()
    url = reverse("fairs:walk_in", args=[fair.pk])
    return Form(
        _signed_in(counsellor),
        url,
        url,
        lambda: {"name": "Tẩn Láo Lở", "phone": ""},
        Registration.all_objects.count,
    )


def fair_door_walk_in() -> Form:
    counsellor = _staff()
    now = timezone.localtime()
    fair = FairFactory(
        province=counsellor.province,
        created_by=counsellor,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=3),
        status=Fair.Status.PUBLISHED,
    )
    url = reverse("fairs:check_in", args=[fair.pk])
    return Form(
        _signed_in(counsellor),
        url,
        url,
        lambda: {"action": "walk_in", "walkin-name": "Thào Thị Mỷ", "walkin-phone": ""},
        Registration.all_objects.count,
    )


def fair_new() -> Form:
    counsellor = _staff()
    day = timezone.localdate() + datetime.timedelta(days=20)
    url = reverse("fairs:new")
    return Form(
        _signed_in(counsellor),
        url,
        url,
        lambda: {
            "title": "Phiên tháng 12",
            "starts_at": day.strftime("%Y-%m-%dT08:00"),
            "ends_at": day.strftime("%Y-%m-%dT11:00"),
            "address": "Nhà văn hoá",
            "capacity": "150",
        },
        Fair.all_objects.count,
    )


def fair_enterprise() -> Form:
    fair, counsellor = _fair()
    company = enterprise()
    url = reverse("fairs:enterprise_add", args=[fair.pk])
    return Form(
        _signed_in(counsellor), url, url, lambda: {"enterprise": company.pk},
        Participation.all_objects.count,
    )  # fmt: skip


def fair_job_order() -> Form:
    fair, counsellor = _fair()
    joined = participation(fair, counsellor)
    programme = ProgrammeFactory()
    url = reverse("fairs:job_order_add", args=[fair.pk, joined.pk])
    return Form(
        _signed_in(counsellor),
        url,
        url,
        lambda: {
            "market": programme.market_id,
            "programme": programme.pk,
            "occupation": "Điều dưỡng",
            "vacancies": "12",
        },
        JobOrder.objects.count,
    )


def fair_interview() -> Form:
    counsellor = _staff()
    now = timezone.localtime()
    fair = FairFactory(
        province=counsellor.province,
        created_by=counsellor,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=3),
        status=Fair.Status.PUBLISHED,
    )
    joined = participation(fair, counsellor)
    came = walk_in(fair, counsellor, "Sùng A Dê", now=before(fair))
    Registration.all_objects.filter(pk=came.pk).update(checked_in_at=now)
    url = reverse("fairs:outcomes", args=[fair.pk])
    return Form(
        _signed_in(counsellor),
        url,
        url,
        lambda: {"participation": joined.pk, "registration": came.pk},
        Interview.all_objects.count,
    )


def notice() -> Form:
    manager = _staff(Role.MANAGER)
    url = reverse("markets:staff_notice_create")
    return Form(
        _signed_in(manager),
        url,
        url,
        lambda: {"title": "Phiên việc làm", "body": "Mời bạn", "category": "job_fair",
                 "province": 15},
        Notice.all_objects.count,
    )  # fmt: skip


def target() -> Form:
    manager = _staff(Role.MANAGER)
    url = reverse("reports:targets")
    return Form(
        _signed_in(manager),
        url,
        url,
        lambda: {"province": manager.province_id, "year": 2026, "half": 0, "departures": 2000},
        Target.all_objects.count,
    )


def fair_registration() -> Form:
    fair, _counsellor = _fair()
    profile = ProfileFactory(user=WorkerFactory(province=fair.province))
    return Form(
        _signed_in(profile.user),
        reverse("fairs:detail", args=[fair.pk]),
        reverse("fairs:register", args=[fair.pk]),
        dict,
        Registration.all_objects.count,
    )


def support_application() -> Form:
    profile = worker_profile(province(15))
    programme = grant_programme()
    return Form(
        _signed_in(profile.user),
        reverse("loans:programme", args=[programme.pk]),
        reverse("loans:apply", args=[programme.pk]),
        dict,
        Application.all_objects.count,
    )


def deletion_request() -> Form:
    profile = ProfileFactory(user=WorkerFactory(province=province(15)))
    url = reverse("workers:delete")
    return Form(
        _signed_in(profile.user),
        url,
        url,
        lambda: {"confirm": "on", "reason": "Đổi ý"},
        DeletionRequest.all_objects.count,
    )


def worker_import() -> Form:
    from tests.workers.test_case_views import GOOD, sheet

    counsellor = _staff()
    url = reverse("workers:import")
    preview: dict[str, str] = {}

    def open_preview(client: Client) -> Any:
        page = client.post(url, {"file": sheet(GOOD)})
        preview["token"] = page.context["token"]
        return page

    return Form(
        _signed_in(counsellor),
        url,
        url,
        lambda: {"token": preview["token"], "mode": "all"},
        lambda: User.objects.filter(role=Role.WORKER).count(),
        opener=open_preview,
        made=(2, 0),  # the sheet's two workers
    )


def sign_up() -> Form:
    url = reverse("account_signup")
    return Form(
        Client(REMOTE_ADDR="10.9.0.2"),
        url,
        url,
        lambda: {
            "name": "Lò Thị Hoa",
            "email": "hoa@example.org",
            "password1": "một mật khẩu dài 2026",
            "password2": "một mật khẩu dài 2026",
        },
        User.objects.count,
    )


FORMS = [
    fraud_report, session_on_a_case, session_with_a_contact, follow_up, case_note, check_in,
    document_upload, document_upload_by_staff, assisted_registration, support_receipt,
    fair_walk_in, fair_door_walk_in, fair_new, fair_enterprise, fair_job_order, fair_interview,
    notice, target, sign_up, fair_registration, support_application, deletion_request,
    worker_import,
]  # fmt: skip


def _ready(make: Callable[[], Form]) -> tuple[Form, dict[str, Any]]:
    form = make()
    page = form.opener(form.client) if form.opener else form.client.get(form.page)
    assert page.status_code == 200, (make.__name__, page.status_code)
    found = KEY.search(page.text)
    assert found, f"{make.__name__}: the page shows no one-time key"
    return form, {"_once": found.group(1)}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("make", FORMS, ids=lambda f: f.__name__)
def test_a_form_sent_twice_in_a_row_makes_one_row_and_one_file(make, media):
    form, key = _ready(make)
    rows, files = form.rows(), form.files()

    first = form.client.post(form.action, {**form.data(), **key})
    assert first.status_code == 302, (first.status_code, getattr(first, "text", "")[:2000])
    assert (form.rows() - rows, form.files() - files) == form.made

    second = form.client.post(form.action, {**form.data(), **key})
    third = form.client.post(form.action, {**form.data(), **key})

    assert (second.status_code, third.status_code) == (302, 302)
    assert second["Location"] == first["Location"]
    assert (form.rows() - rows, form.files() - files) == form.made
    # The second answer says, in plain words, that nothing was saved twice.
    landed = form.client.get(second["Location"])
    assert "already sent" in landed.text or "đã được gửi" in landed.text


@pytest.mark.django_db
def test_a_key_that_was_refused_can_be_sent_again_once_the_form_is_fixed(media):
    form, key = _ready(follow_up)
    refused = form.client.post(form.action, {**form.data(), "title": "", **key})
    accepted = form.client.post(form.action, {**form.data(), **key})

    assert (refused.status_code, accepted.status_code) == (200, 302)
    assert FollowUp.all_objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises every write, so nothing races",
)
@pytest.mark.parametrize("make", FORMS, ids=lambda f: f.__name__)
def test_a_form_sent_three_times_at_once_makes_one_row_and_no_error(make, media):
    form, key = _ready(make)
    rows, files = form.rows(), form.files()
    barrier = threading.Barrier(3)
    statuses: list[int] = []
    errors: list[BaseException] = []
    payloads = [{**form.data(), **key} for _ in range(3)]

    def send(payload: dict[str, Any]) -> None:
        try:
            client = Client(REMOTE_ADDR=form.client.defaults.get("REMOTE_ADDR", "127.0.0.1"))
            client.cookies = form.client.cookies
            barrier.wait(timeout=10)
            statuses.append(client.post(form.action, payload).status_code)
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(statuses) == [302, 302, 302]
    assert (form.rows() - rows, form.files() - files) == form.made
