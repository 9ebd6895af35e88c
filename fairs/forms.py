from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.adapter import PhoneField
from accounts.formfields import integer_field, model_choice_field
from accounts.models import Commune, Province, User
from accounts.text import as_id
from accounts.validators import plausible_date
from accounts.widgets import DateInput, DateTimeInput
from fairs.models import FAIR_FIELDS, Fair, JobOrder, Participation, Registration
from markets.models import Enterprise, Market, Programme


class FairForm(forms.ModelForm):
    """A fair's details; the province is the counsellor's (an admin chooses it)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    province = forms.ModelChoiceField(
        label=gettext_lazy("Province"), queryset=Province.objects.all(), required=False
    )

    class Meta:
        model = Fair
        fields = FAIR_FIELDS
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "registration_deadline": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        integer_field(self, "capacity").min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1
        province_id = self.instance.province_id if self.instance.pk else user.province_id
        if user.is_admin and not self.instance.pk:
            self.fields["province"].required = True
            province_id = as_id(self.data.get("province")) or province_id
        else:
            del self.fields["province"]
        model_choice_field(self, "commune").queryset = Commune.objects.filter(
            province_id=province_id or 0
        )
        model_choice_field(self, "commune").empty_label = _("Choose…")
        for name in ("starts_at", "ends_at", "registration_deadline"):
            self.fields[name].validators.append(plausible_date)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The fair must end after it starts."))
        deadline = cleaned.get("registration_deadline")
        if deadline and starts and deadline > starts:
            self.add_error(
                "registration_deadline", _("Registration must close before the fair starts.")
            )
        has_place = cleaned.get("commune") or cleaned.get("address")
        if not has_place and not cleaned.get("online_url") and not self.errors:
            raise forms.ValidationError(
                _("Say where the fair takes place (commune and address), or give its online link.")
            )
        commune, province = cleaned.get("commune"), cleaned.get("province")
        if commune and province and commune.province_id != province.pk:
            self.add_error("commune", _("This commune is not in the province you chose."))
        return cleaned

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the fair cancelled?"),
        max_length=300,
        help_text=gettext_lazy("Everyone registered receives this message."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EnterpriseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Enterprise) -> str:
        return f"{obj.name} · {obj.licence_number}"


class ParticipationForm(forms.Form):
    # Every enterprise of the register is listed: choosing one whose licence does not allow
    # recruiting on the day gets the reason, not a silent absence from the list.
    enterprise = EnterpriseChoice(
        label=gettext_lazy("Enterprise"),
        queryset=Enterprise.objects.only("pk", "name", "licence_number"),
        empty_label=gettext_lazy("Choose…"),
    )


class JobOrderForm(forms.ModelForm):
    class Meta:
        model = JobOrder
        fields = [
            "market",
            "programme",
            "occupation",
            "vacancies",
            "wage_min",
            "wage_max",
            "requirements",
        ]
        widgets = {"requirements": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "wage_min": gettext_lazy("In the market's currency, before deductions."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "market").queryset = Market.objects.published()
        model_choice_field(self, "programme").queryset = Programme.objects.filter(
            is_published=True
        ).select_related("market")
        integer_field(self, "vacancies").min_value = 1
        self.fields["vacancies"].widget.attrs["min"] = 1

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        market, programme = cleaned.get("market"), cleaned.get("programme")
        if market and programme and programme.market_id != market.pk:
            self.add_error("programme", _("This programme belongs to another market."))
        low, high = cleaned.get("wage_min"), cleaned.get("wage_max")
        if low is not None and high is not None and low > high:
            self.add_error("wage_max", _("The highest wage cannot be below the lowest."))
        return cleaned

    def _post_clean(self) -> None:
        # The service builds the row (with its participation); nothing to check on a model
        # instance that has none yet.
        return


class WalkInForm(forms.Form):
    """Someone the centre registers: with an account (found by phone) or without."""

    name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    phone = PhoneField(
        required=False,
        help_text=gettext_lazy(
            "If the person has an account with this number, the ticket joins their account."
        ),
    )
    commune = forms.ModelChoiceField(
        label=gettext_lazy("Commune or ward"), queryset=Commune.objects.none(), required=False
    )

    def __init__(self, *args: Any, fair: Fair, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "commune").queryset = Commune.objects.filter(
            province_id=fair.province_id
        )
        model_choice_field(self, "commune").empty_label = _("Choose…")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Ticket code"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class InterviewForm(forms.Form):
    participation = forms.ModelChoiceField(
        label=gettext_lazy("Enterprise"), queryset=Participation.objects.none()
    )
    registration = forms.ModelChoiceField(
        label=gettext_lazy("Person (checked in)"), queryset=Registration.objects.none()
    )
    job_order = forms.ModelChoiceField(
        label=gettext_lazy("Job order"), queryset=JobOrder.objects.none(), required=False
    )
    notes = forms.CharField(label=gettext_lazy("Notes"), max_length=300, required=False)
    offered = forms.BooleanField(
        label=gettext_lazy("The enterprise offered the job"), required=False
    )
    follow_up = forms.BooleanField(
        label=gettext_lazy("Make a follow-up task for the counsellor"), required=False
    )
    follow_up_on = forms.DateField(
        label=gettext_lazy("Follow up by"), required=False, widget=DateInput()
    )

    def __init__(self, *args: Any, fair: Fair, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        participations = (
            Participation.objects.unscoped("this fair's, which the view fetched for the user")
            .filter(fair=fair)
            .select_related("enterprise")
        )
        model_choice_field(self, "participation").queryset = participations
        model_choice_field(self, "participation").label_from_instance = lambda p: p.enterprise.name  # type: ignore[assignment,method-assign]  # Django documents replacing label_from_instance on a field
        model_choice_field(self, "registration").queryset = (
            Registration.objects.unscoped("this fair's, which the view fetched for the user")
            .filter(fair=fair, checked_in_at__isnull=False)
            .order_by("search_name", "pk")
        )
        model_choice_field(self, "registration").label_from_instance = lambda r: (  # type: ignore[assignment,method-assign]  # Django documents replacing label_from_instance on a field
            f"{r.name} · {r.code}"
        )
        model_choice_field(self, "job_order").queryset = JobOrder.objects.filter(
            participation__fair=fair
        ).select_related("participation__enterprise")
        model_choice_field(self, "job_order").label_from_instance = lambda o: (  # type: ignore[assignment,method-assign]  # Django documents replacing label_from_instance on a field
            f"{o.participation.enterprise.short_name or o.participation.enterprise.name}: "
            f"{o.occupation}"
        )
        for name in ["participation", "registration", "job_order"]:
            model_choice_field(self, name).empty_label = _("Choose…")
        if not self.is_bound:
            self.initial["follow_up_on"] = follow_up_default()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("follow_up") and not cleaned.get("offered"):
            self.add_error("follow_up", _("A follow-up task is made for an offer."))
        if cleaned.get("follow_up") and not cleaned.get("follow_up_on"):
            self.add_error("follow_up_on", _("Give the date to follow up by."))
        return cleaned


def follow_up_default() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=7)


class FollowUpForm(forms.Form):
    due_on = forms.DateField(label=gettext_lazy("Follow up by"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["due_on"] = follow_up_default()


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), widget=DateInput(), validators=[plausible_date]
    )
    end = forms.DateField(label=gettext_lazy("To"), widget=DateInput(), validators=[plausible_date])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return cleaned


def half_year(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The half-year around today: provinces report fairs by half-year."""
    if today.month <= 6:
        return datetime.date(today.year, 1, 1), datetime.date(today.year, 6, 30)
    return datetime.date(today.year, 7, 1), datetime.date(today.year, 12, 31)
