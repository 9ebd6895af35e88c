"""Thin Celery tasks of the job-fair app; each calls one service and is safe to run twice."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from fairs import services


@shared_task
def remind_tomorrow() -> int:
    """Remind the workers registered for tomorrow's fairs (tomorrow in Vietnam).

    Each reminder's key is ``fair-reminder:<ticket id>:<fair date>``, so a second run the
    same day, or a retry after a crash, sends nothing twice. Returns how many tickets were
    looked at.
    """
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    tomorrow = today + datetime.timedelta(days=1)
    return services.reminders_send(day=tomorrow)
