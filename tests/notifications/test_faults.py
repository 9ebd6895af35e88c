"""What happens when the broker is down: the web request that notifies must not fail."""

from __future__ import annotations

import datetime
import logging
import time

import pytest

from notifications import services
from notifications.models import Notification
from notifications.tasks import deliver_pending
from tests.notifications.conftest import celery_broker

pytestmark = pytest.mark.django_db

# Nothing listens on the discard port of loopback: connecting is refused at once.
DEAD_BROKER = "redis://127.0.0.1:9/0"


@pytest.fixture
def broker_down(settings):
    settings.REDIS_URL = DEAD_BROKER
    settings.CELERY_BROKER_URL = DEAD_BROKER
    with celery_broker(DEAD_BROKER):
        yield


def test_notify_succeeds_with_the_broker_down_and_the_rows_wait(
    broker_down, worker, sms_outbox, caplog, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="notifications.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        rows = services.notify(recipient=worker, kind="welcome", key="welcome:down")

    assert time.monotonic() - started < 3  # no publish retries holding the request
    assert [r.status for r in rows] == ["sent", "pending"]  # in-app, SMS
    assert sms_outbox == []
    assert "Broker unreachable" in caplog.text


def test_the_sweep_sends_what_waited_once_the_broker_is_back(
    settings, worker, sms_outbox, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = DEAD_BROKER
    with celery_broker(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=worker, kind="welcome", key="welcome:later")
    Notification.objects.update(created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))

    # Back to tasks in-process, as the unit tests run them.
    assert deliver_pending.delay().get() == 1

    assert len(sms_outbox) == 1
    assert Notification.objects.filter(status="pending").count() == 0


def test_the_sweep_reports_a_dead_broker_instead_of_hiding_it(broker_down, worker):
    Notification.objects.create(
        recipient=worker,
        channel="sms",
        kind="welcome",
        key="k:sms",
        subject="s",
        body="b",
        created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )

    with pytest.raises(services.BROKER_ERRORS):
        services.notifications_enqueue_pending()
