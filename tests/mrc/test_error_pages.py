"""The portal's own error pages: drawn without the database, and a 503 when it is away.

tests/mrc/test_faults.py sees them from outside, during a real PostgreSQL restart.
"""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import get_resolver, path

import mrc.urls
from mrc import views


def _database_gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection failed: the database system is shutting down")


def _connection_closed(request: HttpRequest) -> HttpResponse:
    raise InterfaceError("connection already closed")


def _bug(request: HttpRequest) -> HttpResponse:
    raise ZeroDivisionError("a bug")


def _counts_visits(request: HttpRequest) -> HttpResponse:
    request.session["visits"] = request.session.get("visits", 0) + 1
    return HttpResponse("ok")


# This module is the URLconf of these tests: the portal's URLs, views that fail, and the
# portal's handler.
urlpatterns = [
    path("test/database-gone/", _database_gone),
    path("test/connection-closed/", _connection_closed),
    path("test/bug/", _bug),
    path("test/counts-visits/", _counts_visits),
    *mrc.urls.urlpatterns,
]
handler500 = mrc.urls.handler500


@pytest.fixture
def browser(settings) -> Client:
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


def test_the_portal_answers_errors_with_its_own_handler():
    assert get_resolver("mrc.urls").resolve_error_handler(500) is views.server_error


@pytest.mark.parametrize("url", ["/test/database-gone/", "/test/connection-closed/"])
def test_a_database_out_of_reach_is_a_503_page_that_asks_to_come_back(browser, url):
    # No django_db mark: a query made while drawing the page would fail this test.
    response = browser.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert b'class="error-page"' in response.content
    assert b"mrc.css" in response.content


def test_any_other_error_is_a_500_page_without_retry_after(browser):
    response = browser.get("/test/bug/")

    assert response.status_code == 500
    assert b'class="error-page"' in response.content
    assert "Retry-After" not in response


def test_the_error_page_speaks_the_language_the_visitor_chose(browser, settings):
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    english = browser.get("/test/database-gone/")
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    default = browser.get("/test/database-gone/")

    assert b'<html lang="en">' in english.content
    assert b'<html lang="vi">' in default.content


def test_an_error_page_that_cannot_be_drawn_still_answers(browser, monkeypatch):
    def broken(*args: object, **kwargs: object) -> str:
        raise ValueError("Missing staticfiles manifest entry for 'css/mrc.css'")

    monkeypatch.setattr(views, "render_to_string", broken)

    response = browser.get("/test/database-gone/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.content


@pytest.mark.django_db
def test_a_session_that_cannot_be_saved_while_the_database_is_away_is_a_503_not_a_400(browser):
    # Django reads any database error met while saving a changed session as "deleted in the
    # meantime" and answers 400; a staff member's once-a-minute "last seen" met a restart
    # that way (tests/mrc/test_faults.py, once in a full run).
    def database_goes_away(execute, sql, params, many, context):
        if sql.startswith('UPDATE "django_session"'):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    assert browser.get("/test/counts-visits/").status_code == 200  # the session is made
    with connection.execute_wrapper(database_goes_away):
        response = browser.get("/test/counts-visits/")
    after = browser.get("/test/counts-visits/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b'class="error-page"' in response.content
    assert after.status_code == 200 and browser.session["visits"] == 2
