"""The only writers of worker data. Each function is one transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Consent, ConsentText, Role, User
from workers.models import (
    STEP_ORDER,
    DeletionRequest,
    Document,
    DocumentEvent,
    DocumentType,
    DuplicateIdAttempt,
    ProfileStep,
    SensitiveRead,
    WorkerProfile,
)
from workers.uploads import CleanFile

# The fields each step writes; nothing else is touched by that step.
STEP_FIELDS: dict[str, list[str]] = {
    ProfileStep.IDENTITY: ["date_of_birth", "sex", "personal_id", "id_issued_on", "id_problems"],
    ProfileStep.CONTACT: ["contact_note"],
    ProfileStep.ADDRESS: ["commune", "address_line", "old_address"],
    ProfileStep.BACKGROUND: ["ethnicity", "priority_groups"],
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
    profile, _created = WorkerProfile.objects.get_or_create(
        user=user, defaults={"created_by": created_by or user}
    )
    return profile


def _record_duplicate(personal_id: str, existing_pk: int, actor: User) -> None:
    # Its own transaction: the attempt is kept even though the step is refused.
    with transaction.atomic():
        DuplicateIdAttempt.objects.create(
            personal_id=personal_id, existing_id=existing_pk, attempted_by=actor
        )


def profile_save_step(
    *, profile_id: int, step: str, values: dict[str, Any], expected_version: int, actor: User
) -> WorkerProfile:
    """Write one step's fields if nobody changed the profile since `expected_version`."""
    if step == ProfileStep.IDENTITY and values.get("personal_id"):
        holder = (
            WorkerProfile.objects.filter(personal_id=values["personal_id"])
            .exclude(pk=profile_id)
            .values_list("pk", flat=True)
            .first()
        )
        if holder is not None:
            _record_duplicate(values["personal_id"], holder, actor)
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
            if step == ProfileStep.IDENTITY and values.get("name"):
                User.objects.filter(pk=profile.user_id).update(name=values["name"])
            if step == ProfileStep.ADDRESS and profile.commune_id:
                # The account's province follows the address: it decides which centre sees them.
                User.objects.filter(pk=profile.user_id).update(
                    province_id=profile.commune.province_id
                )
    except IntegrityError:
        # Two registrations raced for the same personal ID; the unique index kept one.
        holder = WorkerProfile.objects.get(personal_id=values["personal_id"])
        _record_duplicate(values["personal_id"], holder.pk, actor)
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
        text=ConsentText.objects.first(),  # type: ignore[arg-type]
        method=Consent.Method.PAPER,
        recorded_by=counsellor,
    )
    return profile_start(user=user, created_by=counsellor)


def sensitive_read_record(*, staff: AbstractBaseUser, profile: WorkerProfile, context: str) -> None:
    """Log that a staff member was shown a worker's sensitive fields."""
    SensitiveRead.objects.create(staff=staff, profile=profile, context=context)


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
        DocumentEvent.objects.create(
            document=document, from_status=previous, to_status=to, actor=actor, reason=reason
        )
    return document


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


def profile_anonymise(*, deletion_request_id: int, now: datetime.datetime) -> bool:
    """Erase the personal fields of a worker whose deletion request is due. Idempotent."""
    with transaction.atomic():
        request = (
            DeletionRequest.objects.select_for_update()
            .select_related("profile__user")
            .get(pk=deletion_request_id)
        )
        if request.completed_at is not None:
            return False
        profile = request.profile
        user = profile.user
        documents = list(profile.documents.all())
        for document in documents:
            document.file.delete(save=False)
        profile.documents.all().delete()
        for field in WorkerProfile._meta.concrete_fields:
            if field.name in {"id", "user", "created_at", "created_by", "steps_done", "version"}:
                continue
            setattr(profile, field.name, field.get_default())
        profile.anonymised_at = now
        profile.save()
        user.name = _("Deleted account")
        user.email = f"deleted-{user.pk}@anonymised.invalid"
        user.phone = None
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["name", "email", "phone", "is_active", "password"])
        user.emailaddress_set.all().delete()  # type: ignore[attr-defined]
        request.completed_at = now
        request.save(update_fields=["completed_at"])
    return True
