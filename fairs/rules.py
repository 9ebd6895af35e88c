"""Pure decisions of the job-fair app: no ORM writes."""

from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from markets.models import Enterprise, LicenceStatus
from markets.selectors import enterprise_may_recruit


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def licence_problem(enterprise: Enterprise, day: datetime.date) -> str | None:
    """Why the enterprise may not recruit at a fair on `day`, in words; None if it may.

    The decision is the markets app's (`enterprise_may_recruit`); this only explains it.
    """
    if enterprise_may_recruit(enterprise, day):
        return None
    name = enterprise.name
    if enterprise.licence_issued_on and day < enterprise.licence_issued_on:
        return _("%(name)s: its licence starts on %(start)s, after the fair.") % {
            "name": name,
            "start": _day(enterprise.licence_issued_on),
        }
    if enterprise.revoked_on and day >= enterprise.revoked_on:
        return _("%(name)s: its licence was revoked on %(day)s.") % {
            "name": name,
            "day": _day(enterprise.revoked_on),
        }
    if enterprise.status == LicenceStatus.REVOKED:
        return _("%(name)s: its licence has been revoked.") % {"name": name}
    if enterprise.suspended_from:
        if enterprise.suspended_until:
            return _("%(name)s: its licence is suspended from %(start)s to %(end)s.") % {
                "name": name,
                "start": _day(enterprise.suspended_from),
                "end": _day(enterprise.suspended_until),
            }
        return _("%(name)s: its licence is suspended from %(start)s.") % {
            "name": name,
            "start": _day(enterprise.suspended_from),
        }
    if enterprise.status == LicenceStatus.SUSPENDED:
        return _("%(name)s: its licence is suspended.") % {"name": name}
    return _("%(name)s: its licence does not allow recruiting on the day of the fair.") % {
        "name": name
    }


def publish_warnings(
    *, starts_at: datetime.datetime, enterprise_count: int, now: datetime.datetime
) -> list[str]:
    """What a counsellor should see before publishing a fair, which they may still confirm:
    a start already past (workers cannot come on time), no enterprise (nobody to meet)."""
    warnings = []
    if starts_at <= now:
        warnings.append(
            _("This fair started already: workers who register now cannot come on time.")
        )
    if enterprise_count == 0:
        warnings.append(
            _("No enterprise takes part yet: workers would come and find nobody to meet.")
        )
    return warnings
