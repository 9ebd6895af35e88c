from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.decorators import staff_required
from accounts.exports import export_record_create
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Province, User
from accounts.spreadsheets import XLSX, workbook_bytes
from accounts.text import as_id
from accounts.validators import EARLIEST_YEAR, LATEST_YEAR
from reports import charts, exchange, selectors, services
from reports.forms import PeriodForm, TargetForm
from reports.models import Target


def _scope(request: AuthenticatedHttpRequest, code: str) -> Province | None:
    """The province a user asks for: their own, or (admins) any, or the whole country.

    A province outside the user's scope is a 404, as for any object of another province.
    """
    user: User = request.user
    if user.is_admin:
        if code in ("", "all"):
            return None
        number = as_id(code)
        return get_object_or_404(Province, code=number if number is not None else -1)
    if user.province_id is None:
        raise Http404
    if code and code != str(user.province.code):  # type: ignore[union-attr]  # province_id is checked above, without a query
        raise Http404
    return user.province


def _dashboard(
    request: AuthenticatedHttpRequest, *, recent: bool = False
) -> tuple[PeriodForm, selectors.Dashboard | None]:
    """The period asked for and its figures; `recent` accepts figures counted within the
    last minute (the page says when), the downloads count them now."""
    form = PeriodForm(request.GET or None)
    province = _scope(request, request.GET.get("province", ""))
    if request.GET and not form.is_valid():
        return form, None
    if not request.GET:
        form = PeriodForm({})
        form.is_valid()
    data = form.cleaned_data
    period = selectors.Period(data["start"], data["end"])
    if recent:
        board = selectors.dashboard_recent(province, period, timezone.localdate(), request.user)
    else:
        board = selectors.dashboard(province, period, timezone.localdate(), request.user)
    return form, board


@staff_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, board = _dashboard(request, recent=True)
    context: dict[str, object] = {
        "form": form,
        "board": board,
        "provinces": Province.objects.all() if request.user.is_admin else [],
    }
    if board is not None:
        context["grids"] = _grids(board)
        context["charts"] = {
            "gauge": charts.gauge(board.progress.percent),
            "market": charts.hbar_chart(board.by_market),
            "sex": charts.hbar_chart(board.by_sex),
            "commune": charts.hbar_chart(board.by_commune),
            "group": charts.hbar_chart(board.by_group),
            "month": charts.line_chart(board.by_month),
            "channel": charts.hbar_chart(board.sessions_by_channel),
            "topic": charts.hbar_chart(board.sessions_by_topic),
        }
    return render(request, "reports/dashboard.html", context)


def _tables(board: selectors.Dashboard) -> list[tuple[str, list[tuple[str, int]]]]:
    return [
        (_("Departures by market"), board.by_market),
        (_("Departures by sex"), board.by_sex),
        (_("Departures by commune"), board.by_commune),
        (_("Departures by priority group"), board.by_group),
        (_("Departures by month"), board.by_month),
        (_("Counselling sessions by channel"), board.sessions_by_channel),
        (_("Counselling sessions by topic"), board.sessions_by_topic),
        (_("Fraud reports by status"), board.fraud_by_status),
        (_("Job fairs"), board.extra.get("fairs", [])),
        (_("Support approved this year by programme (VND)"), board.extra.get("approved", [])),
        (_("Support paid or referred to the bank this year (VND)"), board.extra.get("spent", [])),
        (_("Support applications waiting for a decision"), board.extra.get("waiting", [])),
        (_("Left the contract or overstayed in the period, by market"), board.left_contract),
        *_help_tables(board),
    ]


def _help_tables(board: selectors.Dashboard) -> list[tuple[str, list[tuple[str, int]]]]:
    if board.help is None:
        return []
    return [
        (_("Help requests from abroad received in the period, by kind"), board.help.by_kind),
        (_("Help requests from abroad closed in the period, by outcome"), board.help.by_outcome),
    ]


def _help_summary(board: selectors.Dashboard) -> list[tuple[str, object]]:
    help_ = board.help
    if help_ is None:
        return []
    percent = help_.within_deadline_percent
    return [
        (_("Help requests from abroad received in the period"), help_.received),
        (
            _("Median time to first contact (hours)"),
            help_.median_hours if help_.median_hours is not None else "—",
        ),
        (
            _("First contacted within the deadline (%)"),
            percent if percent is not None else "—",
        ),
        (_("Help requests closed in the period"), help_.closed),
        (_("Compensation or wages recovered in the period (VND)"), help_.amount_recovered),
    ]


def _grids(board: selectors.Dashboard) -> list[tuple[str, list[str], list[tuple[object, ...]]]]:
    """The tables of more than one figure a row: (title, column headers, rows)."""
    support = board.support_period
    support_rows: list[tuple[object, ...]] = []
    if support is not None:
        support_rows = [
            (
                r.name,
                r.paid_workers,
                r.paid_amount,
                r.referred,
                r.granted,
                r.granted_workers,
                r.lent_amount,
            )
            for r in support.rows
        ]
    complaint_rows: list[tuple[object, ...]] = [
        (
            f"{r.name} ({r.licence_number})"
            if r.enterprise_id
            else _("Brokers and companies not in the register"),
            r.lodged,
            r.resolved,
            int(r.recovered),
        )
        for r in board.complaints
    ]
    if complaint_rows:
        complaint_rows.append(
            (
                _("All"),
                sum(r.lodged for r in board.complaints),
                sum(r.resolved for r in board.complaints),
                int(sum(r.recovered for r in board.complaints)),
            )
        )
    return [
        (
            _("Departures by market and sex"),
            [_("Market"), _("Women"), _("Men"), _("All")],
            list(board.by_market_sex),
        ),
        (
            _("Support in the period by programme"),
            [
                _("Programme"),
                _("Workers paid a grant"),
                _("Grants paid (VND)"),
                _("Loans referred to the bank"),
                _("Loans granted by the bank"),
                _("Workers lent by the bank"),
                _("Amount lent by the bank (VND)"),
            ],
            support_rows,
        ),
        (
            _("Complaints by enterprise in the period"),
            [
                _("Enterprise"),
                _("Complaints lodged"),
                _("Resolved or money recovered"),
                _("Money recovered (VND)"),
            ],
            complaint_rows,
        ),
    ]


def _summary(board: selectors.Dashboard) -> list[tuple[str, object]]:
    return [
        (_("Departures in the period"), board.departures),
        (_("Departures this year"), board.progress.departures),
        (_("Target for the year"), board.progress.target or "—"),
        (_("People preparing to leave"), board.preparing),
        (_("Working abroad now"), board.abroad),
        (_("Returns in the period"), board.returns),
        (_("Returns overdue"), board.return_overdue),
        (_("Counselling sessions"), board.sessions),
        *_support_summary(board),
        (_("Left the contract or overstayed in the period"), board.left_contract_total),
        (_("Orientation lessons passed online in the period"), board.orientation_lessons_passed),
        (_("Workers who finished online orientation (to date)"), board.orientation_completed),
        (_("Complaints lodged in the period"), sum(r.lodged for r in board.complaints)),
        (
            _("Complaints resolved or with money recovered in the period"),
            sum(r.resolved for r in board.complaints),
        ),
        (
            _("Money recovered for complainants in the period (VND)"),
            int(sum(r.recovered for r in board.complaints)),
        ),
        *_help_summary(board),
    ]


def _support_summary(board: selectors.Dashboard) -> list[tuple[str, object]]:
    support = board.support_period
    if support is None:
        return []
    return [
        (_("Workers paid a grant in the period"), support.workers_supported),
        (_("Grants paid in the period (VND)"), support.amount_paid),
        (_("Loans referred to the bank in the period"), support.loans_referred),
        (_("Workers lent by the bank in the period"), support.workers_lent),
        (_("Amount lent by the bank in the period (VND)"), support.amount_lent),
    ]


@staff_required
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every table of the dashboard in one Excel sheet, recorded like any export."""
    _form, board = _dashboard(request)
    if board is None:
        return dashboard(request)
    rows: list[list[object]] = [[label, value] for label, value in _summary(board)]
    for title, table in _tables(board):
        rows.append(["", ""])
        rows.append([title, ""])
        rows += [[label, count] for label, count in table]
    for title, headers, grid in _grids(board):
        rows.append(["", ""])
        rows.append([title, ""])
        rows.append(list(headers))
        rows += [list(row) for row in grid]
    export_record_create(user=request.user, what="dashboard", rows=len(rows), query=request.GET)
    name = board.province.codename if board.province else "national"
    response = HttpResponse(
        workbook_bytes("Report", [_("Figure"), _("Value")], rows), content_type=XLSX
    )
    response["Content-Disposition"] = (
        f'attachment; filename="report-{name}-{board.period.start:%Y%m%d}-'
        f'{board.period.end:%Y%m%d}.xlsx"'
    )
    return response


@staff_required
def exchange_file(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The departures and returns of the period, in the ministry's layout (reports.exchange):
    a province's staff get their province, an administrator any province or the country."""
    form = PeriodForm(request.GET or {})
    province = _scope(request, request.GET.get("province", ""))
    if not form.is_valid():
        return dashboard(request)
    first, last = form.cleaned_data["start"], form.cleaned_data["end"]
    try:
        rows = exchange.exchange_export(
            user=request.user,
            province_id=province.pk if province else None,
            first=first,
            last=last,
            query=request.GET,
        )
    except exchange.TooManyRows:
        messages.error(
            request,
            _("More than %(n)s lines: choose a shorter period or one province.")
            % {"n": f"{exchange.MAX_ROWS:,}".replace(",", ".")},
        )
        return redirect(f"{reverse('reports:dashboard')}?{request.GET.urlencode()}")
    response = HttpResponse(exchange.workbook(rows), content_type=XLSX)
    name = province.codename if province else "national"
    response["Content-Disposition"] = (
        f'attachment; filename="{exchange.filename(name, first, last)}"'
    )
    return response


@staff_required
def printable(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, board = _dashboard(request)
    if board is None:
        return dashboard(request)
    return render(
        request,
        "reports/print.html",
        {
            "board": board,
            "summary": _summary(board),
            "tables": _tables(board),
            "grids": _grids(board),
            "today": timezone.localdate(),
        },
    )


@staff_required
def national(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_admin:
        raise Http404
    year = as_id(request.GET.get("year", ""))
    if year is None or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        year = timezone.localdate().year
    rows = selectors.national(year)
    return render(
        request,
        "reports/national.html",
        {
            "rows": rows,
            "year": year,
            "total": sum(r.departures for r in rows),
            "target": sum(r.target or 0 for r in rows),
        },
    )


@staff_required
def targets(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    if not (user.is_admin or user.is_manager):
        raise Http404
    form = TargetForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.target_set(by=user, **form.cleaned_data)
        messages.success(request, _("Target saved."))
        return redirect("reports:targets")
    existing = Target.objects.for_user(user).select_related("province", "set_by")[:100]
    return render(request, "reports/targets.html", {"form": form, "targets": existing})
