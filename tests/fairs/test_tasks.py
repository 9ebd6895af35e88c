"""The day-before reminder."""

import datetime

import pytest
from django.utils import timezone

from fairs import tasks
from fairs.models import Fair, Registration
from notifications.models import Notification
from tests.factories import WorkerFactory
from tests.fairs.factories import FairFactory, register, walk_in

pytestmark = pytest.mark.django_db


def _fair_on(day: datetime.date, hour: int, **fields) -> Fair:
    starts = datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_default_timezone()
    )
    return FairFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), **fields)


@pytest.fixture
def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def test_the_reminder_run_twice_reaches_each_registered_worker_once(
    tomorrow, counsellor, django_capture_on_commit_callbacks, sms_outbox
):
    # Early in the morning, Vietnam time: still "tomorrow" although UTC has another date.
    fair = _fair_on(tomorrow, 6, capacity=2, created_by=counsellor)
    registered = register(fair, WorkerFactory()).registration
    cancelled = register(fair, WorkerFactory()).registration
    Registration.all_objects.filter(pk=cancelled.pk).update(status=Registration.Status.CANCELLED)
    register(fair, WorkerFactory())  # takes the second place
    waitlisted = register(fair, WorkerFactory()).registration
    walk_in(fair, counsellor, "Không có tài khoản", phone="+84987000777")
    assert waitlisted.status == Registration.Status.WAITLISTED
    later = _fair_on(tomorrow + datetime.timedelta(days=1), 8, created_by=counsellor)
    register(later, WorkerFactory())
    called_off = _fair_on(tomorrow, 8, created_by=counsellor)
    register(called_off, WorkerFactory())
    Fair.all_objects.filter(pk=called_off.pk).update(status=Fair.Status.CANCELLED)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.remind_tomorrow()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.remind_tomorrow.delay()

    reminders = Notification.objects.filter(kind="fair-reminder")
    reminded = set(reminders.values_list("recipient_id", flat=True))
    holders = {
        r.worker_id
        for r in Registration.all_objects.filter(fair=fair, status=Registration.Status.REGISTERED)
        if r.worker_id
    }
    assert reminded == holders and registered.worker_id in reminded
    # In-app and SMS, one of each per worker, whatever the number of runs.
    assert reminders.count() == 2 * len(holders)
    phones = {
        r.worker.phone for r in Registration.all_objects.filter(worker_id__in=holders, fair=fair)
    }
    assert sorted(m.to for m in sms_outbox) == sorted(phones)


def test_the_reminder_key_names_the_ticket_and_the_day(tomorrow, counsellor):
    fair = _fair_on(tomorrow, 9, created_by=counsellor)
    registration = register(fair, WorkerFactory()).registration

    tasks.remind_tomorrow()

    keys = set(Notification.objects.values_list("key", flat=True))
    assert f"fair-reminder:{registration.pk}:{tomorrow.isoformat()}:in_app" in keys


def test_the_reminder_speaks_the_workers_language_and_gives_the_code(tomorrow, counsellor):
    fair = _fair_on(tomorrow, 9, created_by=counsellor)
    english = WorkerFactory(language="en")
    registration = register(fair, english).registration

    tasks.remind_tomorrow()

    message = Notification.objects.get(recipient=english, channel="in_app")
    assert message.subject.startswith("Tomorrow")
    assert registration.code in message.body and "09:00" in message.body
    assert message.link == f"/fairs/tickets/{registration.pk}/"
