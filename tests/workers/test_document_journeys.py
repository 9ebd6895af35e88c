"""Documents as a worker and a counsellor live them: a review is told to the worker once,
a returned document's reason is on home, a counsellor can add every document the
checklist asks for, and an upload error is the first thing on the page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from accounts import sms
from notifications.models import Channel, Notification
from tests.conftest import login_staff
from tests.workers.factories import VALID_ID, ProfileFactory, jpeg_upload
from workers import services
from workers.models import Document, PriorityGroupClaim, Stage, WorkerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload_as_worker(client, code: str = "passport", group: str = ""):
    return client.post(
        reverse("workers:documents"),
        {"type": code, "priority_group": group, "file": jpeg_upload()},
    )


def test_a_returned_document_tells_the_worker_once_with_the_reason(
    client, worker, counsellor, django_capture_on_commit_callbacks
):
    profile = ProfileFactory(user=worker)
    client.force_login(worker)
    upload_as_worker(client)
    document = Document.all_objects.get()
    login_staff(client, counsellor)
    review = reverse("workers:document_review", args=[document.pk, "return"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(review, {"reason": "Ảnh bị mờ, chụp lại trang có ảnh"})
        client.post(review, {"reason": "Ảnh bị mờ, chụp lại trang có ảnh"})  # a second click

    inbox = Notification.objects.filter(recipient=worker, channel=Channel.IN_APP)
    assert inbox.count() == 1
    assert "Ảnh bị mờ" in inbox.get().body
    texts = [m for m in sms.outbox if m.to == worker.phone]
    assert len(texts) == 1 and "Ảnh bị mờ" in texts[0].body

    client.force_login(worker)
    home = client.get(reverse("home")).content.decode()
    assert "Ảnh bị mờ, chụp lại trang có ảnh" in home
    assert profile.documents.get().status == Document.Status.RETURNED


def test_a_verified_document_tells_the_worker(
    client, worker, counsellor, django_capture_on_commit_callbacks
):
    ProfileFactory(user=worker)
    client.force_login(worker)
    upload_as_worker(client)
    document = Document.all_objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        services.document_verify(document_id=document.pk, actor=counsellor)

    message = Notification.objects.get(recipient=worker, channel=Channel.IN_APP)
    assert message.kind == "document-reviewed"
    assert "Hộ chiếu" in message.subject


def test_a_counsellor_can_add_every_document_the_checklist_asks_for(client, counsellor, worker):
    profile = ProfileFactory(user=worker)
    for group in ["poor", "ethnic_minority"]:
        PriorityGroupClaim.objects.create(profile=profile, group=group)
    login_staff(client, counsellor)

    page = client.get(reverse("workers:staff_worker", args=[profile.pk])).content.decode()

    options = page.split('id="doc-type"')[1].split("</select>")[0]
    assert 'value="priority_proof:poor"' in options
    assert 'value="priority_proof:ethnic_minority"' in options
    assert "Hộ nghèo" in options
    for code in ["id_card", "passport", "judicial_record", "health_certificate"]:
        assert f'value="{code}:"' in options


def test_a_walk_in_with_a_priority_group_reaches_documents_ready(
    client, counsellor, worker, django_capture_on_commit_callbacks
):
    profile = ProfileFactory(user=worker)
    PriorityGroupClaim.objects.create(profile=profile, group="poor")
    login_staff(client, counsellor)
    page = client.get(reverse("workers:staff_worker", args=[profile.pk])).content.decode()
    select = page.split('id="doc-type"')[1].split("</select>")[0]
    values = re.findall(r'value="([^"]*)"', select)
    assert "priority_proof:poor" in values
    for value in values:
        response = client.post(
            reverse("workers:staff_documents", args=[profile.pk]),
            {"item": value, "file": jpeg_upload()},
        )
        assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        for document in profile.documents.all():
            services.document_verify(document_id=document.pk, actor=counsellor)
    services.session_log(
        counsellor=counsellor,
        case=profile.case,
        channel="in_person",
        topics=["documents"],
        held_at=profile.case.opened_at,
        duration_minutes=20,
        outcome="",
        next_step="",
    )
    # The ID, as the worker gave it at the identity step, checked with the population database.
    WorkerProfile.all_objects.filter(pk=profile.pk).update(
        personal_id=VALID_ID, date_of_birth=datetime.date(1990, 5, 17), sex="female"
    )
    services.personal_id_verify(profile_id=profile.pk, actor=counsellor)
    case = profile.case
    for stage in [Stage.COUNSELLED, Stage.PREPARING, Stage.DOCUMENTS_READY]:
        case.refresh_from_db()
        services.case_move(
            case_id=case.pk, to=stage, actor=counsellor, expected_version=case.version
        )

    case.refresh_from_db()
    assert case.stage == Stage.DOCUMENTS_READY
    assert profile.documents.filter(type__code="priority_proof", priority_group="poor").exists()


def test_an_upload_error_is_at_the_top_linked_to_its_field_and_takes_the_focus(
    client, worker, monkeypatch
):
    from workers import uploads

    ProfileFactory(user=worker)
    client.force_login(worker)
    monkeypatch.setattr(uploads, "MAX_BYTES", 100)

    response = upload_as_worker(client, "health_certificate")

    html = response.content.decode()
    main = html[html.index("<main") :]
    summary_at = main.index('class="error-summary"')
    assert summary_at < main.index("<h1")  # before anything else of the page
    summary = main[summary_at : main.index("</div>", summary_at)]
    assert "autofocus" in summary and 'tabindex="-1"' in summary
    assert "Giấy khám sức khỏe" in summary
    target = summary.split('href="#')[1].split('"')[0]
    (field,) = re.findall(rf'<input[^>]*id="{re.escape(target)}"[^>]*>', main)
    assert 'type="file"' in field


def test_home_never_says_complete_beside_missing_documents(client, worker):
    profile = ProfileFactory(user=worker, steps_done=[
        "identity", "contact", "address", "background", "education", "plans", "health",
    ])  # fmt: skip
    PriorityGroupClaim.objects.create(profile=profile, group="near_poor")
    client.force_login(worker)

    home = client.get(reverse("home")).content.decode()

    section = home.split('id="next"')[1].split("</section>")[0]
    assert "100%" not in home
    assert "Hộ cận nghèo" in section  # the proof names its group
    assert "Hộ chiếu" in section
