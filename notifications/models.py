"""The outbox: every message the portal sends, one row per recipient, key and channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.personal import How, PersonalData


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the portal")
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message (SMS)")


class Notification(models.Model):
    """One message to one person through one channel, kept after it is sent.

    ``key`` makes creation idempotent: a job that runs twice finds the row it made the first
    time. Delivery claims the row (``claim_token``, ``claimed_until``) with a conditional
    update, so two workers never send the same row at once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    kind = models.SlugField(_("kind"), max_length=50)
    key = models.CharField(_("idempotency key"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Who is sending it now, and until when that claim holds (a crashed worker's claim lapses).
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # After a transient error: the sweep leaves the row alone until then (backoff).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    personal_data = PersonalData(
        fields={"subject": How.SCRUB, "body": How.SCRUB},
        rows=lambda s: Q(recipient_id=s.user_id),
        why="Her own messages are scrubbed of her name and numbers; staff messages that "
        "name her (a digest, a new application) keep their other words.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            # Keys are unique per recipient, so a key that forgets to name the person
            # (a weekly summary) still reaches every manager once.
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(channel="in_app", read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="pending"),
                name="notification_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient_id}"


class NotificationSettings(models.Model):
    """The channels a person chose; without a row, the defaults of their role apply."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("user"),
    )
    email = models.BooleanField(_("by email"), default=False)
    sms = models.BooleanField(_("by text message"), default=False)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    personal_data = PersonalData(
        fields={"email": How.KEEP}, why="A yes/no choice of channel, not an address."
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)


class JobMark(models.Model):
    """The last day a scheduled daily job finished for, so a missed day is caught up.

    ``job`` is the Celery task's name. Written only by ``notifications.jobs.run_daily``
    after the job's work for that day was done (or handed to the broker in chunks).
    """

    job = models.CharField(_("job"), max_length=200, unique=True)
    done_through = models.DateField(_("done through"))
    succeeded_at = models.DateTimeField(_("last success"))

    class Meta:
        verbose_name = _("scheduled job mark")
        verbose_name_plural = _("scheduled job marks")

    def __str__(self) -> str:
        return f"{self.job}: {self.done_through:%d/%m/%Y}"
