from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# What a staff member may open before the second factor is set up: the account pages
# (where TOTP is activated), language switch, health check and static files.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/healthz", "/static/")


class StaffMFAMiddleware:
    """Staff (counsellors, managers, admins) reach nothing else until TOTP is active."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff_member
            and not request.path.startswith(_OPEN_PREFIXES)
            and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
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
