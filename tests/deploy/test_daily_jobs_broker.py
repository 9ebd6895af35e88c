"""The fair reminders and the expiring documents fanned out over two real Celery workers
on PostgreSQL and Redis.

Reuses the worker harness of tests/notifications/test_broker.py (its Redis database, a
queue of the test's own, file senders); skips on SQLite like it.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role
from fairs import tasks
from notifications.models import Notification
from tests.factories import StaffFactory, WorkerFactory
from tests.fairs.factories import FairFactory, register
from tests.notifications import test_broker as harness
from tests.notifications.test_broker import ON_POSTGRESQL, lines, wait_for
from workers.models import Document

# The harness's fixtures: a queue of this test's own, the senders' file, the workers.
queue = harness.queue
outbox = harness.outbox
start_worker = harness.start_worker

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not ON_POSTGRESQL, reason="the workers must share a PostgreSQL database"),
    pytest.mark.django_db(transaction=True),
]


def test_two_workers_share_the_chunks_and_two_runs_send_each_reminder_once(
    start_worker, outbox: Path
):
    tz = timezone.get_default_timezone()
    day = timezone.localdate(timezone=tz) + datetime.timedelta(days=1)
    starts = datetime.datetime.combine(day, datetime.time(9), tzinfo=tz)
    fair = FairFactory(
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        capacity=100,
        created_by=StaffFactory(role=Role.COUNSELLOR),
    )
    people = [WorkerFactory() for _ in range(20)]
    for person in people:
        register(fair, person)
    workers = [start_worker(JOB_CHUNK_SIZE="4") for _ in range(2)]

    # Two beats by mistake: the job is started twice at once.
    tasks.remind_tomorrow.delay()
    tasks.remind_tomorrow.delay()

    sms = Notification.objects.filter(kind="fair-reminder", channel="sms")
    wait_for(
        lambda: sms.filter(status="sent").count() == 20 and len(lines(outbox)) >= 20,
        60,
        "the 20 reminders to be sent",
        workers[0],
    )
    sent = [line.split()[1] for line in lines(outbox)]
    assert sorted(sent) == sorted(p.phone or "" for p in people)  # each once
    assert sms.count() == 20
    for worker in workers:  # both took chunks of the job
        assert "fairs.tasks.remind_chunk" in worker.text() and "succeeded" in worker.text()


def test_two_workers_share_the_expiring_documents_and_two_runs_tell_each_worker_once(
    start_worker, outbox: Path
):
    from tests.deploy.test_daily_jobs_workers import documents_expire
    from workers import tasks as worker_tasks

    province = WorkerFactory().province
    assert province is not None
    documents = [pk for _ in range(7) for pk in documents_expire(province)]  # 21 workers
    workers = [start_worker(JOB_CHUNK_SIZE="4") for _ in range(2)]

    # Two beats by mistake: the job is started twice at once.
    worker_tasks.documents_expiring.delay()
    worker_tasks.documents_expiring.delay()

    sms = Notification.objects.filter(kind="document-expiring", channel="sms")
    wait_for(
        lambda: sms.filter(status="sent").count() == 21 and len(lines(outbox)) >= 21,
        60,
        "the 21 warnings to be sent",
        workers[0],
    )
    time.sleep(1)  # a duplicate still on its way would land now
    sent = [line.split()[1] for line in lines(outbox)]
    assert len(sent) == len(set(sent)) == 21  # each worker once
    assert sorted(sms.values_list("key", flat=True)) == sorted(
        f"document-expiring:{d.pk}:{d.expires_on:%Y-%m-%d}:sms"
        for d in Document.all_objects.filter(pk__in=documents)
    )
    for worker in workers:  # both took chunks of the job
        assert "workers.tasks.documents_expiring_chunk" in worker.text()
