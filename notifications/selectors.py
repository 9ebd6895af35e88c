"""Reads of the outbox and of people's channel choices."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from notifications.models import Channel, Notification, NotificationSettings


def pending_grace() -> datetime.timedelta:
    """How long a new row is left to the enqueue after commit before the sweep takes it."""
    return datetime.timedelta(
        seconds=int(getattr(settings, "NOTIFICATIONS_PENDING_GRACE_SECONDS", 60))
    )


@dataclass(frozen=True)
class Preferences:
    """What a person chose (or the defaults of their role) and what they can receive."""

    email: bool
    sms: bool
    can_email: bool
    can_sms: bool
    chosen: bool  # False while the role's defaults apply

    @property
    def channels(self) -> list[str]:
        """The channels a message goes out on, in-app first; always includes in-app."""
        channels: list[str] = [Channel.IN_APP]
        if self.email and self.can_email:
            channels.append(Channel.EMAIL)
        if self.sms and self.can_sms:
            channels.append(Channel.SMS)
        return channels


def preferences_for(user: User) -> Preferences:
    """The person's channel choices; without a saved choice, their role's defaults."""
    can_email, can_sms = bool(user.email), bool(user.phone)
    saved = NotificationSettings.objects.filter(user=user).first()
    if saved is not None:
        return Preferences(saved.email, saved.sms, can_email, can_sms, chosen=True)
    if user.is_staff_member:
        return Preferences(True, False, can_email, can_sms, chosen=False)
    # Workers read text messages; one who signed up with an email only gets email instead.
    return Preferences(not can_sms, can_sms, can_email, can_sms, chosen=False)


def inbox_for(user: User) -> QuerySet[Notification]:
    """The person's in-app messages, newest first."""
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP).order_by(
        "-created_at", "-pk"
    )


#: How long the bell's count is kept in the cache at most. It is forgotten as soon as a
#: message arrives or is read (notifications.services.unread_changed); the limit bounds
#: what a page counted during that change's transaction, or a process while Redis is away
#: (the cache is then each process's memory), can keep.
UNREAD_CACHE_SECONDS = 60


def unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user: User, *, fresh: bool = False) -> int:
    """How many in-app messages the person has not opened: the bell on every page. Kept in
    the cache, so a page reads it with no query; counted (one indexed COUNT) when the
    cache has forgotten it, or `fresh` (the inbox counts, and the bell follows it)."""
    key = unread_key(user.pk)
    count = None if fresh else cache.get(key)
    if count is None:
        count = Notification.objects.filter(
            recipient=user, channel=Channel.IN_APP, read_at__isnull=True
        ).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return int(count)


def notifications_due(now: datetime.datetime | None = None) -> QuerySet[Notification]:
    """Pending rows that nobody is delivering and whose backoff, if any, has passed."""
    now = now or timezone.now()
    return (
        Notification.objects.filter(status=Notification.Status.PENDING)
        # A younger row is still in the hands of the enqueue after commit: the sweep waits.
        .filter(created_at__lte=now - pending_grace())
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
    )
