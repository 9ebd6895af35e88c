"""The only writers of the markets app: notices, enterprises, fraud reports, complaints,
legal figures.

Each service is one transaction. Transitions lock the row, check the allowed previous
states, save with update_fields and write an event row (who, when, from, to, why).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Commune, Province, Role
from accounts.transitions import TransitionRefused
from markets import rules
from markets.models import (
    ENTERPRISE_ROW_FIELDS,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintOutcome,
    ComplaintStatus,
    Enterprise,
    EnterpriseEvent,
    EnterpriseNameToken,
    FraudOutcome,
    FraudReport,
    FraudReportAttachment,
    FraudReportEvent,
    FraudReportStatus,
    LegalFigure,
    LegalFigureChange,
    LicenceStatus,
    Market,
    Notice,
    NoticeCategory,
    NoticeEvent,
    NoticeStatus,
    ReferredTo,
)
from notifications.services import notify

if TYPE_CHECKING:
    from accounts.models import User

# --- Notices --------------------------------------------------------------------------

NOTICE_EDITABLE = (NoticeStatus.DRAFT, NoticeStatus.SCHEDULED, NoticeStatus.PUBLISHED)


class InvalidTransition(TransitionRefused, ValidationError):
    """A move of a notice, licence or fraud report that its status does not allow. Still a
    ValidationError, so the forms and the admin show it as before."""


def can_write_notices(user: User) -> bool:
    """Admins (national and any province) and centre managers (their own province)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.role == Role.ADMIN or (user.role == Role.MANAGER and user.province_id))
    )


def _check_notice_scope(by: User, province: Province | None) -> None:
    if not can_write_notices(by):
        raise PermissionDenied
    if by.role == Role.MANAGER and (province is None or province.pk != by.province_id):
        # Managers speak for their own province; national notices are the admins'.
        raise PermissionDenied


def _notice_event(notice: Notice, *, by: User | None, from_status: str, reason: str) -> None:
    NoticeEvent.objects.create(
        notice=notice,
        by=by,
        at=timezone.now(),
        from_status=from_status,
        to_status=notice.status,
        reason=reason,
    )


def _lock_notice(notice: Notice, by: User | None) -> Notice:
    queryset = (
        Notice.objects.unscoped("publishing and expiry jobs, every province")
        if by is None
        else Notice.objects.for_user(by)
    ).select_for_update()
    try:
        return queryset.get(pk=notice.pk)
    except Notice.DoesNotExist as error:
        raise PermissionDenied from error


@transaction.atomic
def notice_create(
    *,
    by: User,
    title: str,
    body: str,
    category: NoticeCategory | str,
    province: Province | None,
    pinned: bool = False,
) -> Notice:
    """A new draft notice, in the author's scope, with its first event row."""
    _check_notice_scope(by, province)
    notice = Notice.objects.create(
        title=title,
        body=body,
        category=category,
        province=province,
        pinned=pinned,
        author=by,
        status=NoticeStatus.DRAFT,
    )
    _notice_event(notice, by=by, from_status="", reason="")
    return notice


@transaction.atomic
def notice_update(
    *,
    notice: Notice,
    by: User,
    title: str,
    body: str,
    category: NoticeCategory | str,
    province: Province | None,
    pinned: bool,
) -> Notice:
    """Change the text of a notice that is not archived or expired; status untouched."""
    locked = _lock_notice(notice, by)
    _check_notice_scope(by, province)
    if locked.status not in NOTICE_EDITABLE:
        raise InvalidTransition(_("An archived or expired notice cannot be changed."))
    locked.title, locked.body, locked.category = title, body, category
    locked.province, locked.pinned = province, pinned
    locked.save(update_fields=["title", "body", "category", "province", "pinned", "updated_at"])
    return locked


def _check_times(publish_at: datetime.datetime, expires_at: datetime.datetime | None) -> None:
    if expires_at is not None and expires_at <= publish_at:
        raise ValidationError(_("The end time must be after the publish time."))


def _notice_transition(
    notice: Notice,
    *,
    by: User | None,
    to: NoticeStatus,
    allowed_from: Sequence[NoticeStatus],
    reason: str,
    changes: Callable[[Notice], dict[str, Any]] | None = None,
) -> Notice:
    locked = _lock_notice(notice, by)
    if by is not None:
        _check_notice_scope(by, locked.province)
    if locked.status not in allowed_from:
        raise InvalidTransition(
            _("This notice is %(status)s; it cannot go to %(target)s.")
            % {"status": locked.get_status_display(), "target": to.label}
        )
    previous = locked.status
    # Times are worked out from the locked row, so two clicks cannot interleave.
    fields = changes(locked) if changes else {}
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.status = to
    locked.save(update_fields=["status", "updated_at", *fields])
    _notice_event(locked, by=by, from_status=previous, reason=reason)
    return locked


@transaction.atomic
def notice_schedule(
    *,
    notice: Notice,
    by: User,
    publish_at: datetime.datetime,
    expires_at: datetime.datetime | None = None,
    reason: str = "",
) -> Notice:
    """Draft to scheduled: shown from publish_at (at once if it has passed) until expires_at."""
    _check_times(publish_at, expires_at)
    return _notice_transition(
        notice,
        by=by,
        to=NoticeStatus.SCHEDULED,
        allowed_from=[NoticeStatus.DRAFT, NoticeStatus.SCHEDULED],
        reason=reason,
        changes=lambda _n: {"publish_at": publish_at, "expires_at": expires_at},
    )


@transaction.atomic
def notice_publish(
    *,
    notice: Notice,
    by: User | None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Notice:
    """Draft or scheduled to published; a schedule in the future is brought forward to now.

    `by` is None when the reminder job publishes a schedule that has come due.
    """
    moment = now or timezone.now()

    def times(locked: Notice) -> dict[str, Any]:
        published = locked.publish_at
        expires = locked.expires_at
        return {
            "publish_at": published if published and published <= moment else moment,
            "expires_at": expires if expires and expires > moment else None,
        }

    return _notice_transition(
        notice,
        by=by,
        to=NoticeStatus.PUBLISHED,
        allowed_from=[NoticeStatus.DRAFT, NoticeStatus.SCHEDULED],
        reason=reason,
        changes=times,
    )


@transaction.atomic
def notice_unschedule(*, notice: Notice, by: User, reason: str = "") -> Notice:
    """Scheduled back to draft: nothing is shown until it is scheduled again."""
    return _notice_transition(
        notice,
        by=by,
        to=NoticeStatus.DRAFT,
        allowed_from=[NoticeStatus.SCHEDULED],
        reason=reason,
        changes=lambda _n: {"publish_at": None, "expires_at": None},
    )


@transaction.atomic
def notice_archive(*, notice: Notice, by: User, reason: str = "") -> Notice:
    """Taken down for good, whatever its times say."""
    return _notice_transition(
        notice,
        by=by,
        to=NoticeStatus.ARCHIVED,
        allowed_from=[
            NoticeStatus.DRAFT,
            NoticeStatus.SCHEDULED,
            NoticeStatus.PUBLISHED,
            NoticeStatus.EXPIRED,
        ],
        reason=reason,
    )


@transaction.atomic
def notice_expire(*, notice: Notice, now: datetime.datetime | None = None) -> Notice:
    """Record that a notice's end time has passed (for the reminder job; visibility does
    not wait for it)."""
    moment = now or timezone.now()

    def check(locked: Notice) -> dict[str, Any]:
        if locked.expires_at is None or locked.expires_at > moment:
            raise ValidationError(_("This notice has not reached its end time."))
        return {}

    return _notice_transition(
        notice,
        by=None,
        to=NoticeStatus.EXPIRED,
        allowed_from=[NoticeStatus.SCHEDULED, NoticeStatus.PUBLISHED],
        reason="",
        changes=check,
    )


# --- Licensed enterprises -------------------------------------------------------------

# Revoked is final: a new licence is a new register entry with its own number.
LICENCE_TRANSITIONS: dict[str, frozenset[str]] = {
    LicenceStatus.ACTIVE: frozenset({LicenceStatus.SUSPENDED, LicenceStatus.REVOKED}),
    LicenceStatus.SUSPENDED: frozenset({LicenceStatus.ACTIVE, LicenceStatus.REVOKED}),
    LicenceStatus.REVOKED: frozenset(),
}


def enterprise_status_check(*, previous: str, status: str) -> None:
    """The licence rule, in one place: the save below and the admin form both ask it."""
    if status != previous and status not in LICENCE_TRANSITIONS.get(previous, frozenset()):
        raise InvalidTransition(
            _("A licence cannot go from %(old)s to %(new)s.")
            % {"old": LicenceStatus(previous).label, "new": LicenceStatus(status).label}
        )


def _fill_search_columns(enterprise: Enterprise) -> None:
    enterprise.licence_number = rules.canonical_licence(enterprise.licence_number)
    enterprise.name_normalised = rules.normalise(enterprise.name)[:255]
    tokens = rules.name_tokens(enterprise.name_normalised)
    enterprise.name_distinctive = " ".join(tokens)[:255]
    enterprise.name_token_count = len(tokens)
    enterprise.search_text = " | ".join(
        rules.normalise(part)
        for part in (enterprise.name, enterprise.short_name, enterprise.licence_number)
        if part
    )


def enterprise_name_tokens_write(*, enterprise: Enterprise) -> None:
    """The enterprise's rows in the look-alike index match its name's distinctive words."""
    wanted = set(enterprise.name_distinctive.split())
    stored = set(
        EnterpriseNameToken.objects.filter(enterprise=enterprise).values_list("token", flat=True)
    )
    if stored - wanted:
        EnterpriseNameToken.objects.filter(
            enterprise=enterprise, token__in=stored - wanted
        ).delete()
    EnterpriseNameToken.objects.bulk_create(
        [EnterpriseNameToken(enterprise=enterprise, token=t) for t in sorted(wanted - stored)]
    )


def _check_licence_dates(enterprise: Enterprise) -> None:
    if (
        enterprise.suspended_from
        and enterprise.suspended_until
        and enterprise.suspended_until < enterprise.suspended_from
    ):
        raise ValidationError(_("The suspension cannot end before it starts."))


def _save_enterprise(
    enterprise: Enterprise, *, by: User | None, markets: Iterable[Market] | None, reason: str
) -> tuple[Enterprise, bool]:
    """Save one enterprise inside the caller's transaction; returns (enterprise, created)."""
    previous = ""
    if enterprise.pk is not None:
        previous = (
            Enterprise.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=enterprise.pk)
        )
        enterprise_status_check(previous=previous, status=enterprise.status)
    _check_licence_dates(enterprise)
    _fill_search_columns(enterprise)
    created = enterprise.pk is None
    enterprise.save()
    enterprise_name_tokens_write(enterprise=enterprise)
    if markets is not None:
        enterprise.markets.set(markets)
    if created or previous != enterprise.status:
        EnterpriseEvent.objects.create(
            enterprise=enterprise,
            by=by,
            at=timezone.now(),
            from_status=previous,
            to_status=enterprise.status,
            decision_reference=enterprise.decision_reference,
            reason=reason,
        )
    return enterprise, created


@transaction.atomic
def enterprise_save(
    *,
    enterprise: Enterprise,
    by: User | None,
    markets: Iterable[Market] | None = None,
    reason: str = "",
) -> Enterprise:
    """Create or update a register entry: search columns filled, status moves checked and
    recorded."""
    return _save_enterprise(enterprise, by=by, markets=markets, reason=reason)[0]


@dataclass(frozen=True)
class EnterpriseRow:
    """One checked row of an import file."""

    line: int
    licence_number: str
    name: str
    short_name: str
    address: str
    status: str
    licence_issued_on: datetime.date | None
    suspended_from: datetime.date | None
    suspended_until: datetime.date | None
    revoked_on: datetime.date | None
    decision_reference: str
    market_codes: tuple[str, ...]
    phone: str
    email: str


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


@transaction.atomic
def enterprise_import(*, by: User, rows: Sequence[EnterpriseRow]) -> ImportResult:
    """Create or update every row, or none: any error rolls the whole file back."""
    if not by.is_admin:
        raise PermissionDenied
    markets = {m.code: m for m in Market.objects.all()}
    existing = {
        e.licence_number: e
        for e in Enterprise.objects.filter(licence_number__in=[r.licence_number for r in rows])
    }
    created = updated = 0
    for row in rows:
        enterprise = existing.get(row.licence_number) or Enterprise(
            licence_number=row.licence_number
        )
        for name in ENTERPRISE_ROW_FIELDS:
            setattr(enterprise, name, getattr(row, name))
        try:
            _saved, was_created = _save_enterprise(
                enterprise,
                by=by,
                markets=[markets[code] for code in row.market_codes],
                reason=_("Imported from a file"),
            )
        except ValidationError as error:
            raise ValidationError(
                _("Row %(line)s: %(error)s") % {"line": row.line, "error": " ".join(error.messages)}
            ) from error
        created += was_created
        updated += not was_created
    return ImportResult(created=created, updated=updated)


@dataclass(frozen=True)
class RegisterRow:
    """A checked row of the national register, with the columns it carried: a column the
    register did not send leaves the portal's value as it is."""

    row: EnterpriseRow
    columns: frozenset[str]


@dataclass(frozen=True)
class RegisterResult:
    created: int
    updated: int
    unchanged: int
    # (line, reason) of each row refused; the other rows were applied.
    refused: list[tuple[int, str]]


def enterprise_register_apply(
    *, by: User | None, rows: Sequence[RegisterRow], reason: str
) -> RegisterResult:
    """Bring the register in line with the national register, row by row.

    Each row is its own transaction: a row the licence rules refuse (a revoked licence made
    active again, dates out of order) is reported with its line and reason, and the rows
    before and after it are applied. A row equal to what is stored changes nothing and
    writes no event, so the same file twice is the same register and no new event. Saved
    through _save_enterprise: search columns, the look-alike index and a licence event for
    every status change, as the admin and the import do.
    """
    markets = {m.code: m for m in Market.objects.all()}
    created = updated = unchanged = 0
    refused: list[tuple[int, str]] = []
    for item in rows:
        row = item.row
        try:
            with transaction.atomic():
                enterprise = (
                    Enterprise.objects.select_for_update()
                    .filter(licence_number=row.licence_number)
                    .first()
                ) or Enterprise(licence_number=row.licence_number)
                changed = enterprise.pk is None
                for name in ENTERPRISE_ROW_FIELDS:
                    if name in item.columns or (enterprise.pk is None and name == "status"):
                        value = getattr(row, name)
                        if getattr(enterprise, name) != value:
                            setattr(enterprise, name, value)
                            changed = True
                wanted = None
                if "markets" in item.columns and row.market_codes:
                    wanted = [markets[code] for code in row.market_codes]
                    if enterprise.pk is None or {m.pk for m in wanted} != set(
                        enterprise.markets.values_list("pk", flat=True)
                    ):
                        changed = True
                if not changed:
                    unchanged += 1
                    continue
                _saved, was_created = _save_enterprise(
                    enterprise, by=by, markets=wanted, reason=reason
                )
        except ValidationError as error:
            refused.append((row.line, " ".join(error.messages)))
            continue
        created += was_created
        updated += not was_created
    return RegisterResult(created=created, updated=updated, unchanged=unchanged, refused=refused)


# --- Fraud reports --------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    """An uploaded file whose content was checked; content_type comes from its first bytes."""

    file: File[bytes]
    content_type: str


@transaction.atomic
def fraud_report_submit(
    *,
    province: Province,
    commune: Commune | None,
    name_used: str,
    phone: str,
    what_was_asked: str,
    amount_paid: Decimal | None,
    reporter_name: str = "",
    reporter_contact: str = "",
    attachments: Sequence[Attachment] = (),
    by: User | None = None,
) -> FraudReport:
    """A new open report for the province's counsellors, with its files stored privately."""
    if commune is not None and commune.province_id != province.pk:
        raise ValidationError(_("This commune is not in the chosen province."))
    report = FraudReport.objects.create(
        province=province,
        commune=commune,
        name_used=name_used,
        phone=phone,
        what_was_asked=what_was_asked,
        amount_paid=amount_paid,
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
    )
    report.reference = rules.fraud_report_reference(report.pk, timezone.localdate().year)
    report.save(update_fields=["reference"])
    for attachment in attachments:
        FraudReportAttachment.objects.create(
            report=report,
            file=attachment.file,
            content_type=attachment.content_type,
            size=attachment.file.size or 0,
            original_name=(attachment.file.name or "")[-200:],
        )
    FraudReportEvent.objects.create(
        report=report, by=by if by and by.is_authenticated else None, to_status=report.status
    )
    return report


def _lock_report(report: FraudReport, by: User) -> FraudReport:
    try:
        return FraudReport.objects.for_user(by).select_for_update().get(pk=report.pk)
    except FraudReport.DoesNotExist as error:
        raise PermissionDenied from error


def _check_report_staff(by: User) -> None:
    if not by.is_staff_member:
        raise PermissionDenied


OPEN_STATES = (FraudReportStatus.OPEN, FraudReportStatus.IN_REVIEW)


@transaction.atomic
def fraud_report_take(*, report: FraudReport, by: User, note: str = "") -> FraudReport:
    """Open to being checked, by this counsellor."""
    _check_report_staff(by)
    locked = _lock_report(report, by)
    if locked.status != FraudReportStatus.OPEN:
        raise InvalidTransition(_("Someone is already checking this report, or it is closed."))
    previous = locked.status
    locked.status, locked.handled_by = FraudReportStatus.IN_REVIEW, by
    locked.save(update_fields=["status", "handled_by"])
    FraudReportEvent.objects.create(
        report=locked, by=by, from_status=previous, to_status=locked.status, note=note
    )
    return locked


@transaction.atomic
def fraud_report_link_enterprise(
    *, report: FraudReport, by: User, enterprise: Enterprise | None, note: str = ""
) -> FraudReport:
    """Record which register entry (if any) the report is about; the status stays."""
    _check_report_staff(by)
    locked = _lock_report(report, by)
    if locked.status not in OPEN_STATES:
        raise InvalidTransition(_("A closed report cannot be changed."))
    locked.enterprise = enterprise
    locked.save(update_fields=["enterprise"])
    linked = (
        _("Linked to %(name)s (%(licence)s).")
        % {"name": enterprise.name, "licence": enterprise.licence_number}
        if enterprise
        else _("Link to an enterprise removed.")
    )
    FraudReportEvent.objects.create(
        report=locked,
        by=by,
        from_status=locked.status,
        to_status=locked.status,
        note=f"{linked} {note}".strip(),
    )
    return locked


@transaction.atomic
def fraud_report_close(
    *, report: FraudReport, by: User, outcome: FraudOutcome | str, note: str = ""
) -> FraudReport:
    """Open or being checked to closed, with an outcome."""
    _check_report_staff(by)
    if outcome not in FraudOutcome.values:
        raise ValidationError(_("Choose an outcome."))
    locked = _lock_report(report, by)
    if locked.status not in OPEN_STATES:
        raise InvalidTransition(_("This report is already closed."))
    previous = locked.status
    locked.status = FraudReportStatus.CLOSED
    locked.outcome, locked.outcome_note = outcome, note
    locked.closed_at = timezone.now()
    locked.handled_by = locked.handled_by or by
    locked.save(update_fields=["status", "outcome", "outcome_note", "closed_at", "handled_by"])
    FraudReportEvent.objects.create(
        report=locked, by=by, from_status=previous, to_status=locked.status, note=note
    )
    return locked


# --- Complaints -----------------------------------------------------------------------

COMPLAINT_OUTCOME_KIND = "complaint-outcome"


@transaction.atomic
def complaint_lodge(
    *,
    province: Province,
    kind: str,
    what_happened: str,
    complainant_phone: str,
    complainant_name: str = "",
    enterprise: Enterprise | None = None,
    broker_name: str = "",
    broker_phone: str = "",
    amount_paid: Decimal | None = None,
    amount_claimed: Decimal | None = None,
    attachments: Sequence[Attachment] = (),
    by: User | None = None,
) -> Complaint:
    """A received complaint for the province's counsellors, its files stored privately; a
    signed-in worker who lodges it owns it (she sees its status under her account)."""
    if enterprise is None and not broker_name.strip():
        raise ValidationError(_("Choose the enterprise, or write the broker's name."))
    worker = by if by is not None and by.is_authenticated and not by.is_staff_member else None
    complaint = Complaint.objects.create(
        province=province,
        complainant=worker,
        complainant_name=complainant_name,
        complainant_phone=complainant_phone,
        enterprise=enterprise,
        broker_name="" if enterprise else broker_name,
        broker_phone="" if enterprise else broker_phone,
        kind=kind,
        what_happened=what_happened,
        amount_paid=amount_paid,
        amount_claimed=amount_claimed,
    )
    complaint.reference = rules.complaint_reference(complaint.pk, timezone.localdate().year)
    complaint.save(update_fields=["reference"])
    for attachment in attachments:
        ComplaintAttachment.objects.create(
            complaint=complaint,
            file=attachment.file,
            content_type=attachment.content_type,
            size=attachment.file.size or 0,
            original_name=(attachment.file.name or "")[-200:],
        )
    ComplaintEvent.objects.create(
        complaint=complaint,
        by=by if by is not None and by.is_authenticated else None,
        to_status=complaint.status,
    )
    return complaint


def _lock_complaint(complaint: Complaint, by: User) -> Complaint:
    _check_report_staff(by)
    try:
        return Complaint.objects.for_user(by).select_for_update().get(pk=complaint.pk)
    except Complaint.DoesNotExist as error:
        raise PermissionDenied from error


@transaction.atomic
def complaint_take(*, complaint: Complaint, by: User, note: str = "") -> Complaint:
    """Received to being handled, by this counsellor."""
    locked = _lock_complaint(complaint, by)
    if locked.status != ComplaintStatus.RECEIVED:
        raise ValidationError(_("Someone is already handling this complaint, or it is closed."))
    previous = locked.status
    locked.status, locked.handled_by = ComplaintStatus.IN_PROGRESS, by
    locked.save(update_fields=["status", "handled_by"])
    ComplaintEvent.objects.create(
        complaint=locked, by=by, from_status=previous, to_status=locked.status, note=note
    )
    return locked


@transaction.atomic
def complaint_close(
    *,
    complaint: Complaint,
    by: User,
    outcome: str,
    note: str,
    referred_to: str = "",
    amount_recovered: Decimal | None = None,
) -> Complaint:
    """Received or being handled to closed, with its outcome: to whom it was referred, or
    how much money came back to the complainant."""
    errors: dict[str, str] = {}
    if outcome not in ComplaintOutcome.values:
        errors["outcome"] = _("Choose an outcome.")
    if outcome == ComplaintOutcome.REFERRED and referred_to not in ReferredTo.values:
        errors["referred_to"] = _("Say to whom the complaint was referred.")
    if outcome == ComplaintOutcome.RECOVERED and not (amount_recovered and amount_recovered > 0):
        errors["amount_recovered"] = _("Write the amount recovered in VND, for example 15.000.000.")
    if not note.strip():
        errors["note"] = _("Write what was done.")
    if errors:
        raise ValidationError(errors)
    locked = _lock_complaint(complaint, by)
    if locked.status == ComplaintStatus.CLOSED:
        raise ValidationError(_("This complaint is already closed."))
    previous = locked.status
    locked.status = ComplaintStatus.CLOSED
    locked.outcome, locked.outcome_note = outcome, note
    locked.referred_to = referred_to if outcome == ComplaintOutcome.REFERRED else ""
    locked.amount_recovered = amount_recovered if outcome == ComplaintOutcome.RECOVERED else None
    locked.closed_at = timezone.now()
    locked.handled_by = locked.handled_by or by
    locked.save(
        update_fields=[
            "status", "outcome", "outcome_note", "referred_to", "amount_recovered",
            "closed_at", "handled_by",
        ]
    )  # fmt: skip
    ComplaintEvent.objects.create(
        complaint=locked, by=by, from_status=previous, to_status=locked.status, note=note
    )
    if locked.complainant_id is not None:
        # Once per complaint (the outbox's key), sent after the transaction commits.
        notify(
            recipient=locked.complainant,  # type: ignore[arg-type]
            kind=COMPLAINT_OUTCOME_KIND,
            key=f"{COMPLAINT_OUTCOME_KIND}:{locked.pk}",
            context={"complaint": locked},
            link=reverse("markets:my_complaint", args=[locked.pk]),
        )
    return locked


# --- Legal rules and figures -----------------------------------------------------------

#: The fields whose change is recorded in LegalFigureChange.
FIGURE_FIELDS = (
    "market",
    "programme",
    "kind",
    "label_vi",
    "label_en",
    "amount",
    "amount_max",
    "currency",
    "per_months",
    "value_vi",
    "value_en",
    "document",
    "article",
    "source_url",
    "valid_from",
    "valid_to",
    "status",
    "checked_on",
    "note_vi",
    "note_en",
    "order",
)


def _figure_values(figure: LegalFigure) -> dict[str, str]:
    values = {}
    for name in FIGURE_FIELDS:
        field = LegalFigure._meta.get_field(name)
        value = getattr(figure, field.attname)  # type: ignore[union-attr]  # FIGURE_FIELDS are concrete fields, never reverse relations
        values[name] = "" if value is None else str(value)
    return values


@transaction.atomic
def legal_figure_save(*, figure: LegalFigure, by: User | None, reason: str = "") -> LegalFigure:
    """Validate and save a legal figure, and record who changed which field from what to
    what (nothing is recorded when nothing changed)."""
    figure.full_clean()
    before: dict[str, str] = {}
    if figure.pk is not None:
        old = LegalFigure.objects.select_for_update().filter(pk=figure.pk).first()
        if old is not None:
            before = _figure_values(old)
    action = "changed" if before else "created"
    figure.save()
    # Read back, so a value is compared as the database keeps it (2200000 == 2200000.00).
    after = _figure_values(LegalFigure.objects.get(pk=figure.pk))
    changes = {
        name: [before.get(name, ""), value]
        for name, value in after.items()
        if before.get(name, "") != value
    }
    if changes:
        LegalFigureChange.objects.create(
            figure=figure,
            figure_label=str(figure)[:300],
            by=by,
            action=action,
            changes=changes,
            reason=reason,
        )
    return figure


@transaction.atomic
def legal_figure_delete(*, figure: LegalFigure, by: User | None, reason: str = "") -> None:
    """Delete a figure; its history stays, with what it last said."""
    LegalFigureChange.objects.create(
        figure=figure,
        figure_label=str(figure)[:300],
        by=by,
        action="deleted",
        changes={name: [value, ""] for name, value in _figure_values(figure).items() if value},
        reason=reason,
    )
    figure.delete()


#: The rules of Law 69/2020 that hold for every programme, as the migration first recorded
#: them. Kept here so that a database emptied by hand (or by a test) can get them back.
LAW_69 = "Luật 69/2020/QH14 (Luật Người lao động Việt Nam đi làm việc ở nước ngoài theo hợp đồng)"
NATIONAL_RULES: tuple[dict[str, Any], ...] = (
    {
        "kind": "no_brokerage",
        "label_vi": "Không ai được thu tiền môi giới của người lao động",
        "label_en": "No one may charge a worker a brokerage fee",
        "amount": Decimal(0),
        "currency": "VND",
        "article": "Điều 7, khoản 8",
        "order": 10,
    },
    {
        "kind": "service_fee_months_per_year",
        "label_vi": "Tiền dịch vụ: tối đa 1 tháng lương cho mỗi 12 tháng hợp đồng",
        "label_en": "Service fee: at most 1 month of wage per 12 months of contract",
        "amount": Decimal(1),
        "article": "Điều 23",
        "order": 20,
    },
    {
        "kind": "service_fee_long_contract",
        "label_vi": "Hợp đồng từ 36 tháng trở lên: tiền dịch vụ tối đa 3 tháng lương",
        "label_en": "Contract of 36 months or more: service fee at most 3 months' wage",
        "amount": Decimal(3),
        "per_months": 36,
        "article": "Điều 23",
        "order": 30,
        "note_vi": "Điều khoản lấy từ bản tóm tắt; cần đối chiếu với văn bản chính thức.",
        "note_en": "Clause taken from summaries; to be checked against the official text.",
    },
)


def national_rules_ensure(*, by: User | None = None) -> int:
    """Record each national rule of Law 69/2020 that has no row at all (an administrator's
    rows, even expired ones, are left alone). Returns how many were added."""
    added = 0
    for rule in NATIONAL_RULES:
        if LegalFigure.objects.filter(
            kind=rule["kind"], market__isnull=True, programme__isnull=True
        ).exists():
            continue
        legal_figure_save(
            figure=LegalFigure(
                document=LAW_69,
                valid_from=datetime.date(2022, 1, 1),
                status="unconfirmed",
                **rule,
            ),
            by=by,
            reason="Law 69/2020 in force from 01/01/2022",
        )
        added += 1
    return added
