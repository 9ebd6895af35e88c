from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.personal import How, PersonalData, reference
from accounts.phones import format_national
from accounts.scoping import GuardedManager, GuardedQuerySet
from markets import rules
from markets.text import render_markdown

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

currency_code = RegexValidator(r"^[A-Z]{3}$", _("Three capital letters, e.g. JPY."))


class Localized:
    """Reads `<name>_<language>` for the active language, falling back to Vietnamese."""

    def __init__(self, base: str) -> None:
        self.base = base

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        language = (get_language() or "vi")[:2]
        if language != "vi":
            value = getattr(obj, f"{self.base}_{language}", "")
            if value:
                return value
        return getattr(obj, f"{self.base}_vi")


# --- Markets and programmes -----------------------------------------------------------


class ExchangeRate(models.Model):
    """VND for one unit of a currency, to compare wages and caps with what a company asks."""

    currency = models.CharField(
        _("currency"), max_length=3, unique=True, validators=[currency_code]
    )
    vnd_per_unit = models.DecimalField(
        _("VND per unit"), max_digits=14, decimal_places=4, validators=[MinValueValidator(0)]
    )
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["currency"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")

    def __str__(self) -> str:
        return f"{self.currency} = {self.vnd_per_unit} VND"


class MarketQuerySet(models.QuerySet["Market"]):
    def published(self) -> Self:
        return self.filter(is_published=True)


class Market(models.Model):
    """A destination country or territory."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    summary_vi = models.TextField(_("summary (Vietnamese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    currency = models.CharField(
        _("wage currency"), max_length=3, default="USD", validators=[currency_code]
    )
    hotlines_vi = models.TextField(_("hotlines (Vietnamese)"), blank=True)
    hotlines_en = models.TextField(_("hotlines (English)"), blank=True)
    risks_vi = models.TextField(_("risks (Vietnamese)"), blank=True)
    risks_en = models.TextField(_("risks (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_published = models.BooleanField(_("published"), default=True)

    objects: ClassVar[MarketQuerySet] = MarketQuerySet.as_manager()  # type: ignore[assignment]  # as_manager() is typed as a plain Manager, without the QuerySet's methods

    name = Localized("name")
    summary = Localized("summary")
    hotlines = Localized("hotlines")
    risks = Localized("risks")

    personal_data = reference("Destination countries.")

    class Meta:
        ordering = ["order", "name_vi"]
        verbose_name = _("market")
        verbose_name_plural = _("markets")

    def __str__(self) -> str:
        return str(self.name)


class Programme(models.Model):
    """A way to work in a market (e.g. Japan technical intern), with its conditions and fees."""

    market = models.ForeignKey(
        Market, on_delete=models.CASCADE, related_name="programmes", verbose_name=_("market")
    )
    code = models.SlugField(_("code"), max_length=60)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    summary_vi = models.TextField(_("summary (Vietnamese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    # Conditions in words. Figures (ages, wages, caps, pass marks) are LegalFigure rows, each
    # with its source and the date it holds from.
    language_vi = models.TextField(_("language and level (Vietnamese)"), blank=True)
    language_en = models.TextField(_("language and level (English)"), blank=True)
    health_vi = models.TextField(_("health (Vietnamese)"), blank=True)
    health_en = models.TextField(_("health (English)"), blank=True)
    other_conditions_vi = models.TextField(_("other conditions (Vietnamese)"), blank=True)
    other_conditions_en = models.TextField(_("other conditions (English)"), blank=True)
    deposit_rules_vi = models.TextField(_("deposit rules (Vietnamese)"), blank=True)
    deposit_rules_en = models.TextField(_("deposit rules (English)"), blank=True)
    costs_vi = models.TextField(_("costs to expect (Vietnamese)"), blank=True)
    costs_en = models.TextField(_("costs to expect (English)"), blank=True)
    hotlines_vi = models.TextField(_("hotlines (Vietnamese)"), blank=True)
    hotlines_en = models.TextField(_("hotlines (English)"), blank=True)
    risks_vi = models.TextField(_("risks (Vietnamese)"), blank=True)
    risks_en = models.TextField(_("risks (English)"), blank=True)
    legal_basis_vi = models.TextField(_("legal basis (Vietnamese)"), blank=True)
    legal_basis_en = models.TextField(_("legal basis (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_published = models.BooleanField(_("published"), default=True)

    name = Localized("name")
    summary = Localized("summary")
    language = Localized("language")
    health = Localized("health")
    other_conditions = Localized("other_conditions")
    deposit_rules = Localized("deposit_rules")
    costs = Localized("costs")
    hotlines = Localized("hotlines")
    risks = Localized("risks")
    legal_basis = Localized("legal_basis")

    personal_data = reference("Programmes of a market and their conditions.")

    class Meta:
        ordering = ["market__order", "order", "name_vi"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.UniqueConstraint(fields=["market", "code"], name="programme_code_per_market"),
        ]

    def __str__(self) -> str:
        return f"{self.market.name} · {self.name}"

    @property
    def currency(self) -> str:
        return self.market.currency


# --- Legal rules and figures -----------------------------------------------------------


class FigureKind(models.TextChoices):
    # Read by the fee checker (markets.selectors.fee_rules_for).
    SERVICE_FEE_MONTHS_PER_YEAR = (
        "service_fee_months_per_year",
        _("Service fee: months of wage per 12 months of contract"),
    )
    SERVICE_FEE_LONG_CONTRACT = (
        "service_fee_long_contract",
        _("Service fee: most months of wage for a long contract"),
    )
    SERVICE_FEE_CAP = "service_fee_cap", _("Service fee cap of the programme")
    NO_SERVICE_FEE = "no_service_fee", _("No service fee allowed")
    NO_BROKERAGE = "no_brokerage", _("No brokerage fee allowed")
    NO_DEPOSIT = "no_deposit", _("No deposit allowed")
    DEPOSIT_CAP = "deposit_cap", _("Deposit cap")
    # Shown on the market pages.
    MINIMUM_WAGE = "minimum_wage", _("Minimum wage")
    USUAL_WAGE = "usual_wage", _("Usual wage")
    CONTRACT_LENGTH = "contract_length", _("Contract length")
    AGE_LIMIT = "age_limit", _("Age limit")
    PASS_MARK = "pass_mark", _("Test pass mark")
    PLACES = "places", _("Places")
    HOTLINE = "hotline", _("Hotline")
    # Vietnam's labour management board at the embassy (Ban Quản lý lao động): the contact a
    # counsellor calls for a worker in trouble abroad (assistance app).
    LABOUR_BOARD = "labour_board", _("Labour management board at the embassy")
    AGENCY_MONTHLY_FEE = "agency_monthly_fee", _("Monthly service fee of the foreign agency")
    STATE_CHARGE = "state_charge", _("Charge collected by the state body")
    OTHER = "other", _("Other figure")


#: Kinds the fee checker reads; the others are shown on pages only.
FEE_RULE_KINDS = frozenset(
    {
        FigureKind.SERVICE_FEE_MONTHS_PER_YEAR,
        FigureKind.SERVICE_FEE_LONG_CONTRACT,
        FigureKind.SERVICE_FEE_CAP,
        FigureKind.NO_SERVICE_FEE,
        FigureKind.NO_BROKERAGE,
        FigureKind.NO_DEPOSIT,
        FigureKind.DEPOSIT_CAP,
    }
)


class FigureStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed against the official text")
    UNCONFIRMED = "unconfirmed", _("Not confirmed")


class LegalFigureQuerySet(models.QuerySet["LegalFigure"]):
    def in_force_on(self, day: datetime.date) -> Self:
        """Rows whose validity covers `day` (valid_to is the last day it holds)."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


class LegalFigure(models.Model):
    """One rule or figure of the law or of a market, with its source, dates and status.

    National when it has neither market nor programme (e.g. Law 69/2020 Art. 23's wage rule),
    else for one market or one programme; the narrower row wins for the fee checker.
    Written only through services.legal_figure_save, which keeps the history.
    """

    market = models.ForeignKey(
        Market,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("market"),
        help_text=_("Empty with no programme: a national rule."),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("programme"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=FigureKind)
    label_vi = models.CharField(_("label (Vietnamese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    amount = models.DecimalField(
        _("amount"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The number: a wage, a cap, months of wage, an age, a pass mark."),
    )
    amount_max = models.DecimalField(
        _("upper amount"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a range (wages 160,000 to 200,000): the upper end."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[currency_code],
        help_text=_("Empty when the amount is not money (months, years, points)."),
    )
    per_months = models.PositiveSmallIntegerField(
        _("for a contract of (months)"),
        null=True,
        blank=True,
        help_text=_(
            "A cap: the contract length it is stated for. A long-contract rule: the length "
            "from which it applies (36)."
        ),
    )
    value_vi = models.TextField(
        _("value in words (Vietnamese)"),
        blank=True,
        help_text=_("Shown instead of the amount when set, e.g. a phone number."),
    )
    value_en = models.TextField(_("value in words (English)"), blank=True)
    document = models.CharField(
        _("legal document or source"),
        max_length=300,
        help_text=_("E.g. 'Luật 69/2020/QH14'. Where the figure comes from."),
    )
    article = models.CharField(
        _("article"), max_length=120, blank=True, help_text=_("E.g. 'Điều 23, khoản 3'.")
    )
    source_url = models.URLField(_("link to the source"), blank=True)
    valid_from = models.DateField(_("holds from"))
    valid_to = models.DateField(
        _("holds until"), null=True, blank=True, help_text=_("The last day it holds.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=FigureStatus, default=FigureStatus.UNCONFIRMED
    )
    checked_on = models.DateField(
        _("checked on"),
        null=True,
        blank=True,
        help_text=_("The day someone checked it against the official text."),
    )
    note_vi = models.TextField(
        _("note (Vietnamese)"), blank=True, help_text=_("E.g. why it is not confirmed.")
    )
    note_en = models.TextField(_("note (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    objects: ClassVar[LegalFigureQuerySet] = LegalFigureQuerySet.as_manager()  # type: ignore[assignment]  # as_manager() is typed as a plain Manager, without the QuerySet's methods

    label = Localized("label")
    value = Localized("value")
    note = Localized("note")

    personal_data = reference("A rule or figure of the law, with a staff note about it.")

    class Meta:
        ordering = ["order", "kind", "valid_from", "pk"]
        verbose_name = _("legal rule or figure")
        verbose_name_plural = _("legal rules and figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(market__isnull=True) | Q(programme__isnull=True),
                name="figure_market_or_programme",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(checked_on__isnull=False),
                name="figure_confirmed_has_checked_on",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="figure_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        where = self.programme or self.market or _("national")
        return f"{where}: {self.label}"

    def clean(self) -> None:
        """What each kind needs to mean something to the fee checker and on a page."""
        errors: dict[str, StrOrPromise] = {}
        needs_amount = {
            FigureKind.SERVICE_FEE_MONTHS_PER_YEAR,
            FigureKind.SERVICE_FEE_LONG_CONTRACT,
            FigureKind.SERVICE_FEE_CAP,
            FigureKind.DEPOSIT_CAP,
        }
        if self.kind in needs_amount and self.amount is None:
            errors["amount"] = _("This kind of rule needs its number.")
        if self.kind == FigureKind.SERVICE_FEE_LONG_CONTRACT and not self.per_months:
            errors["per_months"] = _("Write the contract length from which it applies, e.g. 36.")
        if self.kind in (FigureKind.SERVICE_FEE_CAP, FigureKind.DEPOSIT_CAP) and not self.currency:
            errors["currency"] = _("A cap needs its currency, e.g. USD or VND.")
        flags = {FigureKind.NO_SERVICE_FEE, FigureKind.NO_BROKERAGE, FigureKind.NO_DEPOSIT}
        if self.kind not in flags and self.amount is None and not self.value_vi:
            errors["value_vi"] = _("Write the number or the value in words.")
        if (
            self.amount is not None
            and self.amount_max is not None
            and self.amount_max < self.amount
        ):
            errors["amount_max"] = _("The upper amount cannot be below the amount.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_confirmed(self) -> bool:
        return self.status == FigureStatus.CONFIRMED

    @property
    def citation(self) -> str:
        return ", ".join(part for part in (self.document, self.article) if part)

    def basis(self) -> rules.Basis:
        return rules.Basis(
            document=self.document,
            article=self.article,
            confirmed=self.is_confirmed,
            checked_on=self.checked_on,
        )


class LegalFigureChange(models.Model):
    """Who changed which figure when: one row per save, with the fields before and after."""

    figure = models.ForeignKey(
        LegalFigure,
        on_delete=models.SET_NULL,
        null=True,
        related_name="changes",
        verbose_name=_("figure"),
    )
    figure_label = models.CharField(_("figure"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    action = models.CharField(_("action"), max_length=20)
    #: {field: [before, after]} as text; before is "" for a new row.
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.TextField(_("reason"), blank=True)

    personal_data = reference("Who changed a legal figure and why: about the law, not a worker.")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change of a legal figure")
        verbose_name_plural = _("changes of legal figures")

    def __str__(self) -> str:
        return f"{self.figure_label} {self.action} {self.at:%Y-%m-%d}"


class DepartureStat(models.Model):
    """Official departures to one market in one year (possibly a part of the year)."""

    market = models.ForeignKey(
        Market, on_delete=models.CASCADE, related_name="departures", verbose_name=_("market")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    departures = models.PositiveIntegerField(_("departures"))
    period_vi = models.CharField(_("period (Vietnamese)"), max_length=60, blank=True)
    period_en = models.CharField(_("period (English)"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    period = Localized("period")

    class Meta:
        ordering = ["market", "year"]
        verbose_name = _("departure figure")
        verbose_name_plural = _("departure figures")
        constraints = [
            models.UniqueConstraint(fields=["market", "year"], name="departures_once_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.market_id} {self.year}: {self.departures}"


class DepartureTotal(models.Model):
    """National departures in one year, all markets together."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    total = models.PositiveIntegerField(_("total"))
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    plan = models.PositiveIntegerField(_("plan"), null=True, blank=True)
    period_vi = models.CharField(_("period (Vietnamese)"), max_length=60, blank=True)
    period_en = models.CharField(_("period (English)"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    period = Localized("period")

    class Meta:
        ordering = ["year"]
        verbose_name = _("national departures")
        verbose_name_plural = _("national departures")

    def __str__(self) -> str:
        return f"{self.year}: {self.total}"


# --- Notices --------------------------------------------------------------------------


class NoticeCategory(models.TextChoices):
    MARKET_UPDATE = "market_update", _("Market update")
    FRAUD_WARNING = "fraud_warning", _("Fraud warning")
    JOB_FAIR = "job_fair", _("Job fair")
    POLICY = "policy", _("Policy")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    EXPIRED = "expired", _("Expired")
    ARCHIVED = "archived", _("Archived")


class NoticeQuerySet(GuardedQuerySet):
    province_path = "province"

    def visible_at(self, now: datetime.datetime) -> Self:
        """Shown to the public at `now`: decided by the times, so no job has to flip them.
        Opens the guard: a notice shown to the public is every visitor's."""
        return self._public_filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            status__in=[NoticeStatus.SCHEDULED, NoticeStatus.PUBLISHED],
            publish_at__lte=now,
        )

    def in_scope(self, province_id: int | None) -> Self:
        """National notices, plus those of one province when one is given."""
        if province_id is None:
            return self.filter(province__isnull=True)
        return self.filter(Q(province__isnull=True) | Q(province_id=province_id))

    def public_order(self) -> Self:
        return self.order_by("-pinned", "-publish_at", "-pk")


class Notice(models.Model):
    """News for workers: national (no province) or for one province."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown: *italic*, **bold**, lists, links."))
    category = models.CharField(_("category"), max_length=20, choices=NoticeCategory)
    province = models.ForeignKey(
        "accounts.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("province"),
        help_text=_("Empty: national notice."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=NoticeStatus, default=NoticeStatus.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    pinned = models.BooleanField(_("pinned on top"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GuardedManager.from_queryset(NoticeQuerySet)()
    all_objects = NoticeQuerySet.as_manager()

    personal_data = reference("Public notices written by staff.")

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["-pinned", "-publish_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["status", "publish_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(expires_at__gt=models.F("publish_at")),
                name="notice_expires_after_publish",
            ),
            models.CheckConstraint(
                # Anything that has been on a schedule knows when it was shown.
                condition=Q(status__in=["draft", "archived"]) | Q(publish_at__isnull=False),
                name="notice_scheduled_has_publish_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def body_html(self) -> str:
        # Rendered at display time, so whatever reached the column (admin, import, old
        # rows) is sanitised on the way out.
        return render_markdown(self.body)

    def is_visible_at(self, now: datetime.datetime) -> bool:
        return (
            self.status in (NoticeStatus.SCHEDULED, NoticeStatus.PUBLISHED)
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )


class NoticeEvent(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.TextField(blank=True)

    personal_data = reference("Why a notice was published or archived.")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("notice event")
        verbose_name_plural = _("notice events")

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.from_status or '-'} -> {self.to_status}"


# --- Licensed enterprises -------------------------------------------------------------


class LicenceStatus(models.TextChoices):
    ACTIVE = rules.LICENCE_ACTIVE, _("Active")
    SUSPENDED = rules.LICENCE_SUSPENDED, _("Suspended")
    REVOKED = rules.LICENCE_REVOKED, _("Revoked")


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def search(self, query: str) -> Self:
        """Name, short name or licence number, ignoring case and diacritics."""
        # Every word must appear, in any order: people remember "Hoàng Liên nhân lực" as
        # often as "Nhân lực Hoàng Liên".
        queryset = self
        for word in rules.normalise(query).split()[:8]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def may_recruit_on(self, day: datetime.date) -> Self:
        """The same decision as rules.may_recruit, in SQL."""
        return self.filter(
            Q(licence_issued_on__isnull=True) | Q(licence_issued_on__lte=day),
            Q(revoked_on__gt=day) | Q(revoked_on__isnull=True) & ~Q(status=LicenceStatus.REVOKED),
            Q(suspended_from__isnull=False)
            & (Q(suspended_from__gt=day) | Q(suspended_until__lt=day))
            | Q(suspended_from__isnull=True) & ~Q(status=LicenceStatus.SUSPENDED),
        )


class Enterprise(models.Model):
    """A recruitment enterprise in the register of licences (Law 69/2020, Art. 10)."""

    licence_number = models.CharField(_("licence number"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(
        _("licence status"), max_length=20, choices=LicenceStatus, default=LicenceStatus.ACTIVE
    )
    licence_issued_on = models.DateField(_("licence issued on"), null=True, blank=True)
    suspended_from = models.DateField(_("suspended from"), null=True, blank=True)
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    decision_reference = models.CharField(
        _("decision reference"),
        max_length=200,
        blank=True,
        help_text=_("Number and date of the decision that set the current status."),
    )
    markets = models.ManyToManyField(
        Market, blank=True, related_name="enterprises", verbose_name=_("markets served")
    )
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # Filled by services.enterprise_save; searched with a plain LIKE on both databases.
    search_text = models.TextField(editable=False, default="")
    name_normalised = models.CharField(max_length=255, editable=False, default="")
    # The name without legal form and trade filler ("hoang lien"), and its words one per
    # row in EnterpriseNameToken: look-alike warnings read them over an index.
    name_distinctive = models.CharField(max_length=255, editable=False, default="")
    name_token_count = models.PositiveSmallIntegerField(editable=False, default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[EnterpriseQuerySet] = EnterpriseQuerySet.as_manager()  # type: ignore[assignment]  # as_manager() is typed as a plain Manager, without the QuerySet's methods

    personal_data = reference("Licensed recruitment companies: a company, not a person.")

    class Meta:
        ordering = ["name_normalised", "pk"]
        verbose_name = _("licensed enterprise")
        verbose_name_plural = _("licensed enterprises")

    def __str__(self) -> str:
        return self.name

    def may_recruit_on(self, day: datetime.date) -> bool:
        return rules.may_recruit(
            status=self.status,
            issued_on=self.licence_issued_on,
            suspended_from=self.suspended_from,
            suspended_until=self.suspended_until,
            revoked_on=self.revoked_on,
            on=day,
        )


#: The register's columns, in the order of the import file and the admin form: the licence
#: number names the enterprise, `markets` lists the codes of the markets it serves, and
#: every other column is a field the register may change.
ENTERPRISE_COLUMNS = (
    "licence_number",
    "name",
    "short_name",
    "address",
    "status",
    "licence_issued_on",
    "suspended_from",
    "suspended_until",
    "revoked_on",
    "decision_reference",
    "markets",
    "phone",
    "email",
)
#: What a row of an import or of the national register may change (its markets apart).
ENTERPRISE_ROW_FIELDS = tuple(
    name for name in ENTERPRISE_COLUMNS if name not in ("licence_number", "markets")
)


class EnterpriseNameToken(models.Model):
    """One distinctive word of a registered name (rules.name_tokens), written by
    services.enterprise_save: the index the look-alike warning searches."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "token"], name="enterprise_name_token_once"
            )
        ]
        indexes = [models.Index(fields=["token", "enterprise"], name="enterprise_token_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.token}"


class EnterpriseEvent(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    decision_reference = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)

    personal_data = reference("Licence decisions about a company.")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.from_status or '-'} -> {self.to_status}"


# --- Fraud reports --------------------------------------------------------------------


class FraudReportStatus(models.TextChoices):
    OPEN = "open", _("New")
    IN_REVIEW = "in_review", _("Being checked")
    CLOSED = "closed", _("Closed")


class FraudOutcome(models.TextChoices):
    REFERRED = "referred", _("Referred to the police or inspectorate")
    CONFIRMED = "confirmed", _("Fraud confirmed, warning published")
    LICENSED_OK = "licensed_ok", _("Licensed enterprise, no breach found")
    NOT_ENOUGH = "not_enough", _("Not enough information")
    DUPLICATE = "duplicate", _("Same as another report")


class FraudReportQuerySet(GuardedQuerySet):
    province_path = "province"

    def open(self) -> Self:
        return self.exclude(status=FraudReportStatus.CLOSED)


def attachment_path(instance: FraudReportAttachment, filename: str) -> str:
    # Our own random name: what the visitor called the file never reaches the disk.
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"fraud-reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class FraudReport(models.Model):
    """Someone's report of a suspected fraudulent recruiter, for one province's counsellors."""

    name_used = models.CharField(_("name the recruiter used"), max_length=200)
    # What the reporter quotes on the phone ("BC26-00042"); set by fraud_report_submit.
    reference = models.CharField(
        _("reference number"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    phone = models.CharField(_("recruiter's phone"), max_length=40, blank=True)
    province = models.ForeignKey(
        "accounts.Province",
        on_delete=models.PROTECT,
        related_name="fraud_reports",
        verbose_name=_("province"),
    )
    commune = models.ForeignKey(
        "accounts.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fraud_reports",
        verbose_name=_("commune or ward"),
    )
    what_was_asked = models.TextField(_("what they asked for"))
    amount_paid = models.DecimalField(
        _("amount paid (VND)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    reporter_name = models.CharField(_("your name"), max_length=150, blank=True)
    reporter_contact = models.CharField(_("your phone or email"), max_length=150, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=FraudReportStatus,
        default=FraudReportStatus.OPEN,
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fraud_reports",
        verbose_name=_("linked enterprise"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=FraudOutcome, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = GuardedManager.from_queryset(FraudReportQuerySet)()
    all_objects = FraudReportQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"reporter_name": How.BLANK, "reporter_contact": How.BLANK,
                "what_was_asked": How.SCRUB, "outcome_note": How.SCRUB,
                "name_used": How.KEEP, "phone": How.KEEP, "outcome": How.KEEP,
                "reference": How.KEEP},
        # She filed it (her name or number as the reporter). Reports filed by others that
        # name her in their text lose only her mentions: SCRUB fields are cleaned anywhere.
        rows=lambda s: s.mentions("reporter_name", "reporter_contact"),
        why="The report is evidence against a recruiter (name used, the recruiter's phone, "
        "what was asked) and stays without the reporter, under its random reference; her "
        "name and numbers are "
        "taken out of its text, and its photos go (they may show her or her papers).",
    )  # fmt: skip

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("fraud report")
        verbose_name_plural = _("fraud reports")
        indexes = [models.Index(fields=["province", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name_used}"


class FraudReportAttachment(models.Model):
    report = models.ForeignKey(FraudReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(
        fields={"file": How.DELETE, "original_name": How.DELETE},
        rows=lambda s: s.mentions("report__reporter_name", "report__reporter_contact"),
        delete_row=True,
    )  # fmt: skip

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name or f"#{self.pk}"


class FraudReportEvent(models.Model):
    report = models.ForeignKey(FraudReport, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True)

    personal_data = PersonalData(
        fields={"note": How.SCRUB},
        rows=lambda s: Q(pk__in=[]),  # nobody's own: only mentions of her are cleaned
        why="A counsellor's note on a report: about the recruiter; mentions of her go.",
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status or '-'} -> {self.to_status}"


# --- Complaints -----------------------------------------------------------------------


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received by the centre")
    IN_PROGRESS = "in_progress", _("Being handled")
    CLOSED = "closed", _("Closed")


class ComplaintKind(models.TextChoices):
    FEES_OVER_CAP = "fees_over_cap", _("Fees above what the law allows")
    CONTRACT_NOT_HONOURED = "contract_not_honoured", _("Contract not honoured")
    DEPOSIT_NOT_RETURNED = "deposit_not_returned", _("Deposit not returned")
    OTHER = "other", _("Something else")


class ComplaintOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    REFERRED = "referred", _("Referred to another body")
    RECOVERED = "recovered", _("Money recovered")
    NOT_UPHELD = "not_upheld", _("Not upheld")


class ReferredTo(models.TextChoices):
    INSPECTORATE = "inspectorate", _("Labour inspectorate")
    POLICE = "police", _("Police")
    COURT = "court", _("Court")


class ComplaintQuerySet(GuardedQuerySet):
    province_path = "province"
    # A worker who lodged a complaint while signed in follows it under her account.
    owner_path = "complainant"

    def open(self) -> Self:
        return self.exclude(status=ComplaintStatus.CLOSED)


def complaint_attachment_path(instance: ComplaintAttachment, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"complaints/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Complaint(models.Model):
    """A complaint against a licensed enterprise or a broker, for one province's counsellors.

    Lodged by a signed-in worker (`complainant`) or by anyone with a phone number to be
    reached. Written only through services.complaint_*; its outcome is what the ILO counts
    for a Migrant Resource Centre: complaints resolved and money recovered."""

    # What the complainant quotes on the phone ("KN26-00042"); set by complaint_lodge.
    reference = models.CharField(
        _("reference number"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    province = models.ForeignKey(
        "accounts.Province",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("province"),
    )
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("lodged by (account)"),
    )
    complainant_name = models.CharField(_("your name"), max_length=150, blank=True)
    complainant_phone = models.CharField(_("your phone"), max_length=40)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("enterprise"),
    )
    broker_name = models.CharField(_("broker's name"), max_length=200, blank=True)
    broker_phone = models.CharField(_("broker's phone"), max_length=40, blank=True)
    kind = models.CharField(_("what it is about"), max_length=30, choices=ComplaintKind)
    what_happened = models.TextField(_("what happened"))
    amount_paid = models.DecimalField(
        _("amount paid (VND)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    amount_claimed = models.DecimalField(
        _("amount asked back (VND)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus, default=ComplaintStatus.RECEIVED
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=ComplaintOutcome, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=20, choices=ReferredTo, blank=True)
    amount_recovered = models.DecimalField(
        _("amount recovered (VND)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    outcome_note = models.TextField(_("outcome note"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = GuardedManager.from_queryset(ComplaintQuerySet)()
    all_objects = ComplaintQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"complainant": How.BLANK, "complainant_name": How.BLANK,
                "complainant_phone": How.BLANK, "what_happened": How.SCRUB,
                "outcome_note": How.SCRUB, "broker_name": How.KEEP, "broker_phone": How.KEEP,
                "outcome": How.KEEP, "reference": How.KEEP},
        rows=lambda s: Q(complainant_id=s.user_id)
        | s.mentions("complainant_name", "complainant_phone"),
        why="The complaint is a record against an enterprise or broker (who, what kind, the "
        "amounts, the outcome: the province's figures) and stays without the complainant; "
        "her name, phone and account go, her mentions leave its text, its files go.",
    )  # fmt: skip

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["province", "status"]),
            models.Index(fields=["enterprise", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | ~Q(broker_name=""),
                name="complaint_names_who",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="recovered") | Q(amount_recovered__gt=0),
                name="complaint_recovered_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="referred") | ~Q(referred_to=""),
                name="complaint_referred_says_to_whom",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) & ~Q(outcome="")
                | ~Q(status="closed") & Q(outcome=""),
                name="complaint_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference or self.pk} {self.against}"

    @property
    def complainant_phone_display(self) -> str:
        return format_national(self.complainant_phone)

    @property
    def against(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.broker_name  # type: ignore[union-attr]


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=complaint_attachment_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(
        fields={"file": How.DELETE, "original_name": How.DELETE},
        rows=lambda s: Q(complaint__complainant_id=s.user_id)
        | s.mentions("complaint__complainant_name", "complaint__complainant_phone"),
        delete_row=True,
    )  # fmt: skip

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name or f"#{self.pk}"


class ComplaintEvent(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True)

    personal_data = PersonalData(
        fields={"note": How.SCRUB},
        rows=lambda s: Q(pk__in=[]),  # nobody's own: only mentions of her are cleaned
        why="A counsellor's note on a complaint: about the enterprise; mentions of her go.",
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.from_status or '-'} -> {self.to_status}"

    @property
    def from_label(self) -> str:
        return str(ComplaintStatus(self.from_status).label) if self.from_status else "—"

    @property
    def to_label(self) -> str:
        return str(ComplaintStatus(self.to_status).label)
