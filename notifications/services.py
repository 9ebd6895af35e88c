"""The only writers of the outbox: create notifications, deliver them, mark them read.

Other apps send a message with one call::

    notify(recipient=user, kind="fair-reminder", key=f"fair-reminder:{ticket.pk}:{day}",
           context={"ticket": ticket}, link=ticket_url)

The subject and body are rendered in the recipient's language when the row is created,
so the outbox keeps what was sent even if the templates change later.
"""

from __future__ import annotations

import datetime
import logging
import math
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import select_template
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from accounts.models import User
from notifications import channels as senders
from notifications import selectors
from notifications.models import Channel, Notification, NotificationSettings

log = logging.getLogger(__name__)

#: Builds (subject, body) for a recipient; called with the recipient's language active.
Builder = Callable[[User, Mapping[str, Any]], tuple[str, str]]

SUBJECT_MAX = 200
KEY_MAX = 200 - len(":in_app")
#: How many pending rows one sweep hands to the broker; the rest wait for the next minute.
SWEEP_BATCH = 500
#: What a failed enqueue looks like: the broker is down or unreachable.
BROKER_ERRORS = (OperationalError, OSError)


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5))


def claim_seconds() -> int:
    """How long a claim holds: longer than any send, so a live send is never taken over
    (the SMTP socket timeout is 20 s a step; an SMS adapter must time out within 60 s),
    and short, since a message whose worker was killed mid-send waits this long (then up
    to one sweep, 30 s) before another worker sends it: 90 s, so 1.5 to 2 minutes."""
    return int(getattr(settings, "NOTIFICATIONS_CLAIM_SECONDS", 90))


def retry_delay(attempt: int) -> int:
    """Seconds before attempt ``attempt + 1``: 1, 2, 4, 8 minutes by default, at most 1 h."""
    base = int(getattr(settings, "NOTIFICATIONS_RETRY_BASE_SECONDS", 60))
    return int(min(3600, base * 2 ** max(0, attempt - 1)))


class Outcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # already sent or failed, or no such row: nothing to do


class DeliveryDeferred(Exception):
    """Not delivered now; try again in ``retry_in`` seconds (transient error, or busy)."""

    def __init__(self, retry_in: int, reason: str) -> None:
        super().__init__(reason)
        self.retry_in = retry_in
        self.reason = reason


# --- Creating -------------------------------------------------------------------------


def _clean_subject(text: str) -> str:
    # An email subject is one header line.
    return " ".join(text.split())[:SUBJECT_MAX]


def _clean_body(text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    return re.sub(r"\n{3,}", "\n\n", text)


def _render_text(names: list[str], context: Mapping[str, Any]) -> str:
    template = select_template(names)
    # Plain text: names with "&" or quotes must not come out HTML-escaped.
    return str(template.template.render(Context(dict(context), autoescape=False)))


def _texts(
    *,
    recipient: User,
    kind: str,
    template: str | None,
    build: Builder | None,
    context: Mapping[str, Any],
    wanted: Sequence[str],
) -> dict[str, tuple[str, str]]:
    """(subject, body) per channel, in the recipient's language."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        if build is not None:
            subject, body = build(recipient, context)
            subject, body = _clean_subject(str(subject)), _clean_body(str(body))
            return {channel: (subject, body) for channel in wanted}
        folder = template or f"notifications/{kind}"
        full = {"recipient": recipient, **context}
        subject = _clean_subject(_render_text([f"{folder}/subject.txt"], full))
        body = _clean_body(_render_text([f"{folder}/body.txt"], full))
        texts = {channel: (subject, body) for channel in wanted}
        if Channel.SMS in wanted:
            # A text message costs by the 160 characters: a kind may give a shorter one.
            short = _render_text([f"{folder}/sms.txt", f"{folder}/body.txt"], full)
            texts[Channel.SMS] = (subject, _clean_body(short))
        return texts


def _check_link(link: str) -> None:
    # The inbox redirects to the link: only a path on this site, never another host.
    if link and (not link.startswith("/") or link.startswith("//") or "\\" in link):
        raise ValueError(f"A notification link must be a path on this site, not {link!r}.")


def notify(
    *,
    recipient: User,
    kind: str,
    key: str,
    context: Mapping[str, Any] | None = None,
    template: str | None = None,
    build: Builder | None = None,
    link: str = "",
    channels: Iterable[str] | None = None,
) -> list[Notification]:
    """One row per channel the recipient accepts, each created once per (recipient, key).

    ``key`` names the occasion (``fair-reminder:<ticket>:<date>``); the channel is appended.
    Texts come from ``<template>/subject.txt`` and ``body.txt`` (``template`` defaults to
    ``notifications/<kind>``; SMS uses ``sms.txt`` when there is one), or from ``build``.
    ``channels`` narrows the recipient's channels, never widens them. Delivery is queued
    after the surrounding transaction commits; if the broker is down, the rows stay
    pending and the ``deliver_pending`` sweep sends them.
    """
    if not key or len(key) > KEY_MAX:
        raise ValueError(f"A notification key must have 1 to {KEY_MAX} characters.")
    _check_link(link)
    if not recipient.is_active:
        return []  # a closed account hears nothing more from the portal
    wanted = selectors.preferences_for(recipient).channels
    if channels is not None:
        allowed = set(channels)
        wanted = [channel for channel in wanted if channel in allowed]
    if not wanted:
        return []
    texts = _texts(
        recipient=recipient,
        kind=kind,
        template=template,
        build=build,
        context=context or {},
        wanted=wanted,
    )
    now = timezone.now()
    rows: list[Notification] = []
    to_send: list[int] = []
    for channel in wanted:
        subject, body = texts[channel]
        in_app = channel == Channel.IN_APP
        # get_or_create inserts in a savepoint and reads the row on a unique-key conflict,
        # so two jobs racing on one key end with one row.
        row, created = Notification.objects.get_or_create(
            recipient=recipient,
            key=f"{key}:{channel}",
            defaults={
                "channel": channel,
                "kind": kind,
                "subject": subject,
                "body": body,
                "link": link,
                "created_at": now,
                # The inbox is the delivery of an in-app message.
                "status": Notification.Status.SENT if in_app else Notification.Status.PENDING,
                "sent_at": now if in_app else None,
            },
        )
        rows.append(row)
        if created and not in_app:
            to_send.append(row.pk)
        if created and in_app:
            unread_changed(recipient.pk)
    if to_send:
        enqueue_after_commit(to_send)
    return rows


def unread_changed(user_id: int) -> None:
    """The person's bell counts again on their next page. (A page of theirs counted while
    the change is not yet committed keeps the old count for UNREAD_CACHE_SECONDS at most.)"""
    cache.delete(selectors.unread_key(user_id))


# --- Queueing -------------------------------------------------------------------------


def _enqueue(ids: Sequence[int], *, patient: bool) -> None:
    from notifications.tasks import deliver  # tasks import this module

    if not ids:
        return
    if not patient and not deliver.app.conf.task_always_eager:
        # A web request must not wait on a dead broker (kombu and redis-py retry for
        # seconds by default): one connection attempt, and the sweep does the rest.
        with deliver.app.pool.acquire(block=True) as connection:
            connection.ensure_connection(max_retries=0)
            for pk in ids:
                deliver.apply_async((pk,), connection=connection, retry=False)
        return
    for pk in ids:
        deliver.delay(pk)


def enqueue_after_commit(ids: Sequence[int]) -> None:
    """Queue delivery once the transaction commits; a broker outage is logged, not raised."""
    ids = list(ids)

    def enqueue() -> None:
        try:
            _enqueue(ids, patient=False)
        except BROKER_ERRORS:
            log.warning(
                "Broker unreachable: notifications %s stay pending for deliver_pending.",
                ids,
                exc_info=True,
            )

    transaction.on_commit(enqueue, robust=True)


def notifications_enqueue_pending(*, now: datetime.datetime | None = None) -> int:
    """Queue the pending rows nobody is delivering (enqueued while the broker was down, or
    left by a crashed worker); safe to run twice at once, since delivery claims each row."""
    ids = list(selectors.notifications_due(now).values_list("pk", flat=True)[:SWEEP_BATCH])
    _enqueue(ids, patient=True)
    return len(ids)


# --- Delivering -----------------------------------------------------------------------


def _finish(pk: int, token: str, **fields: Any) -> None:
    done = Notification.objects.filter(pk=pk, claim_token=token).update(
        claim_token="", claimed_until=None, **fields
    )
    if not done:
        # The claim lapsed while we were sending and someone else took the row.
        log.warning("Notification %s: claim lapsed before it was recorded as %s.", pk, fields)


def notification_deliver(*, notification_id: int) -> Outcome:
    """Send a pending notification once: claim it, send it, record sent or failed.

    Raises DeliveryDeferred after a transient error (the claim is released and the row
    keeps its place for a later attempt) or when another worker holds the claim.
    """
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = (
        Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(
            claim_token=token,
            claimed_until=now + datetime.timedelta(seconds=claim_seconds()),
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        current = (
            Notification.objects.filter(pk=notification_id)
            .values_list("status", "claimed_until")
            .first()
        )
        if current is None or current[0] != Notification.Status.PENDING:
            return Outcome.SKIPPED
        held_until = current[1] or now
        wait = max(1, math.ceil((held_until - now).total_seconds()) + 1)
        raise DeliveryDeferred(wait, "Another worker is sending it.")

    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    limit = max_attempts()
    if notification.attempts > limit:
        # Claimed that often without an outcome: workers died while sending it.
        reason = notification.last_error or "the worker stopped while sending"
        _finish(
            notification.pk,
            token,
            status=Notification.Status.FAILED,
            last_error=f"Gave up after {limit} attempts: {reason}",
        )
        return Outcome.FAILED
    try:
        senders.send(notification)
    except senders.PermanentError as exc:
        log.info("Notification %s failed: %s", notification.pk, exc.reason)
        _finish(notification.pk, token, status=Notification.Status.FAILED, last_error=exc.reason)
        return Outcome.FAILED
    except senders.TransientError as exc:
        if notification.attempts >= limit:
            _finish(
                notification.pk,
                token,
                status=Notification.Status.FAILED,
                last_error=f"Gave up after {limit} attempts: {exc.reason}",
            )
            return Outcome.FAILED
        wait = retry_delay(notification.attempts)
        log.info("Notification %s: %s; again in %s s.", notification.pk, exc.reason, wait)
        _finish(
            notification.pk,
            token,
            last_error=exc.reason,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=wait),
        )
        raise DeliveryDeferred(wait, exc.reason) from exc
    _finish(
        notification.pk,
        token,
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
    )
    return Outcome.SENT


def notification_retry(*, notification_id: int) -> bool:
    """Give a failed notification a fresh set of attempts (after fixing an address)."""
    with transaction.atomic():
        reopened = Notification.objects.filter(
            pk=notification_id, status=Notification.Status.FAILED
        ).update(status=Notification.Status.PENDING, attempts=0, next_attempt_at=None)
        if reopened:
            enqueue_after_commit([notification_id])
    return bool(reopened)


# --- Reading and settings -------------------------------------------------------------


def notification_mark_read(*, user: User, notification_id: int) -> bool:
    """Mark one of the user's in-app messages read; the first opening's time is kept."""
    marked = Notification.objects.filter(
        pk=notification_id, recipient=user, channel=Channel.IN_APP, read_at__isnull=True
    ).update(read_at=timezone.now())
    if marked:
        unread_changed(user.pk)
    return bool(marked)


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread in-app message of the user read; returns how many."""
    marked = Notification.objects.filter(
        recipient=user, channel=Channel.IN_APP, read_at__isnull=True
    ).update(read_at=timezone.now())
    if marked:
        unread_changed(user.pk)
    return marked


def preferences_save(*, user: User, email: bool, sms: bool) -> NotificationSettings:
    """Record the channels the user chose; in-app messages are always on."""
    saved, _created = NotificationSettings.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms}
    )
    return saved
