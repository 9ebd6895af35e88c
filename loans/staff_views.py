"""The centre's support pages: the review queue, an application with its decision forms,
the programmes with their budget figures, and a worker's options (to help them apply)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required
from accounts.http import AuthenticatedHttpRequest
from loans import rules, selectors, services
from loans.forms import ApproveForm, BankGrantForm, QueueForm, ReasonForm, ReferenceForm
from loans.models import (
    BUDGET_STATUSES,
    Application,
    Kind,
    Status,
    SupportProgramme,
)
from loans.views import STAFF, application_context, scoped_application, start_application
from markets.money import group
from workers.models import WorkerProfile
from workers.services import sensitive_read_record

APPLICATIONS_PER_PAGE = 50

#: action slug -> (form class or None, service, statuses it is offered in, programme kind)
DECISIONS: dict[str, tuple[type[forms.Form] | None, Any, tuple[str, ...], str | None]] = {
    "review": (None, services.application_review, (Status.SUBMITTED, Status.RESUBMITTED), None),
    "request-info": (
        ReasonForm,
        services.application_request_info,
        (Status.IN_REVIEW, Status.RESUBMITTED),
        None,
    ),
    "approve": (
        ApproveForm,
        services.application_approve,
        (Status.IN_REVIEW, Status.RESUBMITTED),
        None,
    ),
    "reject": (
        ReasonForm,
        services.application_reject,
        (Status.SUBMITTED, Status.IN_REVIEW, Status.RESUBMITTED),
        None,
    ),
    "pay": (ReferenceForm, services.application_mark_paid, (Status.APPROVED,), Kind.GRANT),
    "refer": (ReferenceForm, services.application_refer, (Status.APPROVED,), Kind.LOAN),
    "bank-granted": (
        BankGrantForm,
        services.application_bank_grant,
        (Status.REFERRED,),
        Kind.LOAN,
    ),
    "bank-declined": (
        ReasonForm,
        services.application_bank_decline,
        (Status.REFERRED,),
        Kind.LOAN,
    ),
}


def approval_blocker(user: Any, application: Application) -> str | None:
    """Why this staff member may not approve the application, or None when they may."""
    if not (user.is_manager and user.province_id == application.province_id):
        return _("Approval needs a centre manager of the worker's province.")
    if user.pk in selectors.makers_of(application):
        return _(
            "You prepared or reviewed this application: another centre manager must approve it."
        )
    return None


def decision_context(
    request: HttpRequest,
    application: Application,
    *,
    bound: tuple[str, forms.Form] | None = None,
) -> dict[str, Any]:
    """The decision forms offered now, with a bound one (after an error) in its place."""
    decisions: dict[str, forms.Form | None] = {}
    for action, (form_class, _service, statuses, kind) in DECISIONS.items():
        if application.status not in statuses:
            continue
        if kind is not None and application.programme.kind != kind:
            continue
        if bound is not None and bound[0] == action:
            decisions[action] = bound[1]
        elif form_class is None:
            decisions[action] = None
        elif action == "approve":
            decisions[action] = ApproveForm(
                prefix=action, initial={"amount": group(application.requested_amount)}
            )
        elif action == "bank-granted":
            decisions[action] = BankGrantForm(
                prefix=action,
                initial={"lent_amount": group(application.approved_amount or Decimal(0))},
            )
        else:
            decisions[action] = form_class(prefix=action)
    blocker = approval_blocker(request.user, application) if "approve" in decisions else None
    if blocker:
        decisions.pop("approve")
    if bound is not None:
        # A refused decision stays on the page with what was typed and why, even when the
        # application has moved on (someone else decided first) and no longer offers it.
        decisions[bound[0]] = bound[1]
    return {"decisions": decisions, "approval_blocker": blocker}


def _application_page(
    request: HttpRequest,
    application: Application,
    *,
    bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = application_context(request, application, area=STAFF)
    context.update(decision_context(request, application, bound=bound))
    if application.programme.kind == Kind.LOAN:
        context["loan"] = services.loan_request(application)
    return render(request, "loans/staff/application.html", context, status=status)


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The province's applications, waiting ones first; one query per page however long."""
    form = QueueForm(request.GET or None, user=request.user, initial={"status": "waiting"})
    filters = form.filters()
    applications = selectors.applications_for_review(
        request.user, status=filters["status"], programme_id=filters["programme_id"]
    )
    page = Paginator(applications, APPLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "loans/staff/queue.html", {"form": form, "page": page})


@staff_required
def application(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = scoped_application(request, pk)
    # Applications carry poverty and ethnicity: staff reads are logged like the worker page.
    sensitive_read_record(staff=request.user, profile=found.profile, context="support-application")
    return _application_page(request, found)


@staff_required
@require_POST
def decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One decision; on a refusal the page comes back with what was typed and why."""
    if action not in DECISIONS:
        raise Http404
    found = scoped_application(request, pk)
    form_class, service, _statuses, _kind = DECISIONS[action]
    form = form_class(request.POST, prefix=action) if form_class is not None else None
    if form is not None and not form.is_valid():
        return _application_page(request, found, bound=(action, form), status=400)
    try:
        service(application_id=found.pk, actor=request.user, **(form.cleaned_data if form else {}))
    except services.SupportError as exc:
        if form is None:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("loans:staff_application", pk=found.pk)
        for message in exc.messages:
            form.add_error(None, message)
        found.refresh_from_db()
        return _application_page(request, found, bound=(action, form), status=400)
    messages.success(
        request,
        _("Done: the application is now “%(status)s”.")
        % {
            "status": Application.objects.for_user(request.user)
            .get(pk=found.pk)
            .get_status_display()
        },
    )
    return redirect("loans:staff_application", pk=found.pk)


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@staff_required
def programmes(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = selectors.programmes_with_figures(SupportProgramme.objects.for_staff(request.user), year)
    return render(
        request,
        "loans/staff/programmes.html",
        {
            "rows": rows,
            "year": year,
            "years": [year - 1, year, year + 1],
            "today": timezone.localdate(),
        },
    )


@staff_required
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    year = _year(request)
    found = get_object_or_404(selectors.programmes_with_terms().for_staff(request.user), pk=pk)
    figures = selectors.programme_figures(found, year)
    counted = (
        Application.objects.for_user(request.user)
        .filter(programme=found, budget_year=year, status__in=BUDGET_STATUSES)
        .select_related("profile__user")
        .order_by("-decided_at", "-pk")
    )
    return render(
        request,
        "loans/staff/programme.html",
        {
            "programme": found,
            "figures": figures,
            "year": year,
            "years": [year - 1, year, year + 1],
            "counted": Paginator(counted, APPLICATIONS_PER_PAGE).get_page(request.GET.get("page")),
            "budgets": found.budgets.all(),
            "caps": [
                (item, rules.describe_cap(selectors.item_cap(item)))
                for item in found.cost_items.all()
            ],
        },
    )


@staff_required
def worker_support(request: HttpRequest, profile_pk: int) -> HttpResponse:
    """A worker's options as they would see them, for a counsellor helping them apply."""
    profile = get_object_or_404(WorkerProfile.objects.for_user(request.user), pk=profile_pk)
    profile = selectors.profile_for_rules(pk=profile.pk)
    today = timezone.localdate()
    return render(
        request,
        "loans/staff/worker.html",
        {
            "profile": profile,
            "options": selectors.support_overview(profile, today),
            "applications": Application.objects.for_user(request.user)
            .filter(profile=profile)
            .select_related("programme")
            .order_by("-updated_at", "-pk"),
        },
    )


@staff_required
@require_POST
def start_for_worker(
    request: AuthenticatedHttpRequest, profile_pk: int, programme_pk: int
) -> HttpResponse:
    """A counsellor starts an application with a walk-in worker (assisted)."""
    profile = get_object_or_404(WorkerProfile.objects.for_user(request.user), pk=profile_pk)
    found = get_object_or_404(SupportProgramme, pk=programme_pk)
    return start_application(request, profile, found, area=STAFF)


KEPT_PER_PAGE = 100


@staff_required
def kept_records(request: HttpRequest) -> HttpResponse:
    """What the province keeps of support it paid or loans it referred for workers whose
    file moved to another province: the accounting minimum, the name reduced, no file."""
    from django.db.models import Sum

    from loans.models import KeptSupportRecord

    records = (
        KeptSupportRecord.objects.for_user(request.user)
        .select_related("programme", "moved_to")
        .order_by("-closed_on", "-pk")
    )
    page = Paginator(records, KEPT_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "loans/staff/kept_records.html",
        {"page": page, "total": records.aggregate(total=Sum("amount"))["total"] or 0},
    )
