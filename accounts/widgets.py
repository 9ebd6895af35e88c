"""Date and time inputs written the Vietnamese way, whatever the browser's language.

Not ``<input type="date">``: a browser draws that in its own language and order, so a phone
or a computer set to English shows "mm/dd/yyyy" on a Vietnamese page, and a worker who
types 05/06 means June while the browser reads May. These are text inputs the page fills
and reads as dd/mm/yyyy (and dd/mm/yyyy hh:mm); the server also accepts yyyy-mm-dd and the
other forms in ``mrc/formats/vi/formats.py``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import pgettext_lazy

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        shown = {
            "placeholder": pgettext_lazy("date input", "dd/mm/yyyy"),
            "autocomplete": "off",
            "maxlength": "10",
            "data-input": "date",
        }
        super().__init__(attrs={**shown, **(attrs or {})}, format=DATE_FORMAT)


class DateTimeInput(forms.DateTimeInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        shown = {
            "placeholder": pgettext_lazy("date and time input", "dd/mm/yyyy hh:mm"),
            "autocomplete": "off",
            "maxlength": "16",
            "data-input": "datetime",
        }
        super().__init__(attrs={**shown, **(attrs or {})}, format=DATETIME_FORMAT)
