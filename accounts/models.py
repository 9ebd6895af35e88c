from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.personal import How, PersonalData, reference
from accounts.phones import format_national
from accounts.scoping import ScopedQuerySet


class Province(models.Model):
    """One of the 34 provincial units since 1 July 2025 (Resolution 202/2025/QH15)."""

    code = models.PositiveSmallIntegerField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=80)
    codename = models.SlugField(max_length=80, unique=True)
    division_type = models.CharField(_("type"), max_length=40)
    # text.vietnamese_sort_key(short_name): lists in Vietnamese alphabetical order.
    sort_key = models.CharField(max_length=255, editable=False, default="", db_index=True)

    personal_data = reference("The official list of provinces.")

    class Meta:
        ordering = ["sort_key", "short_name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.short_name


class Centre(models.Model):
    """How to reach a province's Migrant Resource Centre: every "call the centre" or "come
    and see us" on the portal links to this. Kept up to date by administrators."""

    province = models.OneToOneField(
        Province, on_delete=models.CASCADE, related_name="centre", verbose_name=_("province")
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    phones = models.CharField(
        _("phones"), max_length=200, help_text=_("One or more numbers, separated by commas.")
    )
    opening_hours = models.TextField(_("opening hours"))
    directions = models.TextField(_("how to get there"), blank=True)
    map_url = models.URLField(_("map link"), blank=True)
    zalo = models.CharField(
        _("Zalo"), max_length=60, blank=True, help_text=_("The Zalo number, if the centre has one.")
    )
    email = models.EmailField(_("email"), blank=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Made-up details for the demonstration.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    personal_data = reference("A centre's own address, phones and email, published for all.")

    class Meta:
        ordering = ["province__sort_key"]
        verbose_name = _("centre contact")
        verbose_name_plural = _("centre contacts")

    def __str__(self) -> str:
        return self.name

    @property
    def phone_list(self) -> list[str]:
        return [p.strip() for p in self.phones.split(",") if p.strip()]


class Commune(models.Model):
    """A commune, ward or special zone of the 2025 list; always of one province."""

    code = models.PositiveIntegerField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    codename = models.CharField(max_length=100)
    division_type = models.CharField(_("type"), max_length=40)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province")
    )
    # text.vietnamese_sort_key(name): lists in Vietnamese alphabetical order.
    sort_key = models.CharField(max_length=255, editable=False, default="", db_index=True)

    personal_data = reference("The official list of communes and wards.")

    class Meta:
        ordering = ["sort_key", "name"]
        verbose_name = _("commune or ward")
        verbose_name_plural = _("communes and wards")
        indexes = [models.Index(fields=["province", "name"])]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    WORKER = "worker", _("Worker")
    COUNSELLOR = "counsellor", _("Counsellor")
    MANAGER = "manager", _("Centre manager")
    ADMIN = "admin", _("Administrator")


STAFF_ROLES = frozenset({Role.COUNSELLOR, Role.MANAGER, Role.ADMIN})


class UserQuerySet(ScopedQuerySet):
    province_path = "province"

    def for_user(self, user: Any) -> UserQuerySet:
        # A worker sees their own account and nobody else's.
        if user.is_authenticated and user.is_active and user.role == Role.WORKER:
            return self.filter(pk=user.pk)
        return super().for_user(user)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]  # a dynamically built base class (django-stubs' known limit)
    use_in_migrations = True

    def create_user(
        self, email: str | None = None, password: str | None = None, **fields: Any
    ) -> User:
        if not email and not fields.get("phone"):
            raise ValueError("A user needs an email or a phone number.")
        user = self.model(email=self.normalize_email(email).lower() if email else None, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("role", Role.ADMIN)
        fields["is_superuser"] = True
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a worker, or staff of a province (or national admin)."""

    name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("phone number"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stored in international form, +84…"),
    )
    phone_verified = models.BooleanField(_("phone number verified"), default=False)
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.WORKER)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("province"),
        help_text=_("Staff: the province they work for. Workers: where they live."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    personal_data = PersonalData(
        fields={"name": How.REDACT, "email": How.BLANK, "phone": How.BLANK,
                "phone_verified": How.BLANK},
        why="Erased by workers.services.profile_anonymise: the name becomes 'Deleted "
        "account', the email a placeholder (an account needs an email or a phone), the "
        "phone is emptied and the account can no longer sign in.",
    )  # fmt: skip

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email__isnull=False) | models.Q(phone__isnull=False),
                name="user_has_email_or_phone",
            ),
        ]
        indexes = [models.Index(fields=["province", "role"])]

    def __str__(self) -> str:
        return self.label(self.pk, self.name, self.email, self.phone)

    @staticmethod
    def label(pk: int | None, name: str, email: str | None, phone: str | None) -> str:
        """How a person is named on a page: for lists that read these columns as values."""
        return name or email or phone or f"#{pk}"

    @property
    def is_staff_member(self) -> bool:
        """Counsellors, centre managers and admins: the people who need a second factor."""
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_staff(self) -> bool:
        # Django's admin site is for national administrators only; derived from the role.
        return self.role == Role.ADMIN

    @property
    def display_phone(self) -> str:
        return format_national(self.phone) if self.phone else ""


class ConsentText(models.Model):
    """A version of the text a worker accepts before any personal data is stored."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    body_vi = models.TextField(_("text (Vietnamese)"))
    body_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(_("in force from"), default=timezone.now)

    personal_data = reference("The consent texts, the same for everyone.")

    class Meta:
        ordering = ["-version"]
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")

    def __str__(self) -> str:
        return f"v{self.version}"

    def body(self, language: str) -> str:
        return self.body_en if language == "en" else self.body_vi


class Consent(models.Model):
    """One acceptance of one version, online by the worker or on paper before a counsellor."""

    class Method(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("On paper, recorded by a counsellor")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="consents")
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    method = models.CharField(_("how"), max_length=10, choices=Method, default=Method.ONLINE)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    personal_data = PersonalData(
        fields={"text": How.KEEP},
        why="Proof that she consented, to which version and when (Decree 13/2023 art. 11): "
        "no personal data once the account is anonymised.",
    )

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["user", "text"], name="consent_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} v{self.text.version}"


class ExportRecord(models.Model):
    """Every export of personal data: who took what, when, with which filters."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    what = models.CharField(max_length=100)
    rows = models.PositiveIntegerField()
    filters = models.JSONField(default=dict, blank=True)

    personal_data = PersonalData(
        fields={"filters": How.SCRUB},
        # Searched in Python: a JSON column's text escapes "ò" as "\\u00f2" on SQLite.
        rows=lambda s: ~Q(filters={}),
        why="The export log is kept (who exported what, when); a search typed on her name, "
        "phone or ID is replaced by the marker.",
    )

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.what} by {self.user_id} at {self.at:%d/%m/%Y %H:%M}"

    @staticmethod
    def filters_of(params: Mapping[str, str], *, skip: Collection[str] = ()) -> dict[str, str]:
        """An export's query string as the log keeps it: bounded, and without NUL, which
        PostgreSQL's JSON cannot hold (the export was a server error)."""
        return {
            key.replace("\x00", "")[:100]: value.replace("\x00", "")[:200]
            for key, value in params.items()
            if key not in skip
        }


class SubmissionKey(models.Model):
    """A form's one-time key, claimed by the request that acted on it (accounts.once)."""

    key = models.UUIDField(primary_key=True)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    path = models.CharField(max_length=200)
    # Where the first sending led (the record it made); a second sending is sent there.
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    personal_data = PersonalData(rows=lambda s: Q(user_id=s.user_id), delete_row=True)

    def __str__(self) -> str:
        return f"{self.path} {self.key}"


class PendingFileDeletion(models.Model):
    """A file an erasure must remove from storage; kept until the storage confirms it.

    Written in the transaction that erases the rows, deleted after the file is, so a file
    that could not be removed (the object store down, a permission) is tried again by the
    next run of the erasure job instead of being forgotten.
    """

    name = models.CharField(max_length=300)
    storage = models.CharField(max_length=40, default="default")
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_tried_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    personal_data = reference("Random stored file names, waiting to be deleted.")

    class Meta:
        verbose_name = _("file waiting to be deleted")
        verbose_name_plural = _("files waiting to be deleted")

    def __str__(self) -> str:
        return self.name
