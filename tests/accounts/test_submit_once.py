"""The one-time form key: every form that creates something carries it (a new one fails
here until it does, or is listed below as not creating anything, with why)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from allauth.core import context
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client
from django.urls import reverse

from accounts.models import SubmissionKey, User
from accounts.once import keys_purge

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)

# POST forms that create no row, keyed by template and the form's action (its URL name,
# its id, or "self"): each changes a row that exists, under a lock or a version check.
NOT_CREATING = {
    ("base.html", "accounts:set_language"): "sets a cookie",
    ("fairs/cancel.html", "self"): "a transition of the fair",
    ("fairs/check_in.html", "scan-form"): "a ticket checks in once (conditional update)",
    ("fairs/check_in.html", "self"): "picks a registration to check in",
    ("fairs/registrations.html", "fairs:ticket_cancel"): "a transition of the ticket",
    ("fairs/staff_fair.html", "fairs:publish"): "a transition",
    ("fairs/staff_fair.html", "fairs:close"): "a transition",
    ("fairs/staff_fair.html", "fairs:enterprise_remove"): "removes",
    ("fairs/_job_orders.html", "fairs:job_order_remove"): "removes",
    ("fairs/ticket.html", "fairs:ticket_cancel"): "a transition of the ticket",
    ("loans/_application_body.html", "loans:staff_attachment_remove"): "removes",
    ("loans/_applicant_actions.html", "send-form"): "a transition (locked, allowed states)",
    ("loans/edit.html", "application-form"): "edits a draft",
    ("loans/staff/application.html", "loans:decide"): "a decision: a locked transition",
    ("loans/withdraw.html", "self"): "a transition",
    ("markets/enterprise_import.html", "self"): "checks a file; the import is the other form",
    ("markets/staff/fraud_report_detail.html", "markets:staff_fraud_take"): "a transition",
    ("markets/staff/fraud_report_detail.html", "markets:staff_fraud_link"): "links",
    ("markets/staff/fraud_report_detail.html", "markets:staff_fraud_close"): "a transition",
    ("markets/staff/complaint_detail.html", "markets:staff_complaint_take"): "a transition",
    ("markets/staff/complaint_detail.html", "markets:staff_complaint_close"): "a transition",
    ("markets/staff/notice_detail.html", "markets:staff_notice_schedule"): "a transition",
    ("markets/staff/notice_detail.html", "markets:staff_notice_publish"): "a transition",
    ("markets/staff/notice_detail.html", "markets:staff_notice_unschedule"): "a transition",
    ("markets/staff/notice_detail.html", "markets:staff_notice_archive"): "a transition",
    ("markets/staff/notice_detail.html", "self"): "edits the notice",
    ("notifications/inbox.html", "notifications:read_all"): "marks read",
    ("notifications/settings.html", "self"): "one row per user, updated",
    ("orientation/detail.html", "orientation:detail"): "one progress row per worker and lesson",
    ("orientation/staff/edit.html", "orientation:staff_publish"): "a locked transition",
    ("orientation/staff/edit.html", "orientation:staff_unpublish"): "a locked transition",
    ("orientation/staff/edit.html", "self"): "edits the lesson under a lock",
    ("workers/follow_up_list.html", "workers:follow_up_done"): "a conditional update",
    ("workers/case_section.html", "workers:follow_up_done"): "a conditional update",
    ("workers/staff_worker.html", "workers:document_review"): "a transition of the document",
    ("workers/staff_worker.html", "workers:id_reassign"): "a locked transition, refused twice",
    ("workers/step.html", "self"): "a profile step, with a version check",
    ("workers/handover.html", "self"): "reassigns cases under a lock",
    ("workers/import.html", "self"): "checks a file; the import is the other form",
}


def _action(tag: str) -> str:
    named = re.search(r"\{% url '([^']+)'", tag)
    if named:
        return named.group(1)
    ident = re.search(r'id="([^"]+)"', tag)
    return ident.group(1) if ident else "self"


def post_forms() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for tag, body in FORM.findall(path.read_text()):
            if re.search(r"method=\"?post", tag, re.I):
                found.append((str(path.relative_to(TEMPLATES)), _action(tag), body))
    return found


def test_the_walk_finds_the_forms():
    names = {(t, a) for t, a, _ in post_forms()}
    assert ("markets/fraud_report_form.html", "self") in names
    assert len(names) > 40


def test_every_post_form_that_creates_something_carries_the_one_time_key():
    missing = [
        (template, action)
        for template, action, body in post_forms()
        if "{% once_field %}" not in body and (template, action) not in NOT_CREATING
    ]
    assert missing == [], "add {% once_field %} to these forms (accounts/once.py)"


def test_the_list_of_forms_without_a_key_names_only_forms_that_exist():
    names = {(t, a) for t, a, _ in post_forms()}
    assert set(NOT_CREATING) - names == set()


def test_the_sign_up_form_carries_the_key(client, db):
    assert 'name="_once"' in client.get(reverse("account_signup")).text


@pytest.mark.django_db
def test_keys_older_than_two_days_are_forgotten(client):
    import datetime
    import uuid

    from django.utils import timezone

    now = timezone.now()
    SubmissionKey.objects.create(key=uuid.uuid4(), path="/x", created_at=now)
    SubmissionKey.objects.create(
        key=uuid.uuid4(), path="/x", created_at=now - datetime.timedelta(days=3)
    )

    assert keys_purge(now=now) == 1
    assert SubmissionKey.objects.count() == 1


@pytest.mark.django_db
def test_a_second_sign_up_that_loses_the_race_gets_the_ordinary_answer(rf, settings):
    """Two tabs (two keys) sign up with the same email at once: the loser's insert fails on
    the unique email inside the form's save, and it gets allauth's usual answer, not a 500."""
    from accounts.forms import SignupForm
    from tests.factories import WorkerFactory

    data = {"name": "Lò Thị Hoa", "email": "hoa@example.org",
            "password1": "một mật khẩu dài 2026", "password2": "một mật khẩu dài 2026"}  # fmt: skip
    client = Client()
    client.get(reverse("account_signup"))
    request = rf.post(reverse("account_signup"), data)
    request.session = client.session
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)

    with context.request_context(request):
        form = SignupForm(data)
        assert form.is_valid(), form.errors
        # The other tab's account arrives between the check and the insert.
        WorkerFactory(email="hoa@example.org")
        user, response = form.try_save(request)

    assert user is None and response is not None and response.status_code == 302
    assert User.objects.filter(email="hoa@example.org").count() == 1


@pytest.mark.django_db
def test_a_refused_upload_leaves_the_key_free_so_the_same_form_can_be_sent_again(
    settings, tmp_path
):
    """The attach view redirects even when it refuses a file (the reason is shown on the
    page): a refusal is not a result, and the resend is handled, not called "already sent"."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from loans.models import Attachment
    from tests.factories import province
    from tests.loans.factories import draft_grant, grant_programme, worker_profile
    from tests.workers.factories import jpeg_upload

    settings.MEDIA_ROOT = tmp_path
    profile = worker_profile(province(15))
    application = draft_grant(profile, grant_programme(), receipt=False)
    client = Client()
    client.force_login(profile.user)
    url = reverse("loans:attach", args=[application.pk])
    key = {"_once": "a" * 32}
    fake = SimpleUploadedFile("receipt.jpg", b"MZ not a picture", "image/jpeg")

    refused = client.post(url, {"what": "receipt", "file": fake, **key})
    accepted = client.post(url, {"what": "receipt", "file": jpeg_upload(), **key})
    again = client.post(url, {"what": "receipt", "file": jpeg_upload(), **key})

    assert (refused.status_code, accepted.status_code, again.status_code) == (302, 302, 302)
    assert Attachment.all_objects.count() == 1
    assert SubmissionKey.objects.get().result_url == accepted["Location"]
