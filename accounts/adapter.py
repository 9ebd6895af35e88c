from __future__ import annotations

import contextlib
import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.client_ip import client_address
from accounts.demo import demo_sign_in_refused
from accounts.models import User
from accounts.phones import normalize_phone
from accounts.sms import SmsError, send_sms

log = logging.getLogger(__name__)

_CODE_SENT = {
    "account/messages/login_code_sent.txt",
    "account/messages/phone_verification_sent.txt",
}


class PhoneField(forms.CharField):
    """A Vietnamese mobile number, typed any usual way, cleaned to +84…."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Phone number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "autocomplete": "tel",
                    "inputmode": "tel",
                    "placeholder": "0912 345 678",
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalize_phone(value) if value else value


class AccountAdapter(DefaultAccountAdapter):
    """Phone numbers live on User.phone; codes go out through accounts.sms."""

    def phone_form_field(self, **kwargs: Any) -> PhoneField:
        return PhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return normalize_phone(phone)

    def set_phone(self, user: User, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        if user.pk is not None:  # at sign-up allauth calls this before the first save
            user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: User) -> tuple[str, bool] | None:
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user: User, phone: str) -> None:
        User.objects.filter(pk=user.pk, phone=phone).update(phone_verified=True)
        user.phone_verified = True

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth keys failed sign-ins on the Host header's domain plus the login, so the
        # same account behind another accepted host name (www., an IP, a port) started a
        # fresh count: the lock is per account only. allauth also counts per email or
        # username only; every sign-in by phone shared one counter, so five wrong passwords
        # for any number locked out all numbers; the number as stored also makes "0912…"
        # and "+84 912…" one account.
        phone = credentials.get("phone")
        if not phone or credentials.get("email"):
            login = credentials.get("email", credentials.get("username", "")) or ""
            return f"login:{login.lower()}"
        with contextlib.suppress(forms.ValidationError):
            phone = normalize_phone(phone)
        return f"login:phone:{phone}"

    def get_client_ip(self, request: HttpRequest) -> str:
        """The visitor's address as every limit of the portal reads it (see client_ip)."""
        return client_address(request)

    def get_user_by_phone(self, phone: str) -> User | None:
        try:
            normalized = normalize_phone(phone)
        except forms.ValidationError:
            return None
        return User.objects.filter(phone=normalized).first()

    def _send_sms(self, phone: str, body: str) -> None:
        """Send now (the person is waiting); when the gateway fails, say so on the next page
        instead of an error page: they can ask for another code a minute later."""
        try:
            send_sms(phone, body)
        except SmsError as exc:
            log.error("SMS to %s not sent: %s", phone, exc)
            request = getattr(self, "request", None)
            if request is not None:
                request.mrc_sms_failed = True
                messages.error(
                    request,
                    _(
                        "The text message could not be sent just now. Wait a minute and ask "
                        "for a new code, or call the centre."
                    ),
                )

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        # "The code was sent to ..." would contradict the message just given.
        if getattr(request, "mrc_sms_failed", False) and message_template in _CODE_SENT:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def send_verification_code_sms(self, user: User, phone: str, code: str, **kwargs: Any) -> None:
        self._send_sms(
            phone, _("MRC: your code is %(code)s. Do not give it to anyone.") % {"code": code}
        )

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        self._send_sms(
            phone, _("MRC: there is no account with this number. Sign up to create one.")
        )

    def send_account_already_exists_sms(self, phone: str) -> None:
        self._send_sms(
            phone, _("MRC: an account already uses this number. Sign in or reset the password.")
        )

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        # A sign-in by code never asks the backends: demo accounts are refused here too.
        if demo_sign_in_refused(user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)

    def get_login_stages(self) -> list[str]:
        stages = super().get_login_stages()
        return [
            "accounts.stages.SignupEmailVerificationStage"
            if path == "allauth.account.stages.EmailVerificationStage"
            else path
            for path in stages
        ]

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        user.name = form.cleaned_data["name"]
        user.province = form.cleaned_data.get("province")
        user.language = getattr(request, "LANGUAGE_CODE", "vi")
        if user.email:
            user.email = user.email.lower()
        else:
            user.email = None
        if commit:
            user.save()
        return user
