"""Forms of the support pages. They parse and check what people type; services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.formfields import choice_field, model_choice_field
from accounts.widgets import DateInput
from loans import rules, selectors
from loans.models import Application, Attachment, Kind, Status, SupportProgramme, Unit
from loans.services import LineInput
from markets.forms import AmountField
from markets.money import format_money, group
from workers.models import DocumentType

RECEIPT = "receipt"


class ApplicationForm(forms.Form):
    """The application form: contact and payment, then cost lines (grant) or the loan.

    One amount field per cost item of the programme, labelled with its cap; an amount over
    a cap is refused on the field, naming the cap. Loan limits that depend on several
    figures are listed on the application page and checked when it is sent.
    """

    phone = forms.CharField(label=gettext_lazy("Phone number to reach you"), max_length=20)
    note = forms.CharField(
        label=gettext_lazy("Anything the centre should know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        application: Application,
        facts: rules.Facts | None = None,
        **kwargs: Any,
    ) -> None:
        self.application = application
        self.programme: SupportProgramme = application.programme
        self.facts = facts or rules.Facts()
        super().__init__(*args, **kwargs)
        self.items = list(self.programme.cost_items.all())
        if self.programme.kind == Kind.GRANT:
            self._grant_fields()
        else:
            self._loan_fields()
        if not self.is_bound:
            self._initial()

    # --- building -------------------------------------------------------------------

    def _grant_fields(self) -> None:
        self.fields["bank_account"] = forms.CharField(
            label=gettext_lazy("Bank account for the payment"),
            required=False,
            max_length=40,
            help_text=gettext_lazy("Leave empty to be paid in cash at the centre."),
        )
        self.fields["bank_name"] = forms.CharField(
            label=gettext_lazy("Bank"), required=False, max_length=100
        )
        self.fields["costs_arose_on"] = forms.DateField(
            label=gettext_lazy("Date your costs arose (the date on your first receipt)"),
            required=False,
            widget=DateInput(),
            help_text=gettext_lazy("The rules in force on that day apply."),
        )
        for item in self.items:
            cap = selectors.item_cap(item)
            if item.unit != Unit.ONCE:
                self.fields[f"qty_{item.pk}"] = forms.IntegerField(
                    label=_("%(item)s: how many (%(unit)s)")
                    % {"item": cap.label, "unit": item.unit_noun},
                    min_value=1,
                    max_value=999,
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )
            help_parts = [item.legal_basis] if item.legal_basis else []
            self.fields[f"amount_{item.pk}"] = AmountField(
                label=_("%(item)s (VND): at most %(cap)s")
                % {"item": cap.label, "cap": rules.describe_cap(cap)}
                if item.cap is not None
                else _("%(item)s (VND): %(cap)s")
                % {"item": cap.label, "cap": rules.describe_cap(cap)},
                required=False,
                help_text=" · ".join(help_parts),
            )

    def _loan_fields(self) -> None:
        programme = self.programme
        self.fields["amount"] = AmountField(
            label=gettext_lazy("Amount you want to borrow (VND)"),
            required=False,
            help_text=(
                _("At most %(cap)s.") % {"cap": _money(programme.loan_max)}
                if programme.loan_max is not None
                else ""
            ),
        )
        self.fields["loan_purpose"] = forms.CharField(
            label=gettext_lazy("What the loan is for"), required=False, max_length=300
        )
        self.fields["loan_term_months"] = forms.IntegerField(
            label=gettext_lazy("Repay over (months)"),
            required=False,
            min_value=1,
            max_value=600,
            help_text=(
                _("At most %(months)s months.") % {"months": programme.term_max_months}
                if programme.term_max_months
                else ""
            ),
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )
        if programme.loan_share_percent is not None:
            self.fields["costs_before_departure"] = AmountField(
                label=gettext_lazy("Costs you pay before departure, as in your contract (VND)"),
                required=False,
            )
            if programme.deduct_state_support:
                self.fields["other_state_support"] = AmountField(
                    label=gettext_lazy("State support received outside this portal (VND), if any"),
                    required=False,
                )
        if programme.term_within_contract:
            self.fields["contract_months"] = forms.IntegerField(
                label=gettext_lazy("Length of your contract (months), without extensions"),
                required=False,
                min_value=1,
                max_value=240,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        # Every loan asks it: the rules in force the day the contract was signed apply.
        self.fields["contract_signed_on"] = forms.DateField(
            label=gettext_lazy("Date you signed the contract"),
            required=False,
            widget=DateInput(),
            help_text=(
                _(
                    "The rules in force on that day apply. Pay the deposit within %(days)s days "
                    "of this date."
                )
                % {"days": programme.contract_deadline_days}
                if programme.contract_deadline_days is not None
                else _("The rules in force on that day apply.")
            ),
        )
        if programme.deposit_loan:
            self.fields["agreed_deposit"] = AmountField(
                label=gettext_lazy("Deposit agreed in your contract (VND)"), required=False
            )

    def _initial(self) -> None:
        application = self.application
        for name in ("phone", "note", "bank_account", "bank_name", "loan_purpose"):
            if name in self.fields:
                self.initial[name] = getattr(application, name)
        for name in ("loan_term_months", "contract_months", "contract_signed_on", "costs_arose_on"):
            if name in self.fields:
                self.initial[name] = getattr(application, name)
        for name in ("costs_before_departure", "other_state_support", "agreed_deposit"):
            if name in self.fields and getattr(application, name) is not None:
                self.initial[name] = _grouped(getattr(application, name))
        if "amount" in self.fields and application.requested_amount:
            self.initial["amount"] = _grouped(application.requested_amount)
        lines = {line.item_id: line for line in application.lines.all()}
        for item in self.items:
            line = lines.get(item.pk)
            if f"qty_{item.pk}" in self.fields:
                self.initial[f"qty_{item.pk}"] = line.quantity if line else 1
            if line is not None:
                self.initial[f"amount_{item.pk}"] = _grouped(line.amount)

    # --- checking -------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.programme.kind == Kind.LOAN and not self.errors:
            self._check_loan(data)
        for item in self.items:
            amount = data.get(f"amount_{item.pk}")
            if not amount:
                continue
            quantity = data.get(f"qty_{item.pk}") or 1
            problem = rules.cap_problem(selectors.item_cap(item), quantity, amount)
            if problem:
                self.add_error(f"amount_{item.pk}", problem)
        return data

    def _check_loan(self, data: dict[str, Any]) -> None:
        """A figure over a limit is refused at once, naming the limit; what is still missing
        may wait until the application is sent."""
        application = self.application
        request = rules.LoanRequest(
            amount=data.get("amount") or Decimal(0),
            term_months=data.get("loan_term_months"),
            costs_before_departure=data.get("costs_before_departure"),
            other_state_support=data.get("other_state_support") or Decimal(0),
            contract_months=data.get("contract_months", application.contract_months),
            contract_signed_on=data.get("contract_signed_on"),
            agreed_deposit=data.get("agreed_deposit"),
        )
        terms = selectors.programme_terms(self.programme)
        for finding in rules.loan_findings(terms, request, self.facts):
            if not finding.missing:
                field = finding.field if finding.field in self.fields else None
                self.add_error(field, finding.message)

    # --- reading --------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The application's own fields, as the service `application_save` takes them."""
        data = self.cleaned_data
        values: dict[str, Any] = {"phone": data["phone"], "note": data.get("note", "")}
        for name in ("bank_account", "bank_name", "loan_purpose"):
            if name in self.fields:
                values[name] = data.get(name) or ""
        for name in ("loan_term_months", "contract_months", "contract_signed_on", "costs_arose_on"):
            if name in self.fields:
                values[name] = data.get(name)
        for name in ("costs_before_departure", "agreed_deposit"):
            if name in self.fields:
                values[name] = data.get(name)
        if "other_state_support" in self.fields:
            values["other_state_support"] = data.get("other_state_support") or Decimal(0)
        return values

    def lines(self) -> list[LineInput] | None:
        if self.programme.kind != Kind.GRANT:
            return None
        data = self.cleaned_data
        return [
            LineInput(
                item_id=item.pk,
                quantity=data.get(f"qty_{item.pk}") or 1,
                amount=data.get(f"amount_{item.pk}") or Decimal(0),
            )
            for item in self.items
        ]

    def loan_amount(self) -> Decimal | None:
        if self.programme.kind != Kind.LOAN:
            return None
        return self.cleaned_data.get("amount") or Decimal(0)

    def item_rows(self) -> list[tuple[Any, forms.BoundField | None, forms.BoundField]]:
        """(item, quantity field or None, amount field) for the template, in order."""
        return [
            (
                item,
                self[f"qty_{item.pk}"] if f"qty_{item.pk}" in self.fields else None,
                self[f"amount_{item.pk}"],
            )
            for item in self.items
        ]

    @property
    def loan_field_names(self) -> list[str]:
        names = [
            "amount",
            "loan_purpose",
            "loan_term_months",
            "costs_before_departure",
            "other_state_support",
            "contract_months",
            "contract_signed_on",
            "agreed_deposit",
        ]
        return [name for name in names if name in self.fields]


def _money(amount: Decimal | None) -> str:
    return format_money(amount)


def _grouped(amount: Decimal) -> str:
    return group(Decimal(amount))


class AttachmentForm(forms.Form):
    what = forms.ChoiceField(label=gettext_lazy("What is it?"))
    file = forms.FileField(
        label=gettext_lazy("Photo or PDF"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/heic,application/pdf"}
        ),
        help_text=gettext_lazy("A clear photo taken with your phone is enough. At most 10 MB."),
    )

    def __init__(self, *args: Any, programme: SupportProgramme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        required = list(programme.required_documents.all())
        others = [t for t in DocumentType.objects.all() if t not in required]
        self.types = {t.code: t for t in [*required, *others]}
        choices = [(RECEIPT, _("A receipt"))] if programme.kind == Kind.GRANT else []
        choices += [(t.code, t.label) for t in self.types.values()]
        choice_field(self, "what").choices = choices

    def kind_and_type(self) -> tuple[str, DocumentType | None]:
        what = self.cleaned_data["what"]
        if what == RECEIPT:
            return Attachment.Kind.RECEIPT, None
        return Attachment.Kind.DOCUMENT, self.types[what]


# --- Staff ----------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason, as the worker will read it"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(forms.Form):
    amount = AmountField(label=gettext_lazy("Amount approved (VND)"))
    reason = forms.CharField(
        label=gettext_lazy("Note for the worker (why a part, if not all)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError(
                _("Write the amount approved. To give nothing, reject the application instead.")
            )
        return amount


class ReferenceForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Reference (payment voucher, bank file number)"),
        required=False,
        max_length=100,
    )
    reason = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BankGrantForm(forms.Form):
    """The bank's decision to lend, as the bank wrote it: the reports count this amount."""

    lent_amount = AmountField(label=gettext_lazy("Amount the bank lent (VND)"))
    decided_on = forms.DateField(
        label=gettext_lazy("Date of the bank's decision"), widget=DateInput()
    )
    reference = forms.CharField(
        label=gettext_lazy("Bank's reference (loan file number)"),
        required=False,
        max_length=100,
    )
    reason = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_lent_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["lent_amount"]
        if amount <= 0:
            raise forms.ValidationError(_("Write the amount the bank lent, as in its decision."))
        return amount


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


QUEUE_STATUSES = [
    ("waiting", gettext_lazy("Waiting for the centre")),
    ("", gettext_lazy("All")),
    *[(value, label) for value, label in Status.choices if value != Status.DRAFT],
]


class QueueForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=QUEUE_STATUSES, required=False)
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"),
        queryset=SupportProgramme.objects.none(),
        required=False,
        empty_label=gettext_lazy("All programmes"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "programme").queryset = SupportProgramme.objects.for_staff(user)

    def filters(self) -> dict[str, Any]:
        """Status and programme to show; the waiting ones unless a status was chosen (a link
        to page 2 that carries no status still means the default)."""
        if not self.is_bound or not self.is_valid():
            return {"status": "waiting", "programme_id": None}
        programme = self.cleaned_data.get("programme")
        return {
            "status": self.cleaned_data.get("status", "") if "status" in self.data else "waiting",
            "programme_id": programme.pk if programme else None,
        }
