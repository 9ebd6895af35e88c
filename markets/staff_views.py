"""Staff pages of the markets app: notices, the enterprise import, fraud reports and
complaints as the centre handles them."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import staff_required
from accounts.files import private_file_response
from accounts.http import AuthenticatedHttpRequest
from accounts.importing import is_spreadsheet
from accounts.limits import body_limit
from markets import rules, selectors, services
from markets.forms import (
    ComplaintCloseForm,
    ComplaintTakeForm,
    EnterpriseImportForm,
    FraudCloseForm,
    FraudLinkForm,
    NoticeForm,
    NoticeScheduleForm,
    ReasonForm,
)
from markets.importing import MAX_BYTES as ENTERPRISE_IMPORT_MAX_BYTES
from markets.importing import parse_enterprise_file
from markets.models import (
    Complaint,
    ComplaintStatus,
    Enterprise,
    FraudReport,
    FraudReportStatus,
    Market,
    Notice,
)

REPORTS_PER_PAGE = 50


# --- Notices (staff) ------------------------------------------------------------------


def notice_writer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Admins and centre managers; other staff get a 404, anonymous visitors the sign-in."""

    @staff_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.can_write_notices(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@notice_writer_required
@require_GET
def staff_notice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notices = selectors.staff_notices(request.user).order_by("-created_at", "-pk")
    page = Paginator(notices, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(notice, notice.is_visible_at(now)) for notice in page.object_list]
    return render(request, "markets/staff/notice_list.html", {"page": page, "rows": rows})


@notice_writer_required
@require_http_methods(["GET", "POST"])
def staff_notice_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        notice = services.notice_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("Draft saved. Set when it is shown, then schedule it."))
        return redirect("markets:staff_notice", pk=notice.pk)
    return render(request, "markets/staff/notice_form.html", {"form": form})


def _staff_notice_page(
    request: HttpRequest,
    notice: Notice,
    *,
    form: NoticeForm | None = None,
    schedule_form: NoticeScheduleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        form = NoticeForm(
            user=request.user,
            initial={
                "title": notice.title,
                "body": notice.body,
                "category": notice.category,
                "province": notice.province.code if notice.province else None,
                "pinned": notice.pinned,
            },
        )
    if schedule_form is None:
        schedule_form = NoticeScheduleForm(
            initial={
                "publish_at": timezone.localtime(notice.publish_at) if notice.publish_at else None,
                "expires_at": timezone.localtime(notice.expires_at) if notice.expires_at else None,
            }
        )
    return render(
        request,
        "markets/staff/notice_detail.html",
        {
            "notice": notice,
            "form": form,
            "schedule_form": schedule_form,
            "events": notice.events.select_related("by"),
            "now": timezone.now(),
            "editable": notice.status in services.NOTICE_EDITABLE,
        },
        status=status,
    )


def _staff_notice(request: AuthenticatedHttpRequest, pk: int) -> Notice:
    return get_object_or_404(selectors.staff_notices(request.user), pk=pk)


@notice_writer_required
@require_http_methods(["GET", "POST"])
def staff_notice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = _staff_notice(request, pk)
    if request.method == "POST":
        form = NoticeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.notice_update(notice=notice, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Notice saved."))
                return redirect("markets:staff_notice", pk=notice.pk)
        return _staff_notice_page(request, notice, form=form, status=400)
    return _staff_notice_page(request, notice)


@notice_writer_required
@require_POST
def staff_notice_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = _staff_notice(request, pk)
    form = NoticeScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.notice_schedule(
                notice=notice,
                by=request.user,
                publish_at=form.cleaned_data["publish_at"],
                expires_at=form.cleaned_data["expires_at"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Notice scheduled."))
            return redirect("markets:staff_notice", pk=notice.pk)
    return _staff_notice_page(request, notice, schedule_form=form, status=400)


def _notice_action(
    service: Callable[..., Notice], done: StrPromise
) -> Callable[[HttpRequest, int], HttpResponse]:
    """One POST view per transition: parse the note, call the service, say what happened."""

    @notice_writer_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        notice = _staff_notice(request, pk)
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            service(notice=notice, by=request.user, reason=reason)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, str(done))
        return redirect("markets:staff_notice", pk=notice.pk)

    return view


staff_notice_publish = _notice_action(services.notice_publish, gettext_lazy("Notice published."))
staff_notice_unschedule = _notice_action(
    services.notice_unschedule, gettext_lazy("Notice back to draft.")
)
staff_notice_archive = _notice_action(services.notice_archive, gettext_lazy("Notice archived."))


def _admin_only(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_admin:
        raise Http404


IMPORT_SESSION_KEY = "markets:enterprise_import"


@body_limit(ENTERPRISE_IMPORT_MAX_BYTES)
@staff_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload, preview with every problem named, then confirm: the file is written whole or
    not at all."""
    _admin_only(request)
    market_codes = set(Market.objects.values_list("code", flat=True))
    context: dict[str, Any] = {"form": EnterpriseImportForm()}
    status = 200
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(IMPORT_SESSION_KEY)
        if not stored or stored.get("digest") != request.POST.get("confirm"):
            messages.error(request, _("The file to import was not found. Upload it again."))
            return redirect("markets:enterprise_import")
        content = base64.b64decode(stored["content"])
        preview = parse_enterprise_file(
            content, market_codes=market_codes, spreadsheet=stored["spreadsheet"]
        )
        if preview.ok:
            try:
                result = services.enterprise_import(by=request.user, rows=preview.rows)
            except ValidationError as error:
                context.update(preview=preview, error=" ".join(error.messages))
                return render(request, "markets/enterprise_import.html", context, status=400)
            del request.session[IMPORT_SESSION_KEY]
            messages.success(
                request,
                _("Import done: %(created)s new, %(updated)s updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("markets:enterprise_list")
        context["preview"] = preview
        status = 400
    elif request.method == "POST":
        form = EnterpriseImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            spreadsheet = is_spreadsheet(upload.name or "")
            content = upload.read()
            try:
                preview = parse_enterprise_file(
                    content, market_codes=market_codes, spreadsheet=spreadsheet
                )
            except ValidationError as error:
                form.add_error("file", error)
                status = 400
            else:
                context["preview"] = preview
                existing = set(
                    Enterprise.objects.filter(
                        licence_number__in=[r.licence_number for r in preview.rows]
                    ).values_list("licence_number", flat=True)
                )
                context["existing"] = existing
                if preview.ok:
                    digest = hashlib.sha256(content).hexdigest()
                    # The checked file waits in the session for the confirmation, which
                    # checks it again: nothing typed into the page is trusted.
                    request.session[IMPORT_SESSION_KEY] = {
                        "digest": digest,
                        "content": base64.b64encode(content).decode(),
                        "spreadsheet": spreadsheet,
                    }
                    context["digest"] = digest
                else:
                    status = 400
        else:
            status = 400
    return render(request, "markets/enterprise_import.html", context, status=status)


# --- Fraud reports (staff) ------------------------------------------------------------


@staff_required
@require_GET
def staff_fraud_list(request: HttpRequest) -> HttpResponse:
    return _staff_case_list(
        request,
        selectors.fraud_reports_for(request.user),
        rules.canonical_reference,
        FraudReportStatus.values,
        "markets/staff/fraud_report_list.html",
    )


def _staff_case_list(
    request: HttpRequest,
    rows: Any,
    canonical: Callable[[str], str],
    statuses: Sequence[str],
    template: str,
) -> HttpResponse:
    """A staff list of fraud reports or complaints: open ones by default, one status, or the
    one a reference names whatever its status."""
    shown = request.GET.get("status", "open")
    query = request.GET.get("q", "").strip()[:40]
    reference = canonical(query)
    if reference:
        rows, shown = rows.filter(reference=reference), "all"
    if shown == "open":
        rows = rows.open()
    elif shown in statuses:
        rows = rows.filter(status=shown)
    page = Paginator(rows, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {"page": page, "shown": shown, "query": query, "searched": bool(reference)},
    )


def _staff_report(request: HttpRequest, pk: int) -> FraudReport:
    return get_object_or_404(
        selectors.fraud_reports_for(request.user).select_related("enterprise", "handled_by"),
        pk=pk,
    )


def _staff_report_page(
    request: HttpRequest,
    report: FraudReport,
    *,
    link_form: FraudLinkForm | None = None,
    close_form: FraudCloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "markets/staff/fraud_report_detail.html",
        {
            "report": report,
            "attachments": report.attachments.all(),
            "events": report.events.select_related("by"),
            "link_form": link_form
            or FraudLinkForm(
                initial={"licence_number": report.enterprise.licence_number}
                if report.enterprise
                else {}
            ),
            "close_form": close_form or FraudCloseForm(),
            "is_open": report.status != FraudReportStatus.CLOSED,
        },
        status=status,
    )


@staff_required
@require_GET
def staff_fraud_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_report_page(request, _staff_report(request, pk))


@staff_required
@require_POST
def staff_fraud_take(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _staff_report(request, pk)
    try:
        services.fraud_report_take(report=report, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("markets:staff_fraud_report", pk=report.pk)


@staff_required
@require_POST
def staff_fraud_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _staff_report(request, pk)
    form = FraudLinkForm(request.POST)
    if form.is_valid():
        try:
            services.fraud_report_link_enterprise(
                report=report,
                by=request.user,
                enterprise=form.cleaned_data["licence_number"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Report updated."))
            return redirect("markets:staff_fraud_report", pk=report.pk)
    return _staff_report_page(request, report, link_form=form, status=400)


@staff_required
@require_POST
def staff_fraud_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _staff_report(request, pk)
    form = FraudCloseForm(request.POST)
    if form.is_valid():
        try:
            services.fraud_report_close(
                report=report,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Report closed."))
            return redirect("markets:staff_fraud_report", pk=report.pk)
    return _staff_report_page(request, report, close_form=form, status=400)


@staff_required
@require_GET
def staff_fraud_attachment(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    """The only way to a report's file: through the report's province scope."""
    report = _staff_report(request, pk)
    attachment = get_object_or_404(report.attachments, pk=file_pk)
    return private_file_response(
        attachment.file,
        content_type=attachment.content_type,
        name=f"report-{report.pk}-{attachment.pk}",
        inline=attachment.content_type.startswith("image/"),
    )


# --- Complaints (staff) ---------------------------------------------------------------


@staff_required
@require_GET
def staff_complaint_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _staff_case_list(
        request,
        selectors.complaints_for(request.user),
        rules.canonical_complaint_reference,
        ComplaintStatus.values,
        "markets/staff/complaint_list.html",
    )


def _staff_complaint(request: AuthenticatedHttpRequest, pk: int) -> Complaint:
    return get_object_or_404(
        selectors.complaints_for(request.user).select_related("handled_by", "complainant"),
        pk=pk,
    )


def _staff_complaint_page(
    request: AuthenticatedHttpRequest,
    complaint: Complaint,
    *,
    close_form: ComplaintCloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "markets/staff/complaint_detail.html",
        {
            "complaint": complaint,
            "attachments": complaint.attachments.all(),
            "events": complaint.events.select_related("by"),
            "take_form": ComplaintTakeForm(),
            "close_form": close_form or ComplaintCloseForm(),
            "is_open": complaint.status != ComplaintStatus.CLOSED,
        },
        status=status,
    )


@staff_required
@require_GET
def staff_complaint(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _staff_complaint_page(request, _staff_complaint(request, pk))


@staff_required
@require_POST
def staff_complaint_take(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = _staff_complaint(request, pk)
    form = ComplaintTakeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.complaint_take(complaint=complaint, by=request.user, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You are handling this complaint."))
    return redirect("markets:staff_complaint", pk=complaint.pk)


@staff_required
@require_POST
def staff_complaint_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = _staff_complaint(request, pk)
    form = ComplaintCloseForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_close(complaint=complaint, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Complaint closed with its outcome."))
            return redirect("markets:staff_complaint", pk=complaint.pk)
    return _staff_complaint_page(request, complaint, close_form=form, status=400)


@staff_required
@require_GET
def staff_complaint_attachment(
    request: AuthenticatedHttpRequest, pk: int, file_pk: int
) -> HttpResponse:
    """The only way to a complaint's file: through the complaint's province scope."""
    complaint = _staff_complaint(request, pk)
    attachment = get_object_or_404(complaint.attachments, pk=file_pk)
    return private_file_response(
        attachment.file,
        content_type=attachment.content_type,
        name=f"complaint-{complaint.pk}-{attachment.pk}",
        inline=attachment.content_type.startswith("image/"),
    )


@staff_required
@require_GET
def staff_enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    """The register's entry with the complaints and fraud reports the staff member may see."""
    try:
        enterprise = selectors.enterprise_for_public(pk)
    except Enterprise.DoesNotExist as error:
        raise Http404 from error
    today = timezone.localdate()
    return render(
        request,
        "markets/staff/enterprise.html",
        {
            "enterprise": enterprise,
            "may_recruit": selectors.enterprise_may_recruit(enterprise, today),
            "today": today,
            "cases": selectors.enterprise_cases(enterprise, request.user),
        },
    )
