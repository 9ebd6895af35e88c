"""Sections that higher apps add to a market's public page (orientation lessons about the
country, for one). `markets` may not import those apps, so they register here in `ready()`.

A panel is a function (request, market) -> (template name, context) or None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from markets.models import Market

Panel = Callable[[HttpRequest, "Market"], tuple[str, dict[str, Any]] | None]

MARKET_PAGE: list[Panel] = []


def collect(request: HttpRequest, market: Market) -> list[dict[str, Any]]:
    """Each registered panel that has something to show, as {template, context}."""
    shown = []
    for panel in MARKET_PAGE:
        drawn = panel(request, market)
        if drawn is not None:
            shown.append({"template": drawn[0], "context": drawn[1]})
    return shown
