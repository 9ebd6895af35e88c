"""Applications waiting too long at a step: first their reviewer is told, then the
province's centre managers. Each message once per application, status and escalation."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accounts.models import Role, User
from loans.models import Application, ApplicationEvent
from loans.selectors import applications_waiting_since
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


def remind_waiting(now: datetime.datetime) -> int:
    days = settings.SUPPORT_WAITING_DAYS
    sent = 0
    for application in applications_waiting_since(now - datetime.timedelta(days=days)):
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
def remind_waiting_applications() -> int:
    return remind_waiting(timezone.now())
