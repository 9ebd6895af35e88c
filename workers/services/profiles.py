"""The worker's file: consent, the profile wizard's steps, assisted registration and
imported rows, and the log of sensitive reads."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Consent, ConsentText, Role, User
from accounts.text import fold
from workers.models import (
    STEP_ORDER,
    Case,
    DuplicateIdAttempt,
    PriorityGroupClaim,
    ProfileStep,
    SensitiveRead,
    WorkerProfile,
)
from workers.services.cases import sessions_link_contact
from workers.services.personal_id import _enqueue_id_check, _id_check_clear, _identity_of
from workers.services.transfers import transfer_by_address

# The fields each step writes; nothing else is touched by that step.
STEP_FIELDS: dict[str, list[str]] = {
    ProfileStep.IDENTITY: ["date_of_birth", "sex", "personal_id", "id_issued_on", "id_problems"],
    ProfileStep.CONTACT: ["contact_note"],
    ProfileStep.ADDRESS: [
        "commune", "address_line", "old_address", "permanent_residence_here", "permanent_address",
    ],
    ProfileStep.BACKGROUND: ["ethnicity"],
    ProfileStep.EDUCATION: [
        "education", "vocational_skills", "jlpt_level", "eps_topik_score", "eps_topik_date",
        "other_languages",
    ],
    ProfileStep.PLANS: [
        "desired_markets", "desired_occupations", "has_worked_abroad", "experience_abroad",
    ],
    ProfileStep.HEALTH: ["health_fit", "health_notes", "has_criminal_record"],
}  # fmt: skip


class StaleProfile(Exception):
    """The profile changed (another tab, a counsellor) since the form was opened."""


class DuplicatePersonalId(Exception):
    """Another profile holds this personal ID; the attempt has been recorded."""


class TooManyIdChecks(Exception):
    """The account has tried too many new personal ID numbers in the last hour."""


# How many new personal ID numbers an account may try in an hour. Each try tells whether a
# number is registered anywhere in the country: a worker types theirs once or twice; a
# counsellor registering walk-ins all day needs more, never a loop's worth.
ID_CHECKS_PER_HOUR = {"worker": 5, "staff": 60}
ID_CHECK_WINDOW = 3600


def personal_id_check_count(*, actor: User) -> None:
    """Count one check of a new number for this account, refusing it past the hour's limit.

    Increment first, then compare: two requests sent at once cannot both read "4 of 5".
    """
    from markets import throttle

    limit = ID_CHECKS_PER_HOUR["staff" if actor.is_staff_member else "worker"]
    used = throttle.record("personal-id", f"user:{actor.pk}", window_seconds=ID_CHECK_WINDOW)
    if used > limit:
        raise TooManyIdChecks


def consent_accept(
    *,
    user: User,
    text: ConsentText,
    method: str = Consent.Method.ONLINE,
    recorded_by: User | None = None,
) -> Consent:
    """Record that `user` accepted `text`; accepting the same version twice records it once."""
    consent, _created = Consent.objects.get_or_create(
        user=user, text=text, defaults={"method": method, "recorded_by": recorded_by}
    )
    return consent


@transaction.atomic
def profile_start(*, user: User, created_by: User | None = None) -> WorkerProfile:
    """The worker's profile, created on first use; consent must already be recorded."""
    profile, created = WorkerProfile.objects.unscoped(
        "the profile of this account, which the caller registers"
    ).get_or_create(user=user, defaults={"created_by": created_by or user})
    if created:
        case = Case.objects.create(
            profile=profile, province_id=user.province_id, search_name=fold(user.name)
        )
        if user.phone:
            sessions_link_contact(phone=user.phone, case=case)
    return profile


def _record_duplicate(
    personal_id: str, existing_pk: int, actor: User, profile_id: int | None = None
) -> None:
    # Its own transaction: the attempt is kept even though the step is refused.
    with transaction.atomic():
        DuplicateIdAttempt.objects.create(
            personal_id=personal_id,
            existing_id=existing_pk,
            attempted_by=actor,
            profile_id=profile_id,
        )


def _replace_claims(profile: WorkerProfile, groups: list[str]) -> None:
    profile.claims.exclude(group__in=groups).delete()
    PriorityGroupClaim.objects.bulk_create(
        [PriorityGroupClaim(profile=profile, group=g) for g in groups], ignore_conflicts=True
    )


def profile_save_step(
    *, profile_id: int, step: str, values: dict[str, Any], expected_version: int, actor: User
) -> WorkerProfile:
    """Write one step's fields if nobody changed the profile since `expected_version`."""
    if step == ProfileStep.IDENTITY and values.get("personal_id"):
        current = (
            WorkerProfile.objects.unscoped(
                "the profile being saved, which the view fetched for its user"
            )
            .filter(pk=profile_id)
            .values_list("personal_id", flat=True)
        )
        if values["personal_id"] not in current:
            personal_id_check_count(actor=actor)
        holder = (
            WorkerProfile.objects.unscoped("a personal ID is unique across every province")
            .filter(personal_id=values["personal_id"])
            .exclude(pk=profile_id)
            .values_list("pk", flat=True)
            .first()
        )
        if holder is not None:
            _record_duplicate(values["personal_id"], holder, actor, profile_id)
            raise DuplicatePersonalId
    try:
        with transaction.atomic():
            profile = (
                WorkerProfile.objects.unscoped(
                    "the profile being saved, which the view fetched for its user"
                )
                .select_for_update()
                .get(pk=profile_id)
            )
            if profile.version != expected_version:
                raise StaleProfile
            fields = STEP_FIELDS[step]
            before = _identity_of(profile) if step == ProfileStep.IDENTITY else {}
            for name in fields:
                setattr(profile, name, values.get(name, getattr(profile, name)))
            if step == ProfileStep.IDENTITY:
                after = {**_identity_of(profile), "name": values.get("name") or before["name"]}
                if after != before:
                    # The last check answered for the old values: it no longer holds.
                    fields = [*fields, *_id_check_clear(profile)]
                recheck = after != before or profile.id_check != "match"
                if recheck and all(after.values()):
                    transaction.on_commit(
                        lambda: _enqueue_id_check(profile_id=profile.pk, actor_id=actor.pk)
                    )
            if step not in profile.steps_done:
                profile.steps_done = [s for s in STEP_ORDER if s in {*profile.steps_done, step}]
            profile.version += 1
            profile.updated_at = timezone.now()
            profile.save(update_fields=[*fields, "steps_done", "version", "updated_at"])
            if step == ProfileStep.BACKGROUND and "priority_groups" in values:
                _replace_claims(profile, values["priority_groups"] or [])
            if step == ProfileStep.IDENTITY and values.get("name"):
                User.objects.filter(pk=profile.user_id).update(name=values["name"])
                Case.objects.unscoped("the case of the profile being saved").filter(
                    profile=profile
                ).update(search_name=fold(values["name"]))
            if step == ProfileStep.ADDRESS and profile.commune_id:
                # The account's province follows the address: it decides which centre sees
                # them. The worker changing it themself is their consent to the handover; a
                # counsellor changing it makes a request the worker answers (TransferNeeded).
                transfer_by_address(profile=profile, commune=profile.commune, actor=actor)
            if step in (ProfileStep.IDENTITY, ProfileStep.ADDRESS):
                Case.objects.unscoped("the case of the profile being saved").filter(
                    profile=profile
                ).update(sex=profile.sex, commune_id=profile.commune_id)
            # The case's updated_at is the cursor of the API's changes feed (docs/api.md):
            # a national system reads the worker's file again when any step of it changes.
            Case.objects.unscoped("the case of the profile being saved").filter(
                profile=profile
            ).update(updated_at=timezone.now())
    except IntegrityError:
        # Two registrations raced for the same personal ID; the unique index kept one.
        holder = WorkerProfile.objects.unscoped(
            "a personal ID is unique across every province"
        ).get(personal_id=values["personal_id"])
        _record_duplicate(values["personal_id"], holder.pk, actor, profile_id)
        raise DuplicatePersonalId from None
    return profile


@transaction.atomic
def worker_register_assisted(
    *, counsellor: User, name: str, phone: str | None, email: str | None
) -> WorkerProfile:
    """A counsellor registers a walk-in worker whose consent was given on paper."""
    user = User(
        name=name,
        phone=phone or None,
        email=email or None,
        role=Role.WORKER,
        province_id=counsellor.province_id,
        phone_verified=False,
    )
    user.set_unusable_password()  # the worker signs in later with a code sent to the phone
    user.save()
    consent_accept(
        user=user,
        text=ConsentText.objects.first(),  # type: ignore[arg-type]  # a consent text is seeded by a data migration
        method=Consent.Method.PAPER,
        recorded_by=counsellor,
    )
    return profile_start(user=user, created_by=counsellor)


def profile_fill_imported(*, profile: WorkerProfile, values: dict[str, Any]) -> None:
    """Write the identity and address a checked import row gives, on the new profile and its
    case (workers.importing); the worker completes the rest of her file later."""
    WorkerProfile.objects.unscoped("the import's new profile").filter(pk=profile.pk).update(
        date_of_birth=values["date_of_birth"],
        sex=values["sex"],
        personal_id=values["personal_id"],
        id_problems=values.get("id_problems", []),
        commune_id=values["commune"],
        steps_done=["identity", "address"] if values["commune"] else ["identity"],
    )
    Case.objects.unscoped("the import's new case").filter(profile=profile).update(
        sex=values["sex"], commune_id=values["commune"]
    )


class _ReadsLogged:
    """The sensitive reads this process has logged today. A second view of the same file
    by the same staff member the same day would send an INSERT that does nothing (0.5 ms
    of the case page, docs/performance.md): it is not sent. A read joins only once its row
    is committed, so a page that failed after logging it logs it again."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.day: datetime.date | None = None
        self.keys: set[tuple[int, int, str]] = set()

    def has(self, day: datetime.date, key: tuple[int, int, str]) -> bool:
        return day == self.day and key in self.keys

    def add(self, day: datetime.date, key: tuple[int, int, str]) -> None:
        if day != self.day or len(self.keys) >= self.LIMIT:
            self.day, self.keys = day, set()
        self.keys.add(key)


reads_logged = _ReadsLogged()


def sensitive_read_record(*, staff: User, profile: WorkerProfile, context: str) -> None:
    """Log that a staff member was shown a worker's sensitive fields: the first time each
    day (and place) only, with INSERT ... ON CONFLICT DO NOTHING (several processes may
    log the same read at once)."""
    now = timezone.now()
    day = timezone.localdate(now)
    key = (staff.pk, profile.pk, context[:100])
    if reads_logged.has(day, key):
        return
    SensitiveRead.objects.bulk_create(
        [SensitiveRead(staff=staff, profile=profile, context=key[2], read_at=now, day=day)],
        ignore_conflicts=True,
    )
    transaction.on_commit(lambda: reads_logged.add(day, key))
