"""The counsellor's side of a case: caseload, moves, sessions, notes, follow-ups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required
from accounts.exports import export_record_create
from accounts.http import AuthenticatedHttpRequest
from accounts.limits import body_limit
from accounts.models import User
from accounts.spreadsheets import XLSX, workbook_bytes
from accounts.transitions import TransitionRefused
from workers import importing, selectors, services
from workers.forms import (
    AssignForm,
    CaseloadForm,
    CaseMoveForm,
    CheckInForm,
    ContactSessionForm,
    FollowUpForm,
    HandoverForm,
    NoteForm,
    SessionForm,
)
from workers.models import Case, CounsellingSession, FollowUp

CASES_PER_PAGE = 50
EXPORT_LIMIT = 50_000
IMPORT_SALT = "workers.import"
# A list of 5,000 people in .xlsx is ~300 KB; the body is refused unread above this.


class ImportForm(forms.Form):
    file = forms.FileField(label=_lazy("Excel file (.xlsx)"))


def scoped_case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(
        Case.objects.for_user(request.user).select_related("profile__user"), pk=pk
    )


@staff_required
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CaseloadForm(request.GET or None, user=request.user)
    filters = form.filters()
    cases = selectors.caseload(request.user, filters, timezone.localdate())
    rows = partial(selectors.caseload_rows, communes=form.commune_names, markets=form.market_names)
    paginator = selectors.IdFirstPaginator(
        cases,
        CASES_PER_PAGE,
        rows=rows,
        # The order does not change the count; "mine" is the counsellor's own.
        count_key=selectors.count_key(
            request.user,
            "caseload",
            replace(filters, sort=""),
            request.user.pk if filters.scope == "mine" else None,
            timezone.localdate(),
        ),
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "workers/caseload.html",
        {
            "form": form,
            "selects": form.select_options(),
            "values": request.GET,
            "page": page,
            "today": timezone.localdate(),
        },
    )


def _back_to_case(case: Case) -> HttpResponse:
    return redirect("workers:staff_worker", pk=case.profile_id)


def _case_form_page(
    request: HttpRequest,
    case: Case,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    save: Callable[[], str | None],
) -> HttpResponse:
    """GET shows the form; a valid POST calls `save`, which returns an error or None."""
    if request.method == "POST" and form.is_valid():
        error = save()
        if error is None:
            return _back_to_case(case)
        form.add_error(None, error)
    return render(
        request,
        "workers/case_form.html",
        {"case": case, "form": form, "title": title, "submit": submit},
    )


@staff_required
def case_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = scoped_case(request, pk)
    form = CaseMoveForm(request.POST or None, case=case)

    def save() -> str | None:
        try:
            services.case_move(
                case_id=case.pk,
                to=form.cleaned_data["to"],
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                changes=form.changes(),
            )
        except services.StaleCase:
            return _(
                "Someone else changed this case while you were working on it. Reload the "
                "page to see the latest version, then try again."
            )
        except services.GuardRefused as refused:
            return _("The case cannot move yet. Missing: %(missing)s.") % {
                "missing": "; ".join(str(m) for m in refused.missing)
            }
        except TransitionRefused as exc:
            return str(exc)
        messages.success(request, _("Case moved."))
        return None

    return _case_form_page(
        request, case, form, title=_("Move the case"), submit=_("Move"), save=save
    )


@staff_required
def session_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = scoped_case(request, pk)
    form = SessionForm(request.POST or None)

    def save() -> None:
        services.session_log(counsellor=request.user, case=case, **form.cleaned_data)
        messages.success(request, _("Session logged."))

    return _case_form_page(
        request,
        case,
        form,
        title=_("Log a counselling session"),
        submit=_("Log the session"),
        save=save,
    )


@staff_required
def contact_session(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Log a session with someone who has no account yet."""
    if request.user.province_id is None:
        raise Http404
    form = ContactSessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.session_log(
            counsellor=request.user,
            case=None,
            contact_name=data.pop("contact_name"),
            contact_phone=data.pop("contact_phone") or "",
            contact_commune=data.pop("contact_commune"),
            **data,
        )
        messages.success(
            request,
            _(
                "Session logged. It will join the person's file when "
                "they register with this phone number."
            ),
        )
        return redirect("workers:sessions")
    return render(request, "workers/contact_session.html", {"form": form})


@staff_required
def sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    logged = CounsellingSession.objects.for_user(request.user).select_related(
        "counsellor", "case__profile__user", "contact_commune"
    )
    paginator = selectors.IdFirstPaginator(
        logged,
        CASES_PER_PAGE,
        rows=partial(selectors.in_order, logged),
        count_key=selectors.count_key(request.user, "sessions"),
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "workers/sessions.html", {"page": page})


@staff_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        CounsellingSession.objects.for_user(request.user).select_related(
            "counsellor", "case__profile__user", "contact_commune"
        ),
        pk=pk,
    )
    return render(request, "workers/session_detail.html", {"session": session})


@staff_required
@require_POST
def note_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = scoped_case(request, pk)
    form = NoteForm(request.POST)

    def save() -> str | None:
        services.note_add(case=case, author=request.user, text=form.cleaned_data["text"])
        return None

    # A note refused (only spaces, or longer than a browser without maxlength lets through)
    # comes back on a page of its own, with what was typed and why, not dropped unsaid.
    return _case_form_page(request, case, form, title=_("Add a note"), submit=_("Add"), save=save)


@staff_required
def follow_up_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = scoped_case(request, pk)
    form = FollowUpForm(request.POST or None, case=case, user=request.user)

    def save() -> str | None:
        try:
            services.follow_up_create(case=case, actor=request.user, **form.cleaned_data)
        except TransitionRefused as exc:
            return str(exc)
        messages.success(request, _("Follow-up set."))
        return None

    return _case_form_page(
        request, case, form, title=_("Set a follow-up"), submit=_("Set"), save=save
    )


@staff_required
@require_POST
def follow_up_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(FollowUp.objects.for_user(request.user), pk=pk)
    services.follow_up_done(follow_up_id=follow_up.pk, actor=request.user)
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("workers:staff_worker", pk=follow_up.case.profile_id)


@staff_required
def my_follow_ups(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "workers/follow_ups.html",
        {"due": selectors.follow_ups_due(request.user, today), "today": today},
    )


@staff_required
def check_in_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = scoped_case(request, pk)
    form = CheckInForm(request.POST or None)

    def save() -> str | None:
        try:
            services.check_in_record(case=case, by=request.user, **form.cleaned_data)
        except TransitionRefused as exc:
            return str(exc)
        messages.success(request, _("Check-in recorded."))
        return None

    return _case_form_page(
        request,
        case,
        form,
        title=_("Record a check-in while abroad"),
        submit=_("Record"),
        save=save,
    )


@staff_required
def assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = scoped_case(request, pk)
    form = AssignForm(
        request.POST or None,
        province_id=case.province_id,
        initial={"assignee": case.assigned_to_id},
    )

    def save() -> str | None:
        try:
            services.case_assign(
                case_ids=[case.pk], to=form.cleaned_data["assignee"], actor=request.user
            )
        except TransitionRefused as exc:
            return str(exc)
        messages.success(request, _("Case assigned."))
        return None

    return _case_form_page(request, case, form, title=_("Assign"), submit=_("Assign"), save=save)


@staff_required
def handover(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A centre manager gives a leaving counsellor's cases and tasks to a colleague."""
    user: User = request.user
    if not (user.is_manager or user.is_admin) or user.province_id is None:
        raise Http404
    form = HandoverForm(request.POST or None, province_id=user.province_id)
    if request.method == "POST" and form.is_valid():
        cases, tasks = services.caseload_handover(
            leaving=form.cleaned_data["leaving"], to=form.cleaned_data["to"], actor=user
        )
        messages.success(
            request,
            _("%(cases)s cases and %(tasks)s follow-ups handed over.")
            % {"cases": cases, "tasks": tasks},
        )
        return redirect("workers:caseload")
    return render(request, "workers/handover.html", {"form": form})


EXPORT_HEADER = [
    "Họ và tên", "Số điện thoại", "Số định danh", "Ngày sinh", "Giới tính", "Xã/phường",
    "Giai đoạn", "Thị trường", "Cán bộ tư vấn", "Cập nhật",
]  # fmt: skip


@staff_required
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The filtered caseload as an Excel file; every export is recorded."""
    form = CaseloadForm(request.GET or None, user=request.user)
    filters = form.filters()
    cases = selectors.caseload(request.user, filters, timezone.localdate())[:EXPORT_LIMIT]
    rows = [
        [
            c.profile.user.name,
            c.profile.user.display_phone,
            c.profile.personal_id or "",
            c.profile.date_of_birth,
            c.profile.get_sex_display(),
            str(c.profile.commune or ""),
            c.get_stage_display(),
            str(c.market or ""),
            str(c.assigned_to or ""),
            timezone.localtime(c.updated_at),
        ]
        for c in cases
    ]
    export_record_create(
        user=request.user, what="caseload", rows=len(rows), query=request.GET, skip={"page"}
    )
    response = HttpResponse(workbook_bytes("Caseload", EXPORT_HEADER, rows), content_type=XLSX)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="caseload-{stamp}.xlsx"'
    return response


@body_limit(importing.MAX_BYTES)
@staff_required
def import_workers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a sheet, see every row checked, then import all-or-nothing or valid rows."""
    user: User = request.user
    if user.province_id is None:
        raise Http404
    if request.method == "POST" and "token" in request.POST:
        try:
            payload = signing.loads(request.POST["token"], salt=IMPORT_SALT, max_age=3600)
        except signing.BadSignature:
            messages.error(request, _("This preview has expired. Upload the file again."))
            return redirect("workers:import")
        if payload["user"] != user.pk:
            raise Http404
        valid = [r for r in payload["rows"] if r["ok"]]
        if request.POST.get("mode") == "all" and len(valid) != len(payload["rows"]):
            messages.error(
                request,
                _(
                    "Some rows have errors, so nothing was imported. Fix them "
                    "or choose to import only the valid rows."
                ),
            )
            return redirect("workers:import")
        try:
            count = importing.import_rows(
                rows=[r["values"] for r in valid], counsellor=user, token=request.POST["token"]
            )
        except importing.AlreadyImported as done:
            messages.info(
                request,
                _("This list was already imported on %(when)s (%(n)s workers). Nothing was added.")
                % {
                    "when": date_format(localtime(done.batch.at), "SHORT_DATETIME_FORMAT"),
                    "n": done.batch.rows,
                },
            )
            return redirect("workers:caseload")
        except importing.ChangedMeanwhile:
            messages.error(
                request,
                _(
                    "Some people in this list were registered since the preview, so nothing "
                    "was imported. Upload the file again to see which."
                ),
            )
            return redirect("workers:import")
        messages.success(request, _("%(n)s workers imported.") % {"n": count})
        return redirect("workers:caseload")

    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            table = importing.read_sheet(form.cleaned_data["file"].read())
        except ValidationError as error:
            form.add_error("file", error)
            return render(request, "workers/import.html", context)
        header = table.header
        _columns, missing = importing.map_columns(header)
        if missing:
            form.add_error(
                "file",
                _("Columns missing: %(names)s.")
                % {"names": ", ".join(importing.COLUMNS[m][0] for m in missing)},
            )
            return render(request, "workers/import.html", context)
        checked = importing.check_rows(header, table.rows, province_id=user.province_id)
        context.update(
            rows=checked,
            valid=sum(r.ok for r in checked),
            token=signing.dumps(
                {"user": user.pk, "rows": [{"ok": r.ok, "values": r.values} for r in checked]},
                salt=IMPORT_SALT,
                compress=True,
            ),
        )
    return render(request, "workers/import.html", context)
