"""Staff pages of the job-fair app: the fairs, their enterprises and job orders, the
registrations, the door and the outcomes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import staff_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.text import search_text
from fairs import selectors, services
from fairs.forms import (
    CancelForm,
    CodeForm,
    FairForm,
    FollowUpForm,
    InterviewForm,
    JobOrderForm,
    ParticipationForm,
    PeriodForm,
    WalkInForm,
    half_year,
)
from fairs.models import Fair, Interview, JobOrder, Participation, Registration
from fairs.views import _error

PER_PAGE = 50


def check_in_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff of the province, or fair helpers: people given the `fairs.check_in` permission
    (directly or through a group) without being counsellors. Helpers sign in with a second
    factor too, since the door list holds names and phone numbers."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_staff_member:
            if not user.has_perm("fairs.check_in"):
                raise Http404
            if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
                messages.warning(
                    request,
                    _(
                        "Checking people in needs two-factor authentication. Set up an "
                        "authenticator app to continue."
                    ),
                )
                return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapper


def _staff_fair(request: AuthenticatedHttpRequest, pk: int) -> Fair:
    try:
        return selectors.fair_for_staff(request.user, pk)
    except Fair.DoesNotExist:
        raise Http404 from None


# --- Staff: fairs ---------------------------------------------------------------------


@staff_required
@require_GET
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    fairs = selectors.staff_fairs(request.user, status=status)
    page = Paginator(fairs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "fairs/staff_list.html",
        {"page": page, "status": status, "statuses": Fair.Status.choices},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def fair_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    if user.province_id is None and not user.is_admin:
        raise Http404
    form = FairForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        province = form.cleaned_data.get("province") or user.province
        fair = services.fair_create(actor=user, province=province, values=form.values())  # type: ignore[arg-type]  # the form requires a province from staff without one
        messages.success(request, _("Fair saved as a draft. Add enterprises, then publish it."))
        return redirect("fairs:staff_fair", pk=fair.pk)
    return render(request, "fairs/fair_form.html", {"form": form, "fair": None})


@staff_required
@require_http_methods(["GET", "POST"])
def fair_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fair = _staff_fair(request, pk)
    form = FairForm(request.POST or None, instance=fair, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.fair_update(
                fair_id=fair.pk,
                actor=request.user,
                expected_version=form.cleaned_data.get("version") or 0,
                values=form.values(),
            )
        except services.StaleFair as exc:
            _error(request, exc)
            return redirect("fairs:edit", pk=fair.pk)
        except services.FairError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Fair saved."))
            return redirect("fairs:staff_fair", pk=fair.pk)
    return render(request, "fairs/fair_form.html", {"form": form, "fair": fair})


@staff_required
@require_GET
def staff_fair(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _staff_fair_page(request, _staff_fair(request, pk))


def _staff_fair_page(
    request: HttpRequest,
    fair: Fair,
    *,
    publish_warnings: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    events = fair.events.select_related("actor").order_by("-at", "-pk")[:15]
    return render(
        request,
        "fairs/staff_fair.html",
        {
            "fair": fair,
            "place": services.place_text(fair),
            "events": events,
            "editable": fair.status in services.EDITABLE,
            "publish_warnings": publish_warnings or [],
        },
        status=status,
    )


def _transition(
    request: HttpRequest, pk: int, move: Callable[[Fair], Any], done: str
) -> HttpResponse:
    fair = get_object_or_404(Fair.objects.for_user(request.user), pk=pk)
    try:
        move(fair)
    except services.FairError as exc:
        _error(request, exc)
    else:
        messages.success(request, done)
    return redirect("fairs:staff_fair", pk=fair.pk)


@staff_required
@require_POST
def fair_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fair = _staff_fair(request, pk)
    try:
        services.fair_publish(
            fair_id=fair.pk, actor=request.user, confirmed=request.POST.get("confirm") == "1"
        )
    except services.NeedsConfirmation as exc:
        # Not published yet: the staff page shows the warnings and a "publish anyway".
        return _staff_fair_page(request, fair, publish_warnings=exc.warnings, status=400)
    except services.FairError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The fair is published: workers can see it and register."))
    return redirect("fairs:staff_fair", pk=fair.pk)


@staff_required
@require_POST
def fair_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        lambda fair: services.fair_close(fair_id=fair.pk, actor=request.user),
        _("The fair is closed. Interviews and offers can still be recorded."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def fair_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fair = _staff_fair(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fair_cancel(
                fair_id=fair.pk, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.FairError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The fair is cancelled. Everyone registered is being told.")
            )
            return redirect("fairs:staff_fair", pk=fair.pk)
    return render(request, "fairs/cancel.html", {"fair": fair, "form": form})


# --- Staff: enterprises and job orders ------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def enterprise_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fair = _staff_fair(request, pk)
    form = ParticipationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_add(
                fair_id=fair.pk, enterprise=form.cleaned_data["enterprise"], actor=request.user
            )
        except services.FairError as exc:
            form.add_error("enterprise", str(exc))
        else:
            messages.success(request, _("Enterprise added. Now add its job orders."))
            return redirect("fairs:staff_fair", pk=fair.pk)
    return render(request, "fairs/enterprise_add.html", {"fair": fair, "form": form})


def _participation(request: HttpRequest, pk: int, participation_pk: int) -> Participation:
    return get_object_or_404(
        Participation.objects.for_user(request.user).select_related("enterprise", "fair"),
        pk=participation_pk,
        fair_id=pk,
    )


@staff_required
@require_POST
def enterprise_remove(
    request: AuthenticatedHttpRequest, pk: int, participation_pk: int
) -> HttpResponse:
    participation = _participation(request, pk, participation_pk)
    try:
        services.participation_remove(participation_id=participation.pk, actor=request.user)
    except services.FairError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Enterprise removed from the fair."))
    return redirect("fairs:staff_fair", pk=pk)


@staff_required
@require_http_methods(["GET", "POST"])
def job_order_add(
    request: AuthenticatedHttpRequest, pk: int, participation_pk: int
) -> HttpResponse:
    participation = _participation(request, pk, participation_pk)
    form = JobOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.job_order_add(
                participation_id=participation.pk, actor=request.user, values=form.cleaned_data
            )
        except services.FairError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Job order added."))
            return redirect("fairs:staff_fair", pk=pk)
    return render(
        request,
        "fairs/job_order_form.html",
        {"fair": participation.fair, "participation": participation, "form": form},
    )


@staff_required
@require_POST
def job_order_remove(request: AuthenticatedHttpRequest, pk: int, order_pk: int) -> HttpResponse:
    order = get_object_or_404(
        JobOrder.objects.filter(
            participation__fair__in=Fair.objects.for_user(request.user), participation__fair_id=pk
        ),
        pk=order_pk,
    )
    try:
        services.job_order_remove(job_order_id=order.pk, actor=request.user)
    except services.FairError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Job order removed."))
    return redirect("fairs:staff_fair", pk=pk)


# --- Staff: registrations -------------------------------------------------------------


@staff_required
@require_GET
def registrations(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fair = _staff_fair(request, pk)
    query = search_text(request.GET.get("q", ""), 100)
    status = request.GET.get("status", "")
    rows = selectors.fair_registrations(fair, query=query, status=status).annotate(
        profile_id=F("worker__worker_profile__id")
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "fairs/registrations.html",
        {
            "fair": fair,
            "page": page,
            "query": query,
            "status": status,
            "statuses": Registration.Status.choices,
            "can_cancel": fair.status in services.EDITABLE and timezone.now() < fair.starts_at,
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def walk_in(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A counsellor registers someone who came to the centre or called."""
    fair = _staff_fair(request, pk)
    form = WalkInForm(request.POST or None, fair=fair)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.registration_create(
                fair_id=fair.pk,
                actor=request.user,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"] or "",
                commune=form.cleaned_data["commune"],
                walk_in=True,
            )
        except services.FairError as exc:
            form.add_error(None, str(exc))
        else:
            _registered_message(request, result)
            return redirect("fairs:registrations", pk=fair.pk)
    return render(request, "fairs/walk_in.html", {"fair": fair, "form": form})


def _registered_message(request: HttpRequest, result: services.Registered) -> None:
    registration = result.registration
    values = {"name": registration.name, "code": registration.code}
    if not result.created:
        messages.info(request, _("%(name)s was already registered (ticket %(code)s).") % values)
    elif registration.status == Registration.Status.WAITLISTED:
        messages.warning(
            request,
            _("The fair is full: %(name)s is on the waitlist (number %(n)s).")
            % {**values, "n": selectors.waitlist_position(registration)},
        )
    else:
        messages.success(request, _("%(name)s is registered: ticket %(code)s.") % values)


# --- The door -------------------------------------------------------------------------


@check_in_required
@require_GET
def check_in_fairs(request: HttpRequest) -> HttpResponse:
    """The fairs whose door the user may keep: today's and the coming ones."""
    start, _end = selectors.day_bounds(timezone.localdate())
    fairs = (
        Fair.objects.for_check_in(request.user)
        .filter(status=Fair.Status.PUBLISHED, ends_at__gte=start)
        .select_related("commune")
        .order_by("starts_at", "pk")[:30]
    )
    return render(request, "fairs/check_in_fairs.html", {"fairs": fairs})


@check_in_required
@require_http_methods(["GET", "POST"])
def check_in(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Scan or type a code, or find someone by name or phone, or register a walk-in."""
    fair = get_object_or_404(
        Fair.objects.for_check_in(request.user).select_related("commune"), pk=pk
    )
    query = search_text(request.GET.get("q", ""), 100)
    here = reverse("fairs:check_in", args=[fair.pk])
    back = f"{here}?{urlencode({'q': query})}" if query else here
    walk_in_form = WalkInForm(fair=fair, prefix="walkin")
    code_form = CodeForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "walk_in":
            walk_in_form = WalkInForm(request.POST, fair=fair, prefix="walkin")
            if walk_in_form.is_valid():
                try:
                    result = services.registration_create(
                        fair_id=fair.pk,
                        actor=request.user,
                        name=walk_in_form.cleaned_data["name"],
                        phone=walk_in_form.cleaned_data["phone"] or "",
                        commune=walk_in_form.cleaned_data["commune"],
                        walk_in=True,
                        check_in=True,
                    )
                except services.CheckInRefused as exc:
                    walk_in_form.add_error(None, str(exc))
                except services.FairError as exc:
                    walk_in_form.add_error(None, str(exc))
                else:
                    _door_registered(request, result)
                    return redirect(back)
        elif action in {"code", "pick"}:
            code_form = CodeForm(request.POST) if action == "code" else CodeForm()
            if action == "pick" or code_form.is_valid():
                _door_check_in(request, fair, action)
                return redirect(back)
        else:
            raise Http404
    counts = selectors.with_counts(
        Fair.objects.unscoped("the fair fetched above for the user").filter(pk=fair.pk)
    ).values(  # type: ignore[misc]  # annotated by selectors.with_counts
        "n_registered", "n_checked_in"
    )[0]
    return render(
        request,
        "fairs/check_in.html",
        {
            "fair": fair,
            "query": query,
            "matches": selectors.check_in_matches(fair, query),
            "code_form": code_form,
            "walk_in_form": walk_in_form,
            "counts": counts,
        },
    )


def _door_check_in(request: AuthenticatedHttpRequest, fair: Fair, action: str) -> None:
    try:
        if action == "code":
            registration = services.check_in(
                fair_id=fair.pk, actor=request.user, code=request.POST.get("code", "")
            )
        else:
            try:
                picked = int(request.POST.get("registration", ""))
            except ValueError:
                raise Http404 from None
            registration = services.check_in(
                fair_id=fair.pk, actor=request.user, registration_id=picked
            )
    except services.CheckInRefused as exc:
        messages.error(request, str(exc), extra_tags=f"checkin checkin-{exc.outcome}")
        return
    messages.success(
        request,
        _("Checked in: %(name)s (%(code)s).")
        % {"name": registration.name, "code": registration.code},
        extra_tags="checkin checkin-ok",
    )


def _door_registered(request: HttpRequest, result: services.Registered) -> None:
    registration = result.registration
    values = {"name": registration.name, "code": registration.code}
    if registration.is_checked_in and result.created:
        messages.success(
            request,
            _("%(name)s is registered and checked in: ticket %(code)s.") % values,
            extra_tags="checkin checkin-ok",
        )
    elif registration.is_checked_in:
        messages.info(
            request,
            _("%(name)s was already registered (ticket %(code)s) and is checked in.") % values,
            extra_tags="checkin checkin-ok",
        )
    else:
        messages.warning(
            request,
            _(
                "The fair is full: %(name)s is on the waitlist (number %(n)s) and cannot "
                "come in yet."
            )
            % {**values, "n": selectors.waitlist_position(registration)},
            extra_tags="checkin checkin-waitlisted",
        )


# --- Staff: outcomes ------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def outcomes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Interviews and offers, per enterprise; an offer can become a follow-up task."""
    fair = _staff_fair(request, pk)
    form = InterviewForm(request.POST or None, fair=fair)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.interview_record(
                participation_id=data["participation"].pk,
                registration_id=data["registration"].pk,
                job_order_id=data["job_order"].pk if data["job_order"] else None,
                actor=request.user,
                notes=data["notes"],
                offered=data["offered"],
                follow_up_on=data["follow_up_on"] if data["follow_up"] else None,
            )
        except services.FairError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Interview recorded."))
            return redirect("fairs:outcomes", pk=fair.pk)
    interviews = list(selectors.fair_interviews(fair))
    return render(
        request,
        "fairs/outcomes.html",
        {
            "fair": fair,
            "form": form,
            "interviews": interviews,
            "follow_up_form": FollowUpForm(),
            "offers": sum(1 for i in interviews if i.result == Interview.Result.OFFERED),
        },
    )


def _interview(request: HttpRequest, pk: int, interview_pk: int) -> Interview:
    return get_object_or_404(
        Interview.objects.for_user(request.user), pk=interview_pk, participation__fair_id=pk
    )


@staff_required
@require_POST
def offer(request: AuthenticatedHttpRequest, pk: int, interview_pk: int) -> HttpResponse:
    interview = _interview(request, pk, interview_pk)
    form = FollowUpForm(request.POST)
    due = form.cleaned_data["due_on"] if request.POST.get("follow_up") and form.is_valid() else None
    if request.POST.get("follow_up") and due is None:
        messages.error(request, _("Give the date to follow up by."))
        return redirect("fairs:outcomes", pk=pk)
    try:
        services.offer_make(interview_id=interview.pk, actor=request.user, follow_up_on=due)
    except services.FairError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Offer recorded."))
    return redirect("fairs:outcomes", pk=pk)


@staff_required
@require_POST
def offer_follow_up(request: AuthenticatedHttpRequest, pk: int, interview_pk: int) -> HttpResponse:
    interview = _interview(request, pk, interview_pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date to follow up by."))
        return redirect("fairs:outcomes", pk=pk)
    try:
        services.offer_follow_up(
            interview_id=interview.pk, actor=request.user, due_on=form.cleaned_data["due_on"]
        )
    except services.FairError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Follow-up task made for the counsellor."))
    return redirect("fairs:outcomes", pk=pk)


# --- Staff: figures -------------------------------------------------------------------


@staff_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    start, end = half_year(timezone.localdate())
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    elif not request.GET:
        form = PeriodForm(initial={"start": start, "end": end})
    return render(
        request,
        "fairs/figures.html",
        {"form": form, "report": selectors.fair_figures(request.user, start, end)},
    )
