from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context, ratelimit
from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from accounts.models import Province
from accounts.once import OnceFormMixin


def _no_phone_nor_email(form: forms.Form, cleaned: dict[str, Any]) -> bool:
    """Neither a phone number nor an email given (and neither refused for its own reason)."""
    return not any(cleaned.get(name) or form.has_error(name) for name in ("phone", "email"))


class SignupForm(OnceFormMixin, AllauthSignupForm):
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

    def validate_unique_email(self, value: str) -> str:
        # A taken address is not said on the page (security review, finding 4): the form
        # goes on as for a new one, allauth's enumeration prevention sends the owner an
        # "account already exists" email instead of making a second account, and both end
        # on "we sent you an email" (accounts.stages.SignupEmailVerificationStage).
        from allauth.account.internal.userkit import filter_users_by_email

        if filter_users_by_email(value):
            self.account_already_exists = True
            self.email_taken = value
            return value
        return super().validate_unique_email(value)

    email_taken: str | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if _no_phone_nor_email(self, cleaned):
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

    def try_save(self, request: HttpRequest) -> tuple[Any, HttpResponse | None]:
        """Make the account; when another request made it a moment ago (the form sent twice
        at once from two tabs, each with its own key), send this one to sign in."""
        try:
            with transaction.atomic():
                return self._save_telling_a_taken_address(request)
        except IntegrityError:
            messages.info(
                request,
                _(
                    "An account with this phone number or email was made a moment ago, "
                    "perhaps by this same form sent twice. Sign in with it."
                ),
            )
            return None, redirect("account_login")

    def _save_telling_a_taken_address(self, request: Any) -> Any:
        phone = self.cleaned_data.get("phone")
        if self.email_taken and phone and not get_adapter().get_user_by_phone(phone):
            # A new number with a taken address: the account is made with the number only,
            # and the address's owner is told by email. The visitor sees what a new
            # sign-up sees (a code to the number); the number's owner learns nothing of the
            # address, as a "this number has an account" text would have told them.
            get_adapter().send_account_already_exists_mail(self.email_taken)
            self.cleaned_data["email"] = ""
            self.account_already_exists = False
        return super().try_save(request)


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """A sign-in code goes to a phone number or an email: a form with neither is refused."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # With both sign-in methods allauth makes each field optional, and an empty form
        # would reach the view valid but with no one to send the code to (a server error).
        if _no_phone_nor_email(self, cleaned):
            raise forms.ValidationError(
                _("Enter your phone number or email to receive a code."), code="no_login"
            )
        return cleaned
