from __future__ import annotations

import datetime
from io import StringIO

import pytest
from celery import shared_task
from django.core.management import CommandError, call_command
from django.utils import timezone

from notifications.management.commands.run_jobs import Command
from notifications.models import Notification
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

EXPLODE = "tests.notifications.test_run_jobs.explode"
DELIVER_PENDING = "notifications.tasks.deliver_pending"


@shared_task(name=EXPLODE)
def explode() -> None:
    raise RuntimeError("disk full")


@pytest.fixture
def schedule(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "explode": {"task": EXPLODE, "schedule": 60},
        "deliver-pending": {"task": DELIVER_PENDING, "schedule": 60},
        "missing": {"task": "no.such.task", "schedule": 60},
    }


def test_each_job_runs_once_and_a_failing_one_does_not_stop_the_others(
    schedule, worker, sms_outbox
):
    NotificationFactory(recipient=worker, created_at=timezone.now() - datetime.timedelta(minutes=2))
    out = StringIO()

    with pytest.raises(CommandError, match="2 job"):
        call_command("run_jobs", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == f"FAILED explode ({EXPLODE}): RuntimeError: disk full"
    assert lines[1] == f"ok     deliver-pending ({DELIVER_PENDING}): 1"
    assert lines[2] == "FAILED missing (no.such.task): no such task"
    assert len(sms_outbox) == 1
    assert Notification.objects.get().status == Notification.Status.SENT


def test_a_failed_job_makes_the_exit_status_non_zero(schedule, capsys):
    with pytest.raises(SystemExit) as stopped:
        Command().run_from_argv(["manage.py", "run_jobs"])

    assert stopped.value.code == 1
    assert "2 job(s) failed: explode, missing" in capsys.readouterr().err


def test_named_jobs_run_alone(schedule):
    out = StringIO()

    call_command("run_jobs", "deliver-pending", stdout=out)

    assert out.getvalue() == f"ok     deliver-pending ({DELIVER_PENDING}): 0\n"


def test_an_unknown_job_name_is_refused(schedule):
    with pytest.raises(CommandError, match="nightly"):
        call_command("run_jobs", "nightly")


def test_the_projects_schedule_runs_with_the_sweep_added(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        **settings.CELERY_BEAT_SCHEDULE,
        "deliver-pending-notifications": {"task": DELIVER_PENDING, "schedule": 60},
    }
    # The nightly backup snapshots the database in a transaction of its own, which this
    # test's transaction cannot give it; tests/deploy/test_backup_drill.py runs it.
    settings.CELERY_BEAT_SCHEDULE.pop("backup-nightly", None)
    out = StringIO()

    call_command("run_jobs", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == len(settings.CELERY_BEAT_SCHEDULE)
    assert all(line.startswith("ok ") for line in lines), lines
