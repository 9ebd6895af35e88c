from __future__ import annotations

from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from accounts.adapter import PhoneField
from accounts.formfields import model_choice_field
from accounts.models import Commune, Province
from accounts.text import as_id, search_text
from accounts.uploads import JPEG, PDF, PNG, RejectedUpload, clean_bytes
from accounts.validators import plausible_date
from accounts.widgets import DateTimeInput
from markets import rules
from markets.models import (
    ComplaintKind,
    ComplaintOutcome,
    Enterprise,
    FraudOutcome,
    NoticeCategory,
    Programme,
    ReferredTo,
)
from markets.selectors import enterprise_look_alikes, enterprise_search, fee_check_programmes
from markets.services import Attachment
from markets.uploads import MAX_FILE_BYTES, MAX_FILES, sniff_content_type

# --- Amounts --------------------------------------------------------------------------


class AmountField(forms.Field):
    """An amount typed the Vietnamese way (4.000.000) or any other usual way."""

    default_error_messages = {
        "invalid": _("Write a number, for example 4.000.000."),
        "negative": _("The amount cannot be negative."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": 30}),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        try:
            amount = rules.parse_amount(text[:40])
        except rules.AmountError as error:
            raise ValidationError(self.error_messages[error.reason], code=error.reason) from error
        if amount > Decimal("1e13"):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Programme) -> str:
        return f"{obj.market.name} · {obj.name}"


WAGE_LOCAL = "local"


class FeeCheckForm(forms.Form):
    programme = ProgrammeChoiceField(
        label=_("Country and programme"),
        queryset=Programme.objects.none(),
        empty_label=_("Choose…"),
        error_messages={"required": _("Choose a country and programme.")},
    )
    contract_months = forms.IntegerField(
        label=_("Contract length (months)"),
        min_value=1,
        max_value=120,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Write the number of months, for example 36."),
            "required": _("Write the number of months, for example 36."),
            "min_value": _("The contract must last at least 1 month."),
            "max_value": _("Write a contract of at most 120 months."),
        },
    )
    monthly_wage = AmountField(
        label=_("Monthly basic wage in the contract"),
        error_messages={"required": _("Write the monthly basic wage from the contract.")},
    )
    wage_currency = forms.ChoiceField(
        label=_("The wage is in"),
        choices=[
            (WAGE_LOCAL, _("the country's money (yen, won, Taiwan dollars…)")),
            (rules.VND, _("Vietnamese dong (VND)")),
        ],
        initial=WAGE_LOCAL,
    )
    fee_currency = forms.ChoiceField(
        label=_("The amounts the company asks are in"),
        choices=[(rules.VND, _("Vietnamese dong (VND)")), ("USD", _("US dollars (USD)"))],
        initial=rules.VND,
    )
    service_fee = AmountField(label=_("Service fee"), required=False)
    brokerage = AmountField(
        label=_("Brokerage fee"),
        required=False,
        help_text=_("Money 'for the broker' or 'to get the order' (tiền môi giới)."),
    )
    deposit = AmountField(label=_("Deposit"), required=False)
    other = AmountField(
        label=_("Other charges"),
        required=False,
        help_text=_(
            "Any other money they ask: 'order fee', 'guarantee', 'anti-escape money'… Not the "
            "training, health check, papers or ticket you pay at their real price with a receipt."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = fee_check_programmes()  # type: ignore[attr-defined]  # fields[...] is typed as Field; this one is a ModelChoiceField

    def partial_fee_request(self) -> rules.FeeRequest | None:
        """What can be read of an invalid form, to point out every nonsense amount at once
        (a contract length still to correct must not hide a fee with three zeros too many).
        None when the programme or a currency is missing."""
        data = self.cleaned_data
        if not all(name in data for name in ("programme", "wage_currency", "fee_currency")):
            return None
        return self.fee_request(partial=True)

    def fee_request(self, *, partial: bool = False) -> rules.FeeRequest:
        data = self.cleaned_data
        programme: Programme = data["programme"]
        wage_currency = (
            programme.market.currency if data["wage_currency"] == WAGE_LOCAL else rules.VND
        )
        fee_currency = data["fee_currency"]

        def asked(name: str) -> rules.Money:
            return rules.Money(data.get(name) or Decimal(0), fee_currency)

        wage = data.get("monthly_wage")
        months = data.get("contract_months")
        if partial:
            # Unknown values stand in as ones no check can call implausible.
            if wage is None:
                wage, wage_currency = Decimal(10_000_000), rules.VND
            months = months or 1
        return rules.FeeRequest(
            contract_months=months,  # type: ignore[arg-type]  # a complete form has both (required); a partial one filled them above
            monthly_wage=rules.Money(wage, wage_currency),  # type: ignore[arg-type]  # a complete form has both (required); a partial one filled them above
            service_fee=asked("service_fee"),
            brokerage=asked("brokerage"),
            deposit=asked("deposit"),
            other=asked("other"),
        )


# --- Notices --------------------------------------------------------------------------

_DATETIME = DateTimeInput()


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: *italic*, **bold**, lists starting with -, links."),
        max_length=20000,
    )
    category = forms.ChoiceField(label=_("Category"), choices=NoticeCategory.choices)
    province = forms.ModelChoiceField(
        label=_("For"),
        queryset=Province.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("The whole country"),
    )
    pinned = forms.BooleanField(label=_("Pin on top of the list"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not user.is_admin:
            # A manager writes for their own province only: the choice is not theirs.
            field = self.fields["province"]
            field.queryset = Province.objects.filter(pk=user.province_id)  # type: ignore[attr-defined]  # fields[...] is typed as Field; this one is a ModelChoiceField
            field.required = True
            field.empty_label = None  # type: ignore[attr-defined]  # fields[...] is typed as Field; this one is a ModelChoiceField
            field.initial = user.province.code if user.province else None


class NoticeScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Show from"), widget=_DATETIME, validators=[plausible_date]
    )
    expires_at = forms.DateTimeField(
        label=_("Show until"),
        widget=_DATETIME,
        required=False,
        validators=[plausible_date],
        help_text=_("Leave empty to keep it until it is archived."),
    )
    reason = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        publish_at, expires_at = data.get("publish_at"), data.get("expires_at")
        if publish_at and expires_at and expires_at <= publish_at:
            self.add_error("expires_at", _("The end time must be after the publish time."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Note"), max_length=500, required=False)


# --- Enterprises ----------------------------------------------------------------------


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel (.xlsx) file"),
        help_text=_("First row with the column names. CSV in UTF-8."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


# --- Fraud reports --------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            files = [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        else:
            files = [super().clean(data, initial)] if data else []
        return [f for f in files if f]


def checked_attachments(files: list[UploadedFile]) -> list[Attachment]:
    """Evidence as the fraud report and the complaint take it: at most 3 files of 5 MB,
    PDF, JPEG or PNG by their first bytes, cleaned, under the sender's name for them."""
    if len(files) > MAX_FILES:
        raise ValidationError(_("Send at most 3 files."))
    checked = []
    for upload in files:
        if (upload.size or 0) > MAX_FILE_BYTES:
            raise ValidationError(_("“%(name)s” is larger than 5 MB.") % {"name": upload.name})
        if sniff_content_type(upload) is None:
            raise ValidationError(
                _("“%(name)s” is not a PDF, JPEG or PNG file.") % {"name": upload.name}
            )
        # The same checks as a worker's documents: PDFs parsed and refused with any
        # action, script or embedded file; pictures drawn again without their metadata.
        try:
            clean = clean_bytes(upload.read(), accept=(PDF, JPEG, PNG))
        except RejectedUpload as refused:
            raise ValidationError(f"“{upload.name}”: {refused}") from None
        # The visitor's name for the file, with the extension of what it really is.
        stem = PurePath(upload.name or "file").stem[:150] or "file"
        stored = ContentFile(clean.content, name=f"{stem}.{clean.extension}")
        checked.append(Attachment(file=stored, content_type=clean.content_type))
    return checked


class FraudReportForm(forms.Form):
    name_used = forms.CharField(
        label=_("Name the recruiter used"),
        max_length=200,
        help_text=_("The company or person's name, as they said it."),
    )
    phone = forms.CharField(label=_("Their phone number"), max_length=40, required=False)
    province = forms.ModelChoiceField(
        label=_("Province where it happened"),
        queryset=Province.objects.all(),
        to_field_name="code",
        empty_label=_("Choose…"),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=_("Not sure / skip"),
    )
    what_was_asked = forms.CharField(
        label=_("What did they ask for or promise?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    amount_paid = AmountField(label=_("Money already paid (VND)"), required=False)
    attachments = MultipleFileField(
        label=_("Photos or papers (optional)"),
        required=False,
        help_text=_("Up to 3 files: PDF, JPEG or PNG, 5 MB each."),
    )
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=150, required=False)
    reporter_contact = forms.CharField(
        label=_("Your phone or email (optional)"),
        max_length=150,
        required=False,
        help_text=_("Only if you want the centre to call you back."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = self.data.get("province") if self.is_bound else self.initial.get("province")
        if code := as_id(province):
            self.fields["commune"].queryset = Commune.objects.filter(  # type: ignore[attr-defined]  # fields[...] is typed as Field; this one is a ModelChoiceField
                province__code=code
            ).only("pk", "name")

    def clean_attachments(self) -> list[Attachment]:
        return checked_attachments(self.cleaned_data.get("attachments") or [])


class FraudLinkForm(forms.Form):
    licence_number = forms.CharField(
        label=_("Licence number of the enterprise"),
        max_length=60,
        required=False,
        help_text=_("Leave empty to remove the link."),
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def clean_licence_number(self) -> Enterprise | None:
        text = rules.canonical_licence(self.cleaned_data.get("licence_number", ""))
        if not text:
            return None
        enterprise = Enterprise.objects.filter(licence_number=text).first()
        if enterprise is None:
            raise ValidationError(_("No enterprise in the register has this licence number."))
        return enterprise


class FraudCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=FraudOutcome.choices)
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


# --- Complaints -----------------------------------------------------------------------

#: Register entries offered to choose from after a search.
ENTERPRISE_CHOICES = 8


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Enterprise) -> str:
        return f"{obj.name} · {obj.licence_number}"


class ComplaintForm(forms.Form):
    """A complaint against an enterprise chosen from the register (after a search that warns
    of look-alike names, as the company check does) or against a broker named in words."""

    enterprise_query = forms.CharField(
        label=_("Company name or licence number"),
        max_length=200,
        required=False,
        help_text=_("Then press “Find in the register” and choose it. Accents are not needed."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )
    enterprise = EnterpriseChoiceField(
        label=_("The company in the register"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        blank=True,
        empty_label=_("None of these: a broker or a company not in the register"),
    )
    broker_name = forms.CharField(
        label=_("Or the broker's name"),
        max_length=200,
        required=False,
        help_text=_("A person or a company not in the register."),
    )
    broker_phone = forms.CharField(label=_("The broker's phone"), max_length=40, required=False)
    kind = forms.ChoiceField(
        label=_("What is your complaint about?"),
        choices=ComplaintKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what your complaint is about."),
            "invalid_choice": _("Choose what your complaint is about."),
        },
    )
    what_happened = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("When, where, who you dealt with, what they promised and what they did."),
        error_messages={"required": _("Tell us in a few words what happened.")},
    )
    amount_paid = AmountField(label=_("Money you paid (VND)"), required=False)
    amount_claimed = AmountField(label=_("Money you ask back (VND)"), required=False)
    attachments = MultipleFileField(
        label=_("Receipts, contract, messages (optional)"),
        required=False,
        help_text=_("Up to 3 files: PDF, JPEG or PNG, 5 MB each."),
    )
    province = forms.ModelChoiceField(
        label=_("Your province"),
        queryset=Province.objects.all(),
        to_field_name="code",
        empty_label=_("Choose…"),
        error_messages={"required": _("Choose your province: its centre handles the complaint.")},
    )
    complainant_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    complainant_phone = PhoneField(
        label=_("Your phone number"),
        help_text=_("The centre calls you on it about your complaint."),
        error_messages={"required": _("Write a phone number the centre can call you on.")},
    )

    def __init__(self, *args: Any, province_fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else self.initial
        self.query = search_text(str(source.get("enterprise_query") or ""))
        chosen = as_id(source.get("enterprise"))
        self.look_alikes: list[rules.LookAlike] = []
        ids: list[int] = []
        if self.query:
            search = enterprise_search(self.query)
            ids = list(search.results.values_list("pk", flat=True)[:ENTERPRISE_CHOICES])
            exact = rules.distinctive(rules.normalise(self.query))
            if not Enterprise.objects.filter(pk__in=ids, name_distinctive=exact).exists():
                self.look_alikes = enterprise_look_alikes(
                    self.query, exclude=Enterprise.objects.filter(pk__in=ids)
                )[:5]
            ids += [item.key for item in self.look_alikes]
        if chosen is not None:
            ids.append(chosen)
        field = model_choice_field(self, "enterprise")
        field.queryset = Enterprise.objects.filter(pk__in=ids).only(
            "pk", "name", "licence_number", "status"
        )
        # The matches first, "none of these" last: it is the way out, not the answer.
        choices = field.choices
        if not isinstance(choices, ModelChoiceIterator):  # what a ModelChoiceField gives
            raise TypeError(f"{type(self).__name__}.enterprise has no model choices")
        options = list(choices)
        field.widget.choices = options[1:] + options[:1]
        self.searched = bool(self.query)
        if province_fixed:
            # A signed-in worker's complaint goes to her own province's centre.
            del self.fields["province"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("enterprise") is None and not (data.get("broker_name") or "").strip():
            if self.query:
                self.add_error(
                    "enterprise",
                    _(
                        "Choose the company from the list, or, if it is not there, write the "
                        "broker's name below."
                    ),
                )
            else:
                self.add_error(
                    "enterprise_query",
                    _(
                        "Write the company's name and press “Find in the register”, or write "
                        "the broker's name below."
                    ),
                )
        return data

    def clean_attachments(self) -> list[Attachment]:
        return checked_attachments(self.cleaned_data.get("attachments") or [])


class ComplaintTakeForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class ComplaintCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ComplaintOutcome.choices, widget=forms.RadioSelect
    )
    referred_to = forms.ChoiceField(
        label=_("Referred to (if referred)"),
        choices=[("", "—"), *ReferredTo.choices],
        required=False,
    )
    amount_recovered = AmountField(
        label=_("Amount recovered (VND, if money came back)"), required=False
    )
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
