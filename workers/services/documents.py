"""The worker's documents: the upload, and the counsellor's verify or return."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from workers.models import (
    Document,
    DocumentEvent,
    DocumentType,
    WorkerProfile,
)
from workers.reference import PriorityGroup
from workers.services.common import InvalidTransition
from workers.uploads import CleanFile


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
