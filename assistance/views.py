from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import staff_required, worker_required
from accounts.files import private_file_response
from accounts.http import AuthenticatedHttpRequest
from accounts.limits import body_limit
from accounts.models import User
from assistance import selectors, services
from assistance.forms import (
    AssignForm,
    CloseForm,
    HelpRequestForm,
    NoteForm,
    StaffHelpRequestForm,
)
from assistance.models import HelpRequest, HelpRequestPhoto, Status
from workers.models import Case, WorkerProfile
from workers.uploads import MAX_BYTES

PHOTOS_BYTES = services.MAX_PHOTOS * MAX_BYTES
# As the other staff lists (complaints, fraud reports): Django's paginator, 50 a page.
HELP_PER_PAGE = 50


def _contacts(request: HelpRequest) -> list[Any]:
    return selectors.market_contacts(request.market_id)


# --- The worker -----------------------------------------------------------------------


@worker_required
@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    case = Case.objects.for_user(user).filter(profile__user=user).only("stage", "market").first()
    hours = services.first_contact_hours()
    requests = list(HelpRequest.objects.for_user(user))
    return render(
        request,
        "assistance/mine.html",
        {
            "abroad": case is not None and case.stage in services.ABROAD,
            "requests": selectors.worker_items(requests, hours),
        },
    )


def _worker_profile(user: User) -> WorkerProfile:
    profile = WorkerProfile.objects.for_user(user).filter(user=user).select_related("case").first()
    if profile is None:
        raise Http404
    return profile


def _create(
    form: HelpRequestForm, profile: WorkerProfile, actor: User, **extra: Any
) -> HelpRequest:
    """The request a valid form describes, from the worker or recorded by a counsellor."""
    data = form.cleaned_data
    return services.help_request_create(
        profile=profile,
        actor=actor,
        kind=data["kind"],
        what_happened=data["what_happened"],
        phone_abroad=data["phone_abroad"],
        zalo=data["zalo"],
        relative_contact=data["relative_contact"],
        photos=data["photos"],
        **extra,
    )


@body_limit(PHOTOS_BYTES)
@worker_required
@require_http_methods(["GET", "POST"])
def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = _worker_profile(request.user)
    abroad = profile.case.stage in services.ABROAD
    form = HelpRequestForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and abroad:
        if form.is_valid():
            try:
                created = _create(form, profile, request.user)
            except services.HelpError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your request is sent. The centre will contact you."))
                return redirect("assistance:request", pk=created.pk)
        status = 400
    return render(
        request,
        "assistance/new.html",
        {
            "form": form,
            "abroad": abroad,
            "hours": services.first_contact_hours(),
            # "Correct the fields marked below" only when a field is marked.
            "field_errors": form.is_bound and any(name != "__all__" for name in form.errors),
        },
        status=status,
    )


@worker_required
@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    help_request = get_object_or_404(HelpRequest.objects.for_user(request.user), pk=pk)
    return render(
        request,
        "assistance/detail.html",
        {
            "help": help_request,
            "status": selectors.status_label(help_request),
            "next_step": selectors.next_step(help_request, services.first_contact_hours()),
            "photos": help_request.photos.all(),
            # The worker sees only numbers someone checked; staff see the rest, marked.
            "contacts": [c for c in _contacts(help_request) if c.is_confirmed],
        },
    )


@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The only way to a request's photo: the worker's own, or staff of the province."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    item = get_object_or_404(HelpRequestPhoto.objects.for_user(request.user), pk=pk)
    return private_file_response(
        item.file,
        content_type=item.content_type,
        name=f"help-{item.request_id}-{item.pk}",
        inline=item.content_type.startswith("image/"),
    )


# --- Staff ----------------------------------------------------------------------------


@staff_required
@require_GET
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    shown = request.GET.get("status", "open")
    requests = HelpRequest.objects.for_user(request.user).select_related(
        "profile__user", "assigned_to", "market"
    )
    if shown == "open":
        requests = requests.open()
    elif shown in Status.values:
        requests = requests.filter(status=shown)
    else:
        shown = "all"
    page = Paginator(requests, HELP_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/staff_list.html",
        {"page": page, "shown": shown, "now": timezone.now(), "statuses": Status.choices},
    )


def _staff_request(request: HttpRequest, pk: int) -> HelpRequest:
    return get_object_or_404(
        HelpRequest.objects.for_user(request.user).select_related(
            "profile__user", "profile__case", "assigned_to", "market", "first_contact_by"
        ),
        pk=pk,
    )


def _staff_page(
    request: HttpRequest, help_request: HelpRequest, forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    forms = forms or {}
    return render(
        request,
        "assistance/staff_request.html",
        {
            "help": help_request,
            "case": help_request.profile.case,
            "now": timezone.now(),
            "photos": help_request.photos.all(),
            "events": help_request.events.select_related("actor"),
            "contacts": _contacts(help_request),
            "contact_form": forms.get("contact") or NoteForm(prefix="contact"),
            "start_form": forms.get("start") or NoteForm(prefix="start"),
            "close_form": forms.get("close") or CloseForm(prefix="close"),
            "note_form": forms.get("note") or NoteForm(prefix="note"),
            "assign_form": forms.get("assign")
            or AssignForm(
                prefix="assign",
                province_id=help_request.province_id,
                initial={"to": help_request.assigned_to_id},
            ),
            "status_label": selectors.status_label(help_request),
            "first_contact_wait": selectors.duration_words(help_request.time_to_first_contact),
        },
        status=status,
    )


@staff_required
@require_GET
def staff_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _staff_page(request, _staff_request(request, pk))


ACTIONS = ("contact", "start", "close", "note", "assign")


@staff_required
@require_POST
def staff_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    help_request = _staff_request(request, pk)
    actor: User = request.user
    form: Any
    if action == "close":
        form = CloseForm(request.POST, prefix="close")
    elif action == "assign":
        form = AssignForm(request.POST, prefix="assign", province_id=help_request.province_id)
    else:
        form = NoteForm(request.POST, prefix=action)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "contact":
                services.help_request_contact(
                    request_id=help_request.pk, actor=actor, note=data["note"]
                )
            elif action == "start":
                services.help_request_start(
                    request_id=help_request.pk, actor=actor, note=data["note"]
                )
            elif action == "note":
                services.help_request_note(
                    request_id=help_request.pk, actor=actor, text=data["note"]
                )
            elif action == "assign":
                services.help_request_assign(request_id=help_request.pk, actor=actor, to=data["to"])
            else:
                services.help_request_close(
                    request_id=help_request.pk,
                    actor=actor,
                    outcome=data["outcome"],
                    referred_to=data["referred_to"],
                    amount=data["amount"],
                    note=data["note"],
                )
        except services.HelpError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Help request updated."))
            return redirect("assistance:staff_request", pk=help_request.pk)
    help_request.refresh_from_db()
    return _staff_page(request, help_request, {action: form}, status=400)


@body_limit(PHOTOS_BYTES)
@staff_required
@require_http_methods(["GET", "POST"])
def staff_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A relative (or the worker) called the centre: the counsellor records the request."""
    profile = get_object_or_404(
        WorkerProfile.objects.for_user(request.user).select_related("user", "case"), pk=pk
    )
    abroad = profile.case.stage in services.ABROAD
    form = StaffHelpRequestForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and abroad:
        if form.is_valid():
            try:
                created = _create(form, profile, request.user, source=form.cleaned_data["source"])
            except services.HelpError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Help request recorded."))
                return redirect("assistance:staff_request", pk=created.pk)
        status = 400
    return render(
        request,
        "assistance/staff_new.html",
        {"form": form, "abroad": abroad, "profile": profile, "person": profile.user},
        status=status,
    )
