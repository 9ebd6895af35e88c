from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accounts.models import Province
from api.models import ApiClient
from api.services import api_client_create

MakeClient = Callable[..., tuple[ApiClient, Client]]


@pytest.fixture(autouse=True)
def _no_settle(settings) -> None:
    # Rows made a moment ago are in the feed; one test puts the window back.
    settings.API_CHANGES_SETTLE_SECONDS = 0


@pytest.fixture
def make_client(db) -> MakeClient:
    """An API client and a test HTTP client that sends its bearer token."""

    def make(
        scopes: tuple[str, ...] = ("workers:read",), province: Province | None = None
    ) -> tuple[ApiClient, Client]:
        api_client, token = api_client_create(
            name="Hệ thống thử", province=province, scopes=list(scopes)
        )
        return api_client, Client(headers={"Authorization": f"Bearer {token}"})

    return make
