from __future__ import annotations

from accounts.models import Role
from api.models import ApiClient
from tests.conftest import login_staff
from tests.factories import StaffFactory


def test_an_administrator_switches_a_client_off_and_its_token_is_refused(
    client, make_client
) -> None:
    api_client, http = make_client()
    assert http.get("/api/v1/changes").status_code == 200
    login_staff(client, StaffFactory(role=Role.ADMIN, province=None, is_superuser=True))
    listing = client.get("/admin/api/apiclient/")
    assert listing.status_code == 200
    assert api_client.token_prefix in listing.content.decode()
    assert api_client.token_digest not in listing.content.decode()
    response = client.post(
        "/admin/api/apiclient/",
        {"action": "deactivate", "_selected_action": [api_client.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Đã tắt 1 hệ thống." in response.content.decode()
    assert not ApiClient.objects.get(pk=api_client.pk).is_active
    assert http.get("/api/v1/changes").status_code == 401
    assert client.get("/admin/api/apirequest/").status_code == 200
