"""Forms that act once: a one-time submission key, claimed in the transaction of the write.

A phone on a flaky connection sends a form twice: back to back when the first answer is
slow to come, or at the same moment when the browser retries. Every form that creates
something carries a hidden key (`{% once_field %}` in a template, or `OnceFormMixin` on a
form class that a library renders). `OnceSubmissionMiddleware` claims the key by inserting
it into `SubmissionKey` (its primary key) inside one transaction with the view itself:

- the first request inserts the key, runs the view and, when the view answers with a
  redirect (a form that saved), records where it sent the browser;
- a second request with the same key waits on the unique key until the first commits,
  then fails to insert it and is sent where the first went, with "already sent": it never
  reaches the view, so it never writes a row or a file;
- a view that answers without a redirect (a form shown again with its errors), or with a
  redirect and an error message (an upload refused, explained on the page it leads to),
  or fails, releases the key: nothing was saved, so the same form can be sent again.

A POST without a key runs as before: forms that do not create anything need none, and a
page opened before this was deployed still works.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

FIELD = "_once"

# How long a key is kept: a resend comes within seconds, a reload of an old tab within a
# day; after that the key is deleted (the nightly job) and only the row it made remains.
KEEP = datetime.timedelta(days=2)


def new_key() -> str:
    return uuid.uuid4().hex


def key_of(request: HttpRequest) -> uuid.UUID | None:
    """The submission key a POST carries, or None (no key, or not one the portal made)."""
    if request.method != "POST":
        return None
    raw = request.POST.get(FIELD, "")
    if not raw:
        return None
    try:
        return uuid.UUID(raw[:64])
    except ValueError:
        return None


def _claim(key: uuid.UUID, request: HttpRequest) -> bool:
    from accounts.models import SubmissionKey

    user = request.user if request.user.is_authenticated else None
    try:
        # A savepoint: a key already taken must not break the request's transaction.
        with transaction.atomic():
            SubmissionKey.objects.create(key=key, user=user, path=request.path[:200])
    except IntegrityError:
        return False
    return True


def _already_sent(key: uuid.UUID, request: HttpRequest) -> HttpResponse:
    from accounts.models import SubmissionKey

    first = SubmissionKey.objects.filter(key=key).first()
    messages.info(
        request,
        _(
            "This form was already sent and saved once; it was not saved a second time. "
            "To add another, open the form again."
        ),
    )
    user_id = request.user.pk if request.user.is_authenticated else None
    # The result of the first sending, to the same person only: a key seen by somebody
    # else (copied from a page) leads back to the form, not to their record. A form sent
    # without an account (sign-up, a fraud report) leads to a page that names nobody.
    if first is not None and first.result_url and first.user_id in (None, user_id):
        return redirect(first.result_url)
    return redirect(request.path)


def _errors(request: HttpRequest) -> int:
    """Error messages queued for the next page: a view that redirects with one saved nothing."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return sum(1 for message in queued if message.level >= messages.ERROR)


def run_once(
    request: HttpRequest, key: uuid.UUID, view: Callable[[], HttpResponse]
) -> HttpResponse:
    """Run `view` for the first request that carries `key`; later ones get its result."""
    from accounts.models import SubmissionKey

    with transaction.atomic():
        if not _claim(key, request):
            return _already_sent(key, request)
        errors_before = _errors(request)
        response = view()
        location = response.get("Location") if 300 <= response.status_code < 400 else None
        if location and _errors(request) == errors_before:
            SubmissionKey.objects.filter(key=key).update(result_url=location[:300])
        else:
            SubmissionKey.objects.filter(key=key).delete()
    return response


def keys_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the keys older than KEEP; safe to run twice."""
    from accounts.models import SubmissionKey

    cutoff = (now or timezone.now()) - KEEP
    deleted, _per_model = SubmissionKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class OnceFormMixin(forms.Form):
    """For a form class rendered whole (by a library's template): the key as a hidden field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=new_key
        )
