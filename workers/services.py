"""The only writers of worker data. Each function is one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts import personal
from accounts.models import Commune, Consent, ConsentText, Role, User
from accounts.phones import format_national, normalize_phone
from accounts.text import fold
from accounts.transitions import TransitionRefused
from workers import rules
from workers.models import (
    STEP_ORDER,
    Assignment,
    Case,
    CaseEvent,
    CaseNote,
    CheckIn,
    CounsellingSession,
    DeletionRequest,
    Document,
    DocumentEvent,
    DocumentType,
    DuplicateIdAttempt,
    FollowUp,
    PriorityGroupClaim,
    ProfileStep,
    ProvinceTransfer,
    SensitiveRead,
    Stage,
    WorkerProfile,
)
from workers.reference import PriorityGroup
from workers.uploads import CleanFile

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


class InvalidTransition(TransitionRefused):
    """A status change that the current status does not allow."""


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
    profile, created = WorkerProfile.objects.get_or_create(
        user=user, defaults={"created_by": created_by or user}
    )
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
        current = WorkerProfile.objects.filter(pk=profile_id).values_list("personal_id", flat=True)
        if values["personal_id"] not in current:
            personal_id_check_count(actor=actor)
        holder = (
            WorkerProfile.objects.filter(personal_id=values["personal_id"])
            .exclude(pk=profile_id)
            .values_list("pk", flat=True)
            .first()
        )
        if holder is not None:
            _record_duplicate(values["personal_id"], holder, actor, profile_id)
            raise DuplicatePersonalId
    try:
        with transaction.atomic():
            profile = WorkerProfile.objects.select_for_update().get(pk=profile_id)
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
                Case.objects.filter(profile=profile).update(search_name=fold(values["name"]))
            if step == ProfileStep.ADDRESS and profile.commune_id:
                # The account's province follows the address: it decides which centre sees
                # them. The worker changing it themself is their consent to the handover; a
                # counsellor changing it makes a request the worker answers (TransferNeeded).
                transfer_by_address(profile=profile, commune=profile.commune, actor=actor)
            if step in (ProfileStep.IDENTITY, ProfileStep.ADDRESS):
                Case.objects.filter(profile=profile).update(
                    sex=profile.sex, commune_id=profile.commune_id
                )
            # The case's updated_at is the cursor of the API's changes feed (docs/api.md):
            # a national system reads the worker's file again when any step of it changes.
            Case.objects.filter(profile=profile).update(updated_at=timezone.now())
    except IntegrityError:
        # Two registrations raced for the same personal ID; the unique index kept one.
        holder = WorkerProfile.objects.get(personal_id=values["personal_id"])
        _record_duplicate(values["personal_id"], holder.pk, actor, profile_id)
        raise DuplicatePersonalId from None
    return profile


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

    profile = WorkerProfile.objects.select_related("user").get(pk=profile_id)
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
            WorkerProfile.objects.select_for_update().select_related("user").get(pk=profile_id)
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
        case = Case.objects.select_for_update().filter(profile=profile).first()
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
            Case.objects.filter(pk=case.pk).update(updated_at=now)
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
        attempt = DuplicateIdAttempt.objects.select_for_update().get(pk=attempt_id)
        if attempt.reviewed_at is not None:
            raise InvalidTransition(_("This dispute was already resolved."))
        claimant_id = attempt.profile_id or (
            WorkerProfile.objects.filter(user_id=attempt.attempted_by_id)
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
        DuplicateIdAttempt.objects.filter(
            personal_id=number, existing=holder, reviewed_at__isnull=True
        ).update(reviewed_at=now)
        for profile, text in [
            (holder, _("Personal ID %(n)s taken off this file and given to %(other)s: %(why)s")),
            (claimant, _("Personal ID %(n)s given to this file, taken from %(other)s: %(why)s")),
        ]:
            other = claimant if profile is holder else holder
            case = Case.objects.select_for_update().get(profile=profile)
            CaseEvent.objects.create(
                case=case,
                from_stage=case.stage,
                to_stage=case.stage,
                actor=actor,
                reason=(text % {"n": number, "other": other.user.name, "why": reason})[:300],
            )
            Case.objects.filter(pk=case.pk).update(updated_at=now)
        _notify_id_removed(holder, number, attempt.pk)
    return claimant


#: What higher apps move with a worker who changes province (loans: the support
#: applications). Each is called inside the move's transaction with (profile, from, to).
PROVINCE_MOVE_HOOKS: list[Callable[[WorkerProfile, int | None, int], None]] = []


def on_province_move(hook: Callable[[WorkerProfile, int | None, int], None]) -> None:
    """Register what a higher app moves with the worker (called from its AppConfig.ready)."""
    if hook not in PROVINCE_MOVE_HOOKS:
        PROVINCE_MOVE_HOOKS.append(hook)


def worker_province_move(
    *, profile: WorkerProfile, to_province_id: int, actor: User, reason: str = ""
) -> bool:
    """Move the worker, and everything scoped by their province, to another province.

    In one transaction: the account, the case (with an event: who, when, from, to), the
    case's counselling sessions and whatever the higher apps registered (their support
    applications). The old province's counsellor lets go of the case; open follow-ups stay
    on the case and are seen by the new province (scoping reads the case's province).
    Fair registrations stay with the fair's province, which runs the fair.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=profile.user_id)
        from_province_id = user.province_id
        if from_province_id == to_province_id:
            return False
        user.province_id = to_province_id
        user.save(update_fields=["province"])
        case = Case.objects.select_for_update().filter(profile=profile).first()
        if case is not None:
            now = timezone.now()
            case.province_id = to_province_id
            fields = ["province", "version", "updated_at"]
            if case.assigned_to_id is not None:
                keeps = (
                    User.objects.filter(pk=case.assigned_to_id, province_id=to_province_id).exists()
                    or User.objects.filter(pk=case.assigned_to_id, role=Role.ADMIN).exists()
                )
                if not keeps:
                    case.assigned_to = None
                    fields.append("assigned_to")
                    Assignment.objects.create(
                        case=case,
                        assigned_to=None,
                        assigned_by=actor,
                        reason=str(_lazy("The worker moved to another province.")),
                    )
            case.version += 1
            case.updated_at = now
            case.save(update_fields=fields)
            CaseEvent.objects.create(
                case=case,
                from_stage=case.stage,
                to_stage=case.stage,
                from_province_id=from_province_id,
                to_province_id=to_province_id,
                actor=actor,
                at=now,
                reason=reason[:300],
            )
            CounsellingSession.objects.unscoped("province move: the case's own sessions").filter(
                case=case
            ).update(province_id=to_province_id)
        for hook in PROVINCE_MOVE_HOOKS:
            hook(profile, from_province_id, to_province_id)
    return True


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
    WorkerProfile.objects.filter(pk=profile.pk).update(
        date_of_birth=values["date_of_birth"],
        sex=values["sex"],
        personal_id=values["personal_id"],
        id_problems=values.get("id_problems", []),
        commune_id=values["commune"],
        steps_done=["identity", "address"] if values["commune"] else ["identity"],
    )
    Case.objects.filter(profile=profile).update(sex=values["sex"], commune_id=values["commune"])


def sensitive_read_record(*, staff: User, profile: WorkerProfile, context: str) -> None:
    """Log that a staff member was shown a worker's sensitive fields: the first time each
    day (and place) only. One statement either way (INSERT ... ON CONFLICT DO NOTHING), so
    a page costs the same queries on its first view of the day and its hundredth."""
    now = timezone.now()
    SensitiveRead.objects.bulk_create(
        [
            SensitiveRead(
                staff=staff,
                profile=profile,
                context=context[:100],
                read_at=now,
                day=timezone.localdate(now),
            )
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def document_upload(
    *,
    profile: WorkerProfile,
    doc_type: DocumentType,
    clean: CleanFile,
    original_name: str,
    expires_on: datetime.date | None,
    priority_group: str,
    actor: User,
) -> Document:
    """Store a checked file as a new document waiting for a counsellor's check."""
    document = Document(
        profile=profile,
        type=doc_type,
        content_type=clean.content_type,
        size=len(clean.content),
        original_name=original_name[:200],
        expires_on=expires_on,
        priority_group=priority_group,
        uploaded_by=actor,
    )
    document.file.save(f"upload.{clean.extension}", ContentFile(clean.content), save=False)
    document.save()
    DocumentEvent.objects.create(document=document, to_status=Document.Status.UPLOADED, actor=actor)
    return document


def _document_move(
    *, document_id: int, actor: User, to: str, allowed_from: set[str], reason: str = ""
) -> Document:
    with transaction.atomic():
        document = (
            Document.objects.unscoped("the view fetched it through for_user")
            .select_for_update()
            .get(pk=document_id)
        )
        if document.status not in allowed_from:
            raise InvalidTransition(
                _("This document is already “%(status)s”.")
                % {"status": document.get_status_display()}
            )
        previous = document.status
        document.status = to
        document.return_reason = reason
        document.reviewed_by = actor
        document.reviewed_at = timezone.now()
        document.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at"])
        event = DocumentEvent.objects.create(
            document=document, from_status=previous, to_status=to, actor=actor, reason=reason
        )
        _notify_review(document, event)
    return document


def _notify_review(document: Document, event: DocumentEvent) -> None:
    """Tell the worker what became of a document: one message per review (keyed by the
    event), so a repeated click or a retried request sends nothing more."""
    from django.urls import reverse

    from notifications.services import notify

    worker = User.objects.get(worker_profile__pk=document.profile_id)
    notify(
        recipient=worker,
        kind="document-reviewed",
        key=f"document-reviewed:{document.pk}:{event.pk}",
        context={
            "document": document.type,
            "group": PriorityGroup(document.priority_group).label
            if document.priority_group
            else "",
            "status": document.status,
            "reason": document.return_reason,
        },
        link=reverse("workers:documents") + f"#doc-{document.type.code}",
    )


def document_verify(*, document_id: int, actor: User) -> Document:
    """A counsellor confirms the document is genuine and readable."""
    return _document_move(
        document_id=document_id,
        actor=actor,
        to=Document.Status.VERIFIED,
        allowed_from={Document.Status.UPLOADED, Document.Status.RETURNED},
    )


def document_return(*, document_id: int, actor: User, reason: str) -> Document:
    """A counsellor sends the document back with what to fix."""
    if not reason.strip():
        raise InvalidTransition(_("Say why the document is returned, so the worker can fix it."))
    return _document_move(
        document_id=document_id,
        actor=actor,
        to=Document.Status.RETURNED,
        allowed_from={Document.Status.UPLOADED, Document.Status.VERIFIED},
        reason=reason.strip(),
    )


@transaction.atomic
def deletion_request_create(*, profile: WorkerProfile, reason: str) -> DeletionRequest:
    """The worker asks to be deleted; asking twice keeps the first request."""
    request, _created = DeletionRequest.objects.get_or_create(
        profile=profile, defaults={"reason": reason[:300]}
    )
    return request


def _phone_forms(raw: str) -> set[str]:
    """Every way a number is written in the portal: +84…, 0…, and "0912 345 678"."""
    try:
        e164 = normalize_phone(raw)
    except ValueError:
        return {raw.strip()} if raw.strip() else set()
    national = format_national(e164)
    return {e164, national, national.replace(" ", "")}


def erasure_subject(profile: WorkerProfile) -> personal.Subject:
    """Who the erasure looks for: her account, file and case, and every name, number,
    email and ID number by which a row could name her."""
    user = profile.user
    case = Case.objects.filter(profile=profile).first()
    phones: set[str] = set()
    raw_phones = [user.phone or ""]
    raw_phones += [a["phone"] for a in profile.support_applications.values("phone") if a["phone"]]
    raw_phones += [
        str(a.get("phone", ""))
        for a in profile.support_applications.values_list("applicant", flat=True)
        if isinstance(a, dict)
    ]
    for raw in raw_phones:
        if raw:
            phones |= _phone_forms(raw)
    names = {user.name.strip()} if user.name.strip() else set()
    personal_ids = {profile.personal_id} if profile.personal_id else set()
    emails = {user.email} if user.email else set()
    for snapshot in profile.support_applications.values_list("applicant", flat=True):
        if isinstance(snapshot, dict):
            names |= {str(snapshot.get("name", "")).strip()} - {""}
            personal_ids |= {str(snapshot.get("personal_id", ""))} - {""}
            emails |= {str(snapshot.get("email", ""))} - {""}
    return personal.Subject(
        user_id=user.pk,
        profile_id=profile.pk,
        case_id=case.pk if case else None,
        names=frozenset(names),
        phones=frozenset(phones),
        emails=frozenset(emails),
        personal_ids=frozenset(personal_ids),
    )


def profile_anonymise(
    *, deletion_request_id: int, now: datetime.datetime
) -> personal.Erased | None:
    """Erase a worker whose deletion request is due, from every table that declares
    personal data (accounts.personal), and queue her files; None when already done.

    The files are deleted after the commit (accounts.personal.files_delete_pending)."""
    with transaction.atomic():
        request = (
            DeletionRequest.objects.select_for_update()
            .select_related("profile__user")
            .get(pk=deletion_request_id)
        )
        if request.completed_at is not None:
            return None
        profile = request.profile
        user = profile.user
        subject = erasure_subject(profile)
        profile.claims.all().delete()  # sensitive: poverty and ethnicity
        erased = personal.erase_subject(subject, now=now)
        declared = WorkerProfile.personal_data.fields
        for field in WorkerProfile._meta.concrete_fields:
            if field.name in declared:
                setattr(profile, field.name, None if field.null else field.get_default())
        profile.anonymised_at = now
        profile.save()
        user.name = _("Deleted account")
        user.email = f"deleted-{user.pk}@anonymised.invalid"
        user.phone = None
        user.phone_verified = False
        user.is_active = False
        user.set_unusable_password()
        user.save(
            update_fields=["name", "email", "phone", "phone_verified", "is_active", "password"]
        )
        # The case's copy of the name goes too: the folded name would find her by search.
        Case.objects.filter(profile=profile).update(search_name=fold(str(user.name)))
        request.completed_at = now
        request.save(update_fields=["completed_at"])
        erased.rows["accounts.User: anonymised"] = 1
        erased.rows["workers.WorkerProfile: anonymised"] = 1
        transaction.on_commit(personal.files_delete_pending)
    return erased


# --- Cases ----------------------------------------------------------------------------


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
        case = Case.objects.select_for_update().select_related("profile").get(pk=case_id)
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
        cases = Case.objects.select_for_update().filter(pk__in=case_ids)
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
            Case.objects.filter(assigned_to=leaving)
            .exclude(stage__in=[Stage.WITHDRAWN, Stage.REINTEGRATED])
            .values_list("pk", flat=True)
        )
        cases = case_assign(
            case_ids=case_ids,
            to=to,
            actor=actor,
            reason=str(_("Handed over from %(name)s") % {"name": leaving.name}),
        )
        tasks = FollowUp.objects.filter(assignee=leaving, done_at__isnull=True).update(assignee=to)
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
            Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
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
        FollowUp.objects.filter(pk=follow_up_id, done_at__isnull=True).update(
            done_at=timezone.now()
        )
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
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    return check_in


# --- A worker's file handed to another province, with their consent --------------------


class TransferNeeded(Exception):
    """A counsellor typed an address in another province: the file moves only with the
    worker's consent, through a transfer request (workers.services.transfer_request)."""

    def __init__(self, province_id: int, commune_id: int) -> None:
        super().__init__(province_id, commune_id)
        self.province_id = province_id
        self.commune_id = commune_id


def transfer_answer_days() -> int:
    from django.conf import settings

    return int(getattr(settings, "WORKER_TRANSFER_ANSWER_DAYS", 30))


def _centre_staff(province_ids: list[int | None]) -> list[User]:
    return list(
        User.objects.filter(
            role=Role.MANAGER, province_id__in=[p for p in province_ids if p], is_active=True
        ).order_by("pk")
    )


def _transfer_notify(transfer: ProvinceTransfer, *, assigned_id: int | None = None) -> int:
    """Tell both centres what became of a transfer: their managers, the counsellor who
    made the request and the one who followed the case. One message per person and state,
    whatever runs twice (the outbox's key)."""
    from django.urls import reverse

    from notifications.services import notify

    recipients = {
        u.pk: u for u in _centre_staff([transfer.from_province_id, transfer.to_province_id])
    }
    for pk in (transfer.requested_by_id, assigned_id):
        if pk and pk not in recipients:
            person = User.objects.filter(pk=pk, is_active=True).first()
            if person is not None and person.is_staff_member:
                recipients[pk] = person
    name = transfer.profile.user.name
    from_name = str(transfer.from_province or "-")
    to_name = str(transfer.to_province)
    state = transfer.status

    def build(recipient: User, _context: Any) -> tuple[str, str]:
        words = {"name": name, "from": from_name, "to": to_name}
        if state == ProvinceTransfer.Status.REQUESTED:
            subject = _("Transfer asked: %(name)s, from %(from)s to %(to)s") % words
            body = (
                _(
                    "The office of %(to)s asked to take over the file of %(name)s, who now lives "
                    "in %(to)s. The file moves only when %(name)s agrees; the request waits for "
                    "their answer."
                )
                % words
            )
        elif state == ProvinceTransfer.Status.ACCEPTED:
            subject = _("File moved: %(name)s, from %(from)s to %(to)s") % words
            body = (
                _(
                    "%(name)s agreed, and their file (profile, case, documents, sessions, support "
                    "applications) now belongs to the office of %(to)s. The office of %(from)s "
                    "keeps only the accounting records of support it paid."
                )
                % words
            )
        elif state == ProvinceTransfer.Status.DECLINED:
            subject = _("Transfer declined: %(name)s stays with %(from)s") % words
            body = _("%(name)s did not agree to move their file to %(to)s. Nothing moved.") % words
        elif state == ProvinceTransfer.Status.EXPIRED:
            subject = _("Transfer not answered: %(name)s stays with %(from)s") % words
            body = (
                _(
                    "%(name)s did not answer the request to move their file to %(to)s in time. "
                    "Nothing moved; ask again if they still live there."
                )
                % words
            )
        else:
            subject = _("Transfer cancelled: %(name)s stays with %(from)s") % words
            body = _("The request to move the file of %(name)s to %(to)s was cancelled.") % words
        return subject, body

    link = (
        reverse("workers:staff_worker", args=[transfer.profile_id])
        if state == ProvinceTransfer.Status.ACCEPTED
        else reverse("workers:transfers")
    )
    sent = 0
    for person in recipients.values():
        # The old province's page of the worker is a 404 after the move: its staff go to
        # the transfers list instead.
        own_link = (
            link if person.province_id == transfer.to_province_id else reverse("workers:transfers")
        )
        if notify(
            recipient=person,
            kind="province-transfer",
            key=f"province-transfer:{transfer.pk}:{state}",
            build=build,
            link=own_link,
        ):
            sent += 1
    return sent


def _transfer_ask_worker(transfer: ProvinceTransfer) -> None:
    from django.urls import reverse

    from notifications.services import notify

    def build(_user: User, _context: Any) -> tuple[str, str]:
        return (
            _("Move your file to the office of %(to)s?") % {"to": transfer.to_province},
            _(
                "A counsellor wrote that you now live in %(to)s. If that is right, the office "
                "of %(to)s can take over your file. Open your page and answer Yes or No."
            )
            % {"to": transfer.to_province},
        )

    notify(
        recipient=transfer.profile.user,
        kind="province-transfer-asked",
        key=f"province-transfer-asked:{transfer.pk}",
        build=build,
        link=reverse("home"),
    )


def _staff_of(actor: User, *province_ids: int | None) -> bool:
    return actor.is_admin or (actor.is_staff_member and actor.province_id in province_ids)


def transfer_request(
    *,
    profile_id: int,
    to_province_id: int,
    actor: User,
    reason: str,
    commune_id: int | None = None,
    consent_note: str = "",
) -> ProvinceTransfer:
    """A counsellor of either province records that the worker now lives in another
    province: a request the worker answers. With `consent_note` (the signed paper the
    worker gave in person), consent is recorded at once and the file moves."""
    reason = reason.strip()
    if not reason:
        raise InvalidTransition(_("Say why: where the worker lives now and how you know."))
    with transaction.atomic():
        profile = (
            WorkerProfile.objects.select_for_update().select_related("user").get(pk=profile_id)
        )
        from_province_id = profile.user.province_id
        if not _staff_of(actor, from_province_id, to_province_id):
            raise InvalidTransition(_("Only the two provinces' offices can hand over a file."))
        if from_province_id == to_province_id:
            raise InvalidTransition(_("The file is already with this province."))
        if (
            commune_id is not None
            and not Commune.objects.filter(pk=commune_id, province_id=to_province_id).exists()
        ):
            raise InvalidTransition(_("This commune is not in the province you chose."))
        waiting = ProvinceTransfer.objects.filter(
            profile=profile, status=ProvinceTransfer.Status.REQUESTED
        ).first()
        if waiting is not None:
            raise InvalidTransition(
                _("A transfer of this file to %(to)s is already waiting for the worker's answer.")
                % {"to": waiting.to_province}
            )
        now = timezone.now()
        transfer = ProvinceTransfer.objects.create(
            profile=profile,
            from_province_id=from_province_id,
            to_province_id=to_province_id,
            commune_id=commune_id,
            reason=reason[:300],
            requested_by=actor,
            requested_at=now,
            expires_at=now + datetime.timedelta(days=transfer_answer_days()),
        )
        if consent_note.strip():
            return transfer_accept(
                transfer_id=transfer.pk,
                actor=actor,
                consent=ProvinceTransfer.Consent.IN_PERSON,
                note=consent_note,
            )
        _transfer_ask_worker(transfer)
        _transfer_notify(transfer)
    return transfer


def _transfer_lock_open(transfer_id: int, now: datetime.datetime | None = None) -> ProvinceTransfer:
    """The request, locked, if it still waits for an answer (and, given `now`, is not past
    its answer date)."""
    transfer = (
        ProvinceTransfer.objects.select_for_update(of=("self",))
        .select_related("profile__user", "from_province", "to_province")
        .get(pk=transfer_id)
    )
    if transfer.status != ProvinceTransfer.Status.REQUESTED:
        raise InvalidTransition(
            _("This request was already answered or closed: %(status)s.")
            % {"status": transfer.get_status_display()}
        )
    if now is not None and transfer.expires_at is not None and transfer.expires_at <= now:
        raise InvalidTransition(_("This request has expired: a counsellor can ask again."))
    return transfer


def _answer_allowed(transfer: ProvinceTransfer, actor: User, consent: str, note: str) -> None:
    if consent == ProvinceTransfer.Consent.ONLINE:
        if actor.pk != transfer.profile.user_id:
            raise InvalidTransition(_("Only the worker answers on the portal."))
    elif consent == ProvinceTransfer.Consent.IN_PERSON:
        if not _staff_of(actor, transfer.from_province_id, transfer.to_province_id):
            raise InvalidTransition(_("Only the two provinces' offices can record an answer."))
        if not note.strip():
            raise InvalidTransition(
                _("Say how the worker answered: the paper they signed and where it is kept.")
            )
    else:
        raise InvalidTransition(_("Unknown way of answering."))


def _move_with(transfer: ProvinceTransfer, actor: User) -> int | None:
    """Move the file (the move service and its hooks), put the new address on it, and link
    the case event to the transfer. Returns who the case was assigned to before the move
    (told of it by `_transfer_notify`)."""
    profile = transfer.profile
    case = Case.objects.filter(profile=profile).first()
    assigned_id = case.assigned_to_id if case else None
    worker_province_move(
        profile=profile,
        to_province_id=transfer.to_province_id,
        actor=actor,
        reason=str(transfer.get_consent_display()),
    )
    transfer.event = (
        CaseEvent.objects.filter(case__profile=profile, to_province_id=transfer.to_province_id)
        .order_by("-pk")
        .first()
    )
    if transfer.consent != ProvinceTransfer.Consent.ADDRESS:
        # The old commune is in the old province: the new one when the counsellor knew it,
        # otherwise the worker's address step opens again.
        locked = WorkerProfile.objects.select_for_update().get(pk=profile.pk)
        locked.commune_id = transfer.commune_id
        fields = ["commune", "version", "updated_at"]
        if transfer.commune_id is None:
            locked.address_line = ""
            locked.steps_done = [s for s in locked.steps_done if s != ProfileStep.ADDRESS]
            fields += ["address_line", "steps_done"]
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save(update_fields=fields)
        Case.objects.filter(profile=profile).update(commune_id=transfer.commune_id)
    return assigned_id


def transfer_accept(
    *, transfer_id: int, actor: User, consent: str, note: str = ""
) -> ProvinceTransfer:
    """The worker agreed (on the portal, or in person before a counsellor): the request is
    closed as accepted with who, when and how, and the file moves in the same transaction."""
    with transaction.atomic():
        now = timezone.now()
        transfer = _transfer_lock_open(transfer_id, now)
        _answer_allowed(transfer, actor, consent, note)
        transfer.status = ProvinceTransfer.Status.ACCEPTED
        transfer.consent = consent
        transfer.closed_by = actor
        transfer.closed_at = now
        transfer.close_reason = note.strip()[:300]
        assigned_id = _move_with(transfer, actor)
        transfer.save(
            update_fields=["status", "consent", "closed_by", "closed_at", "close_reason", "event"]
        )
        _transfer_notify(transfer, assigned_id=assigned_id)
    return transfer


def transfer_decline(
    *, transfer_id: int, actor: User, consent: str, note: str = ""
) -> ProvinceTransfer:
    """The worker said no (on the portal, or in person before a counsellor): nothing moves."""
    with transaction.atomic():
        now = timezone.now()
        transfer = _transfer_lock_open(transfer_id, now)
        _answer_allowed(transfer, actor, consent, note)
        transfer.status = ProvinceTransfer.Status.DECLINED
        transfer.consent = consent
        transfer.closed_by = actor
        transfer.closed_at = now
        transfer.close_reason = note.strip()[:300]
        transfer.save(update_fields=["status", "consent", "closed_by", "closed_at", "close_reason"])
        _transfer_notify(transfer)
    return transfer


def transfer_cancel(*, transfer_id: int, actor: User, reason: str) -> ProvinceTransfer:
    """A counsellor of either province withdraws a request (made in error, the worker
    stayed): nothing moves."""
    reason = reason.strip()
    if not reason:
        raise InvalidTransition(_("Say why the request is cancelled."))
    with transaction.atomic():
        transfer = _transfer_lock_open(transfer_id)
        if not _staff_of(actor, transfer.from_province_id, transfer.to_province_id):
            raise InvalidTransition(_("Only the two provinces' offices can cancel a request."))
        transfer.status = ProvinceTransfer.Status.CANCELLED
        transfer.closed_by = actor
        transfer.closed_at = timezone.now()
        transfer.close_reason = reason[:300]
        transfer.save(update_fields=["status", "closed_by", "closed_at", "close_reason"])
        _transfer_notify(transfer)
    return transfer


def transfers_expire(*, now: datetime.datetime) -> int:
    """Close the requests nobody answered in time as expired (nothing moves) and tell both
    centres; safe to run twice (the state is checked under the row's lock)."""
    done = 0
    due = ProvinceTransfer.objects.filter(
        status=ProvinceTransfer.Status.REQUESTED, expires_at__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            transfer = (
                ProvinceTransfer.objects.select_for_update(of=("self",))
                .select_related("profile__user", "from_province", "to_province")
                .get(pk=pk)
            )
            if transfer.status != ProvinceTransfer.Status.REQUESTED:
                continue
            transfer.status = ProvinceTransfer.Status.EXPIRED
            transfer.closed_at = now
            transfer.save(update_fields=["status", "closed_at"])
            _transfer_notify(transfer)
            done += 1
    return done


def transfer_by_address(*, profile: WorkerProfile, commune: Commune, actor: User) -> bool:
    """The address step put the worker in another province. The worker doing it is their
    consent: recorded as an accepted transfer, and the file moves. A counsellor doing it
    raises TransferNeeded (nothing is saved): the worker must agree first."""
    to_province_id = commune.province_id
    from_province_id = User.objects.filter(pk=profile.user_id).values_list(
        "province_id", flat=True
    )[0]
    if from_province_id == to_province_id:
        return False
    if actor.pk != profile.user_id:
        raise TransferNeeded(to_province_id, commune.pk)
    now = timezone.now()
    waiting = (
        ProvinceTransfer.objects.select_for_update(of=("self",))
        .filter(profile=profile, status=ProvinceTransfer.Status.REQUESTED)
        .first()
    )
    if waiting is not None and waiting.to_province_id != to_province_id:
        waiting.status = ProvinceTransfer.Status.CANCELLED
        waiting.closed_by = actor
        waiting.closed_at = now
        waiting.close_reason = str(_lazy("The worker moved to another province themself."))
        waiting.save(update_fields=["status", "closed_by", "closed_at", "close_reason"])
        _transfer_notify(waiting)
        waiting = None
    transfer = waiting or ProvinceTransfer(
        profile=profile,
        from_province_id=from_province_id,
        to_province_id=to_province_id,
        requested_by=actor,
        requested_at=now,
    )
    transfer.status = ProvinceTransfer.Status.ACCEPTED
    transfer.commune = commune
    transfer.consent = ProvinceTransfer.Consent.ADDRESS
    transfer.closed_by = actor
    transfer.closed_at = now
    transfer.save()
    transfer.profile = profile
    assigned_id = _move_with(transfer, actor)
    transfer.save(update_fields=["event"])
    _transfer_notify(transfer, assigned_id=assigned_id)
    return True
