"""The worker's support pages, and the application pages both sides share.

The applicant's actions (edit, attach, send, withdraw) are the same functions for the
worker (`/me/support/...`, behind the consent gate) and for a counsellor helping them
(`/staff/support/...`); only the page they come back to differs. Every object is fetched
through `for_user`, so another person's application is a 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required
from accounts.files import private_file_response
from accounts.http import AuthenticatedHttpRequest
from accounts.limits import body_limit
from loans import rules, selectors, services
from loans.forms import ApplicationForm, AttachmentForm, WithdrawForm
from loans.models import (
    OPEN_STATUSES,
    Application,
    ApplicationEvent,
    Attachment,
    Status,
    SupportProgramme,
)
from workers import services as worker_services
from workers.models import Sex
from workers.reference import ETHNIC_GROUPS, PriorityGroup
from workers.uploads import MAX_BYTES, RejectedUpload, clean_upload
from workers.views import consent_required

WORKER = "worker"
STAFF = "staff"


def _own_profile(request: AuthenticatedHttpRequest) -> Any:
    worker_services.profile_start(user=request.user)
    return selectors.profile_for_rules(user=request.user)


def scoped_application(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.for_user(request.user).select_related(
            "programme", "programme__province", "profile__user", "province"
        ),
        pk=pk,
    )


def application_url(application: Application, area: str) -> str:
    name = "loans:staff_application" if area == STAFF else "loans:application"
    return reverse(name, args=[application.pk])


def _record_read(request: AuthenticatedHttpRequest, application: Application, context: str) -> None:
    # Applications carry poverty and ethnicity: staff reads are logged like the worker page.
    if request.user.is_staff_member:
        worker_services.sensitive_read_record(
            staff=request.user, profile=application.profile, context=context
        )


def application_context(
    request: HttpRequest, application: Application, *, area: str = WORKER
) -> dict[str, Any]:
    """What both application pages show: the file, lines, files, history, what is missing."""
    today = timezone.localdate()
    prefix = "loans:staff_" if area == STAFF else "loans:"
    lines = list(application.lines.select_related("item"))
    attachments = list(application.attachments.select_related("document_type"))
    events = list(application.events.select_related("actor"))
    context: dict[str, Any] = {
        "application": application,
        "programme": application.programme,
        "profile": application.profile,
        "lines": lines,
        "attachments": attachments,
        "events": events,
        "today": today,
        "applicant": applicant_view(application),
        "area": area,
        "links": {
            action: reverse(f"{prefix}{action}", args=[application.pk])
            for action in ("edit", "attach", "submit", "withdraw")
        },
    }
    # Which rules were applied: judged on the contract's or the costs' day when the form says
    # it, else on the day the application was sent (or today, for a draft).
    sent_on = application.submitted_at
    judged = timezone.localdate(sent_on) if sent_on and not application.is_editable else today
    facts, terms, _unmet = selectors.eligibility_for(application, judged)
    context["regime_note"] = rules.regime_note(facts, terms, judged)
    context["deposit_due"] = rules.deposit_due_on(terms, application.contract_signed_on)
    if application.is_editable:
        context["problems"] = services.problems_before_sending(application, today)
        context["attach_form"] = AttachmentForm(programme=application.programme)
    return context


def applicant_view(application: Application) -> dict[str, Any]:
    """The applicant as sent (or as the file shows now, for a draft), with readable labels."""
    data = dict(application.applicant)
    if not data:
        profile = selectors.profile_for_rules(pk=application.profile_id)
        data = services.applicant_snapshot(profile)
    if isinstance(data.get("date_of_birth"), str) and data["date_of_birth"]:
        data["date_of_birth"] = datetime.date.fromisoformat(data["date_of_birth"])
    ethnic = dict(ETHNIC_GROUPS)
    data["sex_label"] = str(Sex(data["sex"]).label) if data.get("sex") else ""
    data["ethnicity_label"] = ethnic.get(data.get("ethnicity") or "", "")
    data["group_labels"] = [str(PriorityGroup(g).label) for g in data.get("priority_groups", [])]
    return data


# --- The worker's pages ---------------------------------------------------------------


@consent_required
def support_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every open programme with "you can apply" or the reasons why not yet."""
    profile = _own_profile(request)
    today = timezone.localdate()
    return render(
        request,
        "loans/support.html",
        {
            "options": selectors.support_overview(profile, today),
            "applications": Application.objects.for_user(request.user)
            .select_related("programme")
            .order_by("-updated_at", "-pk"),
            "today": today,
        },
    )


@consent_required
def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    profile = _own_profile(request)
    today = timezone.localdate()
    programme = get_object_or_404(
        selectors.programmes_with_terms().open_on(today, profile.user.province_id), pk=pk
    )
    facts = selectors.worker_facts(profile, today)
    return render(
        request,
        "loans/programme.html",
        {
            "programme": programme,
            "reasons": rules.unmet_conditions(facts, selectors.programme_terms(programme), today),
            "caps": [
                (item, rules.describe_cap(selectors.item_cap(item)))
                for item in programme.cost_items.all()
            ],
            "open_application": Application.objects.for_user(request.user)
            .filter(profile=profile, programme=programme, status__in=OPEN_STATUSES)
            .first(),
        },
    )


@consent_required
@require_POST
def apply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    profile = _own_profile(request)
    programme = get_object_or_404(SupportProgramme, pk=pk)
    return start_application(request, profile, programme, area=WORKER)


def start_application(
    request: AuthenticatedHttpRequest, profile: Any, programme: SupportProgramme, *, area: str
) -> HttpResponse:
    try:
        application = services.application_start(
            profile=profile, programme=programme, actor=request.user
        )
    except services.AlreadyOpen as exc:
        messages.info(request, exc.messages[0])
        return redirect(application_url(exc.application, area))
    except services.SupportError as exc:
        for message in exc.messages:
            messages.error(request, message)
        if area == STAFF:
            return redirect("loans:staff_worker", profile_pk=profile.pk)
        return redirect("loans:programme", pk=programme.pk)
    return redirect(_edit_url(application, area))


def _edit_url(application: Application, area: str) -> str:
    name = "loans:staff_edit" if area == STAFF else "loans:edit"
    return reverse(name, args=[application.pk])


@consent_required
def application_page(request: HttpRequest, pk: int) -> HttpResponse:
    application = scoped_application(request, pk)
    return render(
        request, "loans/application.html", application_context(request, application, area=WORKER)
    )


# --- The applicant's actions (worker, or staff on their behalf) -----------------------


def applicant_action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The worker behind the consent gate, or staff; `area` tells which."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_staff_member:
            return staff_required(view)(request, *args, area=STAFF, **kwargs)
        return consent_required(view)(request, *args, area=WORKER, **kwargs)

    return wrapper


@applicant_action
def edit(request: AuthenticatedHttpRequest, pk: int, area: str) -> HttpResponse:
    application = scoped_application(request, pk)
    if not application.is_editable:
        messages.error(
            request,
            _("This application is “%(status)s”: it cannot be changed now.")
            % {"status": application.get_status_display()},
        )
        return redirect(application_url(application, area))
    facts = None
    if application.programme.is_loan:
        # The loan's limits depend on the grants already paid to the worker.
        facts, _terms, _unmet = selectors.eligibility_for(application, timezone.localdate())
    form = ApplicationForm(request.POST or None, application=application, facts=facts)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_save(
                application_id=application.pk,
                actor=request.user,
                values=form.values(),
                lines=form.lines(),
                loan_amount=form.loan_amount(),
            )
        except services.SupportError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Saved. Nothing is sent until you press “Send to the centre”.")
            )
            return redirect(application_url(application, area))
    return render(
        request,
        "loans/edit.html",
        {
            "form": form,
            "application": application,
            "area": area,
            "back": application_url(application, area),
        },
    )


@body_limit(MAX_BYTES)
@applicant_action
@require_POST
def attach(request: AuthenticatedHttpRequest, pk: int, area: str) -> HttpResponse:
    """Store a receipt or document; a refused file is explained at the top of the page (a
    browser cannot put a chosen file back into the field anyway)."""
    application = scoped_application(request, pk)
    form = AttachmentForm(request.POST, request.FILES, programme=application.programme)
    errors: list[str] = []
    if form.is_valid():
        try:
            clean = clean_upload(form.cleaned_data["file"])
            kind, document_type = form.kind_and_type()
            services.attachment_add(
                application_id=application.pk,
                actor=request.user,
                kind=kind,
                document_type=document_type,
                clean=clean,
                original_name=form.cleaned_data["file"].name,
            )
        except RejectedUpload as exc:
            errors.append(str(exc))
        except services.SupportError as exc:
            errors += exc.messages
    else:
        errors += [str(e) for field_errors in form.errors.values() for e in field_errors]
    for error in errors:
        messages.error(request, error)
    if not errors:
        messages.success(request, _("File received."))
    return redirect(application_url(application, area) + "#files")


@applicant_action
@require_POST
def attachment_remove(request: AuthenticatedHttpRequest, pk: int, area: str) -> HttpResponse:
    attachment = get_object_or_404(Attachment.objects.for_user(request.user), pk=pk)
    try:
        application = services.attachment_remove(attachment_id=attachment.pk, actor=request.user)
    except services.SupportError as exc:
        for message in exc.messages:
            messages.error(request, message)
        application = attachment.application
    else:
        messages.success(request, _("File removed."))
    return redirect(application_url(application, area))


@applicant_action
@require_POST
def submit(request: AuthenticatedHttpRequest, pk: int, area: str) -> HttpResponse:
    application = scoped_application(request, pk)
    send = (
        services.application_resubmit
        if application.status == Status.NEEDS_INFO
        else services.application_submit
    )
    try:
        send(application_id=application.pk, actor=request.user)
    except services.SupportError as exc:
        messages.error(request, _("The application was not sent:"))
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Sent. The centre will look at it and tell you what they decide.")
        )
    return redirect(application_url(application, area))


@applicant_action
def withdraw(request: AuthenticatedHttpRequest, pk: int, area: str) -> HttpResponse:
    application = scoped_application(request, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application_id=application.pk,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.SupportError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The application is withdrawn."))
        return redirect(application_url(application, area))
    return render(
        request,
        "loans/withdraw.html",
        {"form": form, "application": application, "back": application_url(application, area)},
    )


# --- Files and the paper form (owner and staff of the province) -----------------------


@login_required
@never_cache
def attachment_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The file itself, to its owner and to staff of the owner's province; never a static URL."""
    attachment = get_object_or_404(
        Attachment.objects.for_user(request.user).select_related("application__profile"), pk=pk
    )
    _record_read(request, attachment.application, f"support-attachment:{attachment.pk}")
    return private_file_response(
        attachment.file,
        content_type=attachment.content_type,
        name=f"{attachment.kind}-{attachment.pk}",
    )


@login_required
@never_cache
def print_form(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The application on paper, in Vietnamese, for the file the bank still needs."""
    application = scoped_application(request, pk)
    _record_read(request, application, "support-print")
    with translation.override("vi"):
        context = application_context(request, application)
        context["decision"] = next(
            (
                e
                for e in reversed(context["events"])
                if e.action in {ApplicationEvent.Action.APPROVE, ApplicationEvent.Action.REJECT}
            ),
            None,
        )
        context["printed_on"] = timezone.localdate()
        return render(request, "loans/print.html", context)
