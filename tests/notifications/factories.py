from __future__ import annotations

import factory
from django.utils import timezone

from notifications.models import Channel, Notification
from tests.factories import ModelFactory, WorkerFactory


class NotificationFactory(ModelFactory[Notification]):
    """A row as notify() leaves it; tests that need an old pending row set created_at."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(WorkerFactory)
    channel = Channel.SMS
    kind = "welcome"
    key = factory.Sequence(lambda n: f"test:{n}:sms")
    subject = factory.Sequence(lambda n: f"Subject {n}")
    body = factory.Sequence(lambda n: f"Body {n}")
    created_at = factory.LazyFunction(timezone.now)
