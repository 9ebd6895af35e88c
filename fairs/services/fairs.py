"""The fair itself: create, change, publish, close, cancel; the enterprises and their
job orders at it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from fairs import rules, selectors, transitions
from fairs.models import FAIR_FIELDS, Fair, FairEvent, JobOrder, Participation, Registration
from fairs.services.common import (
    EDITABLE,
    FairError,
    InvalidTransition,
    NeedsConfirmation,
    NotLicensed,
    RegStatus,
    StaleFair,
    Status,
    _event,
    _fair_context,
    _locked_fair,
    _not_editable,
    _refuse_status,
    _ticket_link,
)
from fairs.services.registrations import _promote
from markets.models import Enterprise
from notifications.services import notify

if TYPE_CHECKING:
    from accounts.models import Province


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


def _people_to_tell(fair: Fair) -> tuple[Fair, list[tuple[Registration, User]]]:
    """The fair as saved (with its commune, for the message), and the registrations of the
    people with a place or on the waiting list who still have an account, each with them."""
    fair = (
        Fair.objects.unscoped("a service: the caller checked the fair's province")
        .select_related("commune")
        .get(pk=fair.pk)
    )
    people = (
        Registration.objects.unscoped("the people registered for this fair")
        .filter(
            fair=fair,
            status__in=[RegStatus.REGISTERED, RegStatus.WAITLISTED],
            worker__isnull=False,
            worker__is_active=True,
        )
        .select_related("worker")
    )
    return fair, [(r, r.worker) for r in people if r.worker is not None]


def _tell_of_change(fair: Fair) -> None:
    fair, people = _people_to_tell(fair)
    for registration, worker in people:
        notify(
            recipient=worker,
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
        fair, people = _people_to_tell(fair)
        for registration, worker in people:
            # The notices are written in this transaction and sent once it commits.
            notify(
                recipient=worker,
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
        if (
            Participation.objects.unscoped("a service: the caller checked the fair's province")
            .filter(fair=fair, enterprise=enterprise)
            .exists()
        ):
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
        participation = (
            Participation.objects.unscoped("a service: the caller checked the fair's province")
            .select_related("enterprise")
            .get(pk=participation_id)
        )
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
        participation = Participation.objects.unscoped(
            "a service: the caller checked the fair's province"
        ).get(pk=participation_id)
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
