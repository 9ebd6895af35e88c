"""Text messages through eSMS.vn's API, against a fake eSMS on loopback that answers as its
documentation says: result codes mapped to sent, try again later, or give up."""

from __future__ import annotations

import datetime
import time

import pytest
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


def again(notification: Notification) -> str:
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    return deliver(notification)


def message(**kwargs) -> Notification:
    return NotificationFactory(recipient=WorkerFactory(phone="+84912345678"), **kwargs)


def test_a_message_goes_to_esms_as_a_customer_care_message_in_unicode(esms):
    notification = message(body="Hội chợ việc làm ngày mai lúc 8:00")

    assert deliver(notification) == "sent"

    [sent] = esms.received
    assert sent["Phone"] == "0912345678"
    assert sent["Content"] == "Hội chợ việc làm ngày mai lúc 8:00"
    assert sent["Brandname"] == "MRC LAOCAI"
    assert sent["SmsType"] == "2"
    assert sent["IsUnicode"] == "1"
    assert sent["RequestId"] == f"notification-{notification.pk}"
    assert sent["Sandbox"] == "0"


def test_plain_ascii_text_is_sent_without_unicode(esms):
    deliver(message(body="MRC: ma cua ban la 123456"))

    assert esms.received[0]["IsUnicode"] == "0"


def test_an_answer_lost_in_a_timeout_is_not_sent_twice(esms):
    # eSMS takes it but answers after our 2 s: the retry carries the same RequestId and
    # eSMS answers 124 (duplicate), which is success.
    esms.script.append(("100", 3.0))
    notification = message()

    assert deliver(notification).startswith("deferred")
    time.sleep(1.2)
    assert again(notification) == "sent"

    assert len(esms.received) == 2
    assert len(esms.taken) == 1


def test_not_enough_balance_is_tried_again_later(esms):
    esms.script.append("103")
    notification = message()

    first = deliver(notification)
    notification.refresh_from_db()

    assert first.startswith("deferred")
    assert "not enough balance" in notification.last_error
    assert again(notification) == "sent"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("99", "blocked"),
        ("104", "brandname"),
        ("108", "valid format"),
        ("146", "template"),
        ("140", "whitelist"),
        ("555", "error"),  # a code not in the table: eSMS's own ErrorMessage
    ],
)
def test_a_refusal_fails_the_message_at_once_with_the_reason(esms, code, reason):
    esms.script.append(code)
    notification = message()

    assert deliver(notification) == "failed"

    notification.refresh_from_db()
    assert f"({code})" in notification.last_error
    assert reason in notification.last_error
    assert len(esms.received) == 1


def test_wrong_keys_fail_with_the_reason(esms, settings):
    settings.ESMS_SECRET_KEY = "wrong"
    notification = message()

    assert deliver(notification) == "failed"
    notification.refresh_from_db()
    assert "wrong ApiKey or SecretKey" in notification.last_error
