"""Public and worker pages of the job-fair app: the fairs, registering, tickets. The staff
pages and the door are in staff_views.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import worker_required
from accounts.http import AuthenticatedHttpRequest
from fairs import selectors, services
from fairs.models import Fair, Registration
from fairs.tickets import ics_calendar, qr_svg
from workers.views import consent_required

#: Bump when sw.js changes what it stores: the new worker drops the old copies.
TICKET_CACHE = "mrc-tickets-v1"


def _error(request: HttpRequest, exc: Exception) -> None:
    # A refused registration ("ask the centre whether you can still come") links to the
    # centre's contact under the message.
    tags = "centre" if isinstance(exc, services.RegistrationRefused) else ""
    messages.error(request, str(exc), extra_tags=tags)


# --- Public and worker pages ----------------------------------------------------------


@require_GET
def fair_list(request: HttpRequest) -> HttpResponse:
    """Coming fairs: of the visitor's province when they have one, or of every province."""
    user = request.user
    own = getattr(user, "province_id", None)
    everywhere = request.GET.get("all") == "1" or own is None
    fairs = selectors.public_fairs(now=timezone.now(), province_id=None if everywhere else own)
    page = Paginator(fairs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "fairs/list.html",
        {"page": page, "everywhere": everywhere, "own_province": own is not None},
    )


@require_GET
def fair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        fair = selectors.fair_for_public(pk)
    except Fair.DoesNotExist:
        raise Http404 from None
    now = timezone.now()
    registration = selectors.live_registration(fair, request.user)
    return render(
        request,
        "fairs/detail.html",
        {
            "fair": fair,
            "place": services.place_text(fair),
            "registration": registration,
            "open": fair.is_open_for_registration(now),
            "full": fair.n_registered >= fair.capacity,  # type: ignore[attr-defined]  # annotated by the queryset (with_counts)
            "places_left": max(0, fair.capacity - fair.n_registered),  # type: ignore[attr-defined]  # annotated by the queryset (with_counts)
            "can_register": request.user.is_authenticated and not request.user.is_staff_member,
        },
    )


@consent_required
@require_http_methods(["GET", "POST"])
def register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The worker's second tap. A GET (back from the consent page) shows the fair again."""
    fair = get_object_or_404(Fair.objects.public(), pk=pk)
    if request.method != "POST":
        return redirect("fairs:detail", pk=fair.pk)
    try:
        result = services.registration_create(
            fair_id=fair.pk, actor=request.user, worker=request.user
        )
    except services.RegistrationRefused as exc:
        _error(request, exc)
        return redirect("fairs:detail", pk=fair.pk)
    registration = result.registration
    if not result.created:
        messages.info(request, _("You were already registered: here is your ticket."))
    elif registration.status == Registration.Status.WAITLISTED:
        messages.warning(
            request,
            _(
                "The fair is full, so you are on the waitlist (number %(n)s). If a place "
                "frees up, it is yours and we will tell you."
            )
            % {"n": selectors.waitlist_position(registration)},
        )
    else:
        messages.success(request, _("You are registered. Show this ticket at the door."))
    return redirect("fairs:ticket", pk=registration.pk)


@worker_required
@require_GET
def my_tickets(request: AuthenticatedHttpRequest) -> HttpResponse:
    registrations = selectors.my_registrations(request.user)
    return render(
        request,
        "fairs/my_tickets.html",
        {"registrations": registrations, "now": timezone.now(), "ticket_cache": TICKET_CACHE},
    )


def _ticket(request: HttpRequest, pk: int) -> Registration:
    # The owner, or staff of the fair's province; anyone else gets 404.
    return get_object_or_404(
        Registration.objects.for_user(request.user).select_related(
            "fair__province", "fair__commune", "commune"
        ),
        pk=pk,
    )


@login_required
@require_GET
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticket: one small page with the QR inline, usable offline once loaded."""
    registration = _ticket(request, pk)
    fair = registration.fair
    now = timezone.now()
    valid = (
        registration.status == Registration.Status.REGISTERED
        and fair.status == Fair.Status.PUBLISHED
    )
    label = _("Ticket %(code)s") % {"code": registration.code}
    response = render(
        request,
        "fairs/ticket.html",
        {
            "registration": registration,
            "fair": fair,
            "place": services.place_text(fair),
            "qr": qr_svg(registration.code, label=label) if valid else None,
            "position": selectors.waitlist_position(registration),
            "ticket_cache": TICKET_CACHE,
            # Staff cancel from the fair's list of registrations; the button is the owner's.
            "can_cancel": registration.worker_id == request.user.pk
            and registration.status != Registration.Status.CANCELLED
            and not registration.is_checked_in
            and fair.status in services.EDITABLE
            and now < fair.starts_at,
        },
    )
    # Kept by the phone for a while, so reopening the ticket in a dead zone still works.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def ticket_service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker that keeps ticket pages for offline use (scope /fairs/tickets/)."""
    response = render(
        request,
        "fairs/sw.js",
        {"cache_name": TICKET_CACHE},
        content_type="application/javascript; charset=utf-8",
    )
    # Browsers check for a new worker on each visit; never serve them a stale one.
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_GET
def ticket_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _ticket(request, pk)
    fair = registration.fair
    link = request.build_absolute_uri(reverse("fairs:detail", args=[fair.pk]))
    body = ics_calendar(
        uid=f"fair-{fair.pk}-ticket-{registration.pk}@mrc",
        title=fair.title,
        starts_at=fair.starts_at,
        ends_at=fair.ends_at,
        location=services.place_text(fair),
        description=_("Ticket %(code)s. Bring your ID card.") % {"code": registration.code},
        url=link,
        stamp=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fair-{fair.pk}.ics"'
    return response


@login_required
@require_POST
def ticket_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    registration = _ticket(request, pk)
    try:
        services.registration_cancel(registration_id=registration.pk, actor=request.user)
    except services.FairError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Registration cancelled."))
    if request.user.is_staff_member:
        return redirect("fairs:registrations", pk=registration.fair_id)
    return redirect("fairs:ticket", pk=registration.pk)
