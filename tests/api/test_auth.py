from __future__ import annotations

import datetime
import hashlib
import time

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from api.models import ApiClient, ApiRequest
from api.services import api_client_deactivate
from tests.workers.factories import ProfileFactory


def test_no_token_is_401_with_problem_details(db) -> None:
    response = Client().get("/api/v1/changes")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_wrong_token_is_401(make_client) -> None:
    make_client()
    wrong = Client(headers={"Authorization": "Bearer mrc_not-the-token"})
    assert wrong.get("/api/v1/changes").status_code == 401


def test_a_deactivated_client_is_401(make_client) -> None:
    api_client, http = make_client()
    assert http.get("/api/v1/changes").status_code == 200
    assert api_client_deactivate(client_id=api_client.pk)
    assert http.get("/api/v1/changes").status_code == 401


def test_the_token_is_stored_only_hashed(db, capsys) -> None:
    call_command("api_client_create", "Cục", "--national", "--scope", "workers:read")
    token = capsys.readouterr().out.strip()
    client = ApiClient.objects.get()
    assert token.startswith("mrc_") and len(token) > 40
    stored = [str(v) for v in ApiClient.objects.values_list(flat=False).get()]
    assert not any(token in value for value in stored)
    assert client.token_digest == hashlib.sha256(token.encode()).hexdigest()
    ok = Client(headers={"Authorization": f"Bearer {token}"})
    assert ok.get("/api/v1/changes").status_code == 200


def test_a_missing_scope_is_403(make_client) -> None:
    _, http = make_client(scopes=("enterprises:read",))
    response = http.get("/api/v1/changes")
    assert response.status_code == 403
    assert "workers:read" in response.json()["detail"]
    _, http = make_client(scopes=("workers:read",))
    assert http.get("/api/v1/enterprises").status_code == 403


def test_every_call_is_logged_with_the_cases_it_read(make_client) -> None:
    case = ProfileFactory().case
    api_client, http = make_client()
    assert http.get(f"/api/v1/cases/{case.pk}").status_code == 200
    entry = ApiRequest.objects.get()
    assert entry.client == api_client
    assert entry.path == f"/api/v1/cases/{case.pk}"
    assert entry.case_ids == [case.pk]
    api_client.refresh_from_db()
    assert api_client.last_used_at == entry.at


def test_a_malformed_cursor_is_a_400_saying_so(make_client) -> None:
    _, http = make_client()
    response = http.get("/api/v1/changes", {"cursor": "!!not-a-cursor"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "cursor" in response.json()["detail"]


def test_an_expired_token_is_401(make_client) -> None:
    api_client, http = make_client()
    ApiClient.objects.filter(pk=api_client.pk).update(
        expires_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert http.get("/api/v1/changes").status_code == 200
    ApiClient.objects.filter(pk=api_client.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert http.get("/api/v1/changes").status_code == 401


def test_the_command_gives_a_token_that_expires_in_a_year_by_default(db, capsys) -> None:
    call_command("api_client_create", "Sở", "--province", "15", "--scope", "workers:read")
    client = ApiClient.objects.get()
    assert client.province is not None and client.expires_at is not None
    assert client.province.code == 15
    days = (client.expires_at - timezone.now()).days
    assert 364 <= days <= 365


def test_answers_are_not_cached(make_client) -> None:
    case = ProfileFactory().case
    _, http = make_client()
    assert http.get(f"/api/v1/cases/{case.pk}")["Cache-Control"] == "no-store"
    assert http.get("/api/v1/cases/999999")["Cache-Control"] == "no-store"


def test_a_client_over_its_rate_gets_429_and_another_client_does_not(make_client, settings) -> None:
    settings.API_RATE_PER_MINUTE = 3
    if timezone.now().second >= 58:  # the count is per clock minute: not across its end
        time.sleep(3)
    _, busy = make_client()
    _, other = make_client()
    answers = [busy.get("/api/v1/changes").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = busy.get("/api/v1/changes")
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert other.get("/api/v1/changes").status_code == 200
