"""Daily jobs at national size: in chunks, caught up after a missed day, each message once.

Tasks run in-process here (no broker); tests/deploy/test_daily_jobs_broker.py runs the
chunks on two real Celery workers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from celery.signals import task_prerun
from django.utils import timezone

from fairs import tasks
from fairs.models import Fair
from notifications import jobs
from notifications.models import JobMark, Notification
from notifications.tasks import jobs_catch_up
from tests.factories import WorkerFactory
from tests.fairs.factories import FairFactory, register

pytestmark = pytest.mark.django_db
JOB = tasks.remind_tomorrow.name
TZ = timezone.get_default_timezone()


def fair_on(day: datetime.date, hour: int, by) -> Fair:
    starts = datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)
    ends = starts + datetime.timedelta(hours=3)
    return FairFactory(starts_at=starts, ends_at=ends, created_by=by)


def today() -> datetime.date:
    return timezone.localdate(timezone=TZ)


@pytest.fixture
def chunks() -> Iterator[list[list[int]]]:
    """The id lists of every `remind_chunk` task that ran."""
    seen: list[list[int]] = []

    def record(sender=None, args=(), **kwargs) -> None:
        if getattr(sender, "name", "") == tasks.remind_chunk.name:
            seen.append(list(args[0]))

    task_prerun.connect(record, weak=False)
    yield seen
    task_prerun.disconnect(record)


def reminded() -> list[int]:
    return sorted(
        Notification.objects.filter(kind="fair-reminder", channel="sms").values_list(
            "recipient_id", flat=True
        )
    )


def test_chunks_cover_every_due_registration_exactly_once(
    settings, counsellor, chunks, sms_outbox, django_capture_on_commit_callbacks
):
    settings.JOB_CHUNK_SIZE = 3
    fair = fair_on(today() + datetime.timedelta(days=1), 9, counsellor)
    people = [WorkerFactory() for _ in range(8)]
    for person in people:
        register(fair, person)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_tomorrow() == 8

    assert [len(chunk) for chunk in chunks] == [3, 3, 2]
    flat = [pk for chunk in chunks for pk in chunk]
    assert len(flat) == len(set(flat)) == 8
    assert reminded() == sorted(p.pk for p in people)
    assert sorted(m.to for m in sms_outbox) == sorted(p.phone for p in people)


def test_a_job_run_twice_or_by_a_second_beat_sends_each_message_once(
    counsellor, sms_outbox, django_capture_on_commit_callbacks
):
    fair = fair_on(today() + datetime.timedelta(days=1), 9, counsellor)
    people = [WorkerFactory() for _ in range(3)]
    for person in people:
        register(fair, person)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.remind_tomorrow()
        assert tasks.remind_tomorrow() == 0  # the mark says today is done
        # A second beat that started the job before the first one marked it: the work
        # runs again in full, and the outbox keys stop every message.
        JobMark.objects.all().delete()
        assert tasks.remind_tomorrow() == 3

    assert reminded() == sorted(p.pk for p in people)
    assert len(sms_outbox) == 3


def test_a_missed_day_is_caught_up_by_the_next_run(counsellor, sms_outbox):
    # The job last succeeded two days ago: yesterday's 17:00 went by with beat down.
    JobMark.objects.create(
        job=JOB,
        done_through=today() - datetime.timedelta(days=2),
        succeeded_at=timezone.now() - datetime.timedelta(days=2),
    )
    later_today = fair_on(today(), 23, counsellor)  # missed reminder, fair still ahead
    started = FairFactory(  # missed too, but it has begun: too late to remind
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        ends_at=timezone.now() + datetime.timedelta(hours=2),
        created_by=counsellor,
    )
    tomorrow = fair_on(today() + datetime.timedelta(days=1), 9, counsellor)
    on_time, late, too_late = WorkerFactory(), WorkerFactory(), WorkerFactory()
    register(tomorrow, on_time)
    register(started, too_late, now=started.starts_at - datetime.timedelta(days=1))
    if later_today.starts_at > timezone.now():
        register(later_today, late)
    expected = sorted([on_time.pk] + ([late.pk] if later_today.starts_at > timezone.now() else []))

    tasks.remind_tomorrow()

    assert reminded() == expected
    assert JobMark.objects.get(job=JOB).done_through == today()


def test_the_hourly_catch_up_starts_a_daily_job_whose_hour_passed_without_a_success(
    counsellor, sms_outbox
):
    day = today()
    at_1830 = datetime.datetime.combine(day, datetime.time(18, 30), tzinfo=TZ)
    at_1630 = datetime.datetime.combine(day, datetime.time(16, 30), tzinfo=TZ)
    JobMark.objects.create(
        job=JOB, done_through=day - datetime.timedelta(days=1), succeeded_at=timezone.now()
    )
    # 17:00 is the job's hour: before it nothing is late, after it the job is.
    assert JOB not in jobs.behind(now=at_1630)
    assert jobs.behind(now=at_1830)[JOB] == day

    fair = fair_on(day + datetime.timedelta(days=2), 9, counsellor)
    register(fair, WorkerFactory())
    JobMark.objects.filter(job=JOB).update(done_through=day - datetime.timedelta(days=3))
    # Now is after 17:00 or before it: either way the latest 17:00 passed unmarked.
    assert JOB in jobs_catch_up()
    assert JobMark.objects.get(job=JOB).done_through >= day - datetime.timedelta(days=1)
    assert JOB not in jobs_catch_up()  # caught up: nothing more to start
