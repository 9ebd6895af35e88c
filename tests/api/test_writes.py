from __future__ import annotations

import datetime

from django.utils import timezone

from api.models import ApiWrite
from tests.workers.factories import ProfileFactory
from workers.models import Case, CaseEvent, Stage

DEPARTURE = "/api/v1/cases/{}/departure"
RETURN = "/api/v1/cases/{}/return"


def _case(stage: str = Stage.CONTRACTED, **fields) -> Case:
    case = ProfileFactory().case
    Case.all_objects.filter(pk=case.pk).update(stage=stage, **fields)
    case.refresh_from_db()
    return case


def _post(http, url: str, **body):
    return http.post(url, body, content_type="application/json")


def test_a_reported_departure_moves_the_case_with_the_client_as_actor(make_client) -> None:
    case = _case()
    api_client, http = make_client(scopes=("workers:read", "cases:write"))
    today = timezone.localdate()
    response = _post(
        http, DEPARTURE.format(case.pk), key="dep-0001-abc", departure_date=today.isoformat()
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "departed"
    assert response.json()["status_abroad"] == "working"
    case.refresh_from_db()
    assert (case.stage, case.departure_date) == (Stage.DEPARTED, today)
    event = CaseEvent.objects.get(case=case)
    assert (event.from_stage, event.to_stage) == (Stage.CONTRACTED, Stage.DEPARTED)
    assert event.actor == api_client.user
    assert event.actor.name == "Hệ thống thử"
    assert event.reason == "Do hệ thống khác báo qua kết nối dữ liệu."
    assert not event.actor.is_active and not event.actor.has_usable_password()


def test_the_same_key_twice_moves_once(make_client) -> None:
    case = _case()
    _, http = make_client(scopes=("workers:read", "cases:write"))
    body = {"key": "dep-0002-abc", "departure_date": timezone.localdate().isoformat()}
    first = _post(http, DEPARTURE.format(case.pk), **body)
    again = _post(http, DEPARTURE.format(case.pk), **body)
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert CaseEvent.objects.filter(case=case).count() == 1
    other = _case()
    reused = _post(http, DEPARTURE.format(other.pk), **body)
    assert reused.status_code == 409
    assert "key" in reused.json()["detail"]


def test_a_departure_without_a_contract_is_refused_as_the_ui_refuses_it(make_client) -> None:
    case = _case(stage=Stage.REGISTERED)
    _, http = make_client(scopes=("workers:read", "cases:write"))
    response = _post(
        http,
        DEPARTURE.format(case.pk),
        key="dep-0003-abc",
        departure_date=timezone.localdate().isoformat(),
    )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    case.refresh_from_db()
    assert case.stage == Stage.REGISTERED
    assert not ApiWrite.objects.exists()  # the key is free for a corrected retry


def test_a_departure_in_the_future_says_what_is_missing(make_client) -> None:
    case = _case()
    _, http = make_client(scopes=("workers:read", "cases:write"))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _post(
        http, DEPARTURE.format(case.pk), key="dep-0004-abc", departure_date=tomorrow.isoformat()
    )
    assert response.status_code == 422
    assert "ngày xuất cảnh" in response.json()["detail"].lower()
    assert Case.all_objects.get(pk=case.pk).stage == Stage.CONTRACTED
    # Fixed, the same key goes through.
    fixed = _post(
        http,
        DEPARTURE.format(case.pk),
        key="dep-0004-abc",
        departure_date=timezone.localdate().isoformat(),
    )
    assert fixed.status_code == 200


def test_a_reported_return(make_client) -> None:
    left = timezone.localdate() - datetime.timedelta(days=900)
    case = _case(stage=Stage.DEPARTED, departure_date=left)
    _, http = make_client(scopes=("workers:read", "cases:write"))
    response = _post(
        http,
        RETURN.format(case.pk),
        key="ret-0001-abc",
        return_date=timezone.localdate().isoformat(),
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "returned"
    assert response.json()["status_abroad"] is None
    assert CaseEvent.objects.get(case=case).to_stage == Stage.RETURNED


def test_writing_needs_the_write_scope_and_the_province(make_client, dong_thap) -> None:
    case = _case()
    body = {"key": "dep-0005-abc", "departure_date": timezone.localdate().isoformat()}
    _, read_only = make_client(scopes=("workers:read",))
    assert _post(read_only, DEPARTURE.format(case.pk), **body).status_code == 403
    _, elsewhere = make_client(scopes=("workers:read", "cases:write"), province=dong_thap)
    assert _post(elsewhere, DEPARTURE.format(case.pk), **body).status_code == 404
    assert Case.all_objects.get(pk=case.pk).stage == Stage.CONTRACTED


def test_a_stale_version_is_409(make_client) -> None:
    case = _case()
    _, http = make_client(scopes=("workers:read", "cases:write"))
    response = _post(
        http,
        DEPARTURE.format(case.pk),
        key="dep-0006-abc",
        version=case.version + 5,
        departure_date=timezone.localdate().isoformat(),
    )
    assert response.status_code == 409
    assert Case.all_objects.get(pk=case.pk).stage == Stage.CONTRACTED
