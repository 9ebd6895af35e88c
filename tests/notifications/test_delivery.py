from __future__ import annotations

import datetime
import smtplib

import pytest
from celery.exceptions import Retry
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Role
from accounts.sms import BaseBackend, TextMessage
from notifications import selectors, services
from notifications.models import Channel, Notification
from notifications.tasks import deliver, deliver_pending
from notifications.testing import TransientSmsError
from tests.factories import StaffFactory, UserFactory, WorkerFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def ago(**delta: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def later(**delta: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**delta)


class GatewayDown(BaseBackend):
    """An SMS provider whose gateway never answers."""

    calls = 0

    def send(self, message: TextMessage) -> None:
        GatewayDown.calls += 1
        raise TransientSmsError("gateway timeout")


class GatewayDownOnce(BaseBackend):
    sent: list[TextMessage] = []
    calls = 0

    def send(self, message: TextMessage) -> None:
        GatewayDownOnce.calls += 1
        if GatewayDownOnce.calls == 1:
            raise TransientSmsError("gateway timeout")
        GatewayDownOnce.sent.append(message)


class ProviderRejects(BaseBackend):
    def send(self, message: TextMessage) -> None:
        raise ValueError("number not in service")


class RefusingMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.vn": (550, b"no such user")})


class BusyMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(451, b"try again later")


@pytest.fixture(autouse=True)
def _reset_backends() -> None:
    GatewayDown.calls = 0
    GatewayDownOnce.calls = 0
    GatewayDownOnce.sent = []


def mailer(settings, backend: str, **options):
    settings.MAILERS = {"default": {"BACKEND": backend, "OPTIONS": options}}


# --- the happy path -------------------------------------------------------------------


def test_an_sms_is_sent_and_recorded(worker, sms_outbox):
    row = NotificationFactory(recipient=worker, body="Hội chợ việc làm ngày mai")

    assert deliver.delay(row.pk).get() == "sent"

    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.sent_at is not None
    assert row.attempts == 1
    assert row.claim_token == ""
    assert [(m.to, m.body) for m in sms_outbox] == [(worker.phone, "Hội chợ việc làm ngày mai")]


def test_an_email_goes_out_in_the_recipients_language(
    lao_cai, mailoutbox, django_capture_on_commit_callbacks
):
    staff = StaffFactory(role=Role.COUNSELLOR, province=lao_cai, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=staff, kind="welcome", key="welcome:staff")

    (message,) = mailoutbox
    assert message.to == [staff.email]
    with translation.override("en"):
        assert message.subject == gettext("Welcome to the Migrant Resource Centre")
    assert message.extra_headers["X-MRC-Notification"] == "welcome:staff:email"
    assert Notification.objects.get(channel=Channel.EMAIL).status == Notification.Status.SENT


def test_delivering_twice_sends_once(worker, sms_outbox):
    row = NotificationFactory(recipient=worker)

    assert deliver.delay(row.pk).get() == "sent"
    assert deliver.delay(row.pk).get() == "skipped"

    assert len(sms_outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_a_row_another_worker_is_sending_is_left_to_it(worker, sms_outbox):
    row = NotificationFactory(
        recipient=worker, claim_token="x" * 32, claimed_until=later(minutes=4)
    )

    with pytest.raises(services.DeliveryDeferred) as deferred:
        services.notification_deliver(notification_id=row.pk)

    assert 230 <= deferred.value.retry_in <= 242
    assert sms_outbox == []
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING
    assert row.attempts == 0


def test_the_claim_of_a_worker_that_died_lapses_and_the_row_is_sent(worker, sms_outbox):
    row = NotificationFactory(
        recipient=worker, attempts=1, claim_token="x" * 32, claimed_until=ago(seconds=1)
    )

    assert deliver.delay(row.pk).get() == "sent"

    row.refresh_from_db()
    assert row.attempts == 2
    assert len(sms_outbox) == 1


def test_a_pending_in_app_row_is_delivered_without_sending_anything(worker, sms_outbox, mailoutbox):
    row = NotificationFactory(recipient=worker, channel=Channel.IN_APP, key="k:in_app")

    assert deliver.delay(row.pk).get() == "sent"
    assert sms_outbox == [] and mailoutbox == []


def test_an_unknown_row_is_skipped():
    assert deliver.delay(123_456).get() == "skipped"


# --- permanent failures ---------------------------------------------------------------


def test_a_malformed_email_address_fails_that_row_only(
    lao_cai, mailoutbox, sms_outbox, django_capture_on_commit_callbacks
):
    broken = StaffFactory(role=Role.COUNSELLOR, province=lao_cai, email="tuan at example.vn")
    fine = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    worker = WorkerFactory(province=lao_cai)

    with django_capture_on_commit_callbacks(execute=True):
        for person in (broken, fine, worker):
            services.notify(recipient=person, kind="welcome", key="welcome:batch")

    failed = Notification.objects.get(recipient=broken, channel=Channel.EMAIL)
    assert failed.status == Notification.Status.FAILED
    assert "Malformed email address" in failed.last_error
    assert Notification.objects.get(recipient=broken, channel=Channel.IN_APP).status == "sent"
    assert [m.to for m in mailoutbox] == [[fine.email]]
    assert len(sms_outbox) == 1
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 5


def test_a_malformed_address_does_not_stop_the_sweep(lao_cai, mailoutbox):
    broken = StaffFactory(role=Role.COUNSELLOR, province=lao_cai, email="nobody@")
    fine = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    first = NotificationFactory(
        recipient=broken, channel=Channel.EMAIL, key="a:email", created_at=ago(minutes=5)
    )
    second = NotificationFactory(
        recipient=fine, channel=Channel.EMAIL, key="b:email", created_at=ago(minutes=4)
    )

    assert deliver_pending.delay().get() == 2

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("failed", "sent")
    assert len(mailoutbox) == 1


def test_an_sms_to_someone_without_a_phone_fails_with_the_reason(lao_cai, sms_outbox):
    person = UserFactory(role=Role.WORKER, province=lao_cai, phone=None)
    row = NotificationFactory(recipient=person)

    assert deliver.delay(row.pk).get() == "failed"

    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert row.last_error == "The recipient has no phone number."
    assert sms_outbox == []


def test_an_error_the_provider_does_not_mark_transient_is_not_retried(settings, worker):
    settings.SMS_BACKEND = "tests.notifications.test_delivery.ProviderRejects"
    row = NotificationFactory(recipient=worker)

    assert deliver.delay(row.pk).get() == "failed"

    row.refresh_from_db()
    assert row.last_error == "ValueError: number not in service"


def test_an_address_the_mail_server_refuses_fails_the_row(settings, counsellor):
    mailer(settings, "tests.notifications.test_delivery.RefusingMailServer")
    row = NotificationFactory(recipient=counsellor, channel=Channel.EMAIL, key="r:email")

    assert deliver.delay(row.pk).get() == "failed"
    row.refresh_from_db()
    assert row.last_error.startswith("The mail server refused the address")


# --- transient failures ---------------------------------------------------------------


def test_a_transient_error_is_retried_with_growing_delays_then_given_up(settings, worker):
    settings.SMS_BACKEND = "tests.notifications.test_delivery.GatewayDown"
    row = NotificationFactory(recipient=worker)
    delays = []

    for _attempt in range(4):
        with pytest.raises(services.DeliveryDeferred) as deferred:
            services.notification_deliver(notification_id=row.pk)
        delays.append(deferred.value.retry_in)
    outcome = services.notification_deliver(notification_id=row.pk)

    assert delays == [60, 120, 240, 480]
    assert outcome == services.Outcome.FAILED
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert row.attempts == 5
    assert row.last_error == "Gave up after 5 attempts: TransientSmsError: gateway timeout"
    assert GatewayDown.calls == 5


def test_a_transient_error_keeps_the_row_pending_for_the_next_attempt(settings, worker):
    settings.SMS_BACKEND = "tests.notifications.test_delivery.GatewayDown"
    row = NotificationFactory(recipient=worker)

    with pytest.raises(services.DeliveryDeferred):
        services.notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING
    assert row.claim_token == "" and row.claimed_until is None
    assert row.last_error == "TransientSmsError: gateway timeout"
    assert later(seconds=50) < row.next_attempt_at < later(seconds=70)


def test_the_task_asks_celery_to_retry_after_the_backoff(settings, worker, monkeypatch):
    settings.SMS_BACKEND = "tests.notifications.test_delivery.GatewayDown"
    row = NotificationFactory(recipient=worker)
    asked = {}

    def retry(**options):
        asked.update(options)
        return Retry("retry", when=options["countdown"])

    monkeypatch.setattr(deliver, "retry", retry)

    # Called as a worker would (not eagerly): the task hands the backoff to Celery.
    with pytest.raises(Retry):
        deliver.run(row.pk)

    assert asked["countdown"] == 60
    assert isinstance(asked["exc"], services.DeliveryDeferred)


def test_in_process_a_transient_error_waits_for_the_sweep_instead_of_retrying_inline(
    settings, worker
):
    settings.SMS_BACKEND = "tests.notifications.test_delivery.GatewayDownOnce"
    row = NotificationFactory(recipient=worker, created_at=ago(minutes=2))

    assert deliver.delay(row.pk).get().startswith("deferred")
    assert GatewayDownOnce.calls == 1
    assert deliver_pending.delay().get() == 0  # the backoff has not passed

    Notification.objects.filter(pk=row.pk).update(next_attempt_at=ago(seconds=1))
    assert deliver_pending.delay().get() == 1

    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.attempts == 2
    assert len(GatewayDownOnce.sent) == 1


def test_a_mail_server_that_refuses_connections_is_a_transient_error(settings, counsellor):
    # Port 9 (discard) is closed on loopback: the connection is refused at once.
    mailer(
        settings,
        "django.core.mail.backends.smtp.EmailBackend",
        host="127.0.0.1",
        port=9,
        timeout=2,
    )
    row = NotificationFactory(recipient=counsellor, channel=Channel.EMAIL, key="c:email")

    with pytest.raises(services.DeliveryDeferred) as deferred:
        services.notification_deliver(notification_id=row.pk)

    assert "ConnectionRefusedError" in deferred.value.reason
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING


def test_a_4xx_reply_of_the_mail_server_is_a_transient_error(settings, counsellor):
    mailer(settings, "tests.notifications.test_delivery.BusyMailServer")
    row = NotificationFactory(recipient=counsellor, channel=Channel.EMAIL, key="d:email")

    with pytest.raises(services.DeliveryDeferred):
        services.notification_deliver(notification_id=row.pk)


def test_a_row_claimed_too_often_without_an_outcome_is_given_up(worker, sms_outbox):
    # Five workers died while sending it: something about it kills them.
    row = NotificationFactory(
        recipient=worker, attempts=5, claim_token="y" * 32, claimed_until=ago(seconds=1)
    )

    assert deliver.delay(row.pk).get() == "failed"

    row.refresh_from_db()
    assert row.last_error == "Gave up after 5 attempts: the worker stopped while sending"
    assert sms_outbox == []


# --- the sweep ------------------------------------------------------------------------


def test_the_sweep_takes_only_old_pending_rows_that_nobody_holds(worker):
    due = NotificationFactory(recipient=worker, created_at=ago(minutes=2))
    NotificationFactory(recipient=worker, created_at=ago(seconds=20))  # on-commit has it
    NotificationFactory(recipient=worker, created_at=ago(minutes=2), claimed_until=later(minutes=1))
    NotificationFactory(
        recipient=worker, created_at=ago(minutes=2), next_attempt_at=later(minutes=1)
    )
    lapsed = NotificationFactory(
        recipient=worker, created_at=ago(minutes=3), claimed_until=ago(seconds=5)
    )
    NotificationFactory(recipient=worker, created_at=ago(minutes=2), status="sent")
    NotificationFactory(recipient=worker, created_at=ago(minutes=2), status="failed")

    assert list(selectors.notifications_due()) == [lapsed, due]


def test_the_sweep_sends_rows_left_pending_once(worker, sms_outbox):
    rows = [NotificationFactory(recipient=worker, created_at=ago(minutes=2)) for _ in range(3)]

    assert deliver_pending.delay().get() == 3
    assert deliver_pending.delay().get() == 0

    assert len(sms_outbox) == 3
    assert {r.status for r in Notification.objects.filter(pk__in=[r.pk for r in rows])} == {"sent"}


# --- retry by an administrator --------------------------------------------------------


def test_a_failed_row_can_be_sent_again_after_the_address_is_fixed(
    lao_cai, sms_outbox, django_capture_on_commit_callbacks
):
    person = UserFactory(role=Role.WORKER, province=lao_cai, phone=None)
    row = NotificationFactory(recipient=person)
    deliver.delay(row.pk)
    person.phone = "+84912000111"
    person.save(update_fields=["phone"])

    with django_capture_on_commit_callbacks(execute=True):
        assert services.notification_retry(notification_id=row.pk) is True

    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.attempts == 1
    assert services.notification_retry(notification_id=row.pk) is False


class KilledMidSend(BaseBackend):
    """The worker process dies while the gateway is being called."""

    def send(self, message: TextMessage) -> None:
        raise SystemExit("killed")


def test_a_message_whose_worker_was_killed_mid_send_goes_out_within_two_minutes(
    worker, sms_outbox, settings
):
    from django.conf import settings as conf

    row = NotificationFactory(recipient=worker, created_at=ago(minutes=5))
    settings.SMS_BACKEND = f"{__name__}.KilledMidSend"
    with pytest.raises(SystemExit):
        services.notification_deliver(notification_id=row.pk)
    settings.SMS_BACKEND = "accounts.sms.MemoryBackend"
    sweep = conf.CELERY_BEAT_SCHEDULE["deliver-pending-notifications"]["schedule"]

    # Still held just before the claim lapses; the first sweep after it takes the row.
    assert not selectors.notifications_due(later(seconds=89)).filter(pk=row.pk).exists()
    assert selectors.notifications_due(later(seconds=91)).filter(pk=row.pk).exists()
    # Worst case: the claim, then a whole sweep interval (300 s + 60 s before).
    assert services.claim_seconds() + sweep <= 120
    Notification.objects.filter(pk=row.pk).update(claimed_until=ago(seconds=1))
    assert deliver_pending.delay().get() == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and len(sms_outbox) == 1
