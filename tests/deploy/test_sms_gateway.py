"""Text messages through an HTTP gateway: a fake one on loopback answers as scripted.

Outbox messages (notifications) are retried by the outbox on transient failures and sent
once; sign-in codes are sent at once, and a failure is said on the page, not a 500.
"""

from __future__ import annotations

import datetime
import socket
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from tests.factories import WorkerFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def deliver(notification: Notification) -> str:
    try:
        return str(services.notification_deliver(notification_id=notification.pk))
    except services.DeliveryDeferred as exc:
        return f"deferred: {exc.reason}"


def due_again(notification: Notification) -> None:
    """The back-off has passed."""
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_a_text_message_reaches_the_gateway_once_with_the_token_and_a_reference(gateway):
    worker = WorkerFactory(phone="+84912345678")
    notification = NotificationFactory(recipient=worker, body="Hội chợ việc làm ngày mai 8:00")

    assert deliver(notification) == "sent"
    assert deliver(notification) == "skipped"  # the task ran twice

    [request] = gateway.received
    assert request.headers["Authorization"] == "Bearer gateway-test-token"
    assert request.headers["Idempotency-Key"] == f"notification-{notification.pk}"
    assert request.body == {
        "to": "+84912345678",
        "text": "Hội chợ việc làm ngày mai 8:00",
        "sender": "MRC LAOCAI",
        "reference": f"notification-{notification.pk}",
    }
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_a_busy_or_down_gateway_is_tried_again_by_the_outbox_with_the_same_reference(
    gateway, status
):
    gateway.answer(status, '{"error": "busy"}')
    notification = NotificationFactory(recipient=WorkerFactory(phone="+84912345678"))

    first = deliver(notification)
    notification.refresh_from_db()
    assert first.startswith("deferred")
    assert notification.status == Notification.Status.PENDING
    assert f"answered {status}" in notification.last_error
    assert notification.next_attempt_at > timezone.now()

    due_again(notification)
    assert deliver(notification) == "sent"
    references = {r.headers["Idempotency-Key"] for r in gateway.received}
    assert len(gateway.received) == 2 and len(references) == 1
    assert len(gateway.sent_to_phones) == 1


@pytest.mark.parametrize(
    ("status", "body"),
    [(400, '{"error": "invalid phone number"}'), (401, '{"error": "bad token"}'), (422, "")],
)
def test_a_refused_message_fails_at_once_with_the_gateways_reason(gateway, status, body):
    gateway.answer(status, body)
    notification = NotificationFactory(recipient=WorkerFactory(phone="+84912345678"))

    assert deliver(notification) == "failed"

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert f"answered {status}" in notification.last_error
    if body:
        assert body in notification.last_error
    assert len(gateway.received) == 1


def test_a_gateway_that_does_not_answer_in_time_is_given_up_on_and_tried_later(gateway):
    # It takes the message but answers after our timeout: the retry carries the same
    # reference, so the phone still gets it once.
    gateway.answer(200, "", delay=3)
    notification = NotificationFactory(recipient=WorkerFactory(phone="+84912345678"))

    started = time.monotonic()
    first = deliver(notification)
    waited = time.monotonic() - started

    assert first.startswith("deferred")
    assert waited < 2.9
    time.sleep(1.2)  # the gateway finishes taking the first one
    due_again(notification)
    assert deliver(notification) == "sent"
    assert len(gateway.received) == 2
    assert len(gateway.sent_to_phones) == 1


def test_an_unreachable_gateway_is_a_transient_failure(settings, gateway):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{port}/v1/messages"
    notification = NotificationFactory(recipient=WorkerFactory(phone="+84912345678"))

    assert deliver(notification).startswith("deferred")
    notification.refresh_from_db()
    assert "unreachable" in notification.last_error
    assert notification.status == Notification.Status.PENDING


def test_the_outbox_gives_up_after_its_attempts_on_a_gateway_that_stays_down(settings, gateway):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    for _ in range(3):
        gateway.answer(503)
    notification = NotificationFactory(recipient=WorkerFactory(phone="+84912345678"))

    outcomes = []
    for _ in range(3):
        outcomes.append(deliver(notification))
        due_again(notification)

    assert outcomes[-1] == "failed"
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "Gave up after 3 attempts" in notification.last_error
    assert gateway.sent_to_phones == []


def test_a_sign_in_code_goes_out_through_the_gateway(client, gateway):
    WorkerFactory(phone="+84912345678")

    response = client.post(reverse("account_request_login_code"), {"phone": "0912 345 678"})

    assert response.status_code == 302
    [request] = gateway.received
    assert request.body["to"] == "+84912345678"
    assert len(request.body["reference"]) == 32
    assert any(ch.isdigit() for ch in request.body["text"])


def test_when_the_gateway_fails_a_sign_in_code_request_says_so_instead_of_an_error_page(
    client, gateway
):
    gateway.answer(503)
    WorkerFactory(phone="+84912345678")

    response = client.post(
        reverse("account_request_login_code"), {"phone": "0912 345 678"}, follow=True
    )

    assert response.status_code == 200
    assert "Chưa gửi được tin nhắn" in response.text
    assert "Mã đăng nhập đã được gửi đến" not in response.text  # allauth's "sent" message
