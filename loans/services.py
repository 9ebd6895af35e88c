"""The only writers of support applications. Each function is one transaction.

Every move of an application locks its row (`select_for_update`), checks the statuses it
may come from, saves with `update_fields` and writes an `ApplicationEvent` with who, when
and why. Decisions tell the worker through the notifications outbox, in the same
transaction, so a decision and its message are kept or lost together.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.transitions import TransitionRefused
from loans import rules, selectors, transitions
from loans.models import (
    OPEN_STATUSES,
    SPENT_STATUSES,
    Application,
    ApplicationEvent,
    Attachment,
    CostItem,
    CostLine,
    KeptSupportRecord,
    Kind,
    ProgrammeBudget,
    Status,
    SupportProgramme,
)
from markets.money import format_money
from notifications.services import notify
from workers.models import DocumentType, WorkerProfile
from workers.uploads import CleanFile

Action = ApplicationEvent.Action
log = logging.getLogger(__name__)

#: Fields of the application form that the applicant (or a counsellor helping) may change.
EDITABLE_FIELDS = (
    "phone",
    "note",
    "bank_account",
    "bank_name",
    "loan_purpose",
    "loan_term_months",
    "costs_before_departure",
    "other_state_support",
    "contract_months",
    "contract_signed_on",
    "costs_arose_on",
    "agreed_deposit",
)

NOTIFICATION_KIND = "support-decision"


class SupportError(Exception):
    """A refused action; `messages` say why, in the user's language, and what to do."""

    def __init__(self, messages: str | Iterable[str]) -> None:
        self.messages = [messages] if isinstance(messages, str) else [str(m) for m in messages]
        super().__init__(" ".join(self.messages))


class InvalidTransition(SupportError, TransitionRefused):
    """The application's current status does not allow this move."""


class NotEligible(SupportError):
    """The worker does not meet the programme's conditions (today)."""


class Incomplete(SupportError):
    """Amounts over a limit, or receipts and documents missing."""


class NotAllowed(SupportError):
    """This person may not do this (role, province, or maker-checker)."""


class BudgetExceeded(SupportError):
    """Approving would take the programme over its budget for the year."""


class AlreadyOpen(SupportError):
    """The worker already has an undecided application for this programme."""

    def __init__(self, application: Application) -> None:
        super().__init__(
            _("You already have an application for this programme that is not decided yet.")
        )
        self.application = application


@dataclass(frozen=True)
class LineInput:
    item_id: int
    quantity: int
    amount: Decimal


# --- Helpers --------------------------------------------------------------------------


def _locked(application_id: int) -> Application:
    return (
        Application.objects.unscoped("a service: the caller checked the application's province")
        .select_for_update()
        .get(pk=application_id)
    )


def _expect(application: Application, allowed: Iterable[str]) -> None:
    """Refuse, naming the current status, unless it is one of `allowed`."""
    if application.status not in set(allowed):
        raise InvalidTransition(
            _(
                "This application is now “%(status)s”, so this cannot be done. Reload the page "
                "to see what changed."
            )
            % {"status": application.get_status_display()}
        )


def _is_owner(application: Application, actor: User) -> bool:
    owner_id = (
        WorkerProfile.objects.unscoped("the owner of an application its caller may act on")
        .values_list("user_id", flat=True)
        .get(pk=application.profile_id)
    )
    return owner_id == actor.pk


def _staff_of(application: Application, actor: User) -> None:
    if not actor.is_staff_member or not (
        actor.is_admin or actor.province_id == application.province_id
    ):
        raise NotAllowed(_("Only staff of the worker's province can do this."))


def _owner_or_staff(application: Application, actor: User) -> None:
    if not _is_owner(application, actor):
        _staff_of(application, actor)


def _event(
    application: Application,
    *,
    action: str,
    actor: User,
    previous: str,
    reason: str = "",
    amount: Decimal | None = None,
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_status=previous,
        to_status=application.status,
        actor=actor,
        reason=reason,
        amount=amount,
    )


def _move(
    application: Application,
    *,
    to: str,
    action: str,
    actor: User,
    reason: str = "",
    amount: Decimal | None = None,
    fields: Iterable[str] = (),
) -> Application:
    previous = application.status
    if not transitions.is_allowed(previous, action, to):  # the table is the last word
        _expect(application, ())
    application.status = to
    application.updated_at = timezone.now()
    application.save(update_fields=["status", "updated_at", *fields])
    _event(application, action=action, actor=actor, previous=previous, reason=reason, amount=amount)
    return application


def _required_reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Incomplete(message)
    return reason


def _notify_decision(application: Application) -> None:
    """Tell the worker; each (application, status) is told once, each request for more
    information once per round."""
    key = f"{NOTIFICATION_KIND}:{application.pk}:{application.status}"
    if application.status == Status.NEEDS_INFO:
        rounds = application.events.filter(action=Action.REQUEST_INFO).count()
        if rounds > 1:
            key = f"{key}:{rounds}"
    worker = User.objects.get(worker_profile__pk=application.profile_id)
    notify(
        recipient=worker,
        kind=NOTIFICATION_KIND,
        key=key,
        context={"application": application, "programme": application.programme},
        link=reverse("loans:application", args=[application.pk]),
    )


def contract_months_between(start: datetime.date | None, end: datetime.date | None) -> int | None:
    if start is None or end is None or end <= start:
        return None
    return (end.year - start.year) * 12 + end.month - start.month


# --- The applicant's side -------------------------------------------------------------


def application_start(
    *,
    profile: WorkerProfile,
    programme: SupportProgramme,
    actor: User,
    today: datetime.date | None = None,
) -> Application:
    """A draft application, pre-filled from the file, if the worker meets the conditions."""
    today = today or timezone.localdate()
    profile = selectors.profile_for_rules(pk=profile.pk)
    if actor.pk != profile.user_id and not (
        actor.is_staff_member and (actor.is_admin or actor.province_id == profile.user.province_id)
    ):
        raise NotAllowed(_("Only the worker or staff of their province can do this."))
    terms = selectors.programme_terms(selectors.programmes_with_terms().get(pk=programme.pk))
    reasons = rules.unmet_conditions(selectors.worker_facts(profile, today), terms, today)
    if reasons:
        raise NotEligible(reasons)
    existing = (
        Application.objects.unscoped("one open application per worker and programme")
        .filter(profile=profile, programme=programme, status__in=OPEN_STATUSES)
        .first()
    )
    if existing is not None:
        raise AlreadyOpen(existing)
    case = getattr(profile, "case", None)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                profile=profile,
                province_id=profile.user.province_id,
                programme=programme,
                phone=profile.user.display_phone,
                contract_months=(
                    contract_months_between(case.contract_start, case.contract_end)
                    if case is not None
                    else None
                ),
                created_by=actor,
            )
            _event(application, action=Action.START, actor=actor, previous="")
    except IntegrityError:
        # A double click or a second tab: the unique index kept the first one.
        existing = Application.objects.unscoped(
            "one open application per worker and programme"
        ).get(profile=profile, programme=programme, status__in=OPEN_STATUSES)
        raise AlreadyOpen(existing) from None
    return application


def _check_lines(programme: SupportProgramme, lines: list[LineInput]) -> list[CostItem]:
    items = {item.pk: item for item in programme.cost_items.all()}
    problems = []
    for line in lines:
        item = items.get(line.item_id)
        if item is None:
            raise Incomplete(_("This cost is not paid by this programme."))
        if line.amount < 0:
            problems.append(_("An amount cannot be negative."))
            continue
        problem = rules.cap_problem(selectors.item_cap(item), line.quantity, line.amount)
        if problem:
            problems.append(problem)
    if problems:
        raise Incomplete(problems)
    return list(items.values())


def application_save(
    *,
    application_id: int,
    actor: User,
    values: dict[str, Any],
    lines: list[LineInput] | None = None,
    loan_amount: Decimal | None = None,
) -> Application:
    """Save the form of a draft (or of one sent back for more information); nothing is sent.

    Grant lines over an item's cap, and loan figures over a limit, are refused naming the
    limit; what is still missing is listed on the page and checked when it is sent.
    """
    with transaction.atomic():
        application = _locked(application_id)
        _owner_or_staff(application, actor)
        _expect(application, transitions.EDITABLE)
        programme = application.programme
        changed = []
        for name in EDITABLE_FIELDS:
            if name in values:
                setattr(application, name, values[name])
                changed.append(name)
        if programme.kind == Kind.GRANT and lines is not None:
            _check_lines(programme, lines)
            kept = [line for line in lines if line.amount > 0]
            application.lines.exclude(item_id__in=[line.item_id for line in kept]).delete()
            for line in kept:
                CostLine.objects.update_or_create(
                    application=application,
                    item_id=line.item_id,
                    defaults={"quantity": line.quantity, "amount": line.amount},
                )
            application.requested_amount = sum((line.amount for line in kept), Decimal(0))
            changed.append("requested_amount")
        if programme.kind == Kind.LOAN and loan_amount is not None:
            if loan_amount < 0:
                raise Incomplete(_("An amount cannot be negative."))
            application.requested_amount = loan_amount
            facts, terms, _unmet = selectors.eligibility_for(application, timezone.localdate())
            # Over a limit is refused now, as on the form; only what is missing may wait.
            over = [
                finding.message
                for finding in rules.loan_findings(terms, loan_request(application), facts)
                if not finding.missing
            ]
            if over:
                raise Incomplete(over)
            application.needs_collateral = rules.needs_collateral(terms, loan_amount)
            changed += ["requested_amount", "needs_collateral"]
        application.updated_at = timezone.now()
        application.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
        _event(application, action=Action.EDIT, actor=actor, previous=application.status)
    return application


def attachment_add(
    *,
    application_id: int,
    actor: User,
    kind: str,
    document_type: DocumentType | None,
    clean: CleanFile,
    original_name: str,
) -> Attachment:
    """Store a checked file (receipt or document) with an application that can still change."""
    with transaction.atomic():
        application = _locked(application_id)
        _owner_or_staff(application, actor)
        _expect(application, transitions.EDITABLE)
        attachment = Attachment(
            application=application,
            kind=kind,
            document_type=document_type if kind == Attachment.Kind.DOCUMENT else None,
            content_type=clean.content_type,
            size=len(clean.content),
            original_name=original_name[:200],
            uploaded_by=actor,
        )
        attachment.file.save(f"upload.{clean.extension}", ContentFile(clean.content), save=False)
        try:
            attachment.save()
            application.updated_at = timezone.now()
            application.save(update_fields=["updated_at"])
            _event(
                application,
                action=Action.ATTACH,
                actor=actor,
                previous=application.status,
                reason=attachment.label,
            )
        except Exception:
            # The row is rolled back; the file must not stay behind without it.
            attachment.file.delete(save=False)
            raise
    return attachment


def attachment_remove(*, attachment_id: int, actor: User) -> Application:
    """Take back a file sent by mistake, while the application can still change."""
    with transaction.atomic():
        attachment = (
            Attachment.objects.unscoped("checked by _owner_or_staff below")
            .select_related("document_type")
            .get(pk=attachment_id)
        )
        application = _locked(attachment.application_id)
        _owner_or_staff(application, actor)
        _expect(application, transitions.EDITABLE)
        label = attachment.label
        stored = attachment.file.name
        attachment.delete()
        application.updated_at = timezone.now()
        application.save(update_fields=["updated_at"])
        _event(
            application,
            action=Action.EDIT,
            actor=actor,
            previous=application.status,
            reason=_("Removed: %(file)s") % {"file": label},
        )
        storage = Attachment._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(stored))
    return application


def readiness(application: Application, today: datetime.date) -> tuple[list[str], list[str]]:
    """Why the application cannot be sent today: (conditions unmet, form incomplete)."""
    facts, terms, unmet = selectors.eligibility_for(application, today)
    problems: list[str] = [f.message for f in rules.date_findings(terms, facts, today)]
    if application.programme.kind == Kind.GRANT:
        problems += rules.grant_problems(
            selectors.application_lines(application),
            receipts=selectors.receipts_count(application),
            receipts_required=application.programme.receipts_required,
        )
    else:
        problems += rules.loan_problems(terms, loan_request(application), facts)
    for missing in selectors.missing_documents(application):
        problems.append(_("Attach: %(document)s.") % {"document": missing.label})
    return unmet, problems


def problems_before_sending(application: Application, today: datetime.date) -> list[str]:
    """Everything that stops the application from being sent, as sentences (none: ready)."""
    unmet, problems = readiness(application, today)
    return unmet + problems


def loan_request(application: Application) -> rules.LoanRequest:
    return rules.LoanRequest(
        amount=application.requested_amount,
        term_months=application.loan_term_months,
        costs_before_departure=application.costs_before_departure,
        other_state_support=application.other_state_support,
        contract_months=application.contract_months,
        contract_signed_on=application.contract_signed_on,
        agreed_deposit=application.agreed_deposit,
    )


def applicant_snapshot(profile: WorkerProfile) -> dict[str, Any]:
    user = profile.user
    return {
        "name": user.name,
        "phone": user.display_phone,
        "email": user.email or "",
        "date_of_birth": profile.date_of_birth.isoformat() if profile.date_of_birth else "",
        "sex": profile.sex,
        "personal_id": profile.personal_id or "",
        "ethnicity": profile.ethnicity,
        "address_line": profile.address_line,
        "commune": profile.commune.name if profile.commune else "",
        "province": user.province.name if user.province else "",
        "priority_groups": profile.priority_groups,
    }


def _send(application_id: int, actor: User, *, allowed: Iterable[str], to: str) -> Application:
    today = timezone.localdate()
    with transaction.atomic():
        application = _locked(application_id)
        _owner_or_staff(application, actor)
        _expect(application, allowed)
        unmet, problems = readiness(application, today)
        if unmet:
            raise NotEligible(unmet)
        if problems:
            raise Incomplete(problems)
        profile = selectors.profile_for_rules(pk=application.profile_id)
        application.applicant = applicant_snapshot(profile)
        application.submitted_at = timezone.now()
        fields = ["applicant", "submitted_at"]
        if application.programme.kind == Kind.LOAN:
            application.needs_collateral = rules.needs_collateral(
                selectors.programme_terms(application.programme), application.requested_amount
            )
            fields.append("needs_collateral")
        action = Action.SUBMIT if to == Status.SUBMITTED else Action.RESUBMIT
        return _move(application, to=to, action=action, actor=actor, fields=fields)


def application_submit(*, application_id: int, actor: User) -> Application:
    """Send a draft to the centre, if the worker still qualifies and the form is complete."""
    return _send(
        application_id, actor, allowed=transitions.sources(Action.SUBMIT), to=Status.SUBMITTED
    )


def application_resubmit(*, application_id: int, actor: User) -> Application:
    """Send the application again after adding what the centre asked for."""
    return _send(
        application_id, actor, allowed=transitions.sources(Action.RESUBMIT), to=Status.RESUBMITTED
    )


def application_withdraw(*, application_id: int, actor: User, reason: str = "") -> Application:
    """The worker (or staff on their behalf) takes back an application not yet decided."""
    with transaction.atomic():
        application = _locked(application_id)
        _owner_or_staff(application, actor)
        _expect(application, transitions.sources(Action.WITHDRAW))
        application.closed_at = timezone.now()
        return _move(
            application,
            to=Status.WITHDRAWN,
            action=Action.WITHDRAW,
            actor=actor,
            reason=(reason or "").strip(),
            fields=["closed_at"],
        )


# --- The centre's side ----------------------------------------------------------------


def application_review(*, application_id: int, actor: User) -> Application:
    """A counsellor takes a sent application into review."""
    with transaction.atomic():
        application = _locked(application_id)
        _staff_of(application, actor)
        _expect(application, transitions.sources(Action.REVIEW))
        return _move(application, to=Status.IN_REVIEW, action=Action.REVIEW, actor=actor)


def application_request_info(*, application_id: int, actor: User, reason: str) -> Application:
    """Send the application back to the worker, saying what is missing."""
    reason = _required_reason(
        reason, _("Say what the worker must add or correct, so they can do it.")
    )
    with transaction.atomic():
        application = _locked(application_id)
        _staff_of(application, actor)
        _expect(application, transitions.sources(Action.REQUEST_INFO))
        application.decision_reason = reason
        _move(
            application,
            to=Status.NEEDS_INFO,
            action=Action.REQUEST_INFO,
            actor=actor,
            reason=reason,
            fields=["decision_reason"],
        )
        _notify_decision(application)
    return application


def application_approve(
    *, application_id: int, actor: User, amount: Decimal, reason: str = ""
) -> Application:
    """A centre manager of the province, who neither prepared nor reviewed the application,
    approves all or part of the amount, within what is left of the year's budget."""
    today = timezone.localdate()
    with transaction.atomic():
        application = _locked(application_id)
        _expect(application, transitions.sources(Action.APPROVE))
        if not (actor.is_manager and actor.province_id == application.province_id):
            raise NotAllowed(
                _("Only a centre manager of the worker's province can approve an application.")
            )
        if actor.pk in selectors.makers_of(application):
            raise NotAllowed(
                _(
                    "You prepared or reviewed this application, so another centre manager must "
                    "approve it: nobody approves their own work."
                )
            )
        if amount is None or amount <= 0:
            raise Incomplete(
                _("Write the amount approved. To give nothing, reject the application instead.")
            )
        if amount > application.requested_amount:
            raise Incomplete(
                _("The amount approved cannot be more than the amount asked (%(asked)s).")
                % {"asked": format_money(application.requested_amount)}
            )
        # The budget row is the lock that serialises approvals of one programme and year:
        # a second approval waits here until the first commits, then sees its amount.
        budget = (
            ProgrammeBudget.objects.select_for_update()
            .filter(programme_id=application.programme_id, year=today.year)
            .first()
        )
        if budget is None:
            raise BudgetExceeded(
                _(
                    "There is no budget for %(year)s for this programme yet. An administrator "
                    "must enter it before anything can be approved."
                )
                % {"year": today.year}
            )
        used = selectors.approved_total(application.programme_id, today.year)
        remaining = budget.amount - used
        if amount > remaining:
            raise BudgetExceeded(
                _(
                    "Approving %(amount)s would go over this programme's budget for %(year)s: "
                    "%(remaining)s is left. Approve a smaller amount or wait for more budget."
                )
                % {
                    "amount": format_money(amount),
                    "year": today.year,
                    "remaining": format_money(max(remaining, Decimal(0))),
                }
            )
        application.approved_amount = amount
        application.budget_year = today.year
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.decision_reason = (reason or "").strip()
        _move(
            application,
            to=Status.APPROVED,
            action=Action.APPROVE,
            actor=actor,
            reason=application.decision_reason,
            amount=amount,
            fields=[
                "approved_amount",
                "budget_year",
                "decided_at",
                "decided_by",
                "decision_reason",
            ],
        )
        _notify_decision(application)
    return application


def application_reject(*, application_id: int, actor: User, reason: str) -> Application:
    """Refuse the application, saying why."""
    reason = _required_reason(
        reason, _("Say why the application is rejected: the worker will read it.")
    )
    with transaction.atomic():
        application = _locked(application_id)
        _staff_of(application, actor)
        _expect(application, transitions.sources(Action.REJECT))
        application.decision_reason = reason
        application.decided_at = application.closed_at = timezone.now()
        application.decided_by = actor
        _move(
            application,
            to=Status.REJECTED,
            action=Action.REJECT,
            actor=actor,
            reason=reason,
            fields=["decision_reason", "decided_at", "decided_by", "closed_at"],
        )
        _notify_decision(application)
    return application


def _approved_of_kind(application: Application, kind: str) -> None:
    _expect(application, (Status.APPROVED,))
    if application.programme.kind != kind:
        raise InvalidTransition(_("A grant is paid by the centre; a loan is referred to the bank."))


def application_mark_paid(
    *, application_id: int, actor: User, reference: str = "", reason: str = ""
) -> Application:
    """Record that an approved grant was paid to the worker."""
    with transaction.atomic():
        application = _locked(application_id)
        _staff_of(application, actor)
        _approved_of_kind(application, Kind.GRANT)
        application.payment_reference = (reference or "").strip()
        application.closed_at = timezone.now()
        _move(
            application,
            to=Status.PAID,
            action=Action.PAY,
            actor=actor,
            reason=(reason or "").strip(),
            amount=application.approved_amount,
            fields=["payment_reference", "closed_at"],
        )
        _notify_decision(application)
    return application


def application_refer(
    *, application_id: int, actor: User, reference: str = "", reason: str = ""
) -> Application:
    """Send an approved loan to the bank (VBSP), which decides and lends."""
    with transaction.atomic():
        application = _locked(application_id)
        _staff_of(application, actor)
        _approved_of_kind(application, Kind.LOAN)
        application.bank_reference = (reference or "").strip()
        _move(
            application,
            to=Status.REFERRED,
            action=Action.REFER,
            actor=actor,
            reason=(reason or "").strip(),
            amount=application.approved_amount,
            fields=["bank_reference"],
        )
        _notify_decision(application)
    return application


def application_bank_grant(
    *,
    application_id: int,
    actor: User,
    lent_amount: Decimal | None = None,
    decided_on: datetime.date | None = None,
    reference: str = "",
    reason: str = "",
) -> Application:
    """Record the bank's decision to lend: the amount the bank lent (which the reports count,
    whatever the centre approved) and the date of its decision."""
    today = timezone.localdate()
    if lent_amount is None or lent_amount <= 0:
        raise Incomplete(_("Write the amount the bank lent, as in its decision."))
    if decided_on is None:
        raise Incomplete(_("Write the date of the bank's decision."))
    if decided_on > today:
        raise Incomplete(_("The date of the bank's decision cannot be in the future."))
    with transaction.atomic():
        application = _locked(application_id)
        _staff_of(application, actor)
        _expect(application, transitions.sources(Action.BANK_GRANT))
        if reference.strip():
            application.bank_reference = reference.strip()
        application.lent_amount = lent_amount
        application.bank_decided_on = decided_on
        application.closed_at = timezone.now()
        _move(
            application,
            to=Status.LOAN_GRANTED,
            action=Action.BANK_GRANT,
            actor=actor,
            reason=(reason or "").strip(),
            amount=lent_amount,
            fields=["bank_reference", "lent_amount", "bank_decided_on", "closed_at"],
        )
        _notify_decision(application)
    return application


def application_bank_decline(*, application_id: int, actor: User, reason: str) -> Application:
    """Record the bank's answer: the loan was declined (its share of the budget comes back)."""
    reason = _required_reason(reason, _("Write the reason the bank gave."))
    with transaction.atomic():
        application = _locked(application_id)
        _staff_of(application, actor)
        _expect(application, transitions.sources(Action.BANK_DECLINE))
        application.decision_reason = reason
        application.closed_at = timezone.now()
        _move(
            application,
            to=Status.LOAN_DECLINED,
            action=Action.BANK_DECLINE,
            actor=actor,
            reason=reason,
            fields=["decision_reason", "closed_at"],
        )
        _notify_decision(application)
    return application


def applications_follow_worker(
    profile: Any, from_province_id: int | None, to_province: int
) -> None:
    """A worker who moves province takes their support applications with them: the new
    province's centre reviews and decides them (called inside workers' move transaction).

    First, the old province keeps its accounting minimum of the support it paid or the
    loans it referred (KeptSupportRecord): the application itself answers 404 to it from
    now on."""
    if from_province_id is not None:
        support_records_keep(profile=profile, province_id=from_province_id, to_province=to_province)
    Application.objects.unscoped("the worker's applications move with her").filter(
        profile=profile
    ).update(province_id=to_province)


#: How long the kept accounting records stay: at least 10 years for vouchers used directly
#: for bookkeeping (Law on Accounting 88/2015/QH13 art. 41, Decree 174/2016/ND-CP art. 12;
#: unconfirmed for a public employment service centre: docs/data-integrity.md).
KEEP_YEARS = 10


def kept_records_delete_expired(*, today: datetime.date) -> int:
    """Delete the kept accounting records whose `keep_until` is before `today` (a record is
    kept through its last day); a second run finds nothing. Returns how many went."""
    deleted, _per_model = (
        KeptSupportRecord.objects.unscoped("daily expiry job").filter(keep_until__lt=today).delete()
    )
    if deleted:
        log.info("kept support records: %s deleted, kept until before %s", deleted, today)
    return deleted


def reduced_name(name: str) -> str:
    """ "Nguyễn Văn Anh" -> "Nguyễn V. A.": the family name and the initials."""
    words = name.split()
    if not words:
        return ""
    return " ".join([words[0], *(f"{w[0]}." for w in words[1:])])[:60]


def support_records_keep(*, profile: Any, province_id: int, to_province: int) -> int:
    """Write the accounting minimum a province keeps of the support it paid or referred for
    a worker who leaves it (once per application and province)."""
    spent = list(
        Application.objects.unscoped("the worker's applications, kept by the province she leaves")
        .filter(profile=profile, status__in=SPENT_STATUSES)
        .select_related("profile__user")
        .prefetch_related("events")
    )
    rows = []
    now = timezone.now()
    for application in spent:
        # The province that paid or referred it: the staff member who recorded it (an
        # administrator has no province: then the application's province at the move).
        out = [e for e in application.events.all() if e.action in (Action.PAY, Action.REFER)]
        payer_province = (
            User.objects.filter(pk=out[-1].actor_id).values_list("province_id", flat=True).first()
            if out
            else None
        ) or application.province_id
        if payer_province != province_id:
            continue
        closed = (out[-1].at if out else application.closed_at) or now
        closed_on = timezone.localdate(closed)
        rows.append(
            KeptSupportRecord(
                province_id=province_id,
                application=application,
                programme_id=application.programme_id,
                status=application.status,
                amount=application.approved_amount,
                lent_amount=application.lent_amount,
                closed_on=closed_on,
                payment_reference=application.payment_reference,
                bank_reference=application.bank_reference,
                worker_name=reduced_name(application.profile.user.name),
                moved_to_id=to_province,
                moved_at=now,
                keep_until=closed_on.replace(year=closed_on.year + KEEP_YEARS)
                if not (closed_on.month == 2 and closed_on.day == 29)
                else datetime.date(closed_on.year + KEEP_YEARS, 3, 1),
            )
        )
    KeptSupportRecord.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
