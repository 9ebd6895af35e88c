"""The right to erasure: the worker's deletion request, who the erasure looks for, and the
anonymisation of her file once the request is due."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import personal
from accounts.phones import format_national, normalize_phone
from accounts.text import fold
from workers.models import (
    Case,
    DeletionRequest,
    WorkerProfile,
)


@transaction.atomic
def deletion_request_create(*, profile: WorkerProfile, reason: str) -> DeletionRequest:
    """The worker asks to be deleted; asking twice keeps the first request."""
    request, _created = DeletionRequest.objects.unscoped(
        "the worker's own request, by her profile"
    ).get_or_create(profile=profile, defaults={"reason": reason[:300]})
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
    case = (
        Case.objects.unscoped("erasure: the case of the profile being erased")
        .filter(profile=profile)
        .first()
    )
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
            DeletionRequest.objects.unscoped("the nightly erasure: every province's due requests")
            .select_for_update()
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
        Case.objects.unscoped("erasure: the case of the profile being erased").filter(
            profile=profile
        ).update(search_name=fold(str(user.name)))
        request.completed_at = now
        request.save(update_fields=["completed_at"])
        erased.rows["accounts.User: anonymised"] = 1
        erased.rows["workers.WorkerProfile: anonymised"] = 1
        transaction.on_commit(personal.files_delete_pending)
    return erased
