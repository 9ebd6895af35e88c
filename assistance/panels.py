"""What this app adds to the worker's home and to the counsellor's worker page."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from accounts.models import User
from assistance import selectors, services
from assistance.models import HelpRequest
from workers import panels
from workers.models import Case

#: The worker page's probe (workers.panels.STAFF_WORKER_PROBES): has the file any request?
PROBE = "has_help_requests"
HAS_REQUESTS = Exists(
    HelpRequest.objects.unscoped("correlated to the file, which the page scopes").filter(
        profile=OuterRef("pk")
    )
)


def _abroad(worker: User) -> bool:
    return Case.objects.for_user(worker).filter(stage__in=services.ABROAD).exists()


def home_panel(request: HttpRequest, worker: User) -> tuple[str, dict[str, Any]] | None:
    abroad = _abroad(worker)
    requests = list(HelpRequest.objects.for_user(worker).filter(profile__user=worker)[:5])
    if not abroad and not requests:
        return None
    hours = services.first_contact_hours()
    return "assistance/_home_panel.html", {
        # A worker abroad may be in trouble now: the way to ask for help comes first.
        "first": abroad,
        "abroad": abroad,
        "requests": selectors.worker_items(requests, hours),
    }


def staff_panel(request: HttpRequest, worker: User) -> tuple[str, dict[str, Any]] | None:
    # The page that calls this fetched the worker through for_user: scoping is already done.
    # It also read the worker's file and case with the worker: whether they are abroad is
    # known without asking again.
    profile_id = worker.worker_profile.pk
    try:
        abroad = worker.worker_profile.case.stage in services.ABROAD
    except Case.DoesNotExist:
        abroad = False
    # Whether there are any was read with the file (HAS_REQUESTS): most files have none.
    requests = (
        list(
            HelpRequest.objects.unscoped("the page fetched the worker through for_user")
            .filter(profile_id=profile_id)
            .select_related("assigned_to")
        )
        if getattr(worker.worker_profile, PROBE, True)
        else []
    )
    if not abroad and not requests:
        return None
    return "assistance/_staff_panel.html", {
        "abroad": abroad,
        "requests": requests,
        "profile_id": profile_id,
    }


def register() -> None:
    if home_panel not in panels.WORKER_HOME:
        panels.WORKER_HOME.append(home_panel)
    if staff_panel not in panels.STAFF_WORKER:
        panels.STAFF_WORKER.append(staff_panel)
        panels.STAFF_WORKER_PROBES[PROBE] = HAS_REQUESTS
