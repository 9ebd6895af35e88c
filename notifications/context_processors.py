from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications import selectors


def unread(request: HttpRequest) -> dict[str, Any]:
    """``unread_count`` for the bell: one indexed COUNT, made only if a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": SimpleLazyObject(lambda: selectors.unread_count(user))}
