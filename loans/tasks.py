"""Applications waiting too long at a step: first their reviewer is told, then the
province's centre managers. Each message once per application, status and escalation."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accounts.models import Role, User
from loans import services
from loans.models import Application, ApplicationEvent
from loans.selectors import applications_waiting_since
from notifications import jobs
from notifications.services import notify


def _reviewer(application: Application) -> User | None:
    """The last staff member who acted on the application, if any."""
    event = (
        ApplicationEvent.objects.filter(application=application)
        .exclude(actor__role=Role.WORKER)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    return event.actor if event and event.actor.is_active else None


def _managers(application: Application) -> list[User]:
    return list(
        User.objects.filter(role=Role.MANAGER, province=application.province, is_active=True)
    )


def remind_waiting(now: datetime.datetime, ids: Sequence[int] | None = None) -> int:
    """Tell about each application waiting too long (of `ids` only, when given: a chunk)."""
    days = settings.SUPPORT_WAITING_DAYS
    sent = 0
    waiting = applications_waiting_since(now - datetime.timedelta(days=days))
    if ids is not None:
        waiting = waiting.filter(pk__in=list(ids))
    for application in waiting:
        waited = (now - application.updated_at).days
        late = waited >= 2 * days
        recipients = _managers(application) if late else []
        if not late:
            reviewer = _reviewer(application)
            recipients = [reviewer] if reviewer else _managers(application)
        for recipient in recipients:
            notify(
                recipient=recipient,
                kind="application-waiting",
                key=(
                    f"application-waiting:{application.pk}:{application.status}:"
                    f"{'manager' if late else 'reviewer'}"
                ),
                context={
                    "application": application,
                    "days": waited,
                    "name": application.profile.user.name,
                },
                link=f"/staff/support/applications/{application.pk}/",
            )
            sent += 1
    return sent


@shared_task
def remind_waiting_applications(through: str | None = None) -> int:
    """Queue the waiting applications in chunks (``remind_waiting_chunk``), once a day; a
    day missed is made good by the next run (notifications.jobs). Returns how many."""

    def queue(day: datetime.date) -> int:
        now = timezone.now()
        before = now - datetime.timedelta(days=settings.SUPPORT_WAITING_DAYS)
        ids = list(applications_waiting_since(before).values_list("pk", flat=True))
        jobs.fan_out(remind_waiting_chunk, ids, now.isoformat())
        return len(ids)

    return jobs.run_daily(
        remind_waiting_applications.name,
        queue,
        through=datetime.date.fromisoformat(through) if through else None,
    )


@shared_task(acks_late=True, reject_on_worker_lost=True)
def remind_waiting_chunk(application_ids: list[int], now: str) -> int:
    """One chunk of the waiting applications; keys make a second run send nothing."""
    return remind_waiting(datetime.datetime.fromisoformat(now), ids=application_ids)


@shared_task
def kept_support_records_expire(through: str | None = None) -> int:
    """Delete the kept accounting records (KeptSupportRecord) past their `keep_until`, once
    a day; a day missed is made good by the next run (notifications.jobs), and a second run
    deletes nothing. Returns how many went."""
    return jobs.run_daily(
        kept_support_records_expire.name,
        lambda day: services.kept_records_delete_expired(today=day),
        through=datetime.date.fromisoformat(through) if through else None,
    )
