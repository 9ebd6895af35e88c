"""Panels that higher apps add to pages this app draws (the worker's home, the counsellor's
worker page). `workers` may not import those apps, so they register here in `ready()`.

A panel is a function (request, worker user) -> (template name, context) or None.

A panel of the counsellor's worker page may also register a probe: an `Exists` correlated
to the worker's file (`OuterRef("pk")`), read with the file in the page's one query, so
that the panel reads nothing when there is nothing to show (a query each is about a
millisecond of the page). The file then carries the probe's answer under its name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Exists
from django.http import HttpRequest

from accounts.models import User

Panel = Callable[[HttpRequest, User], tuple[str, dict[str, Any]] | None]

WORKER_HOME: list[Panel] = []
STAFF_WORKER: list[Panel] = []
#: name -> Exists correlated to the worker's file, annotated on it by the worker page.
STAFF_WORKER_PROBES: dict[str, Exists] = {}


def collect(registry: list[Panel], request: HttpRequest, worker: User) -> list[dict[str, Any]]:
    """Each registered panel that has something to show, as {template, context}."""
    shown = []
    for panel in registry:
        drawn = panel(request, worker)
        if drawn is not None:
            shown.append({"template": drawn[0], "context": drawn[1]})
    return shown
