"""Places at a fair: register, cancel, the waitlist served in order, and the reminders."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.text import fold
from fairs import selectors
from fairs.models import Fair, FairEvent, Registration
from fairs.services.checkin import _check_in
from fairs.services.common import (
    EDITABLE,
    InvalidTransition,
    RegistrationRefused,
    RegStatus,
    Status,
    _event,
    _fair_context,
    _locked_fair,
    _ticket_link,
    _when,
)
from fairs.tickets import new_code
from notifications.services import notify

if TYPE_CHECKING:
    from accounts.models import Commune


@dataclass(frozen=True)
class Registered:
    registration: Registration
    #: False when the person already had a live registration: nothing was written.
    created: bool


def _refuse_registration(fair: Fair, now: datetime.datetime, *, walk_in: bool) -> None:
    if fair.status == Status.CANCELLED:
        raise RegistrationRefused(
            _("This fair was cancelled: %(reason)s") % {"reason": fair.cancel_reason}
        )
    if fair.status == Status.CLOSED:
        raise RegistrationRefused(_("This fair is closed: registration has ended."))
    if fair.status != Status.PUBLISHED:
        raise RegistrationRefused(_("This fair is not open for registration yet."))
    if walk_in:
        # The centre registers people at the door until the fair ends.
        if now >= fair.ends_at:
            raise RegistrationRefused(_("This fair is over."))
    elif now >= fair.closes_at:
        raise RegistrationRefused(
            _("Registration closed at %(when)s. Ask the centre whether you can still come.")
            % {"when": _when(fair.closes_at)}
        )


def _save_with_code(registration: Registration) -> None:
    # Codes are random; a clash with an existing one is retried in a savepoint.
    for _attempt in range(8):
        registration.code = new_code()
        if (
            Registration.objects.unscoped("a ticket code is unique across every fair")
            .filter(code=registration.code)
            .exists()
        ):
            continue
        try:
            with transaction.atomic():
                registration.save()
            return
        except IntegrityError:
            if (
                Registration.objects.unscoped("a ticket code is unique across every fair")
                .filter(code=registration.code)
                .exists()
            ):
                continue
            raise
    raise RuntimeError("Could not find a free ticket code.")


def registration_create(
    *,
    fair_id: int,
    actor: User,
    worker: User | None = None,
    name: str = "",
    phone: str = "",
    commune: Commune | None = None,
    walk_in: bool = False,
    check_in: bool = False,
    now: datetime.datetime | None = None,
) -> Registered:
    """A place at the fair, or a place on its waitlist when it is full; never more tickets
    than places. Registering someone already registered returns their registration.

    A walk-in (registered by the centre) without an account is joined to the worker account
    that holds the same phone number, if there is one. `check_in` checks them in at once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        fair = _locked_fair(fair_id)
        _refuse_registration(fair, now, walk_in=walk_in)
        if worker is None and phone and fair.province_id is not None:
            # Only a worker of the fair's own province: a phone number typed at the door
            # must not reach into another province's files (security review, finding 3).
            # Anyone else becomes a new contact of this fair.
            worker = User.objects.filter(
                phone=phone, role=Role.WORKER, province_id=fair.province_id
            ).first()
        if worker is not None:
            name = name or worker.name
            phone = phone or worker.phone or ""
            if commune is None:
                commune = _worker_commune(worker)
        live = (
            Registration.objects.unscoped("a service: the caller checked the fair's province")
            .filter(fair=fair)
            .exclude(status=RegStatus.CANCELLED)
        )
        found = live.filter(worker=worker).first() if worker is not None else None
        if found is None and phone:
            found = live.filter(phone=phone).first()
        if found is not None:
            if worker is not None and found.worker_id is None:
                # The person was registered at the door before they had an account.
                found.worker = worker
                found.save(update_fields=["worker"])
            if check_in and found.status == RegStatus.REGISTERED and not found.is_checked_in:
                found = _check_in(fair, found, actor=actor, now=now)
            return Registered(found, created=False)
        full = selectors.places_taken(fair) >= fair.capacity
        registration = Registration(
            fair=fair,
            worker=worker,
            name=name.strip(),
            phone=phone,
            commune=commune,
            search_name=fold(name),
            status=RegStatus.WAITLISTED if full else RegStatus.REGISTERED,
            source=Registration.Source.WALK_IN if walk_in else Registration.Source.ONLINE,
            registered_by=actor,
            created_at=now,
            waitlisted_at=now if full else None,
        )
        _save_with_code(registration)
        _event(
            fair,
            FairEvent.Action.REGISTRATION,
            registration.status,
            registration=registration,
            actor=actor,
            at=now,
            reason=registration.get_source_display(),
        )
        if check_in and not full:
            registration = _check_in(fair, registration, actor=actor, now=now)
    return Registered(registration, created=True)


def _worker_commune(worker: User) -> Commune | None:
    profile = getattr(worker, "worker_profile", None)
    return profile.commune if profile is not None else None


def registration_cancel(
    *, registration_id: int, actor: User, reason: str = "", now: datetime.datetime | None = None
) -> Registration:
    """Give up a place (or a waitlist place) before the fair starts; the first person
    waiting gets the freed place and is told."""
    now = now or timezone.now()
    with transaction.atomic():
        fair_id = (
            Registration.objects.unscoped("a service: the caller checked the ticket")
            .values_list("fair_id", flat=True)
            .get(pk=registration_id)
        )
        fair = _locked_fair(fair_id)
        registration = (
            Registration.objects.unscoped("a service: the caller checked the ticket")
            .select_for_update()
            .get(pk=registration_id)
        )
        if registration.status == RegStatus.CANCELLED:
            raise InvalidTransition(_("This registration is already cancelled."))
        if registration.is_checked_in:
            raise InvalidTransition(_("This person has already come to the fair."))
        if now >= fair.starts_at:
            raise InvalidTransition(
                _("The fair has started: registrations can no longer be cancelled.")
            )
        if fair.status not in EDITABLE:
            raise InvalidTransition(
                _("This fair is “%(status)s”: nothing to cancel.")
                % {"status": fair.get_status_display()}
            )
        previous = registration.status
        registration.status = RegStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        _event(
            fair,
            FairEvent.Action.REGISTRATION,
            RegStatus.CANCELLED,
            from_=previous,
            registration=registration,
            actor=actor,
            reason=reason.strip(),
            at=now,
        )
        if previous == RegStatus.REGISTERED:
            _promote(fair, actor=actor, now=now)
    return registration


def _promote(fair: Fair, *, actor: User | None, now: datetime.datetime) -> list[Registration]:
    """Fill free places from the waitlist, first come first served; the fair row is locked."""
    if fair.status != Status.PUBLISHED or now >= fair.starts_at:
        return []
    free = fair.capacity - selectors.places_taken(fair)
    if free <= 0:
        return []
    waiting = list(
        Registration.objects.unscoped("waitlist of a fair locked by the service")
        .select_for_update()
        .filter(fair=fair, status=RegStatus.WAITLISTED)
        .order_by("waitlisted_at", "pk")[:free]
    )
    for registration in waiting:
        registration.status = RegStatus.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        _event(
            fair,
            FairEvent.Action.REGISTRATION,
            RegStatus.REGISTERED,
            from_=RegStatus.WAITLISTED,
            registration=registration,
            actor=actor,
            reason=_("A place became free"),
            at=now,
        )
        if registration.worker_id is not None:
            notify(
                recipient=registration.worker,
                kind="fair-promoted",
                key=f"fair-promoted:{registration.pk}",
                context=_fair_context(fair, registration),
                link=_ticket_link(registration),
            )
    return waiting


# --- Reminders ------------------------------------------------------------------------


def reminders_due(*, day: datetime.date, now: datetime.datetime | None = None) -> list[int]:
    """The registrations to remind of the fairs on `day` that have not started yet."""
    return list(
        selectors.registrations_to_remind(day)
        .filter(fair__starts_at__gt=now or timezone.now())
        .values_list("pk", flat=True)
    )


def reminders_send(*, day: datetime.date, ids: Sequence[int] | None = None) -> int:
    """Remind every registered worker of the fairs on `day` (of the registrations `ids`
    only, when given: one chunk of a fanned-out job); a second run sends nothing new (each
    reminder's key names the ticket and the day)."""
    count = 0
    registrations = selectors.registrations_to_remind(day)
    if ids is not None:
        registrations = registrations.filter(pk__in=list(ids))
    for registration in registrations:
        with transaction.atomic():
            notify(
                recipient=registration.worker,  # type: ignore[arg-type]  # a registration with a ticket always has its worker
                kind="fair-reminder",
                key=f"fair-reminder:{registration.pk}:{day.isoformat()}",
                context=_fair_context(registration.fair, registration),
                link=_ticket_link(registration),
            )
        count += 1
    return count
