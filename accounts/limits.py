"""How large a request body may be, checked before a byte of it is read.

Django reads and spools a whole multipart body the moment anything touches request.POST
(CsrfViewMiddleware does, for every POST), so "the file is larger than 5 MB" came after a
1 GB upload had been read to disk. RequestSizeLimitMiddleware compares the declared
Content-Length with the view's limit first and answers 413 with a page in the visitor's
language. Views that take files say their limit with @body_limit; every other view gets
settings.REQUEST_MAX_BYTES. A body without a Content-Length is read as empty by Django.
The proxy in front keeps its own, slightly larger, limit and buffers bodies (docs).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

#: Room for the form's other fields and the multipart boundaries around the files.
FORM_OVERHEAD = 256 * 1024


def body_limit(file_bytes: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view that takes files of at most `file_bytes` together."""

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.max_request_bytes = file_bytes + FORM_OVERHEAD  # type: ignore[attr-defined]  # an attribute read by the body-limit middleware
        return view

    return mark


def limit_for(request: HttpRequest, view: Callable[..., Any]) -> int:
    limit = getattr(view, "max_request_bytes", None)
    if limit is not None:
        return int(limit)
    if request.path.startswith("/admin/"):
        return int(settings.ADMIN_REQUEST_MAX_BYTES)
    return int(settings.REQUEST_MAX_BYTES)


class RequestSizeLimitMiddleware:
    """413 before the body is read, when its declared size is over the view's limit.

    Listed before CsrfViewMiddleware: its process_view is the first to read the body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        limit = limit_for(request, view)
        if 0 <= length <= limit:
            return None
        megabytes = max(1, (limit - FORM_OVERHEAD) // (1024 * 1024))
        # No "Connection: close" here: WSGI forbids hop-by-hop headers from the application.
        # gunicorn's sync workers close every connection after its response anyway, and
        # the buffering proxy refuses such a body before it reaches gunicorn (docs).
        return render(request, "413.html", {"megabytes": megabytes}, status=413)
