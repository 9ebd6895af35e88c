"""Support programmes (grants paid by the province, loans referred to VBSP) and applications.

Every amount, cap, rate and date of a programme is a row an administrator can change, with
its legal basis beside it; the code knows none of them. An application moves through
`Application.Status` only by the services in `loans.services`, each move leaving an
`ApplicationEvent` with who, when and why.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any, TypedDict

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.personal import How, PersonalData, reference
from accounts.scoping import GuardedManager, GuardedQuerySet
from markets.models import Localized
from workers.reference import PriorityGroup


class _MoneyOptions(TypedDict):
    max_digits: int
    decimal_places: int
    validators: list[MinValueValidator]


# Typed so that `DecimalField(..., **MONEY)` is checked like the written-out keywords.
MONEY: _MoneyOptions = {"max_digits": 14, "decimal_places": 0, "validators": [MinValueValidator(0)]}


class Kind(models.TextChoices):
    GRANT = "grant", _("Grant paid by the province")
    LOAN = "loan", _("Loan referred to the bank (VBSP)")


class SupportProgrammeQuerySet(models.QuerySet["SupportProgramme"]):
    def open_on(self, day: datetime.date, province_id: int | None) -> SupportProgrammeQuerySet:
        """Taking applications on `day` (valid, or ended but still taking late applications for
        contracts signed or costs that arose while it was valid), national or of the province."""
        return self.filter(
            Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day) | Q(accepts_until__gte=day),
            Q(province__isnull=True) | Q(province_id=province_id),
        )

    def for_staff(self, user: Any) -> SupportProgrammeQuerySet:
        """Programmes a staff member works with: national ones and their province's."""
        if user.is_admin:
            return self.all()
        province_id = user.province_id
        if province_id is None:
            return self.filter(province__isnull=True)
        return self.filter(Q(province__isnull=True) | Q(province_id=province_id))


class SupportProgramme(models.Model):
    """A grant or a loan programme, as the law or the province set it, with its conditions."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    summary_vi = models.TextField(_("summary (Vietnamese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    legal_basis_vi = models.TextField(_("legal basis (Vietnamese)"))
    legal_basis_en = models.TextField(_("legal basis (English)"), blank=True)
    lender_vi = models.CharField(_("lender (Vietnamese)"), max_length=200, blank=True)
    lender_en = models.CharField(_("lender (English)"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    accepts_until = models.DateField(
        _("applications accepted until"),
        null=True,
        blank=True,
        help_text=_(
            "After the programme ends, applications for contracts signed or costs that arose "
            "while it was valid are still taken until this day. Empty: only while it is valid."
        ),
    )
    province = models.ForeignKey(
        "accounts.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
        help_text=_("Empty for a national programme."),
    )
    # Conditions. Empty lists mean "anyone".
    eligible_groups = models.JSONField(
        _("eligible priority groups"),
        default=list,
        blank=True,
        help_text=_("Codes of workers.PriorityGroup; empty means everyone."),
    )
    markets = models.ManyToManyField(
        "markets.Market", blank=True, related_name="+", verbose_name=_("eligible markets")
    )
    programmes = models.ManyToManyField(
        "markets.Programme",
        blank=True,
        related_name="+",
        verbose_name=_("eligible work programmes"),
    )
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    requires_residence = models.BooleanField(
        _("must live in the province"),
        default=False,
        help_text=_("The worker's commune must be recorded (and in the programme's province)."),
    )
    requires_permanent_residence = models.BooleanField(
        _("needs permanent residence where the bank branch is"),
        default=False,
        help_text=_(
            "The worker must have permanent residence (thường trú) in the area of the bank "
            "branch the centre refers to: the programme's province, or the worker's."
        ),
    )
    requires_contract = models.BooleanField(
        _("needs a signed contract"),
        default=False,
        help_text=_("The worker's case must show a signed contract (contracted or abroad)."),
    )
    contract_deadline_days = models.PositiveSmallIntegerField(
        _("days after signing to pay the deposit"),
        null=True,
        blank=True,
        help_text=_(
            "E.g. 35 for the Korea EPS deposit, to be paid within 35 days of signing with COLAB. "
            "A deadline for paying the deposit, shown to the worker; not a deadline to apply."
        ),
    )
    required_documents = models.ManyToManyField(
        "workers.DocumentType",
        blank=True,
        related_name="+",
        verbose_name=_("required documents"),
    )
    receipts_required = models.BooleanField(_("paid on receipts"), default=True)
    # Loans
    loan_max = models.DecimalField(_("largest loan (VND)"), null=True, blank=True, **MONEY)
    loan_share_percent = models.PositiveSmallIntegerField(
        _("share of the costs that may be borrowed (per cent)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    deduct_state_support = models.BooleanField(
        _("minus the state support already received"), default=False
    )
    deposit_loan = models.BooleanField(
        _("loan for a deposit"),
        default=False,
        help_text=_("At most the deposit agreed in the contract."),
    )
    collateral_threshold = models.DecimalField(
        _("collateral needed above (VND)"), null=True, blank=True, **MONEY
    )
    term_max_months = models.PositiveSmallIntegerField(
        _("longest term (months)"), null=True, blank=True
    )
    term_within_contract = models.BooleanField(
        _("term at most the contract's length"), default=False
    )
    interest_vi = models.CharField(_("interest (Vietnamese)"), max_length=300, blank=True)
    interest_en = models.CharField(_("interest (English)"), max_length=300, blank=True)
    checked_on = models.DateField(
        _("figures checked on"),
        null=True,
        blank=True,
        help_text=_("When someone last checked the figures against the official text."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = SupportProgrammeQuerySet.as_manager()

    name = Localized("name")
    summary = Localized("summary")
    legal_basis = Localized("legal_basis")
    lender = Localized("lender")
    interest = Localized("interest")

    personal_data = reference("Support programmes.")

    class Meta:
        ordering = ["order", "name_vi"]
        verbose_name = _("support programme")
        verbose_name_plural = _("support programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="support_programme_dates",
            ),
            models.CheckConstraint(
                condition=Q(accepts_until__isnull=True)
                | (Q(valid_to__isnull=False) & Q(accepts_until__gte=models.F("valid_to"))),
                name="support_programme_accepts_after_end",
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_min__lte=models.F("age_max")),
                name="support_programme_ages",
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def is_loan(self) -> bool:
        return self.kind == Kind.LOAN

    @property
    def group_labels(self) -> list[str]:
        return [str(PriorityGroup(g).label) for g in self.eligible_groups]


class Unit(models.TextChoices):
    ONCE = "once", _("once")
    COURSE = "course", _("per course")
    DAY = "day", _("per day")
    MONTH = "month", _("per month")


class CostItem(models.Model):
    """A cost a grant pays for, with its cap (per course, day, month, or once)."""

    class Code(models.TextChoices):
        LANGUAGE = "language_training", _("Language training")
        VOCATIONAL = "vocational_training", _("Vocational training")
        HEALTH_CHECK = "health_check", _("Health check")
        PASSPORT = "passport", _("Passport")
        VISA = "visa", _("Visa")
        JUDICIAL_RECORD = "judicial_record", _("Judicial record")
        ORIENTATION = "orientation", _("Pre-departure orientation")
        MEALS = "meals", _("Meals")
        LODGING = "lodging", _("Lodging")
        PERSONAL_ITEMS = "personal_items", _("Personal items")
        TRAVEL = "travel", _("Travel")

    programme = models.ForeignKey(
        SupportProgramme, on_delete=models.CASCADE, related_name="cost_items"
    )
    code = models.CharField(_("item"), max_length=30, choices=Code)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit, default=Unit.ONCE)
    cap = models.DecimalField(
        _("cap (VND)"),
        null=True,
        blank=True,
        help_text=_("Empty: the actual cost on the receipt."),
        **MONEY,
    )
    cap_note_vi = models.CharField(_("about the cap (Vietnamese)"), max_length=200, blank=True)
    cap_note_en = models.CharField(_("about the cap (English)"), max_length=200, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    cap_note = Localized("cap_note")

    personal_data = reference("Cost items of a programme.")

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("cost item")
        verbose_name_plural = _("cost items")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="cost_item_once"),
        ]

    def __str__(self) -> str:
        return str(self.get_code_display())

    @property
    def unit_noun(self) -> str:
        """What the quantity counts: "courses", "days", "months" ("" for a one-off cost)."""
        return str(UNIT_NOUNS.get(self.unit, ""))


UNIT_NOUNS: dict[str, Promise] = {
    Unit.COURSE: _("courses"),
    Unit.DAY: _("days"),
    Unit.MONTH: _("months"),
}


class DatedRuleQuerySet(models.QuerySet[Any]):
    def in_force_on(self, day: datetime.date) -> DatedRuleQuerySet:
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class DatedRule(models.Model):
    """A rule of a programme that changes with the law: its source, dates and whether someone
    has checked it against the official text."""

    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis (document, article)"), max_length=300)
    confirmed = models.BooleanField(
        _("checked against the official text"),
        default=False,
        help_text=_("Leave unticked while the figure comes from a secondary source: pages say so."),
    )
    note_vi = models.CharField(_("note (Vietnamese)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)

    objects = DatedRuleQuerySet.as_manager()

    note = Localized("note")

    class Meta:
        abstract = True


class GroupRule(DatedRule):
    """Who a programme is for, for a span of dates: the groups follow the rules in force on
    the day the contract was signed or the cost arose (e.g. the Korea EPS deposit loan:
    Decision 16/2023 with Decree 61/2015 until 2025, Decree 338/2025 from 2026)."""

    programme = models.ForeignKey(
        SupportProgramme, on_delete=models.CASCADE, related_name="group_rules"
    )
    groups = models.JSONField(
        _("eligible priority groups"),
        default=list,
        blank=True,
        help_text=_("Codes of workers.PriorityGroup; empty means everyone."),
    )

    personal_data = reference("Who a programme is for, as the law says: no person.")

    class Meta:
        ordering = ["programme", "valid_from"]
        verbose_name = _("eligible groups (dated)")
        verbose_name_plural = _("eligible groups (dated)")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="group_rule_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.valid_from:%d/%m/%Y}"

    @property
    def group_labels(self) -> list[str]:
        return [str(PriorityGroup(g).label) for g in self.groups]


class InterestRate(DatedRule):
    """A loan's interest rate for a group (empty: everyone else), as the decree fixes it."""

    programme = models.ForeignKey(
        SupportProgramme, on_delete=models.CASCADE, related_name="interest_rates"
    )
    group = models.CharField(
        _("priority group"),
        max_length=20,
        choices=PriorityGroup,
        blank=True,
        help_text=_("Empty: the rate for every borrower not in a group with its own rate."),
    )
    percent_of_poor_rate = models.DecimalField(
        _("per cent of the poor-household rate"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    rate_vi = models.CharField(_("rate as written (Vietnamese)"), max_length=200)
    rate_en = models.CharField(_("rate as written (English)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    rate = Localized("rate")

    personal_data = reference("An interest rate of the law, with a note: no person.")

    class Meta:
        ordering = ["programme", "order", "valid_from"]
        verbose_name = _("interest rate (dated)")
        verbose_name_plural = _("interest rates (dated)")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="interest_rate_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.rate}"


class ProgrammeBudget(models.Model):
    """What a programme may approve in one calendar year; approvals lock this row."""

    programme = models.ForeignKey(
        SupportProgramme, on_delete=models.CASCADE, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("budget (VND)"), **MONEY)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["programme", "-year"]
        verbose_name = _("yearly budget")
        verbose_name_plural = _("yearly budgets")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="budget_once_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"


# --- Applications ---------------------------------------------------------------------


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    NEEDS_INFO = "needs_info", _("More information needed")
    RESUBMITTED = "resubmitted", _("Sent again")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PAID = "paid", _("Paid to the worker")
    REFERRED = "referred", _("Referred to the bank")
    LOAN_GRANTED = "loan_granted", _("Loan granted by the bank")
    LOAN_DECLINED = "loan_declined", _("Loan declined by the bank")


#: Not decided yet: one of these per worker and programme at a time; withdrawable.
OPEN_STATUSES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.NEEDS_INFO,
    Status.RESUBMITTED,
)
#: Waiting for the centre.
WAITING_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.RESUBMITTED)
#: Approved and not yet paid or referred: money promised, not yet out of the budget.
COMMITTED_STATUSES = (Status.APPROVED,)
#: Out of the budget: paid (grants) or referred to the bank (loans).
SPENT_STATUSES = (Status.PAID, Status.REFERRED, Status.LOAN_GRANTED)
#: What counts against the year's budget. A loan the bank declines gives its share back.
BUDGET_STATUSES = (*COMMITTED_STATUSES, *SPENT_STATUSES)


class ApplicationQuerySet(GuardedQuerySet):
    # The province is copied onto the application when it is made, as on the case, so
    # a queue filters without joining the user and a move of the worker keeps history.
    province_path = "province"
    owner_path = "profile__user"


class Application(models.Model):
    """A worker's request for one programme's support: cost lines for a grant, or a loan."""

    profile = models.ForeignKey(
        "workers.WorkerProfile", on_delete=models.CASCADE, related_name="support_applications"
    )
    province = models.ForeignKey(
        "accounts.Province", on_delete=models.PROTECT, null=True, related_name="+"
    )
    programme = models.ForeignKey(
        SupportProgramme, on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    requested_amount = models.DecimalField(_("amount asked"), default=Decimal(0), **MONEY)
    approved_amount = models.DecimalField(_("amount approved"), null=True, blank=True, **MONEY)
    budget_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # What the worker writes on the form
    phone = models.CharField(_("phone number to reach you"), max_length=20, blank=True)
    note = models.TextField(_("anything the centre should know"), blank=True)
    bank_account = models.CharField(_("bank account for the payment"), max_length=40, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    # Loans
    loan_purpose = models.CharField(_("what the loan is for"), max_length=300, blank=True)
    loan_term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    costs_before_departure = models.DecimalField(
        _("costs before departure (VND)"), null=True, blank=True, **MONEY
    )
    other_state_support = models.DecimalField(
        _("other state support received (VND)"), default=Decimal(0), **MONEY
    )
    contract_months = models.PositiveSmallIntegerField(
        _("contract length (months)"), null=True, blank=True
    )
    contract_signed_on = models.DateField(_("contract signed on"), null=True, blank=True)
    costs_arose_on = models.DateField(
        _("costs arose on"),
        null=True,
        blank=True,
        help_text=_("The date on the first receipt: the rules in force that day apply."),
    )
    agreed_deposit = models.DecimalField(
        _("deposit agreed in the contract (VND)"), null=True, blank=True, **MONEY
    )
    needs_collateral = models.BooleanField(_("collateral needed"), default=False)
    # The applicant as the file showed them when the application was sent (for the paper form).
    applicant = models.JSONField(default=dict, blank=True)
    # Decisions
    decision_reason = models.TextField(_("reason"), blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    bank_reference = models.CharField(_("bank's reference"), max_length=100, blank=True)
    # The bank's decision, as the bank wrote it: the amount it lent may differ from the
    # amount the centre approved, and the reports count what was lent.
    lent_amount = models.DecimalField(_("amount lent by the bank"), null=True, blank=True, **MONEY)
    bank_decided_on = models.DateField(_("date of the bank's decision"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = GuardedManager.from_queryset(ApplicationQuerySet)()
    all_objects = ApplicationQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"applicant": How.BLANK, "phone": How.BLANK, "note": How.BLANK,
                "bank_account": How.BLANK, "bank_name": How.BLANK, "loan_purpose": How.BLANK,
                "decision_reason": How.REDACT, "payment_reference": How.SCRUB,
                "bank_reference": How.SCRUB, "bank_decided_on": How.KEEP},
        rows=lambda s: Q(profile_id=s.profile_id),
        why="Kept without identity: that support was asked, decided and paid, the amounts "
        "and dates (accounting records, see docs/data-integrity.md); the applicant's "
        "copy of her file, her phone, bank account and words go.",
    )  # fmt: skip

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("support application")
        verbose_name_plural = _("support applications")
        constraints = [
            # One undecided application per worker and programme: a double click or a
            # second tab cannot open two.
            models.UniqueConstraint(
                fields=["profile", "programme"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_application_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | Q(approved_amount__lte=models.F("requested_amount")),
                name="approved_at_most_requested",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "status", "-updated_at"], name="support_queue"),
            models.Index(fields=["programme", "budget_year", "status"], name="support_budget"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.programme} ({self.get_status_display()})"

    @property
    def reference(self) -> str:
        """The number written on paper and said on the phone."""
        return f"HT-{self.created_at:%Y}-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_editable(self) -> bool:
        """The applicant (or a counsellor helping) may change lines and attach files."""
        return self.status in (Status.DRAFT, Status.NEEDS_INFO)


class CostLine(models.Model):
    """One cost of a grant application: an item, how many (days, months, courses), how much."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(CostItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("how many"), default=1)
    amount = models.DecimalField(_("amount (VND)"), **MONEY)

    class Meta:
        ordering = ["item__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="cost_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.amount}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name says nothing about the person or the original file name.
    return f"support/{instance.application_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class AttachmentQuerySet(GuardedQuerySet):
    province_path = "application__province"
    owner_path = "application__profile__user"


class Attachment(models.Model):
    """A receipt or a document sent with an application; private, served by a scoped view."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        DOCUMENT = "document", _("Document")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    document_type = models.ForeignKey(
        "workers.DocumentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = GuardedManager.from_queryset(AttachmentQuerySet)()
    all_objects = AttachmentQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"file": How.DELETE, "original_name": How.DELETE},
        rows=lambda s: Q(application__profile_id=s.profile_id),
        delete_row=True,
        why="Receipts and papers (ID card, poverty proof): the rows and the files go.",
    )

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def label(self) -> str:
        if self.document_type_id is not None and self.document_type is not None:
            return self.document_type.label
        return str(self.get_kind_display())


class ApplicationEvent(models.Model):
    """Something done to an application: who, when, from which status to which, and why."""

    class Action(models.TextChoices):
        START = "start", _("Started")
        EDIT = "edit", _("Changed")
        ATTACH = "attach", _("File attached")
        SUBMIT = "submit", _("Sent")
        REVIEW = "review", _("Review started")
        REQUEST_INFO = "request_info", _("More information asked")
        RESUBMIT = "resubmit", _("Sent again")
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        WITHDRAW = "withdraw", _("Withdrawn")
        PAY = "pay", _("Paid to the worker")
        REFER = "refer", _("Referred to the bank")
        BANK_GRANT = "bank_grant", _("Loan granted by the bank")
        BANK_DECLINE = "bank_decline", _("Loan declined by the bank")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action)
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    amount = models.DecimalField(null=True, blank=True, **MONEY)

    personal_data = PersonalData(
        fields={"reason": How.REDACT},
        rows=lambda s: Q(application__profile_id=s.profile_id),
        why="Each step and amount stays (who approved or paid what, when); reasons go.",
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["application", "at"])]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status or '-'} -> {self.to_status}"


class KeptSupportRecordQuerySet(GuardedQuerySet):
    province_path = "province"


class KeptSupportRecord(models.Model):
    """What a province keeps of support it paid (or a loan it referred) for a worker whose
    file moved to another province: the accounting minimum, with the name reduced.

    Written by the move (loans.services.applications_follow_worker) before the application
    itself goes to the new province; never changed afterwards. Why these fields and how
    long: docs/data-integrity.md, "A worker who moves province".
    """

    province = models.ForeignKey("accounts.Province", on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    programme = models.ForeignKey(SupportProgramme, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status)
    amount = models.DecimalField(_("amount approved"), null=True, blank=True, **MONEY)
    lent_amount = models.DecimalField(_("amount lent by the bank"), null=True, blank=True, **MONEY)
    closed_on = models.DateField(_("paid or referred on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    bank_reference = models.CharField(_("bank's reference"), max_length=100, blank=True)
    # "Nguyễn V. A.": enough, with the amount, date and voucher number, to match the
    # centre's own accounting voucher (which carries the full name); not a file.
    worker_name = models.CharField(_("worker"), max_length=60)
    moved_to = models.ForeignKey("accounts.Province", on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(default=timezone.now)
    keep_until = models.DateField(_("kept until"))

    objects = GuardedManager.from_queryset(KeptSupportRecordQuerySet)()
    all_objects = KeptSupportRecordQuerySet.as_manager()

    personal_data = PersonalData(
        fields={"worker_name": How.BLANK, "payment_reference": How.SCRUB,
                "bank_reference": How.SCRUB, "lent_amount": How.KEEP},
        rows=lambda s: Q(application__profile_id=s.profile_id),
        why="Kept as the application is (accounting records of public money, Law on "
        "Accounting 88/2015 art. 41): amounts and dates stay, the reduced name goes.",
    )  # fmt: skip

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        ordering = ["-closed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "application"], name="kept_support_once_per_province"
            ),
        ]
        indexes = [models.Index(fields=["province", "-closed_on"], name="kept_support_by_province")]

    def __str__(self) -> str:
        return f"{self.province_id}: {self.programme_id} {self.amount}"
