"""What every fair service shares: the refusals, the event log, the fair-row lock."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.transitions import TransitionRefused
from fairs import transitions
from fairs.models import Fair, FairEvent, Registration

Status = Fair.Status
RegStatus = Registration.Status
EDITABLE = transitions.EDITABLE


class FairError(Exception):
    """A refusal people can read: the message says what happened and what to do."""


class InvalidTransition(FairError, TransitionRefused):
    pass


class StaleFair(FairError):
    pass


class NotLicensed(FairError):
    pass


class RegistrationRefused(FairError):
    pass


class NeedsConfirmation(FairError):
    """The move may be right but looks wrong: ``warnings`` say why; confirm to go on."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(" ".join(warnings))
        self.warnings = warnings


class CheckInRefused(FairError):
    """The door says no; ``outcome`` tells the page which case it is."""

    UNKNOWN = "unknown"
    OTHER_FAIR = "other_fair"
    ALREADY = "already"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    NOT_OPEN = "not_open"

    def __init__(self, message: str, outcome: str, registration: Registration | None = None):
        super().__init__(message)
        self.outcome = outcome
        self.registration = registration


def _time(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "H:i")


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _event(
    fair: Fair,
    action: str,
    to: str,
    *,
    actor: User | None,
    from_: str = "",
    registration: Registration | None = None,
    registration_id: int | None = None,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> FairEvent:
    return FairEvent.objects.create(
        fair=fair,
        action=action,
        registration_id=registration.pk if registration is not None else registration_id,
        from_status=from_,
        to_status=to,
        actor=actor,
        at=at or timezone.now(),
        reason=reason[:300],
    )


def _locked_fair(fair_id: int) -> Fair:
    return (
        Fair.objects.unscoped("a service: the caller checked the fair's province")
        .select_for_update()
        .get(pk=fair_id)
    )


def _refuse_status(fair: Fair, allowed: tuple[str, ...], message: str) -> None:
    """Raise `message` (which names the fair's status as %(status)s) unless it is allowed."""
    if fair.status not in allowed:
        raise InvalidTransition(message % {"status": fair.get_status_display()})


def _not_editable() -> str:
    return _("This fair is “%(status)s”: it can no longer be changed.")


def _no_outcomes() -> str:
    return _(
        "Interviews and offers are recorded once the fair is published; this one is “%(status)s”."
    )


def _ticket_link(registration: Registration) -> str:
    return reverse("fairs:ticket", args=[registration.pk])


def _fair_context(fair: Fair, registration: Registration) -> dict[str, Any]:
    return {"fair": fair, "registration": registration, "place": place_text(fair)}


def place_text(fair: Fair) -> str:
    """Where the fair is, in one line: address and commune, or the online link."""
    parts = [part for part in [fair.address, str(fair.commune or "")] if part]
    if not parts and fair.online_url:
        return fair.online_url
    return ", ".join(parts)
