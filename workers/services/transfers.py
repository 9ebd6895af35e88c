"""A worker's file handed to another province: the move itself (with the hooks higher apps
register) and the transfer request the worker answers."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import Commune, Role, User
from workers.models import (
    Assignment,
    Case,
    CaseEvent,
    CounsellingSession,
    ProfileStep,
    ProvinceTransfer,
    WorkerProfile,
)
from workers.services.common import InvalidTransition

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
        case = (
            Case.objects.unscoped("province move: the moving worker's case")
            .select_for_update()
            .filter(profile=profile)
            .first()
        )
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
            WorkerProfile.objects.unscoped(
                "transfer: either province's staff may ask, checked below"
            )
            .select_for_update()
            .select_related("user")
            .get(pk=profile_id)
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
        waiting = (
            ProvinceTransfer.objects.unscoped(
                "transfer: the open request of this worker, wherever it goes"
            )
            .filter(profile=profile, status=ProvinceTransfer.Status.REQUESTED)
            .first()
        )
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
        ProvinceTransfer.objects.unscoped("transfer: who may answer is checked below")
        .select_for_update(of=("self",))
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
    case = (
        Case.objects.unscoped("transfer: the moving worker's case").filter(profile=profile).first()
    )
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
        locked = (
            WorkerProfile.objects.unscoped("transfer: the moving worker's profile")
            .select_for_update()
            .get(pk=profile.pk)
        )
        locked.commune_id = transfer.commune_id
        fields = ["commune", "version", "updated_at"]
        if transfer.commune_id is None:
            locked.address_line = ""
            locked.steps_done = [s for s in locked.steps_done if s != ProfileStep.ADDRESS]
            fields += ["address_line", "steps_done"]
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save(update_fields=fields)
        Case.objects.unscoped("transfer: the moving worker's case").filter(profile=profile).update(
            commune_id=transfer.commune_id
        )
    return assigned_id


_ANSWER_FIELDS = ["status", "consent", "closed_by", "closed_at", "close_reason"]


def _answer(
    transfer_id: int, actor: User, consent: str, note: str, status: str
) -> ProvinceTransfer:
    """The open request, locked, closed with the worker's answer: who, when, how and why
    (saved by the caller, with what else the answer changes)."""
    now = timezone.now()
    transfer = _transfer_lock_open(transfer_id, now)
    _answer_allowed(transfer, actor, consent, note)
    transfer.status = status
    transfer.consent = consent
    transfer.closed_by = actor
    transfer.closed_at = now
    transfer.close_reason = note.strip()[:300]
    return transfer


def transfer_accept(
    *, transfer_id: int, actor: User, consent: str, note: str = ""
) -> ProvinceTransfer:
    """The worker agreed (on the portal, or in person before a counsellor): the request is
    closed as accepted with who, when and how, and the file moves in the same transaction."""
    with transaction.atomic():
        transfer = _answer(transfer_id, actor, consent, note, ProvinceTransfer.Status.ACCEPTED)
        assigned_id = _move_with(transfer, actor)
        transfer.save(update_fields=[*_ANSWER_FIELDS, "event"])
        _transfer_notify(transfer, assigned_id=assigned_id)
    return transfer


def transfer_decline(
    *, transfer_id: int, actor: User, consent: str, note: str = ""
) -> ProvinceTransfer:
    """The worker said no (on the portal, or in person before a counsellor): nothing moves."""
    with transaction.atomic():
        transfer = _answer(transfer_id, actor, consent, note, ProvinceTransfer.Status.DECLINED)
        transfer.save(update_fields=_ANSWER_FIELDS)
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
    due = (
        ProvinceTransfer.objects.unscoped("the expiry job: every province's unanswered requests")
        .filter(status=ProvinceTransfer.Status.REQUESTED, expires_at__lte=now)
        .values_list("pk", flat=True)
    )
    for pk in list(due):
        with transaction.atomic():
            transfer = (
                ProvinceTransfer.objects.unscoped(
                    "the expiry job: every province's unanswered requests"
                )
                .select_for_update(of=("self",))
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
        ProvinceTransfer.objects.unscoped(
            "transfer: the open request of this worker, wherever it goes"
        )
        .select_for_update(of=("self",))
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
