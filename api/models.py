from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.personal import reference


class Scope(models.TextChoices):
    WORKERS_READ = "workers:read", _("Read workers and their cases")
    WORKERS_SENSITIVE = "workers:sensitive", _("Read sensitive fields of workers")
    CASES_WRITE = "cases:write", _("Report departures and returns")
    ENTERPRISES_READ = "enterprises:read", _("Read the licensed-enterprise register")
    ENTERPRISES_WRITE = "enterprises:write", _("Update the register from the national register")
    REPORTS_READ = "reports:read", _("Read report figures")


class ApiClient(models.Model):
    """A national or provincial system that calls the API with a bearer token.

    The token is shown once, when the client is made (manage.py api_client_create); only
    its SHA-256 digest is stored. A token of 256 random bits needs no slow hash: nobody
    can guess it from the digest, and the lookup stays one indexed equality.
    """

    name = models.CharField(_("name"), max_length=150)
    # None: a national client, which sees every province.
    province = models.ForeignKey(
        "accounts.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    scopes = models.JSONField(_("scopes"), default=list)
    token_digest = models.CharField(max_length=64, unique=True)
    # The first characters of the token, so an administrator can tell tokens apart.
    token_prefix = models.CharField(max_length=12)
    is_active = models.BooleanField(_("active"), default=True)
    # After it, the token is refused (401) as if the client were switched off.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # The account that writes carry as their actor (case events name it).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_client",
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    personal_data = reference("A system that calls the API, named for the system.")

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.province_id is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class ApiRequest(models.Model):
    """One call of a client: who, what, when, and which cases it read."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="requests")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)
    case_ids = models.JSONField(default=list, blank=True)

    personal_data = reference(
        "The access log of a system: case numbers only, which name nobody once a case is "
        "erased; kept as the record of which system read which file."
    )

    class Meta:
        indexes = [models.Index(fields=["client", "-at"], name="api_request_by_client")]

    def __str__(self) -> str:
        return f"{self.client} {self.method} {self.path}"


class ApiWrite(models.Model):
    """A write a client made, by the key it chose: the same key again is answered, not redone."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="writes")
    key = models.CharField(max_length=100)
    case = models.ForeignKey("workers.Case", on_delete=models.CASCADE, related_name="+")
    to_stage = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)

    personal_data = reference(
        "Which system reported which move of a case, by its key: no one's data but the "
        "case number, and the case's own events keep the move."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="api_write_key_once")]

    def __str__(self) -> str:
        return f"{self.client} {self.key}"
