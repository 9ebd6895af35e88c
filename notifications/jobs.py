"""Daily jobs at national size: catch-up after a missed day, and work split in chunks.

- ``run_daily(name, work, each_day=...)`` runs a daily job for every day due since its last
  success (``JobMark``), so a beat that was down at the job's hour, or a run that failed,
  is made good by the next run; ``jobs_catch_up`` (beat, every hour) starts that run soon
  after the missed hour instead of a day later. The mark moves only after the work is
  done, so a run that fails is tried again.
- ``fan_out(task, ids, ...)`` sends the ids in chunks of ``JOB_CHUNK_SIZE``, each chunk a
  task of its own, so every worker takes a share.

Neither makes a message go twice: every message's outbox key names its occasion
(``fair-reminder:<registration>:<day>``), so a job run twice, two beats, or a chunk
redelivered after a worker died find the rows already made.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Sequence
from typing import Any

from celery import Task
from celery.schedules import crontab
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import JobMark

log = logging.getLogger(__name__)


def chunk_size() -> int:
    return int(getattr(settings, "JOB_CHUNK_SIZE", 500))


def catch_up_days() -> int:
    """How many days back a job catches up at most (an outage longer than that is
    someone's to look at, not a reason to send a month of reminders at once)."""
    return int(getattr(settings, "JOB_CATCH_UP_DAYS", 7))


def fan_out(task: Task, ids: Sequence[int], *args: Any) -> int:
    """Queue ``task(chunk, *args)`` for each chunk of ``ids``; returns how many chunks.

    Without a broker (``make run``) each chunk runs at once, in this process.
    """
    size = max(1, chunk_size())
    chunks = 0
    for start in range(0, len(ids), size):
        task.delay(list(ids[start : start + size]), *args)
        chunks += 1
    return chunks


def days_due(name: str, through: datetime.date) -> list[datetime.date]:
    """The days after the job's last success up to ``through``; ``[through]`` the first time."""
    done = JobMark.objects.filter(job=name).values_list("done_through", flat=True).first()
    first = through if done is None else done + datetime.timedelta(days=1)
    first = max(first, through - datetime.timedelta(days=catch_up_days() - 1))
    return [first + datetime.timedelta(days=n) for n in range((through - first).days + 1)]


def mark_done(name: str, through: datetime.date, *, now: datetime.datetime | None = None) -> None:
    """Record that the job finished for every day up to ``through`` (never moves back)."""
    now = now or timezone.now()
    with transaction.atomic():
        mark, created = JobMark.objects.select_for_update().get_or_create(
            job=name, defaults={"done_through": through, "succeeded_at": now}
        )
        if not created and mark.done_through <= through:
            mark.done_through = through
            mark.succeeded_at = now
            mark.save(update_fields=["done_through", "succeeded_at"])


def run_daily(
    name: str,
    work: Callable[[datetime.date], int],
    *,
    through: datetime.date | None = None,
    each_day: bool = False,
) -> int:
    """Run a daily job for the days due since its last success, then mark it done.

    ``through`` is the last day to run for (today when beat starts the job at its hour).
    ``each_day``: call ``work`` once per missed day (a reminder for the fairs of each day);
    otherwise once, for ``through`` (the job's query already takes in everything overdue).
    Returns the sum of what ``work`` returned; 0 when nothing was due.
    """
    through = through or timezone.localdate(timezone=timezone.get_default_timezone())
    days = days_due(name, through)
    if not days:
        return 0
    if len(days) > 1:
        log.info("job %s: catching up %s day(s) from %s", name, len(days), days[0])
    if not each_day:
        days = days[-1:]
    total = sum(work(day) for day in days)
    mark_done(name, through)
    return total


def _daily_time(schedule: Any) -> tuple[int, int, frozenset[int]] | None:
    """(hour, minute, weekdays) of a crontab that fires once on each of its days (every
    day, or a weekly job's day); None for anything else. Weekdays as crontab counts them
    (0 = Sunday)."""
    if not isinstance(schedule, crontab):
        return None
    if len(schedule.hour) != 1 or len(schedule.minute) != 1:
        return None
    if len(schedule.day_of_month) != 31 or len(schedule.month_of_year) != 12:
        return None
    days = frozenset(schedule.day_of_week)
    return next(iter(schedule.hour)), next(iter(schedule.minute)), days


def latest_due_day(
    now: datetime.datetime, hour: int, minute: int, weekdays: frozenset[int] | None = None
) -> datetime.date:
    """The local day of the latest hour:minute (on one of ``weekdays``, crontab's count,
    0 = Sunday; every day when None) that is not after ``now``."""
    local = timezone.localtime(now, timezone.get_default_timezone())
    due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    day = local.date() if due <= local else local.date() - datetime.timedelta(days=1)
    if weekdays:
        while (day.weekday() + 1) % 7 not in weekdays:
            day -= datetime.timedelta(days=1)
    return day


def behind(*, now: datetime.datetime | None = None) -> dict[str, datetime.date]:
    """Daily (or weekly) jobs, those with a mark on a beat entry that fires at one time of
    day, whose latest due time passed after their last success: task name -> the day to
    run them through."""
    now = now or timezone.now()
    marks = dict(JobMark.objects.values_list("job", "done_through"))
    late: dict[str, datetime.date] = {}
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        name = entry["task"]
        when = _daily_time(entry["schedule"])
        if name not in marks or when is None:
            continue
        due = latest_due_day(now, *when)
        if marks[name] < due:
            late[name] = due
    return late
