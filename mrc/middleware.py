from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the visitor chose English with the language switch.

    The choice is the language cookie, else the signed-in user's saved language.

    The browser's Accept-Language is ignored on purpose: many workers' phones are set to
    English by the shop that sold them, and the portal speaks Vietnamese first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        if chosen is None and user is not None and user.is_authenticated:
            chosen = user.language
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class ForgetOfflineCopiesOnSignOutMiddleware:
    """Signing out removes what the phone kept for offline use (the ticket pages in the
    service worker's cache): the next person on a shared phone must not open them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and request.path == settings.LOGOUT_PATH:
            # "storage" also unregisters the service worker; cookies are the logout's job.
            response.headers["Clear-Site-Data"] = '"cache", "storage"'
        return response
