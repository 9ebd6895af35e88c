"""What came of the fair: interviews, offers and the follow-ups they start."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.transitions import TransitionRefused
from fairs import transitions
from fairs.models import Fair, FairEvent, Interview, JobOrder, Participation, Registration
from fairs.services.common import (
    FairError,
    InvalidTransition,
    _event,
    _locked_fair,
    _no_outcomes,
    _refuse_status,
)
from workers import services as worker_services
from workers.models import Case

FOLLOW_UP_DAYS = 7


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
        participation = (
            Participation.objects.unscoped("a service: the caller checked the fair's province")
            .select_related("enterprise")
            .get(pk=participation_id)
        )
        fair = _locked_fair(participation.fair_id)
        _refuse_status(fair, transitions.OUTCOMES_OPEN, _no_outcomes())
        registration = Registration.objects.unscoped(
            "a service: the caller checked the fair's province"
        ).get(pk=registration_id)
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
        if (
            Interview.objects.unscoped("a service: the caller checked the fair's province")
            .filter(participation=participation, registration=registration)
            .exists()
        ):
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
        fair_id = (
            Interview.objects.unscoped("a service: the caller checked the fair's province")
            .values_list("participation__fair_id", flat=True)
            .get(pk=interview_id)
        )
        fair = _locked_fair(fair_id)
        _refuse_status(fair, transitions.OUTCOMES_OPEN, _no_outcomes())
        interview = (
            Interview.objects.unscoped("a service: the caller checked the fair's province")
            .select_for_update()
            .get(pk=interview_id)
        )
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
        interview = (
            Interview.objects.unscoped("a service: the caller checked the fair's province")
            .select_for_update()
            .get(pk=interview_id)
        )
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
        and Case.objects.unscoped("whether the worker has a case in another province")
        .filter(profile__user_id=interview.registration.worker_id)
        .exists()
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
    interview = (
        Interview.objects.unscoped("a service: the caller checked the fair's province")
        .select_related("participation__enterprise", "job_order", "registration")
        .get(pk=interview.pk)
    )
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
    Interview.objects.unscoped("a service: the caller checked the fair's province").filter(
        pk=interview.pk
    ).update(follow_up=task, case=case)
