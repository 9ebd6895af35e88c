from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.selectors import Preferences


class PreferencesForm(forms.Form):
    email = forms.BooleanField(label=_("Also send me messages by email"), required=False)
    sms = forms.BooleanField(label=_("Also send me messages by text message (SMS)"), required=False)

    def __init__(self, *args: Any, preferences: Preferences, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "email": preferences.email and preferences.can_email,
                "sms": preferences.sms and preferences.can_sms,
            },
        )
        super().__init__(*args, **kwargs)
        # A channel the person cannot receive is shown, switched off, with what to do.
        if not preferences.can_email:
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _(
                "Add an email address to your account first (My account)."
            )
        if not preferences.can_sms:
            self.fields["sms"].disabled = True
            self.fields["sms"].help_text = _(
                "Add a phone number to your account first (My account)."
            )
