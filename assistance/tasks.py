"""Help requests still waiting for first contact past their deadline: the staff are told,
each request once per person (the outbox's key), however often the job runs."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from assistance.services import first_contact_overdue_remind


@shared_task
def first_contact_overdue() -> int:
    return first_contact_overdue_remind(timezone.now())
