"""`|date`, written out for the portal's own formats: day, month, year, hour and minute.

Django's filter formats a date one character at a time through a formatter object (about
24 µs a date). A case page shows thirty to forty dates (its timeline, follow-ups and
documents), which cost it 0.8 ms. The portal's formats (mrc/formats: "d/m/Y",
"H:i d/m/Y", in both languages) use only `d`, `m`, `Y`, `H` and `i`, each a number with
leading zeros: those are written here as Django writes them. Any other format, a value
that is not a date, or a time asked of a date without one, goes to Django's filter, so
every answer is Django's (tests/accounts/test_plain_dates.py compares them).

A builtin (settings.TEMPLATES), so it stands for Django's `|date` in every template.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.formats import get_format

register = template.Library()

#: Django's dateformat: d, m, H and i as "%02d", Y as "%04d".
_NUMBERS = {
    "d": "{0.day:02d}",
    "m": "{0.month:02d}",
    "Y": "{0.year:04d}",
    "H": "{0.hour:02d}",
    "i": "{0.minute:02d}",
}


@lru_cache(maxsize=64)
def _written(format_string: str) -> tuple[str, bool] | None:
    """The format as a str.format() template, and whether it shows a time; None when it
    holds anything but those five letters and punctuation (another letter, a digit, an
    escaping backslash)."""
    pieces = []
    for char in format_string:
        if char in _NUMBERS:
            pieces.append(_NUMBERS[char])
        elif char.isalnum() or char == "\\":
            return None
        else:
            pieces.append(char * 2 if char in "{}" else char)
    return "".join(pieces), any(char in "Hi" for char in format_string)


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    """Django's `|date` (same arguments, same answers)."""
    if isinstance(value, datetime.date):  # a datetime is a date too
        written = _written(get_format(arg or "DATE_FORMAT"))
        if written is not None and (isinstance(value, datetime.datetime) or not written[1]):
            return written[0].format(value)
    return django_date(value, arg)
