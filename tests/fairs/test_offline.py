"""The ticket opens without signal: a small service worker of our own keeps it."""

import pytest
from django.urls import reverse

from tests.fairs.factories import FairFactory, register
from tests.workers.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_fresh_from_the_tickets_scope(client):
    response = client.get(reverse("fairs:ticket_sw"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert reverse("fairs:ticket_sw").startswith("/fairs/tickets/")
    assert "mrc-tickets-v1" in response.text
    assert "http" not in response.text.replace("https://", "")  # nothing from elsewhere


def test_the_ticket_and_my_tickets_load_the_keeper_script_from_the_portal(client, worker):
    ProfileFactory(user=worker)
    registration = register(FairFactory(), worker).registration
    client.force_login(worker)

    for url in (reverse("fairs:ticket", args=[registration.pk]), reverse("fairs:my_tickets")):
        text = client.get(url).content.decode()
        assert '<script src="/static/js/offline-tickets.js"' in text
        assert 'data-scope="/fairs/tickets/"' in text
        assert "data-offline-ticket" in text


def test_signing_out_clears_the_copies_kept_on_the_phone(client, worker):
    client.force_login(worker)

    response = client.post(reverse("account_logout"))

    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "Clear-Site-Data" not in client.get(reverse("home"))
