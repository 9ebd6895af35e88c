"""The only writers of help requests. Each function is one transaction.

Every move locks the request's row (`select_for_update`), checks the status it may come
from, saves with `update_fields` and writes a HelpRequestEvent with who, when and why. The
worker and the province's staff are told through the notifications outbox in the same
transaction, each message once (its key names the request and the step).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from assistance.models import (
    OPEN_STATUSES,
    HelpRequest,
    HelpRequestEvent,
    HelpRequestPhoto,
    Kind,
    Outcome,
    Source,
    Status,
)
from notifications.services import notify
from workers.models import Case, Stage, WorkerProfile
from workers.uploads import CleanFile

Action = HelpRequestEvent.Action

#: Stages of a worker who is abroad: under contract, or after leaving it (who may still ask
#: for help to work legally again or to come home).
ABROAD = frozenset({Stage.DEPARTED, Stage.LEFT_CONTRACT})
MAX_PHOTOS = 3


class HelpError(Exception):
    """Why it cannot be done, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def first_contact_hours() -> int:
    return int(settings.HELP_FIRST_CONTACT_HOURS)


def _staff_of(request: HelpRequest, actor: User) -> None:
    if not actor.is_staff_member or not (
        actor.is_admin or actor.province_id == request.province_id
    ):
        raise HelpError(_("Only staff of the worker's province can do this."))


def _locked(request_id: int) -> HelpRequest:
    return (
        HelpRequest.objects.unscoped("a service: the caller checked the request's province")
        .select_for_update()
        .get(pk=request_id)
    )


def _expect(request: HelpRequest, allowed: Iterable[str]) -> None:
    if request.status not in set(allowed):
        raise HelpError(
            _(
                "This request is now “%(status)s”, so this cannot be done. Reload the page to "
                "see what changed."
            )
            % {"status": request.get_status_display()}
        )


def _event(
    request: HelpRequest, *, action: str, actor: User, previous: str, text: str = ""
) -> HelpRequestEvent:
    return HelpRequestEvent.objects.create(
        request=request,
        action=action,
        from_status=previous,
        to_status=request.status,
        actor=actor,
        text=text[:2000],
    )


def _staff_to_tell(request: HelpRequest) -> list[User]:
    """The request's counsellor, or every active counsellor and manager of the province."""
    if request.assigned_to_id is not None:
        assigned = User.objects.filter(pk=request.assigned_to_id, is_active=True).first()
        if assigned is not None:
            return [assigned]
    return list(
        User.objects.filter(
            province_id=request.province_id,
            role__in=[Role.COUNSELLOR, Role.MANAGER],
            is_active=True,
        ).order_by("pk")
    )


def _tell_worker(request: HelpRequest) -> None:
    worker = User.objects.get(worker_profile__pk=request.profile_id)
    notify(
        recipient=worker,
        kind="help-request-update",
        key=f"help-request-update:{request.pk}:{request.status}",
        context={"request": request},
        link=reverse("assistance:request", args=[request.pk]),
    )


def help_request_create(
    *,
    profile: WorkerProfile,
    actor: User,
    kind: str = "",
    what_happened: str = "",
    phone_abroad: str = "",
    zalo: str = "",
    relative_contact: str = "",
    photos: Iterable[tuple[CleanFile, str]] = (),
    source: str = Source.WORKER,
) -> HelpRequest:
    """A new request of a worker abroad, due for first contact within the setting's hours;
    the province's staff are told at once. Nothing but one way to reach them is needed."""
    photos = list(photos)
    phone_abroad, zalo = phone_abroad.strip(), zalo.strip()
    relative_contact = relative_contact.strip()
    if not (phone_abroad or zalo or relative_contact):
        raise HelpError(
            _("Write at least one way to reach you: a phone number, Zalo or a relative.")
        )
    if len(photos) > MAX_PHOTOS:
        raise HelpError(_("Send at most %(n)s photos.") % {"n": MAX_PHOTOS})
    with transaction.atomic():
        case = (
            Case.objects.unscoped("the case of the profile its caller may act on")
            .select_for_update()
            .get(profile=profile)
        )
        owner_id = profile.user_id
        if actor.pk == owner_id:
            source = Source.WORKER
        elif not actor.is_staff_member or not (
            actor.is_admin or actor.province_id == case.province_id
        ):
            raise HelpError(_("Only staff of the worker's province can do this."))
        elif source == Source.WORKER:
            source = Source.RELATIVE_PHONE
        if case.stage not in ABROAD:
            raise HelpError(
                _(
                    "A help request is for a worker who is abroad. For a problem at home, call "
                    "the centre."
                )
            )
        if case.province_id is None:
            raise HelpError(_("The worker has no province yet."))
        now = timezone.now()
        request = HelpRequest.objects.create(
            profile=profile,
            province_id=case.province_id,
            market_id=case.market_id,
            kind=kind if kind in Kind.values else Kind.OTHER,
            what_happened=what_happened.strip()[:5000],
            phone_abroad=phone_abroad[:40],
            zalo=zalo[:100],
            relative_contact=relative_contact[:200],
            source=source,
            created_at=now,
            created_by=actor,
            first_contact_due=now + datetime.timedelta(hours=first_contact_hours()),
            updated_at=now,
        )
        stored: list[HelpRequestPhoto] = []
        try:
            for clean, original_name in photos:
                photo = HelpRequestPhoto(
                    request=request,
                    content_type=clean.content_type,
                    size=len(clean.content),
                    original_name=original_name[:200],
                    uploaded_by=actor,
                )
                photo.file.save(f"photo.{clean.extension}", ContentFile(clean.content), save=False)
                stored.append(photo)
                photo.save()
            _event(
                request,
                action=Action.CREATE,
                actor=actor,
                previous="",
                text=str(Source(source).label),
            )
            for staff in _staff_to_tell(request):
                notify(
                    recipient=staff,
                    kind="help-request-new",
                    key=f"help-request-new:{request.pk}",
                    context={"request": request, "name": profile.user.name},
                    link=reverse("assistance:staff_request", args=[request.pk]),
                )
        except Exception:
            # The rows are rolled back; the files must not stay behind without them.
            for photo in stored:
                photo.file.delete(save=False)
            raise
    return request


def help_request_contact(*, request_id: int, actor: User, note: str = "") -> HelpRequest:
    """First contact made: the time is recorded once; the request goes to its first
    counsellor if nobody had it."""
    with transaction.atomic():
        request = _locked(request_id)
        _staff_of(request, actor)
        _expect(request, (Status.NEW,))
        now = timezone.now()
        previous = request.status
        request.status = Status.CONTACTED
        request.first_contact_at = now
        request.first_contact_by = actor
        request.updated_at = now
        fields = ["status", "first_contact_at", "first_contact_by", "updated_at"]
        if request.assigned_to_id is None:
            request.assigned_to = actor
            fields.append("assigned_to")
        request.save(update_fields=fields)
        _event(request, action=Action.CONTACT, actor=actor, previous=previous, text=note)
        _tell_worker(request)
    return request


def help_request_start(*, request_id: int, actor: User, note: str = "") -> HelpRequest:
    """The centre is working on it (with the employer, the agency, the labour board)."""
    with transaction.atomic():
        request = _locked(request_id)
        _staff_of(request, actor)
        _expect(request, (Status.CONTACTED,))
        previous = request.status
        request.status = Status.IN_PROGRESS
        request.updated_at = timezone.now()
        request.save(update_fields=["status", "updated_at"])
        _event(request, action=Action.START, actor=actor, previous=previous, text=note)
        _tell_worker(request)
    return request


def help_request_close(
    *,
    request_id: int,
    actor: User,
    outcome: str,
    referred_to: str = "",
    amount: Decimal | None = None,
    note: str = "",
) -> HelpRequest:
    """The outcome: resolved, referred (to whom), money recovered (how much), returned home."""
    referred_to = referred_to.strip()
    if outcome not in Outcome.values:
        raise HelpError(_("Choose the outcome."))
    if outcome == Outcome.REFERRED and not referred_to:
        raise HelpError(_("Write who the request was referred to."))
    if outcome == Outcome.RECOVERED and (amount is None or amount <= 0):
        raise HelpError(_("Write the amount recovered, in VND."))
    if amount is not None and amount < 0:
        raise HelpError(_("The amount cannot be negative."))
    with transaction.atomic():
        request = _locked(request_id)
        _staff_of(request, actor)
        # First contact comes first: a request cannot be closed before anyone reached them.
        _expect(request, (Status.CONTACTED, Status.IN_PROGRESS))
        now = timezone.now()
        previous = request.status
        request.status = Status.CLOSED
        request.outcome = outcome
        request.referred_to = referred_to[:200] if outcome == Outcome.REFERRED else ""
        request.amount_recovered = amount if amount else None
        request.closed_at = now
        request.updated_at = now
        request.save(
            update_fields=[
                "status", "outcome", "referred_to", "amount_recovered", "closed_at", "updated_at"
            ]
        )  # fmt: skip
        _event(request, action=Action.CLOSE, actor=actor, previous=previous, text=note)
        _tell_worker(request)
    return request


def help_request_assign(*, request_id: int, actor: User, to: User | None) -> HelpRequest:
    """Give an open request to a counsellor of its province (or to nobody)."""
    with transaction.atomic():
        request = _locked(request_id)
        _staff_of(request, actor)
        _expect(request, OPEN_STATUSES)
        if to is not None and not (
            to.is_active
            and to.is_staff_member
            and (to.is_admin or to.province_id == request.province_id)
        ):
            raise HelpError(_("Choose a counsellor of the worker's province."))
        request.assigned_to = to
        request.updated_at = timezone.now()
        request.save(update_fields=["assigned_to", "updated_at"])
        _event(
            request,
            action=Action.ASSIGN,
            actor=actor,
            previous=request.status,
            text=to.name if to is not None else "",
        )
    return request


def help_request_note(*, request_id: int, actor: User, text: str) -> HelpRequestEvent:
    """A note on the request (what was said, who was called)."""
    text = text.strip()
    if not text:
        raise HelpError(_("Write the note."))
    with transaction.atomic():
        request = _locked(request_id)
        _staff_of(request, actor)
        request.updated_at = timezone.now()
        request.save(update_fields=["updated_at"])
        return _event(request, action=Action.NOTE, actor=actor, previous=request.status, text=text)


def help_requests_follow_worker(profile: Any, from_province_id: int | None, to: int) -> None:
    """A worker who moves province takes their help requests along (inside the move's
    transaction); the old province's counsellor lets go of them."""
    requests = HelpRequest.objects.unscoped("the worker's requests move with her").filter(
        profile=profile
    )
    requests.update(province_id=to)
    requests.exclude(assigned_to__province_id=to).exclude(assigned_to__role=Role.ADMIN).update(
        assigned_to=None
    )


def first_contact_overdue_remind(now: datetime.datetime) -> int:
    """Tell the staff of each request still waiting for first contact past its deadline:
    once per request and person, however often (or wherever) the job runs."""
    told = 0
    overdue = (
        HelpRequest.objects.unscoped("first-contact reminders, every province")
        .first_contact_overdue(now)
        .select_related("profile__user")
    )
    for request in overdue.order_by("first_contact_due", "pk"):
        told += 1
        for staff in _staff_to_tell(request):
            notify(
                recipient=staff,
                kind="help-request-overdue",
                key=f"help-request-overdue:{request.pk}",
                context={
                    "request": request,
                    "name": request.profile.user.name,
                    "hours": first_contact_hours(),
                },
                link=reverse("assistance:staff_request", args=[request.pk]),
            )
    return told
