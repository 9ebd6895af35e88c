from __future__ import annotations

import datetime

from accounts.models import Role
from tests.factories import StaffFactory
from tests.markets.factories import MarketFactory, ProgrammeFactory, enterprise
from tests.workers.factories import ProfileFactory
from workers.models import PriorityGroupClaim, Stage
from workers.services import personal_id_verify, worker_province_move

SENSITIVE = {"ethnicity", "health_fit", "has_criminal_record", "priority_groups"}


def _departed_case(**profile_fields):
    profile = ProfileFactory(
        personal_id="015190123456",
        date_of_birth=datetime.date(1990, 5, 17),
        sex="female",
        ethnicity="mong",
        health_fit=True,
        has_criminal_record=False,
        **profile_fields,
    )
    PriorityGroupClaim.objects.create(profile=profile, group="poor")
    market = MarketFactory(code="japan")
    case = profile.case
    case.stage = Stage.DEPARTED
    case.market = market
    case.programme = ProgrammeFactory(market=market, code="tts")
    case.enterprise = enterprise(licence_number="123/LĐTBXH-GP")
    case.contract_start = datetime.date(2026, 1, 10)
    case.contract_end = datetime.date(2029, 1, 9)
    case.departure_date = datetime.date(2026, 1, 12)
    case.save()
    return case


def _keys(record: dict) -> set[str]:
    keys = set(record) | set(record["worker"])
    if record["sensitive"]:
        keys |= set(record["sensitive"])
    return keys


def test_a_case_reads_as_the_national_database_needs_it(make_client, lao_cai) -> None:
    case = _departed_case()
    _, http = make_client()
    record = http.get(f"/api/v1/cases/{case.pk}").json()
    assert record["worker"] == {
        "name": case.profile.user.name,
        "personal_id": "015190123456",
        "date_of_birth": "1990-05-17",
        "sex": "female",
        "id_check": "",
        "id_checked_at": None,
    }
    assert record["province"] == 15
    assert record["stage"] == "departed"
    assert record["status_abroad"] == "working"
    assert (record["market"], record["programme"]) == ("japan", "tts")
    assert record["enterprise"] == "123/LĐTBXH-GP"
    assert record["departure_date"] == "2026-01-12"
    assert record["expected_return"] == "2029-01-09"
    assert record["return_date"] is None


def test_no_sensitive_field_without_the_scope(make_client, lao_cai) -> None:
    case = _departed_case()
    _, http = make_client(scopes=("workers:read",))
    for record in (
        http.get(f"/api/v1/cases/{case.pk}").json(),
        http.get("/api/v1/changes").json()["results"][0],
    ):
        assert record["sensitive"] is None
        assert not SENSITIVE & _keys(record)
        assert "mong" not in str(record)


def test_sensitive_fields_with_the_scope(make_client, lao_cai) -> None:
    case = _departed_case()
    _, http = make_client(scopes=("workers:read", "workers:sensitive"))
    record = http.get(f"/api/v1/cases/{case.pk}").json()
    assert record["sensitive"] == {
        "ethnicity": "mong",
        "health_fit": True,
        "has_criminal_record": False,
        "priority_groups": ["poor"],
    }


def test_the_sensitive_scope_alone_reads_nothing(make_client, lao_cai) -> None:
    case = _departed_case()
    _, http = make_client(scopes=("workers:sensitive",))
    assert http.get(f"/api/v1/cases/{case.pk}").status_code == 403


def test_a_province_client_sees_only_its_province(make_client, lao_cai, dong_thap) -> None:
    ours = ProfileFactory().case  # Lào Cai
    _, lao_cai_system = make_client(province=lao_cai)
    _, dong_thap_system = make_client(province=dong_thap)
    _, national = make_client()
    assert lao_cai_system.get(f"/api/v1/cases/{ours.pk}").status_code == 200
    assert dong_thap_system.get(f"/api/v1/cases/{ours.pk}").status_code == 404
    assert national.get(f"/api/v1/cases/{ours.pk}").status_code == 200
    assert dong_thap_system.get("/api/v1/changes").json()["results"] == []
    assert [r["id"] for r in national.get("/api/v1/changes").json()["results"]] == [ours.pk]


def test_after_a_province_move_the_old_province_gets_404(make_client, lao_cai, dong_thap) -> None:
    profile = ProfileFactory()
    case = profile.case
    _, lao_cai_system = make_client(province=lao_cai)
    _, dong_thap_system = make_client(province=dong_thap)
    assert lao_cai_system.get(f"/api/v1/cases/{case.pk}").status_code == 200
    worker_province_move(
        profile=profile,
        to_province_id=dong_thap.pk,
        actor=StaffFactory(role=Role.ADMIN, province=None),
    )
    assert lao_cai_system.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert lao_cai_system.get("/api/v1/changes").json()["results"] == []
    assert dong_thap_system.get(f"/api/v1/cases/{case.pk}").json()["province"] == 82
    moved = dong_thap_system.get("/api/v1/changes").json()["results"]
    assert [r["id"] for r in moved] == [case.pk]


def test_the_enterprise_register_reads_every_status(make_client, db) -> None:
    active = enterprise(licence_number="1/GP", markets=[MarketFactory(code="japan")])
    revoked = enterprise(
        licence_number="2/GP", status="revoked", revoked_on=datetime.date(2025, 3, 1)
    )
    _, http = make_client(scopes=("enterprises:read",))
    first = http.get("/api/v1/enterprises", {"limit": 1}).json()
    assert [e["licence_number"] for e in first["results"]] == ["1/GP"]
    assert first["results"][0]["markets"] == ["japan"]
    assert first["has_more"] is True
    second = http.get("/api/v1/enterprises", {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [(e["id"], e["status"]) for e in second["results"]] == [(revoked.pk, "revoked")]
    assert second["results"][0]["revoked_on"] == "2025-03-01"
    assert second["has_more"] is False
    assert active.pk < revoked.pk


def test_the_old_province_learns_of_a_move_through_the_moves_feed(
    make_client, lao_cai, dong_thap
) -> None:
    profile = ProfileFactory()
    staying = ProfileFactory()
    _, lao_cai_system = make_client(province=lao_cai)
    _, dong_thap_system = make_client(province=dong_thap)
    empty = lao_cai_system.get("/api/v1/moves").json()
    assert empty == {"results": [], "next_cursor": None, "has_more": False}
    admin = StaffFactory(role=Role.ADMIN, province=None)
    worker_province_move(profile=profile, to_province_id=dong_thap.pk, actor=admin)
    page = lao_cai_system.get("/api/v1/moves").json()
    assert [(m["case_id"], m["from_province"], m["to_province"]) for m in page["results"]] == [
        (profile.case.pk, 15, 82)
    ]
    assert staying.case.pk not in {m["case_id"] for m in page["results"]}
    # Nothing new since: the stored cursor reads an empty page.
    again = lao_cai_system.get("/api/v1/moves", {"cursor": page["next_cursor"]}).json()
    assert again["results"] == []
    # The new province did not lose anyone.
    assert dong_thap_system.get("/api/v1/moves").json()["results"] == []


def test_a_checked_id_is_in_the_record_and_in_the_changes_feed(make_client, lao_cai) -> None:
    case = _departed_case()
    _, http = make_client()
    cursor = http.get("/api/v1/changes").json()["next_cursor"]

    personal_id_verify(profile_id=case.profile_id, actor=case.profile.user)

    page = http.get("/api/v1/changes", {"cursor": cursor}).json()
    assert [r["id"] for r in page["results"]] == [case.pk]
    assert page["results"][0]["worker"]["id_check"] == "match"


def test_the_moves_feed_says_which_transfer_and_how_the_worker_consented(
    make_client, lao_cai, dong_thap
) -> None:
    from workers.services import transfer_accept, transfer_request

    profile = ProfileFactory()
    _, lao_cai_system = make_client(province=lao_cai)
    asking = StaffFactory(role=Role.COUNSELLOR, province=dong_thap)
    transfer = transfer_request(
        profile_id=profile.pk, to_province_id=dong_thap.pk, actor=asking, reason="Đến văn phòng"
    )
    assert lao_cai_system.get("/api/v1/moves").json()["results"] == []  # asked, not moved
    transfer_accept(transfer_id=transfer.pk, actor=profile.user, consent="online")

    [move] = lao_cai_system.get("/api/v1/moves").json()["results"]
    assert (move["case_id"], move["transfer_id"], move["consent"]) == (
        profile.case.pk, transfer.pk, "online",
    )  # fmt: skip
