"""Job-fair sessions, the enterprises that come with their job orders, registrations (each
with its ticket), check-in and the interviews and offers made at the fair."""

from __future__ import annotations

import datetime
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.personal import How, PersonalData, reference
from accounts.phones import format_national
from accounts.scoping import GuardedManager, GuardedQuerySet

#: Ticket codes avoid letters and digits people confuse when reading them aloud or typing
#: them from a screen: 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class FairQuerySet(GuardedQuerySet):
    province_path = "province"

    def public(self) -> Self:
        """What anyone may open: everything but drafts (a cancelled fair says so). Opens the
        guard: a published fair is every visitor's, signed in or not."""
        return self._public_filter(~Q(status=Fair.Status.DRAFT))

    def upcoming(self, now: datetime.datetime) -> Self:
        return self.filter(status=Fair.Status.PUBLISHED, ends_at__gte=now)

    def for_check_in(self, user: Any) -> Self:
        """Fairs whose door the user may keep: staff of the province, or fair helpers (the
        `fairs.check_in` permission) of the province."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff_member:
            return self.for_user(user)
        if user.province_id is not None and user.has_perm("fairs.check_in"):
            return self.unscoped("a fair helper: narrowed to their province here").filter(
                province_id=user.province_id
            )
        return self.none()


class Fair(models.Model):
    """A job-fair session (phiên giao dịch việc làm) run by a province's centre."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    province = models.ForeignKey(
        "accounts.Province",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
    )
    commune = models.ForeignKey(
        "accounts.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune or ward"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    registration_deadline = models.DateTimeField(
        _("registration closes at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to take registrations until the fair starts."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0)

    objects = GuardedManager.from_queryset(FairQuerySet)()
    all_objects = FairQuerySet.as_manager()

    personal_data = reference("A job fair: its place and description, about no one.")

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")
        permissions = [("check_in", "Can check people in at job fairs of their province")]
        indexes = [
            models.Index(fields=["province", "-starts_at"], name="fair_by_province"),
            models.Index(fields=["status", "starts_at"], name="fair_by_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="fair_ends")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%d/%m/%Y})"

    @property
    def day(self) -> datetime.date:
        """The fair's date in Vietnam: licences and reminders are judged on it."""
        return timezone.localdate(self.starts_at, timezone.get_default_timezone())

    @property
    def closes_at(self) -> datetime.datetime:
        """When workers can no longer register themselves."""
        deadline = self.registration_deadline
        return min(deadline, self.starts_at) if deadline else self.starts_at

    def is_open_for_registration(self, now: datetime.datetime) -> bool:
        return self.status == Fair.Status.PUBLISHED and now < self.closes_at


#: The fields of a fair its form may change (FairForm, services.fair_create and
#: fair_update); the status moves are kept to their own services.
FAIR_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "commune",
    "address",
    "online_url",
    "capacity",
    "registration_deadline",
)


EVENT_WORDS = {
    "checked_in": _("checked in"),
    "added": _("added"),
    "removed": _("removed"),
}


class FairEvent(models.Model):
    """A move in a fair's history: the fair's own status, a registration, a check-in, an
    interview or an offer; who did it, when and why."""

    class Action(models.TextChoices):
        FAIR = "fair", _("Fair")
        REGISTRATION = "registration", _("Registration")
        CHECK_IN = "check_in", pgettext_lazy("job fair", "Check-in")
        ENTERPRISE = "enterprise", _("Enterprise")
        INTERVIEW = "interview", _("Interview")
        OFFER = "offer", _("Offer")

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action)
    registration = models.ForeignKey(
        "Registration", on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)

    personal_data = reference("Why a fair was changed or cancelled.")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["fair", "at"], name="fair_event_by_fair")]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status or '-'} -> {self.to_status}"

    @property
    def to_label(self) -> str:
        """What the move led to, in words of the page's language."""
        choices: dict[str, Any] = {
            FairEvent.Action.FAIR: Fair.Status,
            FairEvent.Action.REGISTRATION: Registration.Status,
            FairEvent.Action.INTERVIEW: Interview.Result,
            FairEvent.Action.OFFER: Interview.Result,
        }
        if self.action in choices and self.to_status in choices[self.action].values:
            return str(choices[self.action](self.to_status).label)
        return str(EVENT_WORDS.get(self.to_status, self.to_status))


class ParticipationQuerySet(GuardedQuerySet):
    province_path = "fair__province"


class Participation(models.Model):
    """A licensed enterprise taking part in a fair."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="participations")
    enterprise = models.ForeignKey(
        "markets.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    objects = GuardedManager.from_queryset(ParticipationQuerySet)()
    all_objects = ParticipationQuerySet.as_manager()

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["enterprise__name_normalised", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "enterprise"], name="fair_enterprise_once")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} @ {self.fair_id}"


class JobOrder(models.Model):
    """Work an enterprise offers at the fair: where, what, how many, for what pay."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="job_orders"
    )
    market = models.ForeignKey(
        "markets.Market", on_delete=models.PROTECT, related_name="+", verbose_name=_("market")
    )
    programme = models.ForeignKey(
        "markets.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    occupation = models.CharField(_("occupation"), max_length=200)
    vacancies = models.PositiveIntegerField(_("vacancies"))
    wage_min = models.DecimalField(
        _("monthly wage from"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    wage_max = models.DecimalField(
        _("monthly wage to"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    wage_currency = models.CharField(_("currency"), max_length=3, blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    personal_data = reference("An enterprise's job order.")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(wage_min__isnull=True)
                | Q(wage_max__isnull=True)
                | Q(wage_min__lte=models.F("wage_max")),
                name="job_order_wage_range",
            ),
            models.CheckConstraint(condition=Q(vacancies__gt=0), name="job_order_vacancies"),
        ]

    def __str__(self) -> str:
        return f"{self.occupation} ({self.vacancies})"


class RegistrationQuerySet(GuardedQuerySet):
    province_path = "fair__province"
    owner_path = "worker"


def cancel_open_tickets(
    registrations: models.QuerySet[Registration], now: datetime.datetime
) -> None:
    """An erased person's ticket for a fair still to come is cancelled: the place is freed."""
    registrations.filter(
        status__in=[Registration.Status.REGISTERED, Registration.Status.WAITLISTED],
        checked_in_at__isnull=True,
        fair__ends_at__gt=now,
    ).update(status=Registration.Status.CANCELLED, cancelled_at=now)


class Registration(models.Model):
    """One person's place at a fair (or on its waitlist); its code is the ticket."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        ONLINE = "online", _("Registered online")
        WALK_IN = "walk_in", _("Registered by the centre")

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="registrations")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fair_registrations",
    )
    # Copied at registration so a walk-in without an account is found like anyone else.
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    commune = models.ForeignKey(
        "accounts.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune or ward"),
    )
    search_name = models.CharField(max_length=150, default="")
    code = models.CharField(_("ticket code"), max_length=CODE_LENGTH, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status)
    source = models.CharField(max_length=20, choices=Source, default=Source.ONLINE)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The waitlist is served in this order.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = GuardedManager.from_queryset(RegistrationQuerySet)()
    all_objects = RegistrationQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"name": How.BLANK, "phone": How.BLANK, "search_name": How.BLANK,
                "commune": How.BLANK, "worker": How.BLANK},
        rows=lambda s: Q(worker_id=s.user_id) | Q(phone__in=s.phones),
        after=cancel_open_tickets,
        why="Attendance stays counted (a ticket, checked in or not); her name and phone "
        "go, and a ticket for a fair still to come is cancelled, which frees the place.",
    )  # fmt: skip

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["created_at", "pk"]
        constraints = [
            # One live registration per person and fair; a cancelled one may be followed by
            # a new one, which joins the end of the queue.
            models.UniqueConstraint(
                fields=["fair", "worker"],
                condition=Q(worker__isnull=False) & ~Q(status="cancelled"),
                name="registration_once_per_worker",
            ),
            models.UniqueConstraint(
                fields=["fair", "phone"],
                condition=~Q(phone="") & ~Q(status="cancelled"),
                name="registration_once_per_phone",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="registered"),
                name="registration_checked_in_holds_a_place",
            ),
        ]
        indexes = [
            models.Index(fields=["fair", "status", "waitlisted_at"], name="registration_queue"),
            models.Index(fields=["fair", "search_name"], name="registration_by_name"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def display_phone(self) -> str:
        return format_national(self.phone) if self.phone else ""

    @property
    def masked_phone(self) -> str:
        """Enough of the number to tell two namesakes apart at the door, no more."""
        national = self.display_phone.replace(" ", "")
        return f"{national[:4]} ••• {national[-3:]}" if len(national) >= 7 else ""

    @property
    def is_checked_in(self) -> bool:
        return self.checked_in_at is not None


class InterviewQuerySet(GuardedQuerySet):
    province_path = "participation__fair__province"


class Interview(models.Model):
    """An interview an enterprise held at the fair, and the offer if one was made."""

    class Result(models.TextChoices):
        INTERVIEWED = "interviewed", _("Interviewed")
        OFFERED = "offered", _("Offer made")

    participation = models.ForeignKey(
        Participation, on_delete=models.PROTECT, related_name="interviews"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="interviews"
    )
    job_order = models.ForeignKey(
        JobOrder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interviews",
        verbose_name=_("job order"),
    )
    # The worker's case, when they have a file: what the counsellor follows up.
    case = models.ForeignKey(
        "workers.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result = models.CharField(max_length=20, choices=Result, default=Result.INTERVIEWED)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    offered_at = models.DateTimeField(null=True, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    follow_up = models.ForeignKey(
        "workers.FollowUp", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = GuardedManager.from_queryset(InterviewQuerySet)()
    all_objects = InterviewQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"notes": How.REDACT},
        rows=lambda s: Q(registration__worker_id=s.user_id) | Q(registration__phone__in=s.phones),
        why="Interviews and offers at a fair are counted; the notes about her go.",
    )

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "registration"], name="interview_once_per_enterprise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} @ {self.participation_id}: {self.result}"
