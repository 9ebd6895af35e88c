"""Vietnamese mobile numbers: typed any common way, stored as E.164 (+84…)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Mobile prefixes since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
MOBILE_PREFIXES = ("3", "5", "7", "8", "9")


def normalize_phone(raw: str) -> str:
    """+84XXXXXXXXX for a Vietnamese mobile number typed as 09…, 84…, +84… or with spaces."""
    text = "".join(ch for ch in raw.strip() if ch.isdigit() or ch == "+")
    if text.startswith("84") and len(text) == 11:
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("Enter a mobile number of 10 digits starting with 0, for example 0912 345 678."),
            code="invalid_phone",
        ) from None
    national = str(number.national_number)
    if (
        number.country_code != 84
        or len(national) != 9
        or not national.startswith(MOBILE_PREFIXES)
        or not phonenumbers.is_valid_number(number)
    ):
        raise ValidationError(
            _("Enter a mobile number of 10 digits starting with 0, for example 0912 345 678."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_national(e164: str) -> str:
    """0912 345 678 for +84912345678, as people write it."""
    if not e164.startswith("+84") or len(e164) != 12:
        return e164
    digits = "0" + e164[3:]
    return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
