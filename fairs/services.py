"""The only writers of the job-fair app. Each service is one transaction.

Transitions lock the fair row (``select_for_update``), check the allowed previous states,
save with ``update_fields`` and write a ``FairEvent`` (who, when, from, to, why).

Capacity: every service that gives or frees a place locks the fair row first and counts
the places taken under that lock, so a rush of registrations never hands out more tickets
than places. Locks are always taken fair first, registration second, so two services
never wait on each other in opposite orders.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.text import fold
from accounts.transitions import TransitionRefused
from fairs import rules, selectors, transitions
from fairs.models import (
    Fair,
    FairEvent,
    Interview,
    JobOrder,
    Participation,
    Registration,
)
from fairs.tickets import new_code, normalise_code
from markets.models import Enterprise
from notifications.services import notify
from workers import services as worker_services
from workers.models import Case

if TYPE_CHECKING:
    from accounts.models import Commune, Province

Status = Fair.Status
RegStatus = Registration.Status

#: Fields a fair's form may change, with the status moves kept to their own services.
FAIR_FIELDS = [
    "title",
    "description",
    "starts_at",
    "ends_at",
    "commune",
    "address",
    "online_url",
    "capacity",
    "registration_deadline",
]
EDITABLE = transitions.EDITABLE
FOLLOW_UP_DAYS = 7


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
    return Fair.objects.select_for_update().get(pk=fair_id)


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


def _check_licences(fair: Fair, day: datetime.date) -> None:
    problems = [
        problem
        for participation in fair.participations.select_related("enterprise")
        if (problem := rules.licence_problem(participation.enterprise, day))
    ]
    if problems:
        raise NotLicensed(
            _("These enterprises may not recruit on the day of the fair: %(list)s")
            % {"list": " ".join(problems)}
        )


# --- The fair -------------------------------------------------------------------------


@transaction.atomic
def fair_create(*, actor: User, province: Province, values: dict[str, Any]) -> Fair:
    """A new fair, as a draft nobody outside the centre sees yet."""
    fair = Fair(province=province, created_by=actor, status=Status.DRAFT)
    for name in FAIR_FIELDS:
        if name in values:
            setattr(fair, name, values[name])
    fair.save()
    _event(fair, FairEvent.Action.FAIR, Status.DRAFT, actor=actor, reason=_("Created"))
    return fair


def fair_update(
    *, fair_id: int, actor: User, expected_version: int, values: dict[str, Any]
) -> Fair:
    """Change a draft or published fair; more places serve the waitlist in order."""
    with transaction.atomic():
        fair = _locked_fair(fair_id)
        if fair.version != expected_version:
            raise StaleFair(
                _(
                    "Someone else changed this fair while you were typing. Here are the "
                    "latest details: check them and save again."
                )
            )
        _refuse_status(fair, EDITABLE, _not_editable())
        taken = selectors.places_taken(fair)
        if values.get("capacity") is not None and values["capacity"] < taken:
            raise FairError(
                _(
                    "%(n)s people already hold a ticket: the fair needs at least %(n)s places. "
                    "Cancel registrations first if places must go."
                )
                % {"n": taken}
            )
        changed = [
            name for name in FAIR_FIELDS if name in values and getattr(fair, name) != values[name]
        ]
        for name in changed:
            setattr(fair, name, values[name])
        if "starts_at" in changed:
            _check_licences(fair, fair.day)
        fair.version += 1
        fair.updated_at = timezone.now()
        fair.save(update_fields=[*changed, "version", "updated_at"])
        _event(
            fair,
            FairEvent.Action.FAIR,
            fair.status,
            from_=fair.status,
            actor=actor,
            reason=_("Changed: %(fields)s")
            % {
                "fields": ", ".join(str(Fair._meta.get_field(n).verbose_name) for n in changed)  # type: ignore[union-attr]  # the changed names are concrete fields, never reverse relations
                or "-"
            },
        )
        if fair.status == Status.PUBLISHED:
            _promote(fair, actor=actor, now=timezone.now())
            if set(changed) & WHEN_AND_WHERE:
                _tell_of_change(fair)
    return fair


#: The changes the people registered must hear about: they may travel far to come.
WHEN_AND_WHERE = {"starts_at", "ends_at", "commune", "address", "online_url"}


def _tell_of_change(fair: Fair) -> None:
    fair = Fair.objects.select_related("commune").get(pk=fair.pk)
    people = Registration.objects.filter(
        fair=fair,
        status__in=[RegStatus.REGISTERED, RegStatus.WAITLISTED],
        worker__isnull=False,
        worker__is_active=True,
    ).select_related("worker")
    for registration in people:
        notify(
            recipient=registration.worker,
            kind="fair-changed",
            # One message per version of the fair: a second change is news again.
            key=f"fair-changed:{registration.pk}:{fair.version}",
            context=_fair_context(fair, registration),
            link=_ticket_link(registration),
        )


def fair_publish(
    *, fair_id: int, actor: User, now: datetime.datetime | None = None, confirmed: bool = False
) -> Fair:
    """Open a draft to the public and to registrations. A start already past or no
    enterprise raises NeedsConfirmation unless the counsellor confirmed."""
    now = now or timezone.now()
    with transaction.atomic():
        fair = _locked_fair(fair_id)
        _refuse_status(
            fair,
            transitions.sources(Status.PUBLISHED),
            _("Only a draft can be published; this fair is “%(status)s”."),
        )
        if fair.ends_at <= now:
            raise InvalidTransition(_("This fair is already over: change its dates first."))
        _check_licences(fair, fair.day)
        warnings = rules.publish_warnings(
            starts_at=fair.starts_at, enterprise_count=fair.participations.count(), now=now
        )
        if warnings and not confirmed:
            raise NeedsConfirmation(warnings)
        fair.status = Status.PUBLISHED
        fair.version += 1
        fair.updated_at = now
        fair.save(update_fields=["status", "version", "updated_at"])
        _event(
            fair, FairEvent.Action.FAIR, Status.PUBLISHED, from_=Status.DRAFT, actor=actor, at=now
        )
    return fair


def fair_close(*, fair_id: int, actor: User, reason: str = "") -> Fair:
    """The fair is over: no more registrations or check-ins; outcomes may still be entered."""
    with transaction.atomic():
        fair = _locked_fair(fair_id)
        _refuse_status(
            fair,
            transitions.sources(Status.CLOSED),
            _("Only a published fair can be closed; this fair is “%(status)s”."),
        )
        fair.status = Status.CLOSED
        fair.version += 1
        fair.updated_at = timezone.now()
        fair.save(update_fields=["status", "version", "updated_at"])
        _event(
            fair,
            FairEvent.Action.FAIR,
            Status.CLOSED,
            from_=Status.PUBLISHED,
            actor=actor,
            reason=reason.strip(),
        )
    return fair


def fair_cancel(*, fair_id: int, actor: User, reason: str) -> Fair:
    """Call the fair off, with a reason, and tell everyone registered or waiting at once."""
    reason = reason.strip()
    if not reason:
        raise FairError(_("Say why the fair is cancelled: the people registered will read it."))
    with transaction.atomic():
        fair = _locked_fair(fair_id)
        _refuse_status(
            fair,
            transitions.sources(Status.CANCELLED),
            _("This fair is “%(status)s”: it can no longer be cancelled."),
        )
        previous = fair.status
        fair.status = Status.CANCELLED
        fair.cancel_reason = reason[:300]
        fair.version += 1
        fair.updated_at = timezone.now()
        fair.save(update_fields=["status", "cancel_reason", "version", "updated_at"])
        _event(
            fair,
            FairEvent.Action.FAIR,
            Status.CANCELLED,
            from_=previous,
            actor=actor,
            reason=reason,
        )
        fair = Fair.objects.select_related("commune").get(pk=fair.pk)
        people = (
            Registration.objects.filter(
                fair=fair, status__in=[RegStatus.REGISTERED, RegStatus.WAITLISTED]
            )
            .filter(worker__isnull=False, worker__is_active=True)
            .select_related("worker")
        )
        for registration in people:
            # The notices are written in this transaction and sent once it commits.
            notify(
                recipient=registration.worker,
                kind="fair-cancelled",
                key=f"fair-cancelled:{registration.pk}",
                context=_fair_context(fair, registration),
                link=_ticket_link(registration),
            )
    return fair


# --- Enterprises and job orders -------------------------------------------------------


def participation_add(*, fair_id: int, enterprise: Enterprise, actor: User) -> Participation:
    """An enterprise joins the fair, if its licence lets it recruit on the fair's day."""
    with transaction.atomic():
        fair = _locked_fair(fair_id)
        _refuse_status(fair, EDITABLE, _not_editable())
        problem = rules.licence_problem(enterprise, fair.day)
        if problem:
            raise NotLicensed(
                _("%(problem)s Only licensed enterprises may take part.") % {"problem": problem}
            )
        if Participation.objects.filter(fair=fair, enterprise=enterprise).exists():
            raise FairError(
                _("%(name)s already takes part in this fair.") % {"name": enterprise.name}
            )
        participation = Participation.objects.create(
            fair=fair, enterprise=enterprise, added_by=actor
        )
        _event(fair, FairEvent.Action.ENTERPRISE, "added", actor=actor, reason=enterprise.name)
    return participation


def participation_remove(*, participation_id: int, actor: User) -> None:
    """Take an enterprise off the fair, unless it already interviewed someone there."""
    with transaction.atomic():
        participation = Participation.objects.select_related("enterprise").get(pk=participation_id)
        fair = _locked_fair(participation.fair_id)
        _refuse_status(fair, EDITABLE, _not_editable())
        if participation.interviews.exists():
            raise FairError(
                _("%(name)s already held interviews at this fair: it stays on the list.")
                % {"name": participation.enterprise.name}
            )
        participation.delete()
        _event(
            fair,
            FairEvent.Action.ENTERPRISE,
            "removed",
            actor=actor,
            reason=participation.enterprise.name,
        )


def job_order_add(*, participation_id: int, actor: User, values: dict[str, Any]) -> JobOrder:
    """A job order of an enterprise at the fair; its wages are in the market's currency."""
    with transaction.atomic():
        participation = Participation.objects.get(pk=participation_id)
        fair = _locked_fair(participation.fair_id)
        _refuse_status(fair, EDITABLE, _not_editable())
        market = values["market"]
        programme = values.get("programme")
        if programme is not None and programme.market_id != market.pk:
            raise FairError(_("This programme belongs to another market."))
        order = JobOrder.objects.create(
            participation=participation,
            market=market,
            programme=programme,
            occupation=values["occupation"],
            vacancies=values["vacancies"],
            wage_min=values.get("wage_min"),
            wage_max=values.get("wage_max"),
            wage_currency=market.currency,
            requirements=values.get("requirements", ""),
        )
    return order


def job_order_remove(*, job_order_id: int, actor: User) -> None:
    with transaction.atomic():
        order = JobOrder.objects.select_related("participation").get(pk=job_order_id)
        fair = _locked_fair(order.participation.fair_id)
        _refuse_status(fair, EDITABLE, _not_editable())
        order.delete()


# --- Registrations --------------------------------------------------------------------


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
        if Registration.objects.filter(code=registration.code).exists():
            continue
        try:
            with transaction.atomic():
                registration.save()
            return
        except IntegrityError:
            if Registration.objects.filter(code=registration.code).exists():
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
        live = Registration.objects.filter(fair=fair).exclude(status=RegStatus.CANCELLED)
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
        fair_id = Registration.objects.values_list("fair_id", flat=True).get(pk=registration_id)
        fair = _locked_fair(fair_id)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
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
        Registration.objects.select_for_update()
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


# --- Check-in -------------------------------------------------------------------------


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
    claimed = Registration.objects.filter(
        pk=registration.pk, status=RegStatus.REGISTERED, checked_in_at__isnull=True
    ).update(checked_in_at=now, checked_in_by=actor)
    if not claimed:
        registration = Registration.objects.select_related("checked_in_by").get(pk=registration.pk)
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
            registration = Registration.objects.filter(pk=registration_id, fair_id=fair_id).first()
            if registration is None:
                raise CheckInRefused(
                    _("This person is not on this fair's list. Search again by name or phone."),
                    CheckInRefused.UNKNOWN,
                )
        else:
            normalised = normalise_code(code)
            registration = (
                Registration.objects.filter(code=normalised).select_related("fair").first()
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
        fair = Fair.objects.get(pk=fair_id)
        return _check_in(fair, registration, actor=actor, now=now)


# --- Interviews and offers ------------------------------------------------------------


def _case_of(registration: Registration, actor: User) -> Case | None:
    """The worker's case, if the person recording may see it: an outcome never writes into
    a case of another province (a worker of elsewhere who came to this fair)."""
    if registration.worker_id is None:
        return None
    return Case.objects.for_user(actor).filter(profile__user_id=registration.worker_id).first()


def interview_record(
    *,
    participation_id: int,
    registration_id: int,
    actor: User,
    job_order_id: int | None = None,
    notes: str = "",
    offered: bool = False,
    follow_up_on: datetime.date | None = None,
) -> Interview:
    """An enterprise interviewed someone who came to the fair (and perhaps offered a job)."""
    with transaction.atomic():
        participation = Participation.objects.select_related("enterprise").get(pk=participation_id)
        fair = _locked_fair(participation.fair_id)
        _refuse_status(fair, transitions.OUTCOMES_OPEN, _no_outcomes())
        registration = Registration.objects.get(pk=registration_id)
        if registration.fair_id != fair.pk:
            raise FairError(_("This person is registered for another fair."))
        if not registration.is_checked_in:
            raise FairError(
                _("%(name)s is not checked in: check them in before recording an interview.")
                % {"name": registration.name}
            )
        if (
            job_order_id is not None
            and not JobOrder.objects.filter(pk=job_order_id, participation=participation).exists()
        ):
            raise FairError(_("This job order belongs to another enterprise."))
        if Interview.objects.filter(
            participation=participation, registration=registration
        ).exists():
            raise FairError(
                _("%(enterprise)s has already interviewed %(name)s.")
                % {"enterprise": participation.enterprise.name, "name": registration.name}
            )
        interview = Interview.objects.create(
            participation=participation,
            registration=registration,
            job_order_id=job_order_id,
            case=_case_of(registration, actor),
            notes=notes.strip()[:300],
            recorded_by=actor,
        )
        _event(
            fair,
            FairEvent.Action.INTERVIEW,
            Interview.Result.INTERVIEWED,
            registration=registration,
            actor=actor,
            reason=participation.enterprise.name,
        )
        if offered:
            interview = _offer(fair, interview, actor=actor, follow_up_on=follow_up_on)
    return interview


def offer_make(
    *, interview_id: int, actor: User, follow_up_on: datetime.date | None = None
) -> Interview:
    """The enterprise offered the job; with a date, the counsellor gets a follow-up task."""
    with transaction.atomic():
        fair_id = Interview.objects.values_list("participation__fair_id", flat=True).get(
            pk=interview_id
        )
        fair = _locked_fair(fair_id)
        _refuse_status(fair, transitions.OUTCOMES_OPEN, _no_outcomes())
        interview = Interview.objects.select_for_update().get(pk=interview_id)
        return _offer(fair, interview, actor=actor, follow_up_on=follow_up_on)


def _offer(
    fair: Fair, interview: Interview, *, actor: User, follow_up_on: datetime.date | None
) -> Interview:
    if interview.result != Interview.Result.INTERVIEWED:
        raise InvalidTransition(_("An offer is already recorded for this interview."))
    interview.result = Interview.Result.OFFERED
    interview.offered_at = timezone.now()
    interview.offered_by = actor
    interview.save(update_fields=["result", "offered_at", "offered_by"])
    _event(
        fair,
        FairEvent.Action.OFFER,
        Interview.Result.OFFERED,
        from_=Interview.Result.INTERVIEWED,
        registration_id=interview.registration_id,
        actor=actor,
    )
    if follow_up_on is not None:
        _follow_up(interview, actor=actor, due_on=follow_up_on)
    return interview


def offer_follow_up(*, interview_id: int, actor: User, due_on: datetime.date) -> Interview:
    """Turn an offer into a follow-up task for the worker's counsellor (once)."""
    with transaction.atomic():
        interview = Interview.objects.select_for_update().get(pk=interview_id)
        if interview.result != Interview.Result.OFFERED:
            raise InvalidTransition(_("Only an offer can become a follow-up."))
        _follow_up(interview, actor=actor, due_on=due_on)
    return interview


def _follow_up(interview: Interview, *, actor: User, due_on: datetime.date) -> None:
    if interview.follow_up_id is not None:
        raise InvalidTransition(_("This offer already has a follow-up."))
    case = _case_of(interview.registration, actor)
    if (
        case is None
        and Case.objects.filter(profile__user_id=interview.registration.worker_id).exists()  # type: ignore[misc]  # a registration with an interview has its worker
    ):
        raise FairError(
            _(
                "%(name)s's file is kept by another province's centre, so no follow-up was "
                "made here. Tell them to contact the centre where they live."
            )
            % {"name": interview.registration.name}
        )
    if case is None:
        raise FairError(
            _(
                "%(name)s has no file at the centre yet, so there is no case to follow up. "
                "Register them as a worker first."
            )
            % {"name": interview.registration.name}
        )
    interview = Interview.objects.select_related(
        "participation__enterprise", "job_order", "registration"
    ).get(pk=interview.pk)
    title = _("Job-fair offer from %(enterprise)s%(job)s: help %(name)s with the next steps") % {
        "enterprise": interview.participation.enterprise.short_name
        or interview.participation.enterprise.name,
        "job": f" ({interview.job_order.occupation})" if interview.job_order else "",
        "name": interview.registration.name,
    }
    try:
        task = worker_services.follow_up_create(
            case=case,
            title=title[:200],
            due_on=due_on,
            assignee=case.assigned_to or actor,
            actor=actor,
            source="fair-offer",
        )
    except TransitionRefused as exc:
        raise FairError(str(exc)) from exc
    Interview.objects.filter(pk=interview.pk).update(follow_up=task, case=case)


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
