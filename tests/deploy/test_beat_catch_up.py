"""A beat that was down when a daily job was due runs it once when it starts again.

Celery's beat keeps when each job last ran in its schedule file; a restarted beat finds
the daily jobs whose time passed while it was down and sends each once at once. That works
only if the file outlives the process: compose kept it in the container's /tmp (lost on
every restart, so a missed 17:00 was skipped until the next day); it now lives on a
volume, and `make up` keeps it under VAR_DIR.

A real `celery beat` process runs here, with the in-memory broker: what is checked is what
beat sends, on its own clock.
"""

from __future__ import annotations

import datetime
import os
import sys
import time
from pathlib import Path

import pytest
import yaml
from celery.beat import PersistentScheduler
from django.utils import timezone

from mrc.celery import app
from tests.processes import Service

ROOT = Path(__file__).resolve().parents[2]
JOB = "fairs-remind-tomorrow"  # daily at 17:00, Vietnam time


@pytest.fixture(autouse=True)
def _not_across_the_due_time() -> None:
    """Beat runs on the wall clock: a test that ran across 17:00 would see JOB truly due
    (as one did, started at 16:59:5x). Within the minute before it, wait until it is past."""
    local = timezone.localtime()
    due = local.replace(hour=17, minute=0, second=5, microsecond=0)
    if due - datetime.timedelta(seconds=65) <= local < due:
        time.sleep((due - local).total_seconds())


def last_due_before(now: datetime.datetime, hour: int) -> datetime.datetime:
    """The latest `hour`:00 local time that is not after `now`."""
    local = timezone.localtime(now)
    due = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return due if due <= local else due - datetime.timedelta(days=1)


def schedule_file(path: Path, job_last_ran: datetime.datetime | None) -> None:
    """The schedule file a beat leaves behind, with JOB last run at `job_last_ran`."""
    scheduler = PersistentScheduler(app=app, schedule_filename=str(path), lazy=False)
    for name, entry in scheduler.schedule.items():
        # Every other job ran a moment ago, so only JOB can be due.
        entry.last_run_at = timezone.now()
        if name == JOB and job_last_ran is not None:
            entry.last_run_at = job_last_ran
    scheduler.sync()
    scheduler.close()


# Beat logs this (at DEBUG) after each pass over the schedule, having sent what was due.
PASS_DONE = "beat: Waking up"


def run_beat(tmp_path: Path, schedule: Path, seconds: float) -> str:
    """Beat's log, once it has sent JOB or made three passes over the schedule without
    sending it (each pass sends every due job; with `--max-interval 1` three take about two
    seconds), or after `seconds`."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="mrc.settings", VAR_DIR=str(tmp_path / "var"))
    beat = Service(
        [sys.executable, "-m", "celery", "-A", "mrc", "beat", "--loglevel", "DEBUG",
         "--schedule", str(schedule), "--max-interval", "1"],
        tmp_path / "beat.log",
        env,
    )  # fmt: skip
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            log = beat.text()
            if f"Sending due task {JOB}" in log or log.count(PASS_DONE) >= 3:
                break
            time.sleep(0.3)
    finally:
        beat.stop()
    return beat.text()


def test_a_restarted_beat_sends_the_daily_job_it_missed_once(tmp_path):
    # Beat last sent the job the day before its latest due time: it was down at 17:00.
    missed = last_due_before(timezone.now(), 17)
    schedule = tmp_path / "celerybeat-schedule"
    schedule_file(schedule, missed - datetime.timedelta(days=1))

    log = run_beat(tmp_path, schedule, 30)

    assert log.count(f"Sending due task {JOB}") == 1, log[-3000:]


def test_a_beat_that_did_not_miss_it_does_not_send_it_again(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    schedule_file(schedule, last_due_before(timezone.now(), 17))

    log = run_beat(tmp_path, schedule, 30)

    assert log.count(PASS_DONE) >= 3, log[-3000:]
    assert f"Sending due task {JOB}" not in log


def test_compose_keeps_the_beat_schedule_on_a_volume_and_make_up_under_var_dir():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    beat = compose["services"]["beat"]
    schedule = beat["command"][beat["command"].index("--schedule") + 1]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in beat["volumes"]}

    assert not schedule.startswith("/tmp/")  # noqa: S108 - what it must not be
    assert any(schedule.startswith(target + "/") for target in mounts), (schedule, mounts)
    assert any(source in compose["volumes"] for source in mounts.values())
    assert "${VAR_DIR:-var}/celerybeat-schedule" in (ROOT / "Procfile").read_text()


def test_a_beat_that_lost_its_schedule_file_would_skip_the_missed_job(tmp_path):
    # What compose did before: /tmp/celerybeat-schedule gone with the container. The new
    # beat counts from its own start, so a 17:00 missed while it was down is skipped.
    log = run_beat(tmp_path, tmp_path / "celerybeat-schedule", 30)

    assert log.count(PASS_DONE) >= 3, log[-3000:]
    assert f"Sending due task {JOB}" not in log
