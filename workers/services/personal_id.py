"""The personal ID: the check against the national population database, and a disputed
number given to the person whose card it is."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from workers.models import (
    Case,
    CaseEvent,
    DuplicateIdAttempt,
    ProfileStep,
    WorkerProfile,
)
from workers.services.common import InvalidTransition

ID_CHECK_FIELDS = [
    "id_check", "id_check_fields", "id_check_reason", "id_checked_at", "id_checked_by",
    "id_check_source",
]  # fmt: skip


def _identity_of(profile: WorkerProfile) -> dict[str, Any]:
    """What the population database is asked about: the four fields an answer holds for."""
    return {
        "personal_id": profile.personal_id,
        "name": profile.user.name,
        "date_of_birth": profile.date_of_birth,
        "sex": profile.sex,
    }


def _id_check_clear(profile: WorkerProfile) -> list[str]:
    profile.id_check = ""
    profile.id_check_fields = []
    profile.id_check_reason = ""
    profile.id_checked_at = None
    profile.id_checked_by = None
    profile.id_check_source = ""
    return ID_CHECK_FIELDS


def _enqueue_id_check(*, profile_id: int, actor_id: int) -> None:
    from workers.tasks import personal_id_verify as task

    task.delay(profile_id, actor_id)


class IdentityIncomplete(Exception):
    """The number, name, birth date or sex is missing: nothing to ask the register about."""


def personal_id_verify(*, profile_id: int, actor: User) -> WorkerProfile:
    """Ask the population database (workers.population) about the profile's ID, name, birth
    date and sex, and record the answer on the profile with a case event.

    The register is asked outside the transaction (a network call); the answer is recorded
    only if the four values are still those asked about, so an edit made meanwhile is never
    marked with an answer about the old values. Nothing of the profile but the check changes.
    """
    from workers import population

    profile = (
        WorkerProfile.objects.unscoped("ID check: the profile its caller (task or page) may act on")
        .select_related("user")
        .get(pk=profile_id)
    )
    asked = _identity_of(profile)
    if not all(asked.values()):
        raise IdentityIncomplete
    answer = population.verify(
        population.IdentityQuery(
            personal_id=asked["personal_id"],
            name=asked["name"],
            date_of_birth=asked["date_of_birth"],
            sex=asked["sex"],
        )
    )
    with transaction.atomic():
        profile = (
            WorkerProfile.objects.unscoped(
                "ID check: the profile its caller (task or page) may act on"
            )
            .select_for_update()
            .select_related("user")
            .get(pk=profile_id)
        )
        if _identity_of(profile) != asked:
            return profile  # changed while the register answered: that answer is void
        now = timezone.now()
        repeated = (profile.id_check, profile.id_check_fields, profile.id_check_reason) == (
            answer.result.value,
            list(answer.fields),
            answer.reason[:40],
        )
        profile.id_check = answer.result.value
        profile.id_check_fields = list(answer.fields)
        profile.id_check_reason = answer.reason[:40]
        profile.id_checked_at = now
        profile.id_checked_by = actor
        profile.id_check_source = population.backend().name[:40]
        profile.save(update_fields=ID_CHECK_FIELDS)
        case = (
            Case.objects.unscoped("ID check: the checked profile's case")
            .select_for_update()
            .filter(profile=profile)
            .first()
        )
        # The same answer again (a task run twice, a second click) writes no second event.
        if case is not None and not repeated:
            CaseEvent.objects.create(
                case=case,
                from_stage=case.stage,
                to_stage=case.stage,
                actor=actor,
                at=now,
                reason=id_check_summary(profile)[:300],
            )
            # The case's updated_at is the API's changes cursor: the verification is news.
            Case.objects.unscoped("ID check: the checked profile's case").filter(pk=case.pk).update(
                updated_at=now
            )
    return profile


def id_check_differs(profile: WorkerProfile) -> str:
    """The fields the population database holds otherwise, in words ("date of birth, sex")."""
    labels = {
        "personal_id": _("personal ID number"),
        "name": _("full name"),
        "date_of_birth": _("date of birth"),
        "sex": _("sex"),
    }
    return ", ".join(str(labels.get(f, f)) for f in profile.id_check_fields)


def id_check_summary(profile: WorkerProfile) -> str:
    """The last check in plain words, for the case's timeline and the pages."""
    from workers.models import IdCheckResult

    if profile.id_check == IdCheckResult.MATCH:
        return _(
            "Personal ID checked with the national population database: the number, name, "
            "date of birth and sex match."
        )
    if profile.id_check == IdCheckResult.MISMATCH:
        differ = id_check_differs(profile)
        return _(
            "Personal ID checked with the national population database: it does not match. "
            "Differs: %(fields)s. Check the ID card with the worker and correct the file."
        ) % {"fields": differ}
    if profile.id_check == IdCheckResult.UNKNOWN:
        reasons = {
            "not_found": _("the number is not in the database"),
            "no_answer": _("the database did not answer; try again later"),
            "not_configured": _("the connection to the database is not set up yet"),
        }
        why = reasons.get(profile.id_check_reason, profile.id_check_reason)
        return _(
            "Personal ID could not be checked with the national population database: %(why)s."
        ) % {"why": why}
    return ""


def personal_id_reassign(*, attempt_id: int, actor: User, reason: str) -> WorkerProfile:
    """Give a disputed personal ID to the person who tried to register it, after a
    counsellor checked their card: taken from the profile that held it (whose identity
    step is opened again), put on the claimant's, an event written on both cases."""
    from workers.identity import Sex as IdSex
    from workers.identity import check_personal_id

    reason = reason.strip()
    if not reason:
        raise InvalidTransition(_("Say which card you checked and how, for the record."))
    with transaction.atomic():
        attempt = (
            DuplicateIdAttempt.objects.unscoped("the view fetched the attempt through for_user")
            .select_for_update()
            .get(pk=attempt_id)
        )
        if attempt.reviewed_at is not None:
            raise InvalidTransition(_("This dispute was already resolved."))
        claimant_id = attempt.profile_id or (
            WorkerProfile.objects.unscoped(
                "the claimant's file; both files are checked with for_user below"
            )
            .filter(user_id=attempt.attempted_by_id)
            .values_list("pk", flat=True)
            .first()
        )
        if claimant_id is None:
            raise InvalidTransition(_("The person who typed this number has no file."))
        visible = WorkerProfile.objects.for_user(actor)
        profiles = {
            p.pk: p
            for p in visible.select_for_update().filter(pk__in=[attempt.existing_id, claimant_id])
        }
        holder, claimant = profiles.get(attempt.existing_id), profiles.get(claimant_id)
        if holder is None or claimant is None:
            raise InvalidTransition(
                _("One of the two files belongs to another province: ask its centre.")
            )
        if holder.personal_id != attempt.personal_id:
            raise InvalidTransition(_("The number is no longer on this file."))
        now = timezone.now()
        number = holder.personal_id
        holder.personal_id = None
        holder.id_problems = []
        holder.steps_done = [s for s in holder.steps_done if s != ProfileStep.IDENTITY]
        holder.version += 1
        holder.updated_at = now
        holder.save(
            update_fields=[
                "personal_id", "id_problems", "steps_done", "version", "updated_at",
                *_id_check_clear(holder),
            ]
        )  # fmt: skip
        claimant.personal_id = number
        if claimant.date_of_birth and claimant.sex:
            check = check_personal_id(
                number, birth_date=claimant.date_of_birth, sex=IdSex(claimant.sex)
            )
            claimant.id_problems = [str(p) for p in check.problems]
        claimant.version += 1
        claimant.updated_at = now
        # The claimant's number is checked with the population database once this commits.
        transaction.on_commit(lambda: _enqueue_id_check(profile_id=claimant.pk, actor_id=actor.pk))
        claimant.save(
            update_fields=[
                "personal_id", "id_problems", "version", "updated_at", *_id_check_clear(claimant),
            ]
        )  # fmt: skip
        DuplicateIdAttempt.objects.unscoped("every attempt on the resolved number closes").filter(
            personal_id=number, existing=holder, reviewed_at__isnull=True
        ).update(reviewed_at=now)
        for profile, text in [
            (holder, _("Personal ID %(n)s taken off this file and given to %(other)s: %(why)s")),
            (claimant, _("Personal ID %(n)s given to this file, taken from %(other)s: %(why)s")),
        ]:
            other = claimant if profile is holder else holder
            case = (
                Case.objects.unscoped("the two files' cases, both seen through for_user above")
                .select_for_update()
                .get(profile=profile)
            )
            CaseEvent.objects.create(
                case=case,
                from_stage=case.stage,
                to_stage=case.stage,
                actor=actor,
                reason=(text % {"n": number, "other": other.user.name, "why": reason})[:300],
            )
            Case.objects.unscoped("the two files' cases, both seen through for_user above").filter(
                pk=case.pk
            ).update(updated_at=now)
        _notify_id_removed(holder, number, attempt.pk)
    return claimant


def _notify_id_removed(holder: WorkerProfile, number: str, attempt_id: int) -> None:
    """The holder learns why their identity step is open again, and what to do."""
    from django.urls import reverse

    from notifications.services import notify

    def build(_user: User, _context: Any) -> tuple[str, str]:
        return (
            _("The personal ID number was taken off your file"),
            _(
                "A counsellor checked an ID card and found that the number %(n)s belongs to "
                "another person, so it was taken off your file. Type the 12 digits of your own "
                "card in your file. If %(n)s is the number on your card, bring the card to the "
                "centre."
            )
            % {"n": number},
        )

    notify(
        recipient=holder.user,
        kind="personal-id-removed",
        key=f"personal-id-removed:{attempt_id}",
        build=build,
        link=reverse("workers:profile_step", args=[ProfileStep.IDENTITY]),
    )
