from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context, ratelimit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Province


class SignupForm(AllauthSignupForm):
    """A worker signs up with a name and a phone number or an email (at least one)."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As written on your ID card."),
    )
    province = forms.ModelChoiceField(
        label=_("Province or city where you live"),
        queryset=Province.objects.all(),
        required=False,
        empty_label=_("Choose…"),
    )

    field_order = ["name", "phone", "email", "province", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = _("Phone number or email: at least one.")
        self.fields["email"].required = False
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            not cleaned.get("phone")
            and not cleaned.get("email")
            and not self.has_error("phone")
            and not self.has_error("email")
        ):
            raise forms.ValidationError(
                _("Enter a phone number or an email so that you can sign in."),
                code="no_login",
            )
        phone = cleaned.get("phone")
        if phone and not ratelimit.consume(
            context.request, action="verify_phone", key=phone, dry_run=True
        ):
            # Asked before the account is made: allauth would create it, then fail to send
            # the code (too soon after the last one to this number or from this address).
            raise forms.ValidationError(
                _(
                    "A code was sent to this number, or from this connection, a moment ago. "
                    "Please wait a minute, then send the form again."
                ),
                code="rate_limited",
            )
        return cleaned

