"""Reads of help requests that pages, the staff home and the reports share."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from assistance.models import HelpRequest, Kind, Outcome, Status
from markets.selectors import market_contacts

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = ["market_contacts"]


def for_user(user: User) -> QuerySet[HelpRequest]:
    return HelpRequest.objects.for_user(user)


@dataclass
class StaffHome:
    open: int = 0
    overdue: int = 0
    items: list[HelpRequest] = field(default_factory=list)


def staff_home_counted(user: User, now: datetime.datetime) -> dict[str, QuerySet[HelpRequest]]:
    """What the staff home counts of the help requests, as querysets for it to count with
    its other figures in one query (mrc.views.counts_at_once): the open ones, and those
    waiting for first contact past the deadline."""
    requests = HelpRequest.objects.for_user(user).open()
    return {
        "help_open": requests,
        "help_overdue": requests.filter(status=Status.NEW, first_contact_due__lt=now),
    }


def staff_home(user: User, *, open_: int, overdue: int, limit: int = 10) -> StaffHome:
    """Open requests of the user's province, waiting for first contact first (the most
    overdue on top), then the ones being handled: one query whatever their number, none
    when none is open (the counts come from `staff_home_counted`)."""
    items = (
        list(
            HelpRequest.objects.for_user(user)
            .open()
            .select_related("profile__user", "assigned_to", "market")
            .order_by(F("first_contact_at").asc(nulls_first=True), "first_contact_due", "pk")[
                :limit
            ]
        )
        if open_
        else []
    )
    return StaffHome(open=open_, overdue=overdue, items=items)


#: What the worker reads as the next step, by status and outcome: plain words.
NEXT_STEP: dict[str, StrOrPromise] = {
    Status.NEW: _(
        "The centre has your request. A counsellor will call or message you within %(hours)s "
        "hours. Keep your phone on. If you are in danger now, call the local police."
    ),
    Status.CONTACTED: _(
        "A counsellor has talked with you. They will now contact the people who can help. "
        "Keep your papers and photos safe."
    ),
    Status.IN_PROGRESS: _(
        "The centre is working on your problem with the people who can help. A counsellor "
        "will tell you what happens."
    ),
    Outcome.RESOLVED: _(
        "Your request is closed: the problem is solved. Send a new request if you need help again."
    ),
    Outcome.REFERRED: _(
        "Your request was passed to another body that can help: %(to)s. They will contact "
        "you. Send a new request if nobody does."
    ),
    Outcome.RECOVERED: _("Your request is closed: %(amount)s VND was recovered for you."),
    Outcome.RETURNED_HOME: _(
        "Your request is closed: you came home. Tell the centre what you need now: a job, a "
        "loan or training."
    ),
}


def next_step(request: HelpRequest, hours: int) -> str:
    from markets.money import group

    if request.status == Status.CLOSED:
        text = NEXT_STEP.get(request.outcome, NEXT_STEP[Outcome.RESOLVED])
    else:
        text = NEXT_STEP[request.status]
    return str(text) % {
        "hours": hours,
        "to": request.referred_to or "—",
        "amount": group(request.amount_recovered or Decimal(0)),
    }


def duration_words(delta: datetime.timedelta | None) -> str:
    """3 h 20 min, in the page's language; empty without a duration."""
    if delta is None:
        return ""
    minutes = max(0, int(delta.total_seconds() // 60))
    return str(_("%(h)s h %(m)s min")) % {"h": minutes // 60, "m": minutes % 60}


def status_label(request: HelpRequest) -> str:
    if request.status == Status.CLOSED and request.outcome:
        return f"{request.get_status_display()}: {request.get_outcome_display()}"
    return str(request.get_status_display())


def worker_items(requests: list[HelpRequest], hours: int) -> list[dict[str, object]]:
    """What a worker reads of each of their requests: status and next step in plain words."""
    return [
        {"request": r, "status": status_label(r), "next_step": next_step(r, hours)}
        for r in requests
    ]


# --- Reports --------------------------------------------------------------------------


@dataclass
class HelpFigures:
    """Help requests of a province (or the nation) for the report of a period."""

    received: int
    by_kind: list[tuple[str, int]]
    #: Received in the period and contacted: hours from the request to first contact.
    contacted: int
    median_hours: float | None
    #: Of the requests received in the period whose deadline is past or that were contacted,
    #: how many were first contacted within HELP_FIRST_CONTACT_HOURS (percent).
    within_deadline: int
    deadline_counted: int
    waiting: int  # received in the period, not contacted yet
    #: Closed in the period, by outcome.
    by_outcome: list[tuple[str, int]]
    closed: int
    amount_recovered: Decimal

    @property
    def within_deadline_percent(self) -> float | None:
        if not self.deadline_counted:
            return None
        return round(100 * self.within_deadline / self.deadline_counted, 1)


def figures(
    province_id: int | None,
    start: datetime.datetime,
    end: datetime.datetime,
    hours: int,
    now: datetime.datetime | None = None,
) -> HelpFigures:
    """Three queries whatever the number of requests: received (by kind, with first-contact
    times), and closed in [start, end) by outcome with the amounts recovered."""
    now = now or timezone.now()
    requests = HelpRequest.objects.unscoped("the province the view chose, or the nation")
    if province_id is not None:
        requests = requests.filter(province_id=province_id)
    received = requests.filter(created_at__gte=start, created_at__lt=end)
    kinds = dict(received.values_list("kind").annotate(n=Count("pk")).order_by())
    times = list(received.values_list("created_at", "first_contact_at", "first_contact_due"))
    waits = [
        (contact - created).total_seconds() / 3600 for created, contact, _due in times if contact
    ]
    limit = hours
    counted = [
        (created, contact) for created, contact, due in times if contact is not None or due <= now
    ]
    within = sum(
        1
        for created, contact in counted
        if contact is not None and (contact - created) <= datetime.timedelta(hours=limit)
    )
    closed = requests.filter(closed_at__gte=start, closed_at__lt=end)
    outcomes = {
        row["outcome"]: (row["n"], row["amount"] or Decimal(0))
        for row in closed.values("outcome")
        .annotate(n=Count("pk"), amount=Sum("amount_recovered"))
        .order_by()
    }
    return HelpFigures(
        received=len(times),
        by_kind=[(str(label), kinds[value]) for value, label in Kind.choices if kinds.get(value)],
        contacted=len(waits),
        median_hours=round(statistics.median(waits), 1) if waits else None,
        within_deadline=within,
        deadline_counted=len(counted),
        waiting=sum(1 for _c, contact, _d in times if contact is None),
        by_outcome=[
            (str(label), outcomes[value][0])
            for value, label in Outcome.choices
            if value in outcomes
        ],
        closed=sum(n for n, _a in outcomes.values()),
        amount_recovered=sum((a for _n, a in outcomes.values()), Decimal(0)),
    )
