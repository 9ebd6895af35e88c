"""The case pipeline: moves between stages, assignment and handover, counselling sessions,
notes, follow-ups and check-ins."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from workers import rules
from workers.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseNote,
    CheckIn,
    CounsellingSession,
    FollowUp,
    Stage,
)
from workers.services.common import InvalidTransition


class StaleCase(Exception):
    """Someone else changed the case since the form was opened."""


class GuardRefused(Exception):
    """The move's guard found something missing; `missing` says what, in words."""

    def __init__(self, missing: list[Any]) -> None:
        super().__init__("; ".join(str(m) for m in missing))
        self.missing = missing


# The fields a move may set, with the move itself (the form of that move asks for them).
MOVE_FIELDS: dict[str, list[str]] = {
    Stage.CONTRACTED: ["market", "programme", "enterprise", "contract_start", "contract_end"],
    Stage.DEPARTED: ["departure_date"],
    Stage.LEFT_CONTRACT: ["left_contract_on"],
    Stage.RETURNED: ["return_date", "skills_abroad", "reintegration_needs"],
}


REINTEGRATION_TASKS = {
    "job": _lazy("Help find a job after return"),
    "loan": _lazy("Talk about a loan to start a business"),
    "training": _lazy("Find training to certify skills earned abroad"),
}


def _case_facts(case: Case, reason: str, today: datetime.date) -> rules.CaseFacts:
    from markets.selectors import enterprise_may_recruit
    from workers.selectors import document_checklist

    checklist = document_checklist(case.profile)
    return rules.CaseFacts(
        sessions=case.sessions.count(),
        unverified_required_documents=[
            f"{item.type.label}{f' ({item.label_suffix})' if item.priority_group else ''}"
            for item in checklist
            if item.required and not item.done
        ],
        personal_id_verified=case.profile.id_verified,
        market=case.market_id is not None,
        programme=case.programme_id is not None,
        programme_in_market=case.programme is None or case.programme.market_id == case.market_id,
        enterprise=case.enterprise_id is not None,
        enterprise_may_recruit=bool(
            case.enterprise and enterprise_may_recruit(case.enterprise, today)
        ),
        contract_start=case.contract_start,
        contract_end=case.contract_end,
        departure_date=case.departure_date,
        left_contract_on=case.left_contract_on,
        return_date=case.return_date,
        reason=reason,
        today=today,
    )


def case_move(
    *,
    case_id: int,
    to: str,
    actor: User,
    expected_version: int,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> Case:
    """Move a case one allowed step, if its guard passes; records who, when and why."""
    today = timezone.localdate()
    with transaction.atomic():
        case = (
            Case.objects.unscoped("case move: the caller fetched the case through for_user")
            .select_for_update()
            .select_related("profile")
            .get(pk=case_id)
        )
        if case.version != expected_version:
            raise StaleCase
        if to not in rules.allowed_moves(case.stage, case.held_from):
            raise InvalidTransition(
                _("A case that is “%(stage)s” cannot move to “%(to)s”.")
                % {"stage": case.get_stage_display(), "to": Stage(to).label}
            )
        fields = MOVE_FIELDS.get(to, [])
        for name in fields:
            if changes and name in changes:
                setattr(case, name, changes[name])
        missing = rules.missing_for(to, _case_facts(case, reason, today))
        if missing:
            raise GuardRefused(missing)
        previous = case.stage
        case.held_from = previous if to == Stage.ON_HOLD else ""
        case.stage = to
        case.stage_reason = reason.strip()
        case.version += 1
        case.updated_at = timezone.now()
        case.save(
            update_fields=[*fields, "stage", "held_from", "stage_reason", "version", "updated_at"]
        )
        CaseEvent.objects.create(
            case=case, from_stage=previous, to_stage=to, actor=actor, reason=reason.strip()
        )
        if to == Stage.RETURNED:
            for need in case.reintegration_needs:
                FollowUp.objects.create(
                    case=case,
                    title=str(REINTEGRATION_TASKS.get(need, need)),
                    due_on=today + datetime.timedelta(days=14),
                    assignee=case.assigned_to or actor,
                    created_by=actor,
                    source=f"reintegration:{need}",
                )
    return case


def case_assign(*, case_ids: list[int], to: User | None, actor: User, reason: str = "") -> int:
    """Give cases to a counsellor of their province (or to nobody); history is kept."""
    if to is not None and not (to.is_staff_member and to.is_active):
        raise InvalidTransition(_("Cases can only be given to active staff."))
    moved = 0
    with transaction.atomic():
        cases = (
            Case.objects.unscoped("assignment: each case's province is checked below")
            .select_for_update()
            .filter(pk__in=case_ids)
        )
        for case in cases:
            if to is not None and not to.is_admin and to.province_id != case.province_id:
                raise InvalidTransition(
                    _("%(name)s works for another province.") % {"name": to.name}
                )
            if case.assigned_to_id == (to.pk if to else None):
                continue
            case.assigned_to = to
            case.version += 1
            case.updated_at = timezone.now()
            case.save(update_fields=["assigned_to", "version", "updated_at"])
            Assignment.objects.create(case=case, assigned_to=to, assigned_by=actor, reason=reason)
            moved += 1
    return moved


def caseload_handover(*, leaving: User, to: User, actor: User) -> tuple[int, int]:
    """A leaving counsellor's open cases and open follow-ups go to a colleague."""
    with transaction.atomic():
        case_ids = list(
            Case.objects.unscoped("handover: every case of the leaving counsellor")
            .filter(assigned_to=leaving)
            .exclude(stage__in=[Stage.WITHDRAWN, Stage.REINTEGRATED])
            .values_list("pk", flat=True)
        )
        cases = case_assign(
            case_ids=case_ids,
            to=to,
            actor=actor,
            reason=str(_("Handed over from %(name)s") % {"name": leaving.name}),
        )
        tasks = (
            FollowUp.objects.unscoped("handover: every open task of the leaving counsellor")
            .filter(assignee=leaving, done_at__isnull=True)
            .update(assignee=to)
        )
    return cases, tasks


def session_log(
    *,
    counsellor: User,
    case: Case | None,
    channel: str,
    topics: list[str],
    held_at: datetime.datetime,
    duration_minutes: int,
    outcome: str,
    next_step: str,
    contact_name: str = "",
    contact_phone: str = "",
    contact_commune: Any = None,
) -> CounsellingSession:
    """Record a counselling session with a worker, or with a contact who has no account."""
    province_id = (
        case.province_id
        if case
        else (contact_commune.province_id if contact_commune else counsellor.province_id)
    )
    with transaction.atomic():
        session = CounsellingSession.objects.create(
            case=case,
            counsellor=counsellor,
            channel=channel,
            topics=topics,
            held_at=held_at,
            duration_minutes=duration_minutes,
            outcome=outcome,
            next_step=next_step,
            contact_name=contact_name,
            contact_phone=contact_phone,
            contact_commune=contact_commune,
            province_id=province_id,
        )
        if case is not None:
            Case.objects.unscoped("the session's own case").filter(pk=case.pk).update(
                updated_at=timezone.now()
            )
    return session


def sessions_link_contact(*, phone: str, case: Case) -> int:
    """Sessions logged for a contact with this phone number now belong to the worker's case."""
    return (
        CounsellingSession.objects.unscoped("contact link: the case's province")
        .filter(case__isnull=True, contact_phone=phone, province_id=case.province_id)
        .update(case=case)
    )


def note_add(*, case: Case, author: User, text: str) -> CaseNote:
    return CaseNote.objects.create(case=case, author=author, text=text.strip())


def follow_up_create(
    *,
    case: Case,
    title: str,
    due_on: datetime.date,
    assignee: User,
    actor: User,
    source: str = "",
) -> FollowUp:
    if assignee.province_id != case.province_id and not assignee.is_admin:
        raise InvalidTransition(_("%(name)s works for another province.") % {"name": assignee.name})
    return FollowUp.objects.create(
        case=case, title=title, due_on=due_on, assignee=assignee, created_by=actor, source=source
    )


def follow_up_done(*, follow_up_id: int, actor: User) -> bool:
    """Mark a follow-up done; marking it twice changes nothing."""
    return bool(
        FollowUp.objects.unscoped("the view fetched the follow-up through for_user")
        .filter(pk=follow_up_id, done_at__isnull=True)
        .update(done_at=timezone.now())
    )


def check_in_record(
    *, case: Case, by: User, contact_made: bool, situation: str, problems: str
) -> CheckIn:
    if case.stage != Stage.DEPARTED:
        raise InvalidTransition(_("Check-ins are for workers who are abroad."))
    with transaction.atomic():
        check_in = CheckIn.objects.create(
            case=case, by=by, contact_made=contact_made, situation=situation, problems=problems
        )
        Case.objects.unscoped("the check-in's own case").filter(pk=case.pk).update(
            updated_at=timezone.now()
        )
    return check_in
