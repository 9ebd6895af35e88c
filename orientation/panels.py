"""What this app adds to the worker's home and to the counsellor's worker page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import User
from markets import panels as market_panels
from markets.models import Market
from orientation import selectors
from workers import panels


def home_panel(request: HttpRequest, worker: User) -> tuple[str, dict[str, Any]] | None:
    progress = selectors.worker_progress(worker)
    if progress.total == 0:  # nothing published yet: no "0/0" on the worker's home
        return None
    return "orientation/_home_panel.html", {"progress": progress}


def staff_panel(request: HttpRequest, worker: User) -> tuple[str, dict[str, Any]] | None:
    # The page that calls this fetched the worker through for_user: scoping is already done.
    progress = selectors.worker_progress(worker)
    if progress.total == 0:
        return None
    return "orientation/_staff_panel.html", {"progress": progress}


def market_panel(request: HttpRequest, market: Market) -> tuple[str, dict[str, Any]] | None:
    lessons = selectors.market_lessons(request.user, market.pk)
    if not lessons:
        return None
    return "orientation/_market_panel.html", {"lessons": lessons, "market": market}


def register() -> None:
    if market_panel not in market_panels.MARKET_PAGE:
        market_panels.MARKET_PAGE.append(market_panel)
    if home_panel not in panels.WORKER_HOME:
        panels.WORKER_HOME.append(home_panel)
    if staff_panel not in panels.STAFF_WORKER:
        panels.STAFF_WORKER.append(staff_panel)
