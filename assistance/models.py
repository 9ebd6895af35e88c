"""Help from abroad: a worker abroad in trouble (or a relative, by phone to the centre) asks
the province's centre for help; counsellors make first contact within a deadline, follow
the request and record its outcome.

Written only through assistance.services, which lock the row, check the status it may come
from and write a HelpRequestEvent (who, when, what, why).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.personal import How, PersonalData
from accounts.scoping import GuardedManager, GuardedQuerySet


class Kind(models.TextChoices):
    WAGES = "wages", _("Wages not paid")
    PAPERS = "papers", _("Passport or papers held")
    ABUSE = "abuse", _("Abuse or violence")
    HEALTH = "health", _("Health or injury")
    CONTRACT = "contract", _("Contract changed")
    COME_HOME = "come_home", _("Wants to come home")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    NEW = "new", _("Waiting for first contact")
    CONTACTED = "contacted", _("Contacted")
    IN_PROGRESS = "in_progress", _("Being handled")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.CONTACTED, Status.IN_PROGRESS)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    REFERRED = "referred", _("Referred to another body")
    RECOVERED = "recovered", _("Compensation or wages recovered")
    RETURNED_HOME = "returned_home", _("Returned home")


class Source(models.TextChoices):
    WORKER = "worker", _("Sent by the worker from the portal")
    RELATIVE_PHONE = "relative_phone", _("Recorded by phone from a relative")
    WORKER_PHONE = "worker_phone", _("Recorded by phone from the worker")


class HelpRequestQuerySet(GuardedQuerySet):
    # The worker's province, copied (as on support applications) and moved with the worker
    # by help_requests_follow_worker.
    province_path = "province"
    owner_path = "profile__user"

    def open(self) -> Self:
        return self.filter(status__in=OPEN_STATUSES)

    def first_contact_overdue(self, now: datetime.datetime) -> Self:
        return self.filter(status=Status.NEW, first_contact_due__lt=now)


class HelpRequest(models.Model):
    """A worker abroad asked the centre for help."""

    profile = models.ForeignKey(
        "workers.WorkerProfile", on_delete=models.CASCADE, related_name="help_requests"
    )
    province = models.ForeignKey("accounts.Province", on_delete=models.PROTECT, related_name="+")
    # The case's market when the request came in: whose embassy and hotline to call.
    market = models.ForeignKey(
        "markets.Market", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("what kind of problem"), max_length=20, choices=Kind)
    what_happened = models.TextField(_("what happened"), blank=True)
    phone_abroad = models.CharField(_("phone number abroad"), max_length=40, blank=True)
    zalo = models.CharField(_("Zalo"), max_length=100, blank=True)
    relative_contact = models.CharField(
        _("a relative in Vietnam (name and phone)"), max_length=200, blank=True
    )
    source = models.CharField(max_length=20, choices=Source, default=Source.WORKER)
    status = models.CharField(max_length=20, choices=Status, default=Status.NEW)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    first_contact_due = models.DateTimeField()
    first_contact_at = models.DateTimeField(null=True, blank=True)
    first_contact_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    amount_recovered = models.DecimalField(
        _("amount recovered (VND)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = GuardedManager.from_queryset(HelpRequestQuerySet)()
    all_objects = HelpRequestQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"what_happened": How.REDACT, "phone_abroad": How.BLANK, "zalo": How.BLANK,
                "relative_contact": How.BLANK, "referred_to": How.KEEP,
                "amount_recovered": How.KEEP, "outcome": How.KEEP,
                "first_contact_due": How.KEEP, "first_contact_at": How.KEEP,
                "first_contact_by": How.KEEP},
        rows=lambda s: Q(profile_id=s.profile_id),
        why="The request stays as a counted fact (kind, dates, outcome, amount recovered, the "
        "body it was referred to); what she wrote and how to reach her go.",
    )  # fmt: skip

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [
            # The staff home and the reminder job read the province's open requests.
            models.Index(fields=["province", "status", "first_contact_due"], name="help_open"),
            models.Index(fields=["province", "created_at"], name="help_by_created"),
            models.Index(fields=["province", "closed_at"], name="help_by_closed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_recovered__isnull=True) | Q(amount_recovered__gte=0),
                name="help_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        return self.status == Status.NEW and self.first_contact_due < (now or timezone.now())

    @property
    def time_to_first_contact(self) -> datetime.timedelta | None:
        if self.first_contact_at is None:
            return None
        return self.first_contact_at - self.created_at


def photo_path(instance: HelpRequestPhoto, filename: str) -> str:
    # The stored name says nothing about the person or the original file name.
    return f"help/{instance.request_id}/{uuid.uuid4().hex}"


class HelpRequestPhotoQuerySet(GuardedQuerySet):
    province_path = "request__province"
    owner_path = "request__profile__user"


class HelpRequestPhoto(models.Model):
    """A photo (or a scanned paper) sent with a help request; private, served by a scoped view."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=photo_path, max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = GuardedManager.from_queryset(HelpRequestPhotoQuerySet)()
    all_objects = HelpRequestPhotoQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"file": How.DELETE, "original_name": How.DELETE},
        rows=lambda s: Q(request__profile_id=s.profile_id),
        delete_row=True,
        why="Photos of her papers, injuries or workplace: the rows and the files go.",
    )

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.pk}"


class HelpRequestEvent(models.Model):
    """Something done on a help request: who, when, which status to which, and why."""

    class Action(models.TextChoices):
        CREATE = "create", _("Received")
        CONTACT = "contact", _("First contact made")
        START = "start", _("Handling started")
        CLOSE = "close", _("Closed")
        ASSIGN = "assign", _("Assigned")
        NOTE = "note", _("Note")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action)
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField(blank=True)

    personal_data = PersonalData(
        fields={"text": How.REDACT},
        rows=lambda s: Q(request__profile_id=s.profile_id),
        why="The steps stay (who acted, when); the words written about her go.",
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.action}"
