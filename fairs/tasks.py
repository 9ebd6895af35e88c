"""Thin Celery tasks of the job-fair app; each calls one service and is safe to run twice."""

from __future__ import annotations

import datetime

from celery import shared_task

from fairs import services
from notifications import jobs


@shared_task
def remind_tomorrow(through: str | None = None) -> int:
    """Remind the workers registered for tomorrow's fairs (tomorrow in Vietnam).

    Runs for each day since the last successful run (a day missed while beat was down
    reminds of the next day's fairs that have not started yet), through `through` (ISO
    date, default today). The registrations go out in chunks, one `remind_chunk` task each,
    so several workers share a national run. Each reminder's key is
    ``fair-reminder:<registration id>:<fair date>``, so a second run, a second beat, or a
    chunk run twice sends nothing twice. Returns how many registrations were queued.
    """

    def remind(day: datetime.date) -> int:
        fair_day = day + datetime.timedelta(days=1)
        ids = services.reminders_due(day=fair_day)
        jobs.fan_out(remind_chunk, ids, fair_day.isoformat())
        return len(ids)

    return jobs.run_daily(
        remind_tomorrow.name,
        remind,
        through=datetime.date.fromisoformat(through) if through else None,
        each_day=True,
    )


@shared_task(acks_late=True, reject_on_worker_lost=True)
def remind_chunk(registration_ids: list[int], day: str) -> int:
    """Remind the registrations `registration_ids` of their fair on `day` (ISO date)."""
    return services.reminders_send(day=datetime.date.fromisoformat(day), ids=registration_ids)
