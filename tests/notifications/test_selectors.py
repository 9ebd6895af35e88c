from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from notifications import selectors
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def ago(seconds: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def test_the_sweep_leaves_rows_younger_than_a_minute_to_the_enqueue_after_commit(worker):
    NotificationFactory(recipient=worker, created_at=ago(50))
    old = NotificationFactory(recipient=worker, created_at=ago(70))

    assert list(selectors.notifications_due()) == [old]


def test_the_sweeps_grace_is_a_setting(worker, settings):
    settings.NOTIFICATIONS_PENDING_GRACE_SECONDS = 2
    NotificationFactory(recipient=worker, created_at=timezone.now())
    old = NotificationFactory(recipient=worker, created_at=ago(3))

    assert list(selectors.notifications_due()) == [old]
