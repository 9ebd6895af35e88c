from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.formfields import model_choice_field
from accounts.models import Province, User
from accounts.validators import plausible_date
from accounts.widgets import DateInput
from reports.models import Target


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=DateInput(), validators=[plausible_date]
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=DateInput(), validators=[plausible_date]
    )
    province = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        today = timezone.localdate()
        if self.has_error("start") or self.has_error("end"):
            return cleaned
        cleaned["start"] = cleaned.get("start") or datetime.date(today.year, 1, 1)
        cleaned["end"] = cleaned.get("end") or today
        if cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        if (cleaned["end"] - cleaned["start"]).days > 3 * 366:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        return cleaned


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["province", "year", "half", "departures"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = Province.objects.all()
        if not user.is_admin:
            provinces = provinces.filter(pk=user.province_id)  # type: ignore[misc]  # staff without a province get no province to choose
        model_choice_field(self, "province").queryset = provinces
        self.fields["province"].label = _("Province")
        self.fields["year"].initial = timezone.localdate().year

    def validate_unique(self) -> None:
        # Setting a target again replaces it: the service updates the existing row.
        return

    def validate_constraints(self) -> None:
        return
