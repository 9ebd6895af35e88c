"""Checks shared by the forms of every app, on values a person types."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def plausible_date(value: datetime.date | datetime.datetime) -> None:
    """Refuse a year no one at the centre means (0202 for 2025, 9999 for "no end").

    Beyond refusing typos, this keeps the edges of the calendar away from the code: a time on
    1 January of year 1 in Vietnam is still year 0 in UTC, which Python cannot hold, and the
    day after 31 December 9999 does not exist; both were server errors.
    """
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Check the year: the date must be between %(earliest)s and %(latest)s."),
            code="implausible_date",
            params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )
