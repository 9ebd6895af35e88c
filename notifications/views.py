from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from notifications import selectors, services
from notifications.forms import PreferencesForm
from notifications.kinds import kinds_for

PER_PAGE = 20


@never_cache
@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": selectors.unread_count(request.user, fresh=True)},
    )


@never_cache
@login_required
def open_notification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # Another person's message is a 404, not a 403 that would confirm it exists.
    notification = get_object_or_404(selectors.inbox_for(request.user), pk=pk)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return render(request, "notifications/detail.html", {"notification": notification})


@require_POST
@login_required
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("All your messages are marked as read."))
    return redirect("notifications:inbox")


@never_cache
@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = selectors.preferences_for(request.user)
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, preferences=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(
            user=request.user, email=form.cleaned_data["email"], sms=form.cleaned_data["sms"]
        )
        messages.success(request, _("Saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "preferences": current, "kinds": kinds_for(request.user)},
    )
