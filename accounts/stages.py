"""Sign-in stages of allauth, adjusted for the portal."""

from __future__ import annotations

from typing import Any

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.email_verification import send_verification_email_at_login
from allauth.account.stages import EmailVerificationStage
from allauth.account.utils import has_verified_email


class SignupEmailVerificationStage(EmailVerificationStage):
    """A sign-up by email waits for the email to be confirmed, whether or not the address
    already has an account (security review, finding 4).

    allauth hides an existing address at sign-up only with mandatory verification; the
    portal keeps verification optional for sign-in (workers who sign up by phone have no
    email to verify), and makes it mandatory at sign-up by email alone: a new account and a
    taken address then both end on "we sent you an email", and only the address's owner
    learns which (an "account already exists" email, or the confirmation link).
    """

    def handle(self) -> tuple[Any, bool]:
        login = self.login
        email = login.email or (getattr(login.user, "email", None) if login.user else None)
        phone = login.phone or (getattr(login.user, "phone", None) if login.user else None)
        if (
            login.signup
            and email
            # With a phone number, the number's code is the sign-up's proof (and a taken
            # address was left out of the account by SignupForm.try_save).
            and not phone
            and login.email_verification == app_settings.EmailVerificationMethod.OPTIONAL
            and not has_verified_email(login.user, email)
        ):
            send_verification_email_at_login(self.request, login)
            return get_adapter().respond_email_verification_sent(self.request, login.user), True
        return super().handle()
