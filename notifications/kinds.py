"""The kinds of message the portal sends, with the label people read on the settings page.

A kind is the slug passed to ``notify(kind=...)`` and the folder of its templates
(``templates/notifications/<kind>/subject.txt``, ``body.txt`` and, optionally, a short
``sms.txt``). The app that sends a kind adds it here; a kind listed before its job exists
is simply never sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class Audience(StrEnum):
    EVERYONE = "everyone"
    WORKERS = "workers"
    STAFF = "staff"


@dataclass(frozen=True)
class Kind:
    slug: str
    label: Promise
    audience: Audience = Audience.EVERYONE

    def concerns(self, user: User) -> bool:
        if self.audience == Audience.STAFF:
            return user.is_staff_member
        if self.audience == Audience.WORKERS:
            return not user.is_staff_member
        return True


KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in [
        Kind("welcome", _("Welcome, when your account is opened")),
        Kind("fair-reminder", _("Job fairs you registered for, the day before"), Audience.WORKERS),
        Kind("fair-promoted", _("A place at a job fair frees up for you"), Audience.WORKERS),
        Kind(
            "fair-changed",
            _("A job fair you registered for changes its time or place"),
            Audience.WORKERS,
        ),
        Kind("fair-cancelled", _("A job fair you registered for is cancelled"), Audience.WORKERS),
        Kind(
            "document-expiring",
            _("Documents that expire before your departure"),
            Audience.WORKERS,
        ),
        Kind(
            "document-reviewed",
            _("A counsellor checked a document you sent (verified or returned)"),
            Audience.WORKERS,
        ),
        Kind(
            "personal-id-removed",
            _("A counsellor took a personal ID number off your file"),
            Audience.WORKERS,
        ),
        Kind(
            "province-transfer-asked",
            _("An office asks to take over your file because you moved"),
            Audience.WORKERS,
        ),
        Kind("eps-deposit-deadline", _("Korea EPS deposit deadlines"), Audience.WORKERS),
        Kind("support-decision", _("Decisions on your support applications"), Audience.WORKERS),
        Kind("complaint-outcome", _("The outcome of a complaint you made"), Audience.WORKERS),
        Kind("follow-up-due", _("Follow-ups due and overdue"), Audience.STAFF),
        Kind("contract-ending", _("Contracts ending: return follow-up"), Audience.STAFF),
        Kind("return-overdue", _("Returns overdue in your province"), Audience.STAFF),
        Kind("application-waiting", _("Applications waiting too long"), Audience.STAFF),
        Kind("notice-schedule", _("Notices to publish or expire"), Audience.STAFF),
        Kind("weekly-summary", _("Weekly summary for managers"), Audience.STAFF),
        Kind(
            "province-transfer",
            _("Files handed between provinces: asked, moved, declined"),
            Audience.STAFF,
        ),
        Kind(
            "help-request-update",
            _("News of your help request from abroad"),
            Audience.WORKERS,
        ),
        Kind("help-request-new", _("Help requests from abroad"), Audience.STAFF),
        Kind(
            "help-request-overdue",
            _("Help requests from abroad past the first-contact deadline"),
            Audience.STAFF,
        ),
    ]
}


def kinds_for(user: User) -> list[Kind]:
    """The kinds that can reach this person, in the order above."""
    return [kind for kind in KINDS.values() if kind.concerns(user)]
