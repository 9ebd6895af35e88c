"""A page someone may not open answers with the portal's own 403 page, in Vietnamese."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

import mrc.urls
from tests.conftest import login_staff

pytestmark = pytest.mark.django_db


def _refused(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [path("test/refused/", _refused), *mrc.urls.urlpatterns]


def test_a_counsellor_opening_the_admin_gets_the_portal_s_403_in_vietnamese(client, counsellor):
    login_staff(client, counsellor)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert response.templates[0].name == "403.html"
    text = response.content.decode()
    assert '<html lang="vi">' in text
    assert "Bạn không được mở trang này" in text
    assert "quản lý văn phòng" in text  # who to ask, for staff
    assert "mrc.css" in text
    assert "Forbidden" not in text


def test_the_403_page_keeps_the_portal_s_menu_and_a_way_home(client, worker, settings):
    settings.ROOT_URLCONF = __name__
    client.force_login(worker)

    response = client.get("/test/refused/")

    assert response.status_code == 403
    text = response.content.decode()
    assert 'id="forbidden"' in text
    assert 'href="/"' in text
    assert 'aria-label="Menu chính"' in text or "Menu chính" in text


def test_an_administrator_still_opens_the_admin(client, admin_user):
    login_staff(client, admin_user)

    assert client.get("/admin/").status_code == 200


def test_an_expired_form_is_explained_in_vietnamese(worker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(worker)

    response = client.post("/accounts/logout/")

    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()
