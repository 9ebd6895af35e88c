from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Commune
from accounts.scoping import ScopedQuerySet
from workers.reference import ETHNIC_GROUPS, Education, JlptLevel, PriorityGroup


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class ProfileStep(models.TextChoices):
    """The wizard's steps, in order; each saves on its own."""

    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact")
    ADDRESS = "address", _("Address")
    BACKGROUND = "background", _("Ethnicity and priority groups")
    EDUCATION = "education", _("Education, skills and languages")
    PLANS = "plans", _("Plans and experience")
    HEALTH = "health", _("Health and declarations")


STEP_ORDER: list[str] = list(ProfileStep.values)


class WorkerProfileQuerySet(ScopedQuerySet):
    province_path = "user__province"
    owner_path = "user"


class WorkerProfile(models.Model):
    """One per worker: what the centre knows of a person who wants to work abroad."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worker_profile"
    )
    # Identity
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex, blank=True)
    personal_id = models.CharField(
        _("personal ID number"), max_length=12, unique=True, null=True, blank=True
    )
    id_issued_on = models.DateField(_("ID card issued on"), null=True, blank=True)
    id_problems = models.JSONField(
        _("ID problems to review"),
        default=list,
        blank=True,
        help_text=_("What did not agree between the ID number, birth date and sex."),
    )
    # Contact (phone and email live on the account)
    contact_note = models.CharField(
        _("other ways to reach you"),
        max_length=200,
        blank=True,
        help_text=_("For example a Zalo name, or a relative's phone number."),
    )
    # Address: the province is the account's; the commune must be in it.
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("commune or ward")
    )
    address_line = models.CharField(_("village, street, house number"), max_length=200, blank=True)
    old_address = models.CharField(
        _("address before the 2025 reform"),
        max_length=300,
        blank=True,
        help_text=_("As written on older papers, with the district."),
    )
    # Sensitive: visible to the worker and to staff of their province, every staff read logged.
    ethnicity = models.CharField(_("ethnicity"), max_length=20, choices=ETHNIC_GROUPS, blank=True)
    priority_groups = models.JSONField(_("priority groups"), default=list, blank=True)
    health_fit = models.BooleanField(_("in good health for work"), null=True, blank=True)
    health_notes = models.TextField(_("health notes"), blank=True)
    has_criminal_record = models.BooleanField(_("has a criminal record"), null=True, blank=True)
    # Education and languages
    education = models.CharField(_("education"), max_length=20, choices=Education, blank=True)
    vocational_skills = models.CharField(_("vocational skills"), max_length=300, blank=True)
    jlpt_level = models.CharField(_("Japanese (JLPT)"), max_length=2, choices=JlptLevel, blank=True)
    eps_topik_score = models.PositiveSmallIntegerField(_("EPS-TOPIK score"), null=True, blank=True)
    eps_topik_date = models.DateField(_("EPS-TOPIK test date"), null=True, blank=True)
    other_languages = models.CharField(_("other languages and levels"), max_length=200, blank=True)
    # Plans and experience
    desired_markets = models.JSONField(_("where you want to work"), default=list, blank=True)
    desired_occupations = models.CharField(_("jobs you want"), max_length=300, blank=True)
    has_worked_abroad = models.BooleanField(_("has worked abroad before"), default=False)
    experience_abroad = models.TextField(_("experience abroad"), blank=True)
    # Progress and concurrency
    steps_done = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = WorkerProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker profile")
        verbose_name_plural = _("worker profiles")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def next_step(self) -> str | None:
        return next((s for s in STEP_ORDER if s not in self.steps_done), None)

    @property
    def percent_complete(self) -> int:
        return round(100 * len(set(self.steps_done) & set(STEP_ORDER)) / len(STEP_ORDER))

    @property
    def needs_id_review(self) -> bool:
        return bool(self.id_problems)

    def age_on(self, day: datetime.date) -> int | None:
        from workers.identity import age_on

        return age_on(self.date_of_birth, day) if self.date_of_birth else None


class DuplicateIdAttempt(models.Model):
    """Someone tried to use a personal ID that another profile already holds."""

    personal_id = models.CharField(max_length=12)
    existing = models.ForeignKey(WorkerProfile, on_delete=models.CASCADE, related_name="+")
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    attempted_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class QuerySet(ScopedQuerySet):
        province_path = "existing__user__province"

    objects = QuerySet.as_manager()

    class Meta:
        ordering = ["-attempted_at"]

    def __str__(self) -> str:
        return f"{self.personal_id} ({self.attempted_at:%d/%m/%Y})"


class SensitiveRead(models.Model):
    """A staff member saw a worker's sensitive fields: who, when, which worker, where."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    profile = models.ForeignKey(WorkerProfile, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)
    context = models.CharField(max_length=100)

    class Meta:
        ordering = ["-read_at"]

    def __str__(self) -> str:
        return f"{self.staff} read {self.profile} ({self.context})"


class DocumentType(models.Model):
    """An item of the document checklist; data, so programmes can add their own."""

    code = models.SlugField(unique=True)
    name_vi = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    has_expiry = models.BooleanField(default=False)
    required = models.BooleanField(
        default=False, help_text=_("Required of every worker before departure.")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name_vi

    @property
    def label(self) -> str:
        """The name in the language of the page being drawn."""
        return self.name_en if get_language() == "en" else self.name_vi


def document_path(instance: Document, filename: str) -> str:
    # The stored name says nothing about the person or the original file name.
    return f"documents/{instance.profile_id}/{uuid.uuid4().hex}"


class DocumentQuerySet(ScopedQuerySet):
    province_path = "profile__user__province"
    owner_path = "profile__user"


class Document(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting for a check")
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned")

    profile = models.ForeignKey(WorkerProfile, on_delete=models.CASCADE, related_name="documents")
    type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+")
    priority_group = models.CharField(max_length=20, choices=PriorityGroup, blank=True)
    file = models.FileField(upload_to=document_path, max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.UPLOADED)
    return_reason = models.CharField(max_length=300, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["type__order", "-uploaded_at"]
        indexes = [models.Index(fields=["profile", "type"])]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class DocumentEvent(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class DeletionRequest(models.Model):
    """A worker asked for their account to be deleted; anonymised after the retention period."""

    profile = models.OneToOneField(
        WorkerProfile, on_delete=models.CASCADE, related_name="deletion_request"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class QuerySet(ScopedQuerySet):
        province_path = "profile__user__province"
        owner_path = "profile__user"

    objects = QuerySet.as_manager()

    class Meta:
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.profile} ({self.requested_at:%d/%m/%Y})"

    def due_on(self) -> datetime.date:
        days: Any = settings.WORKER_DATA_RETENTION_DAYS
        return (self.requested_at + datetime.timedelta(days=days)).date()
