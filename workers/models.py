from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Commune
from accounts.personal import How, PersonalData, reference
from accounts.scoping import GuardedManager, GuardedQuerySet
from workers.reference import ETHNIC_GROUPS, Education, JlptLevel, PriorityGroup


class PersonalIdField(models.CharField):
    """A personal ID stored, and looked up, in one form only: NFKC, without spaces, dots or
    dashes. Any form built on the model (the admin's included) and any query by number
    go through it, so a number in full-width digits or "015.1…" is the same person as "0151…"."""

    def to_python(self, value: Any) -> Any:
        from workers.identity import clean_personal_id

        value = super().to_python(value)
        return clean_personal_id(value) or None if isinstance(value, str) else value

    def formfield(self, **kwargs: Any) -> Any:
        # "015 190 123 456" is 15 characters as typed and 12 once cleaned: the form takes the
        # typed length; the model checks the cleaned one.
        field: Any = super().formfield(**kwargs)
        field.max_length = 40
        field.validators = [v for v in field.validators if not hasattr(v, "limit_value")]
        field.widget.attrs["maxlength"] = "40"
        return field

    def get_prep_value(self, value: Any) -> Any:
        from workers.identity import clean_personal_id

        value = super().get_prep_value(value)
        return clean_personal_id(value) if isinstance(value, str) else value


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class IdCheckResult(models.TextChoices):
    MATCH = "match", _("Matches the population database")
    MISMATCH = "mismatch", _("Does not match the population database")
    UNKNOWN = "unknown", _("Could not be checked")


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


class WorkerProfileQuerySet(GuardedQuerySet):
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
    personal_id = PersonalIdField(
        _("personal ID number"), max_length=12, unique=True, null=True, blank=True
    )
    id_issued_on = models.DateField(_("ID card issued on"), null=True, blank=True)
    id_problems = models.JSONField(
        _("ID problems to review"),
        default=list,
        blank=True,
        help_text=_("What did not agree between the ID number, birth date and sex."),
    )
    # The last check of the ID against the national population database
    # (workers.services.personal_id_verify): the answer, the fields that differed, when, who
    # asked and which register answered. Changing the number, name, birth date or sex
    # clears it (the answer was about the old values).
    id_check = models.CharField(
        _("ID check against the population database"),
        max_length=10,
        choices=IdCheckResult,
        blank=True,
    )
    id_check_fields = models.JSONField(default=list, blank=True)
    id_check_reason = models.CharField(max_length=40, blank=True)
    id_checked_at = models.DateTimeField(null=True, blank=True)
    id_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    id_check_source = models.CharField(max_length=40, blank=True)
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
    # Permanent residence (thường trú) as the worker declares it: VBSP lends through the branch
    # where the borrower has permanent residence. A yes/no against the commune above, with the
    # card's words when it is elsewhere: the card often still shows the pre-2025 address, and
    # the counsellor checks the declaration against it.
    permanent_residence_here = models.BooleanField(
        _("permanent residence is this commune"),
        null=True,
        blank=True,
        help_text=_("Permanent residence (thường trú) as written on your ID card."),
    )
    permanent_address = models.CharField(
        _("permanent residence, if elsewhere"),
        max_length=300,
        blank=True,
        help_text=_("As written on your ID card."),
    )
    # Sensitive: visible to the worker and to staff of their province, every staff read logged.
    ethnicity = models.CharField(_("ethnicity"), max_length=20, choices=ETHNIC_GROUPS, blank=True)
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

    objects = GuardedManager.from_queryset(WorkerProfileQuerySet)()
    all_objects = WorkerProfileQuerySet.as_manager()

    personal_data = PersonalData(
        fields={name: How.BLANK for name in (
            "date_of_birth", "sex", "personal_id", "id_issued_on", "id_problems",
            "id_check", "id_check_fields", "id_check_reason", "id_checked_at", "id_checked_by",
            "id_check_source", "contact_note", "commune", "address_line", "old_address",
            "permanent_residence_here", "permanent_address", "ethnicity",
            "health_fit", "health_notes", "has_criminal_record", "education",
            "vocational_skills", "jlpt_level", "eps_topik_score", "eps_topik_date",
            "other_languages", "desired_markets", "desired_occupations", "has_worked_abroad",
            "experience_abroad")},
        why="Erased by workers.services.profile_anonymise: every field emptied; the row "
        "stays so the case and the support paid still count in the figures.",
    )  # fmt: skip

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        verbose_name = _("worker profile")
        verbose_name_plural = _("worker profiles")
        constraints = [
            # Only the normalised form is ever stored: twelve ASCII digits, or nothing.
            models.CheckConstraint(
                condition=models.Q(personal_id__isnull=True)
                | models.Q(personal_id__regex=r"^[0-9]{12}$"),
                name="personal_id_twelve_ascii_digits",
            ),
        ]
        indexes = [
            # The few files whose ID number disagrees with the birth date or sex: the staff
            # home counts them and lists them, without reading every profile of a province.
            models.Index(
                fields=["user"], condition=~models.Q(id_problems=[]), name="profile_id_to_check"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def priority_groups(self) -> list[str]:
        """The groups the worker claims, in the order of the list (prefetch `claims`)."""
        claimed = {c.group for c in self.claims.all()}
        return [g for g in PriorityGroup.values if g in claimed]

    @property
    def next_step(self) -> str | None:
        return next((s for s in STEP_ORDER if s not in self.steps_done), None)

    @property
    def steps_filled(self) -> int:
        return len(set(self.steps_done) & set(STEP_ORDER))

    @property
    def steps_total(self) -> int:
        return len(STEP_ORDER)

    @property
    def percent_complete(self) -> int:
        return round(100 * len(set(self.steps_done) & set(STEP_ORDER)) / len(STEP_ORDER))

    @property
    def id_verified(self) -> bool:
        """The ID, name, birth date and sex were found together in the population database."""
        return self.id_check == IdCheckResult.MATCH

    def age_on(self, day: datetime.date) -> int | None:
        from workers.identity import age_on

        return age_on(self.date_of_birth, day) if self.date_of_birth else None


class PriorityGroupClaim(models.Model):
    """A priority group the worker says they belong to (sensitive: poverty, ethnicity)."""

    profile = models.ForeignKey(WorkerProfile, on_delete=models.CASCADE, related_name="claims")
    group = models.CharField(_("priority group"), max_length=20, choices=PriorityGroup)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "group"], name="one_claim_per_group")
        ]
        indexes = [models.Index(fields=["group", "profile"])]

    def __str__(self) -> str:
        return f"{self.profile}: {self.group}"


class DuplicateIdAttempt(models.Model):
    """Someone tried to use a personal ID that another profile already holds."""

    personal_id = models.CharField(max_length=12)
    existing = models.ForeignKey(WorkerProfile, on_delete=models.CASCADE, related_name="+")
    # The file the number was typed into (the worker's own, or a walk-in's by a counsellor).
    profile = models.ForeignKey(
        WorkerProfile, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    attempted_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class QuerySet(GuardedQuerySet):
        province_path = "existing__user__province"

    objects = GuardedManager.from_queryset(QuerySet)()
    all_objects = QuerySet.as_manager()

    personal_data = PersonalData(
        fields={"personal_id": How.DELETE},
        rows=lambda s: (
            Q(personal_id__in=s.personal_ids)
            | Q(existing_id=s.profile_id)
            | Q(attempted_by_id=s.user_id)
        ),
        delete_row=True,
        why="A warning for staff that holds her ID number: nothing to warn about once she is gone.",
    )

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["-attempted_at"]

    def __str__(self) -> str:
        return f"{self.personal_id} ({self.attempted_at:%d/%m/%Y})"


class SensitiveRead(models.Model):
    """A staff member saw a worker's sensitive fields: who, which worker, where, which day.

    One row per staff member, worker, place and day, stamped with the first read of that
    day: later reads the same day add nothing (docs/security.md, "Sensitive reads")."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    profile = models.ForeignKey(WorkerProfile, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)
    day = models.DateField(default=timezone.localdate)
    context = models.CharField(max_length=100)

    personal_data = PersonalData(
        fields={"context": How.KEEP},
        why="Which staff member read her file, where (a page name) and on which day: the "
        "audit of staff access is kept, pointing at the anonymised profile.",
    )

    class Meta:
        ordering = ["-read_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "staff", "day", "context"], name="sensitive_read_once_a_day"
            )
        ]

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

    personal_data = reference("The document checklist.")

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


class DocumentQuerySet(GuardedQuerySet):
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

    objects = GuardedManager.from_queryset(DocumentQuerySet)()
    all_objects = DocumentQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"file": How.DELETE, "original_name": How.DELETE, "return_reason": How.DELETE},
        rows=lambda s: Q(profile_id=s.profile_id),
        delete_row=True,
        why="Her papers (ID card, passport, judicial record...): the rows and the files go.",
    )

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["type__order", "-uploaded_at"]
        indexes = [models.Index(fields=["profile", "type"])]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"


class DocumentEvent(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)

    personal_data = PersonalData(
        fields={"reason": How.DELETE}, why="Deleted with its document (cascade)."
    )

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

    class QuerySet(GuardedQuerySet):
        province_path = "profile__user__province"
        owner_path = "profile__user"

    objects = GuardedManager.from_queryset(QuerySet)()
    all_objects = QuerySet.as_manager()

    personal_data = PersonalData(
        fields={"reason": How.BLANK},
        rows=lambda s: Q(profile_id=s.profile_id),
        why="The request stays as proof that it was honoured, and when; her reason goes.",
    )

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.profile} ({self.requested_at:%d/%m/%Y})"

    def due_on(self) -> datetime.date:
        """The day the data will be erased, in the portal's time zone (as the pages say)."""
        days: Any = settings.WORKER_DATA_RETENTION_DAYS
        return timezone.localdate(self.requested_at + datetime.timedelta(days=days))


# --- The case -------------------------------------------------------------------------


class Stage(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    COUNSELLED = "counselled", _("Counselled")
    PREPARING = "preparing", _("Preparing (language, skills, orientation)")
    DOCUMENTS_READY = "documents_ready", _("Documents ready")
    CONTRACTED = "contracted", _("Contracted")
    DEPARTED = "departed", _("Working abroad")
    # Left the employer named in the contract (bỏ trốn) or stayed on after it without the
    # right to (cư trú bất hợp pháp): still abroad, no longer under the contract.
    LEFT_CONTRACT = "left_contract", _("Left the contract or stayed on illegally")
    RETURNED = "returned", pgettext_lazy("case stage", "Returned")
    REINTEGRATED = "reintegrated", _("Reintegrated")
    ON_HOLD = "on_hold", _("On hold")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CaseQuerySet(GuardedQuerySet):
    # The province is copied onto the case (kept by the services that change a worker's
    # province) so that a caseload of a million rows filters without joining the user.
    province_path = "province"
    owner_path = "profile__user"

    def return_overdue(self, today: datetime.date) -> CaseQuerySet:
        """Abroad, and 30 days past the expected return without a recorded return."""
        return self.filter(
            stage=Stage.DEPARTED, contract_end__lt=today - datetime.timedelta(days=30)
        )


class Case(models.Model):
    """One per worker: where they stand, from first visit to reintegration."""

    profile = models.OneToOneField(WorkerProfile, on_delete=models.CASCADE, related_name="case")
    province = models.ForeignKey(
        "accounts.Province", on_delete=models.PROTECT, null=True, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage, default=Stage.REGISTERED)
    # Copies of the profile's, kept by workers.services.case_copy_profile: the caseload's
    # filters and the dashboards' counts read one table, not a join per case.
    sex = models.CharField(_("sex"), max_length=10, choices=Sex, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    held_from = models.CharField(max_length=20, choices=Stage, blank=True)
    stage_reason = models.CharField(_("reason"), max_length=300, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("counsellor"),
    )
    # The contract
    market = models.ForeignKey(
        "markets.Market",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("market"),
    )
    programme = models.ForeignKey(
        "markets.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    enterprise = models.ForeignKey(
        "markets.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end (expected return)"), null=True, blank=True)
    departure_date = models.DateField(_("departure date"), null=True, blank=True)
    left_contract_on = models.DateField(
        _("left the contract or overstayed on"),
        null=True,
        blank=True,
        help_text=_("When the worker left the employer or stayed on without the right to."),
    )
    return_date = models.DateField(_("return date"), null=True, blank=True)
    skills_abroad = models.TextField(_("skills and certificates earned abroad"), blank=True)
    reintegration_needs = models.JSONField(_("reintegration needs"), default=list, blank=True)
    # The worker's name folded for search ("nguyen van a"), kept by the services that
    # change the name; on PostgreSQL a trigram index serves "contains" on it.
    search_name = models.CharField(max_length=150, default="")
    opened_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0)

    objects = GuardedManager.from_queryset(CaseQuerySet)()
    all_objects = CaseQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"stage_reason": How.REDACT, "skills_abroad": How.REDACT,
                "search_name": How.BLANK, "reintegration_needs": How.BLANK,
                "sex": How.BLANK, "commune": How.BLANK},
        rows=lambda s: Q(pk=s.case_id),
        why="The case stays (stage, market, dates) so departures and returns still count; "
        "what was written about her goes.",
    )  # fmt: skip

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The caseload's default order, "-updated_at, -id", walked straight off the index.
            models.Index(fields=["province", "-updated_at", "-id"], name="case_caseload"),
            # The API's changes feed of a national client walks every province by this order.
            models.Index(fields=["updated_at", "id"], name="case_changes"),
            models.Index(fields=["province", "stage", "-updated_at", "-id"], name="case_by_stage"),
            models.Index(fields=["assigned_to", "-updated_at", "-id"], name="case_by_counsellor"),
            # Two columns only: with the id too, PostgreSQL thought counting a name search
            # cheaper through the trigram index, which took 14 ms where this takes 4.
            models.Index(fields=["province", "search_name"], name="case_by_name"),
            models.Index(fields=["province", "-opened_at", "-id"], name="case_by_opened"),
            # The staff home counts the province's open cases waiting for a counsellor.
            models.Index(
                fields=["province", "stage"],
                condition=models.Q(assigned_to__isnull=True),
                name="case_unassigned",
            ),
            models.Index(fields=["stage", "contract_end"], name="case_return_due"),
            # The few who left their contract or overstayed, counted by period in the reports.
            models.Index(
                fields=["province", "left_contract_on"],
                condition=models.Q(left_contract_on__isnull=False),
                name="case_left_contract",
            ),
            # Covering (PostgreSQL): a dashboard counts departures by stage and market from
            # the index alone, without a bitmap of every departed case of the country.
            models.Index(
                fields=["province", "departure_date"],
                include=["stage", "market", "profile"],
                name="case_departures",
            ),
            # The national dashboard counts the year's departures dated after the summary's
            # last day (today) live: by date alone, not through every departed case (80 ms
            # at a million workers).
            models.Index(
                fields=["departure_date"], include=["stage"], name="case_departures_by_date"
            ),
            # A province's dashboard counts its returns of the open month and its overdue
            # returns from these alone (the national return_due index read every province's).
            models.Index(
                fields=["province", "return_date"],
                condition=models.Q(return_date__isnull=False),
                name="case_returns",
            ),
            models.Index(
                fields=["province", "contract_end"],
                condition=models.Q(stage="departed"),
                name="case_abroad_until",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} ({self.get_stage_display()})"

    @property
    def expected_return(self) -> datetime.date | None:
        return self.contract_end

    def is_return_overdue(self, today: datetime.date) -> bool:
        return bool(
            self.stage == Stage.DEPARTED
            and self.contract_end
            and self.contract_end < today - datetime.timedelta(days=30)
        )


class CaseEvent(models.Model):
    """A move of a case: who, when, from, to, why."""

    # Looked up by the (case, time) index below, which also serves the foreign key: a
    # second index on case alone led prepared plans to sort a long history (performance.md).
    case = models.ForeignKey(Case, on_delete=models.CASCADE, db_index=False, related_name="events")
    from_stage = models.CharField(max_length=20, choices=Stage, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage)
    # Set when the worker moved province (the stage stays): from where, to where.
    from_province = models.ForeignKey(
        "accounts.Province", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_province = models.ForeignKey(
        "accounts.Province", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)

    personal_data = PersonalData(
        fields={"reason": How.REDACT},
        rows=lambda s: Q(case_id=s.case_id),
        why="The moves stay (the figures count them); the reasons, written about her, go.",
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.from_stage or '-'} -> {self.to_stage}"


class Assignment(models.Model):
    """Who the case was given to, by whom and when: the history is kept."""

    # Looked up by the (case, time) index below, which also serves the foreign key: a
    # second index on case alone led prepared plans to sort a long history (performance.md).
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, db_index=False, related_name="assignments"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)

    personal_data = PersonalData(
        fields={"reason": How.REDACT},
        rows=lambda s: Q(case_id=s.case_id),
        why="Who followed the case stays; the reason, written about her, goes.",
    )

    class Meta:
        ordering = ["at", "pk"]
        # The case page reads the newest page of its timeline off these (case, time) indexes.
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} -> {self.assigned_to_id}"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    OUTREACH = "outreach", _("Outreach in a commune")
    ONLINE = "online", _("Online")


class Topic(models.TextChoices):
    MARKETS = "markets", _("Markets")
    FEES = "fees", _("Fees and fraud")
    SUPPORT = "support", _("Support and loans")
    TRAINING = "training", _("Language and training")
    DOCUMENTS = "documents", _("Documents")
    ABROAD = "abroad", _("Problems abroad")
    RETURN = "return", pgettext_lazy("counselling topic", "Return")


class CounsellingSessionQuerySet(GuardedQuerySet):
    province_path = "province"
    owner_path = "case__profile__user"


class CounsellingSession(models.Model):
    """A conversation with a worker, or with someone who has no account yet (a contact)."""

    # Looked up by the (case, time) index below, which also serves the foreign key: a
    # second index on case alone led prepared plans to sort a long history (performance.md).
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,
        related_name="sessions",
    )
    contact_name = models.CharField(_("name"), max_length=150, blank=True)
    contact_phone = models.CharField(_("phone number"), max_length=20, blank=True)
    contact_commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune or ward"),
    )
    province = models.ForeignKey("accounts.Province", on_delete=models.PROTECT, related_name="+")
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField(_("when"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    topics = models.JSONField(_("topics"), default=list)
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), default=15)
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)

    objects = GuardedManager.from_queryset(CounsellingSessionQuerySet)()
    all_objects = CounsellingSessionQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"contact_name": How.BLANK, "contact_phone": How.BLANK,
                "contact_commune": How.BLANK, "outcome": How.REDACT, "next_step": How.REDACT},
        rows=lambda s: Q(case_id=s.case_id) | Q(case__isnull=True, contact_phone__in=s.phones),
        why="Sessions stay as counted facts (when, channel, topics, minutes, counsellor); "
        "the contact's name and phone and the counsellor's text about her go.",
    )  # fmt: skip

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["-held_at", "-pk"]
        indexes = [
            # The sessions list's order, walked straight off the index to any page.
            models.Index(fields=["province", "-held_at", "-id"], name="session_by_province"),
            # Covering (PostgreSQL): a province's open month by channel and topic is counted
            # from the index alone (the one above made it read the table's pages).
            models.Index(
                fields=["province", "held_at"],
                include=["channel", "topics"],
                name="session_by_province_cover",
            ),
            models.Index(fields=["contact_phone"]),
            models.Index(fields=["case", "held_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.held_at:%d/%m/%Y}"


class CaseNote(models.Model):
    # Looked up by the (case, time) index below, which also serves the foreign key: a
    # second index on case alone led prepared plans to sort a long history (performance.md).
    case = models.ForeignKey(Case, on_delete=models.CASCADE, db_index=False, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(
        fields={"text": How.DELETE},
        rows=lambda s: Q(case_id=s.case_id),
        delete_row=True,
        why="A note is only about her; nothing counts notes.",
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return self.text[:40]


class FollowUpQuerySet(GuardedQuerySet):
    province_path = "case__province"

    def open(self) -> FollowUpQuerySet:
        return self.filter(done_at__isnull=True)


class FollowUp(models.Model):
    """Something a counsellor must do for a case by a date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    title = models.CharField(_("what"), max_length=200)
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("who"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=40, blank=True)  # e.g. "reintegration:job", "fair-offer"

    objects = GuardedManager.from_queryset(FollowUpQuerySet)()
    all_objects = FollowUpQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"title": How.REDACT},
        rows=lambda s: Q(case_id=s.case_id),
        why="The task stays in the counsellor's history; what it said about her goes.",
    )

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"])]

    def __str__(self) -> str:
        return self.title


class CheckIn(models.Model):
    """News of a worker abroad: whether contact was made, how they are, what went wrong."""

    # Looked up by the (case, time) index below, which also serves the foreign key: a
    # second index on case alone led prepared plans to sort a long history (performance.md).
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, db_index=False, related_name="check_ins"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    contact_made = models.BooleanField(_("contact made"), default=True)
    situation = models.TextField(_("situation"), blank=True)
    problems = models.TextField(_("problems"), blank=True)

    personal_data = PersonalData(
        fields={"situation": How.REDACT, "problems": How.REDACT, "contact_made": How.KEEP},
        rows=lambda s: Q(case_id=s.case_id),
        why="Whether contact was made while abroad is counted; what was written goes.",
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.at:%d/%m/%Y}"


class ImportBatch(models.Model):
    """One confirmed import of a previewed spreadsheet: its preview token is used once."""

    token_digest = models.CharField(max_length=64, unique=True)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    rows = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.rows} rows by {self.counsellor_id} at {self.at:%d/%m/%Y %H:%M}"


class ProvinceTransferQuerySet(GuardedQuerySet):
    """Both centres see a transfer between them: the old one its outgoing, the new one its
    incoming; the worker sees their own. It shows the worker's name and the two provinces,
    nothing of the file."""

    owner_path = "profile__user"

    def for_user(self, user: Any) -> ProvinceTransferQuerySet:
        if user.is_authenticated and user.is_active and user.is_staff_member and not user.is_admin:
            if user.province_id is None:
                return self.none()
            return self._opened().filter(
                Q(from_province_id=user.province_id) | Q(to_province_id=user.province_id)
            )
        return super().for_user(user)


class ProvinceTransfer(models.Model):
    """A worker's file handed from one province's centre to another's, with their consent.

    Made by a counsellor (of either province) as a request the worker answers, or by the
    worker changing their address (consent by the worker). Only an accepted transfer moves
    the file (workers.services.worker_province_move). Every change is
    workers.services.transfer_*: the row locked, the state checked, who, when and why kept.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the worker's answer")
        ACCEPTED = "accepted", _("Accepted: the file moved")
        DECLINED = "declined", _("Declined by the worker")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired without an answer")

    class Consent(models.TextChoices):
        ONLINE = "online", _("By the worker, on the portal")
        ADDRESS = "address", _("By the worker, changing their own address")
        IN_PERSON = "in_person", _("In person, on a signed paper, recorded by a counsellor")

    profile = models.ForeignKey(WorkerProfile, on_delete=models.CASCADE, related_name="transfers")
    from_province = models.ForeignKey(
        "accounts.Province", on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_province = models.ForeignKey("accounts.Province", on_delete=models.PROTECT, related_name="+")
    # Where the worker now lives, when the counsellor knows it; otherwise the worker's
    # address step opens again after the move.
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.REQUESTED)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    # The answer: who (null when it expired by itself), when, how consent was given, why.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    consent = models.CharField(max_length=20, choices=Consent, blank=True)
    close_reason = models.CharField(max_length=300, blank=True)
    # The case event the accepted move wrote (the API's moves feed reads the transfer by it).
    event = models.OneToOneField(
        CaseEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="transfer"
    )

    objects = GuardedManager.from_queryset(ProvinceTransferQuerySet)()
    all_objects = ProvinceTransferQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"reason": How.REDACT, "close_reason": How.REDACT, "commune": How.BLANK},
        rows=lambda s: Q(profile_id=s.profile_id),
        why="Which centre handed her file to which, when and with which consent stays "
        "(proof of consent, Decree 13/2023 art. 11); what was written about her and where "
        "she lives go.",
    )

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One open request per worker: a second tab or a second centre cannot open two.
            models.UniqueConstraint(
                fields=["profile"],
                condition=Q(status="requested"),
                name="one_open_transfer_per_worker",
            ),
        ]
        indexes = [
            models.Index(fields=["to_province", "status", "-requested_at"], name="transfer_in"),
            models.Index(fields=["from_province", "status", "-requested_at"], name="transfer_out"),
            models.Index(fields=["status", "expires_at"], name="transfer_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.from_province_id} -> {self.to_province_id}"

    @staticmethod
    def _place(province: Any) -> str:
        # "Tỉnh Đồng Tháp" -> "tỉnh Đồng Tháp", as it reads inside a sentence.
        name = province.name if province else ""
        return name[:1].lower() + name[1:]

    @property
    def to_place(self) -> str:
        return self._place(self.to_province)

    @property
    def from_place(self) -> str:
        return self._place(self.from_province)
