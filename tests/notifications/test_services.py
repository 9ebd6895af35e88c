from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import translation
from django.utils.translation import get_language, gettext

from accounts.models import Role
from notifications import services
from notifications.kinds import KINDS, kinds_for
from notifications.models import Channel, Notification
from notifications.selectors import preferences_for
from tests.factories import StaffFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db

WELCOME_SUBJECT = "Welcome to the Migrant Resource Centre"


def welcome(recipient, key: str = "welcome:1", **kwargs):
    return services.notify(recipient=recipient, kind="welcome", key=key, **kwargs)


# --- channels -------------------------------------------------------------------------


def test_a_worker_with_a_phone_gets_the_message_in_the_portal_and_by_sms(worker):
    rows = welcome(worker)

    assert [r.channel for r in rows] == [Channel.IN_APP, Channel.SMS]
    assert {r.key for r in rows} == {"welcome:1:in_app", "welcome:1:sms"}


def test_staff_get_the_message_in_the_portal_and_by_email(counsellor):
    rows = welcome(counsellor)

    assert [r.channel for r in rows] == [Channel.IN_APP, Channel.EMAIL]


def test_a_worker_who_signed_up_with_an_email_only_gets_email_instead_of_sms(lao_cai):
    worker = UserFactory(role=Role.WORKER, province=lao_cai, phone=None)

    rows = welcome(worker)

    assert [r.channel for r in rows] == [Channel.IN_APP, Channel.EMAIL]


def test_a_saved_choice_replaces_the_defaults(worker):
    worker.email = "mai@example.vn"
    worker.save(update_fields=["email"])
    services.preferences_save(user=worker, email=True, sms=False)

    rows = welcome(worker)

    assert [r.channel for r in rows] == [Channel.IN_APP, Channel.EMAIL]


def test_a_channel_the_person_cannot_receive_is_skipped_even_when_chosen(lao_cai):
    worker = UserFactory(role=Role.WORKER, province=lao_cai, phone=None)
    services.preferences_save(user=worker, email=False, sms=True)

    rows = welcome(worker)

    assert [r.channel for r in rows] == [Channel.IN_APP]


def test_the_in_app_message_cannot_be_switched_off(worker):
    services.preferences_save(user=worker, email=False, sms=False)

    assert preferences_for(worker).channels == [Channel.IN_APP]


def test_channels_narrow_the_persons_choice_but_never_widen_it(worker):
    assert [r.channel for r in welcome(worker, channels=[Channel.SMS])] == [Channel.SMS]
    assert welcome(worker, key="welcome:2", channels=[Channel.EMAIL]) == []


def test_a_closed_account_gets_nothing(worker):
    worker.is_active = False
    worker.save(update_fields=["is_active"])

    assert welcome(worker) == []
    assert not Notification.objects.exists()


# --- once per key ---------------------------------------------------------------------


def test_the_same_key_twice_makes_one_row_per_channel_and_sends_once(
    worker, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as first:
        rows = welcome(worker)
    with django_capture_on_commit_callbacks(execute=True) as second:
        again = welcome(worker)

    assert [r.pk for r in again] == [r.pk for r in rows]
    assert Notification.objects.count() == 2
    assert len(first) == 1
    assert second == []
    assert len(sms_outbox) == 1


def test_keys_belong_to_one_recipient(worker, lao_cai):
    other = WorkerFactory(province=lao_cai)

    welcome(worker, key="weekly:2026-W10")
    welcome(other, key="weekly:2026-W10")

    assert Notification.objects.filter(key="weekly:2026-W10:sms").count() == 2


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="two connections writing at once need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_jobs_racing_on_one_key_make_one_row_each_channel(lao_cai):
    person = WorkerFactory(province=lao_cai)
    inserted = threading.Event()
    results: dict[str, list[int]] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = [r.pk for r in welcome(person, key="race")]
                inserted.set()
                time.sleep(0.5)  # the second job runs into our uncommitted rows now
        finally:
            connection.close()

    def second() -> None:
        try:
            inserted.wait(5)
            with transaction.atomic():
                results["second"] = [r.pk for r in welcome(person, key="race")]
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert results["first"] == results["second"]
    assert Notification.objects.filter(recipient=person).count() == 2


def test_the_database_refuses_a_second_row_with_the_same_key(worker):
    (row, *_rest) = welcome(worker)

    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=worker, channel=row.channel, kind="welcome", key=row.key, subject="x"
        )


def test_an_empty_key_is_refused(worker):
    with pytest.raises(ValueError):
        welcome(worker, key="")


# --- after commit ---------------------------------------------------------------------


def test_delivery_is_queued_only_after_the_commit(
    worker, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        rows = welcome(worker)

    assert sms_outbox == []
    assert Notification.objects.get(pk=rows[1].pk).status == Notification.Status.PENDING

    for callback in callbacks:
        callback()

    assert len(sms_outbox) == 1
    assert Notification.objects.get(pk=rows[1].pk).status == Notification.Status.SENT


def test_a_rolled_back_notify_leaves_no_row_and_sends_nothing(
    worker, sms_outbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        welcome(worker)
        raise RuntimeError("the caller's job failed")

    assert callbacks == []
    assert not Notification.objects.exists()
    assert sms_outbox == []


def test_an_in_app_message_is_delivered_when_created(worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        rows = welcome(worker, channels=[Channel.IN_APP])

    assert callbacks == []
    assert rows[0].status == Notification.Status.SENT
    assert rows[0].sent_at is not None


# --- texts ----------------------------------------------------------------------------


def test_texts_are_written_in_each_recipients_language(lao_cai):
    english = WorkerFactory(province=lao_cai, language="en", name="Mai")
    vietnamese = WorkerFactory(province=lao_cai, language="vi", name="Mai")

    in_english = welcome(english)[0]
    in_vietnamese = welcome(vietnamese)[0]

    # Compared with gettext itself, so this holds before and after the catalogue merge.
    with translation.override("en"):
        assert in_english.subject == gettext(WELCOME_SUBJECT)
    with translation.override("vi"):
        assert in_vietnamese.subject == gettext(WELCOME_SUBJECT)
        assert gettext("Hello %(name)s,") % {"name": "Mai"} in in_vietnamese.body


def test_the_builder_runs_with_the_recipients_language_active(lao_cai):
    english = WorkerFactory(province=lao_cai, language="en")
    vietnamese = WorkerFactory(province=lao_cai, language="vi")

    def build(recipient, context):
        return get_language(), gettext("Home")  # "Home" is in the catalogue already

    assert welcome(english, build=build)[0].subject == "en"
    (row,) = welcome(vietnamese, build=build, channels=[Channel.IN_APP])
    assert row.subject == "vi"
    assert row.body == "Trang chủ"


def test_a_text_message_uses_the_kinds_short_text(worker):
    in_app, text = welcome(worker)

    with translation.override(worker.language):
        assert text.body.startswith(gettext("MRC: your account is ready."))
    assert len(text.body) < len(in_app.body)


def test_plain_text_is_not_html_escaped(lao_cai):
    worker = WorkerFactory(province=lao_cai, name='Lò "Mai" & Sùng', language="en")

    (row,) = welcome(worker, channels=[Channel.IN_APP])

    assert 'Lò "Mai" & Sùng' in row.body


def test_another_apps_template_folder_can_be_named(worker):
    (row,) = services.notify(
        recipient=worker,
        kind="fair-reminder",
        key="fair-reminder:1:2026-03-09",
        template="notifications/welcome",
        channels=[Channel.IN_APP],
    )

    assert row.kind == "fair-reminder"
    with translation.override(worker.language):
        assert row.subject == gettext(WELCOME_SUBJECT)


def test_the_subject_is_one_line(worker):
    (row,) = welcome(
        worker, build=lambda r, c: ("Line one\nLine two  ", "Body"), channels=[Channel.IN_APP]
    )

    assert row.subject == "Line one Line two"


@pytest.mark.parametrize(
    "link", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil"]
)
def test_a_link_off_this_site_is_refused(worker, link):
    with pytest.raises(ValueError):
        welcome(worker, link=link)
    assert not Notification.objects.exists()


def test_a_link_on_this_site_is_kept(worker):
    rows = welcome(worker, link="/me/documents/")

    assert {r.link for r in rows} == {"/me/documents/"}


# --- kinds ----------------------------------------------------------------------------


def test_the_welcome_kind_is_known():
    assert "welcome" in KINDS


def test_workers_and_staff_see_the_kinds_that_concern_them(worker, lao_cai):
    staff = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)

    worker_kinds = {k.slug for k in kinds_for(worker)}
    staff_kinds = {k.slug for k in kinds_for(staff)}

    assert {"welcome", "fair-reminder"} <= worker_kinds
    assert "follow-up-due" not in worker_kinds
    assert {"welcome", "follow-up-due"} <= staff_kinds
    assert "fair-reminder" not in staff_kinds
