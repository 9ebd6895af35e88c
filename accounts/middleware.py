import time
from collections.abc import Callable
from typing import Any

from allauth.core.ratelimit import RateLimited, respond_429
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from accounts import once

# What a staff member may open before the second factor is set up: the account pages
# (where TOTP is activated), language switch, health check and static files.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/healthz", "/static/")


class RateLimitedMiddleware:
    """A rate limit allauth raises instead of answering becomes the 429 page, not a 500.

    allauth raises RateLimited when a phone verification code is asked again too soon (a
    sign-up sent twice, a sign-in of a worker whose number is not yet confirmed, a new
    number) and leaves the exception to the project.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return respond_429(request)
        return None


#: How long a staff session trusts its last look at the account's second factor.
MFA_RECHECK_SECONDS = 60
_MFA_SEEN = "staff_mfa_seen"


class StaffMFAMiddleware:
    """Staff (counsellors, managers, admins) reach nothing else until TOTP is active.

    The authenticator table is read at most once a minute per session, not on every
    request (4% of a counsellor request's time under load, docs/performance.md): an
    authenticator removed from the account's own pages is noticed at once (the signal
    below), one removed by an administrator within a minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff_member
            and not request.path.startswith(_OPEN_PREFIXES)
            and not self._has_second_factor(request)
        ):
            messages.warning(
                request,
                _(
                    "Staff accounts need two-factor authentication. Set up an authenticator "
                    "app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _has_second_factor(request: HttpRequest) -> bool:
        now = int(time.time())
        session = request.session
        if now - session.get(_MFA_SEEN, 0) < MFA_RECHECK_SECONDS:
            return True
        if not is_mfa_enabled(request.user, [Authenticator.Type.TOTP]):
            session.pop(_MFA_SEEN, None)
            return False
        session[_MFA_SEEN] = now
        return True


def forget_second_factor_check(sender: object, request: HttpRequest, **kwargs: Any) -> None:
    """An authenticator was removed in this session: look again on the next request."""
    request.session.pop(_MFA_SEEN, None)


class StaffSessionTimeoutMiddleware:
    """Staff sessions end after STAFF_IDLE_SECONDS without a request, and in any case
    STAFF_ABSOLUTE_SECONDS after sign-in: a counsellor's screen left open in a shared
    office must not stay signed in to 300 workers' files."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_staff_member:
            now = int(time.time())
            session = request.session
            since = session.setdefault("staff_since", now)
            last = session.get("staff_seen", now)
            idle = now - last > settings.STAFF_IDLE_SECONDS
            if idle or now - since > settings.STAFF_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after 30 minutes without activity. Sign in again.")
                    if idle
                    else _("You were signed out after 12 hours. Sign in again."),
                )
                return redirect_to_login(request.get_full_path())
            # Write the session at most once a minute, not on every request.
            if now - last >= 60 or "staff_seen" not in session:
                session["staff_seen"] = now
        return self.get_response(request)


class PrivatePagesNoStoreMiddleware:
    """Pages drawn for a signed-in person (staff pages, exports, "my data", a worker's file)
    are never kept by a browser or a proxy: `Cache-Control: no-store, private`.

    A shared phone or an office computer must not show the next person a counsellor's
    caseload from its cache (security review, finding 13). A view that says otherwise
    (its own Cache-Control) is left as it is.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if "Cache-Control" not in response and (
            (user is not None and user.is_authenticated)
            or request.path.startswith(("/staff/", "/me/"))
        ):
            patch_cache_control(response, no_store=True, private=True)
        return response


class OnceSubmissionMiddleware:
    """A POST that carries a one-time key runs its view once (accounts.once).

    Last in MIDDLEWARE: it calls the view itself, inside the transaction that claims the
    key, after every other middleware (CSRF, sign-in, second factor) had its say.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        key = once.key_of(request)
        if key is None:
            return None
        return once.run_once(request, key, lambda: view(request, *args, **kwargs))
