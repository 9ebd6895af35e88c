"""The door: a ticket holder is let in once."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from fairs.models import Fair, FairEvent, Registration
from fairs.services.common import CheckInRefused, RegStatus, Status, _event, _time
from fairs.tickets import normalise_code


def _check_in(
    fair: Fair, registration: Registration, *, actor: User, now: datetime.datetime
) -> Registration:
    if fair.status != Status.PUBLISHED or timezone.localdate(now) < fair.day:
        raise CheckInRefused(
            _("Check-in opens on the day of the fair, while it is published."),
            CheckInRefused.NOT_OPEN,
            registration,
        )
    if registration.status == RegStatus.CANCELLED:
        raise CheckInRefused(
            _(
                "Ticket %(code)s (%(name)s) was cancelled. Register the person again if "
                "there is room."
            )
            % {"code": registration.code, "name": registration.name},
            CheckInRefused.CANCELLED,
            registration,
        )
    if registration.status == RegStatus.WAITLISTED:
        raise CheckInRefused(
            _("%(name)s (%(code)s) is on the waitlist and has no place yet.")
            % {"code": registration.code, "name": registration.name},
            CheckInRefused.WAITLISTED,
            registration,
        )
    # A conditional update: two door keepers scanning the same ticket at once check it in
    # once, whatever the database.
    claimed = (
        Registration.objects.unscoped("the door keeper's fair, checked by the view")
        .filter(pk=registration.pk, status=RegStatus.REGISTERED, checked_in_at__isnull=True)
        .update(checked_in_at=now, checked_in_by=actor)
    )
    if not claimed:
        registration = (
            Registration.objects.unscoped("the door keeper's fair, checked by the view")
            .select_related("checked_in_by")
            .get(pk=registration.pk)
        )
        raise CheckInRefused(
            _("%(name)s (%(code)s) is already checked in: at %(time)s by %(by)s.")
            % {
                "name": registration.name,
                "code": registration.code,
                "time": _time(registration.checked_in_at) if registration.checked_in_at else "?",
                "by": registration.checked_in_by or "?",
            },
            CheckInRefused.ALREADY,
            registration,
        )
    registration.checked_in_at = now
    registration.checked_in_by = actor
    _event(
        fair,
        FairEvent.Action.CHECK_IN,
        "checked_in",
        registration=registration,
        actor=actor,
        at=now,
    )
    return registration


def check_in(
    *,
    fair_id: int,
    actor: User,
    code: str = "",
    registration_id: int | None = None,
    now: datetime.datetime | None = None,
) -> Registration:
    """Let a ticket holder in, once: by the code a scanner typed, or by the registration a
    door keeper picked from a search. Raises CheckInRefused saying why not."""
    now = now or timezone.now()
    with transaction.atomic():
        if registration_id is not None:
            # Only this fair's: any other id answers as unknown, so looping over ids at
            # the door reveals no ticket of any other fair (security review, finding 8).
            registration = (
                Registration.objects.unscoped("the door keeper's fair, checked by the view")
                .filter(pk=registration_id, fair_id=fair_id)
                .first()
            )
            if registration is None:
                raise CheckInRefused(
                    _("This person is not on this fair's list. Search again by name or phone."),
                    CheckInRefused.UNKNOWN,
                )
        else:
            normalised = normalise_code(code)
            registration = (
                Registration.objects.unscoped("a code typed at the door; its fair is checked below")
                .filter(code=normalised)
                .select_related("fair")
                .first()
                if normalised
                else None
            )
        if registration is None:
            raise CheckInRefused(
                _("No ticket has the code “%(code)s”. Check the code, or search by name or phone.")
                % {"code": code.strip()[:20]},
                CheckInRefused.UNKNOWN,
            )
        if registration.fair_id != fair_id:
            if not Fair.objects.for_check_in(actor).filter(pk=registration.fair_id).exists():
                # A fair this door keeper cannot see: as if the code did not exist.
                raise CheckInRefused(
                    _(
                        "No ticket has the code “%(code)s”. Check the code, or search by "
                        "name or phone."
                    )
                    % {"code": code.strip()[:20]},
                    CheckInRefused.UNKNOWN,
                )
            raise CheckInRefused(
                _("This ticket is for another job fair, not this one."),
                CheckInRefused.OTHER_FAIR,
            )
        fair = Fair.objects.unscoped("the door keeper's fair, checked by the view").get(pk=fair_id)
        return _check_in(fair, registration, actor=actor, now=now)
