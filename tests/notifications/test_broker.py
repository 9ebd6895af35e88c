"""Delivery through a real Redis broker and a real Celery worker process.

The worker is another process, so it must see the test's rows: these tests need the
suite to run on PostgreSQL (DATABASE_URL) and skip on SQLite. They use Redis database 14,
a queue of their own per test (so xdist processes running them at once never take each
other's tasks), and start their workers with tests/notifications/broker_settings.py:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mrc_notif \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python -m pytest tests/notifications -p no:xdist
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from notifications import services
from notifications.models import Channel, Notification
from notifications.tasks import deliver, deliver_pending
from notifications.testing import DELAY_ENV, FAILURES_ENV, OUTBOX_ENV
from tests.factories import WorkerFactory
from tests.notifications.conftest import celery_broker
from tests.notifications.factories import NotificationFactory
from tests.processes import Service

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = "redis://127.0.0.1:6379/14"
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="the Celery worker is another process and must share the test database: "
        "run the suite on PostgreSQL (DATABASE_URL=postgresql://...)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def queue(transactional_db) -> Iterator[str]:
    """A queue of this test's own in Redis database 14; tasks from this process go to it."""
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis does not answer on 127.0.0.1:6379; CI must run these tests.")
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    name = f"notifications-test-{uuid.uuid4().hex[:12]}"
    try:
        with celery_broker(BROKER_URL, task_default_queue=name):
            yield name
    finally:
        _drop_queue(name)


def _drop_queue(name: str) -> None:
    """Remove the queue and whatever of it waits unacknowledged (left by killed workers)."""
    client = redis.Redis.from_url(BROKER_URL)
    try:
        keys = [
            *client.scan_iter(match=f"{name}*"),
            *client.scan_iter(match=f"_kombu.binding*.{name}"),
        ]
        client.delete(*keys)
        for tag, payload in client.hgetall("unacked").items():
            _message, _exchange, routing_key = json.loads(payload)
            if routing_key == name:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    finally:
        client.close()


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    return f"postgresql://{credentials}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


class Worker(Service):
    """A `celery worker` process in its own process group, logging to a file."""

    def __init__(
        self, queue: str, outbox: Path, log: Path, pool: str, concurrency: int, **env: str
    ):
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.notifications.broker_settings",
            "REDIS_URL": BROKER_URL,
            # tests/mrc/test_faults.py passes a database of its own (and runs on SQLite too).
            "DATABASE_URL": env.get("DATABASE_URL") or _database_url(),
            OUTBOX_ENV: str(outbox),
            "NOTIFICATIONS_TEST_QUEUE": queue,
            "CELERY_SKIP_CHECKS": "1",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "mrc", "worker",
            "--pool", pool, "--concurrency", str(concurrency), "-l", "INFO",
            "-n", f"notif-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        super().__init__(command, log, environment)

    def wait_ready(self, timeout: float = 25) -> None:
        wait_for(lambda: " ready." in self.text(), timeout, "the worker to start", self)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        self.stop(sig)


def wait_for(
    condition: Callable[[], bool], timeout: float, what: str, worker: Worker | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    log = worker.text()[-3000:] if worker else ""
    pytest.fail(f"Waited {timeout} s for {what}.\n{log}")


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox.txt"


@pytest.fixture
def start_worker(queue: str, outbox: Path, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(pool: str = "solo", concurrency: int = 1, **env: str) -> Worker:
        log = tmp_path / f"worker-{len(started)}.log"
        worker = Worker(queue, outbox, log, pool, concurrency, **env)
        started.append(worker)
        worker.wait_ready()
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.kill()


def lines(outbox: Path) -> list[str]:
    return outbox.read_text().splitlines() if outbox.exists() else []


def status(pk: int) -> str:
    return Notification.objects.values_list("status", flat=True).get(pk=pk)


def test_a_notification_made_in_a_transaction_is_delivered_after_the_commit(start_worker, outbox):
    person = WorkerFactory(language="en")
    start_worker()

    with transaction.atomic():
        in_app, text = services.notify(recipient=person, kind="welcome", key="welcome:broker")
        time.sleep(1)  # a worker that had the task now would have sent it
        assert lines(outbox) == []

    wait_for(lambda: status(text.pk) == "sent", 30, "the SMS to be sent")
    assert len(lines(outbox)) == 1
    assert lines(outbox)[0].startswith(f"sms {person.phone} MRC: your account is ready.")
    assert Notification.objects.get(pk=in_app.pk).status == "sent"


def test_copies_of_a_task_and_sweeps_running_at_once_send_each_message_once(start_worker, outbox):
    people = [WorkerFactory() for _ in range(4)]
    two_minutes_ago = timezone.now() - datetime.timedelta(minutes=2)
    rows = [
        NotificationFactory(recipient=people[i % 4], body=f"race {i}", created_at=two_minutes_ago)
        for i in range(20)
    ]
    # Four processes, and each send takes a moment, so copies of one task overlap.
    start_worker(pool="prefork", concurrency=4, **{DELAY_ENV: "0.2"})

    # Each row queued twice back to back (two processes take the copies together), then
    # two sweeps at once that queue every row still pending again.
    for row in rows:
        deliver.delay(row.pk)
        deliver.delay(row.pk)
    deliver_pending.delay()
    deliver_pending.delay()

    wait_for(lambda: Notification.objects.filter(status="sent").count() == 20, 30, "20 sent rows")
    time.sleep(2)  # a duplicate still on its way would land now
    bodies = sorted(line.split(" ", 2)[2] for line in lines(outbox))  # "sms <to> <body>"
    assert bodies == sorted(f"race {i}" for i in range(20))
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_a_worker_killed_while_sending_has_the_message_sent_once_by_the_next(start_worker, outbox):
    person = WorkerFactory()
    slow = start_worker(**{DELAY_ENV: "30"})
    (text,) = services.notify(
        recipient=person, kind="welcome", key="welcome:killed", channels=[Channel.SMS]
    )
    wait_for(lambda: Notification.objects.get(pk=text.pk).attempts == 1, 15, "the claim", slow)

    slow.kill(signal.SIGKILL)  # in the middle of the send
    assert lines(outbox) == []
    assert status(text.pk) == "pending"
    start_worker()

    wait_for(lambda: status(text.pk) == "sent", 40, "the redelivered task")
    assert len(lines(outbox)) == 1
    assert Notification.objects.get(pk=text.pk).attempts == 2


def test_a_transient_error_is_retried_by_the_worker_until_sent(start_worker, outbox):
    person = WorkerFactory()
    start_worker(**{FAILURES_ENV: "2"})

    (text,) = services.notify(
        recipient=person, kind="welcome", key="welcome:flaky", channels=[Channel.SMS]
    )

    wait_for(lambda: status(text.pk) == "sent", 30, "the SMS after two failures")
    row = Notification.objects.get(pk=text.pk)
    assert row.attempts == 3
    assert row.last_error == "TransientSmsError: gateway did not answer (test)"
    assert len(lines(outbox)) == 1
    assert len(Path(f"{outbox}.failures").read_text().splitlines()) == 2
