"""The only writers of worker data. Each function is one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts import personal
from accounts.models import Consent, ConsentText, Role, User
from accounts.phones import format_national, normalize_phone
from accounts.text import fold
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


class InvalidTransition(Exception):
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
            for name in fields:
                setattr(profile, name, values.get(name, getattr(profile, name)))
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
                # The account's province follows the address: it decides which centre sees them.
                worker_province_move(
                    profile=profile, to_province_id=profile.commune.province_id, actor=actor
                )
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
            update_fields=["personal_id", "id_problems", "steps_done", "version", "updated_at"]
        )
        claimant.personal_id = number
        if claimant.date_of_birth and claimant.sex:
            check = check_personal_id(
                number, birth_date=claimant.date_of_birth, sex=IdSex(claimant.sex)
            )
            claimant.id_problems = [str(p) for p in check.problems]
        claimant.version += 1
        claimant.updated_at = now
        claimant.save(update_fields=["personal_id", "id_problems", "version", "updated_at"])
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


def worker_province_move(*, profile: WorkerProfile, to_province_id: int, actor: User) -> bool:
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
            )
            CounsellingSession.objects.filter(case=case).update(province_id=to_province_id)
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
        text=ConsentText.objects.first(),  # type: ignore[arg-type]
        method=Consent.Method.PAPER,
        recorded_by=counsellor,
    )
    return profile_start(user=user, created_by=counsellor)


def sensitive_read_record(*, staff: AbstractBaseUser, profile: WorkerProfile, context: str) -> None:
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
        document = Document.objects.select_for_update().get(pk=document_id)
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
    return CounsellingSession.objects.filter(
        case__isnull=True, contact_phone=phone, province_id=case.province_id
    ).update(case=case)


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
