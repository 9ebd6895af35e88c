"""The bulk update from the national register: POST /api/v1/enterprises/bulk for national
clients, and manage.py enterprise_register for a file. Row by row, licence status changes
as events, the look-alike index kept, the same rows twice changing nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.test import Client

from markets.models import Enterprise, EnterpriseEvent, EnterpriseNameToken, LicenceStatus
from markets.selectors import enterprise_look_alikes
from tests.markets.factories import enterprise

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/bulk"
ROWS = [
    {"licence_number": "201/LĐTBXH-GP", "name": "Công ty CP Nhân lực Hoàng Liên",
     "status": "active", "licence_issued_on": "12/03/2021", "address": "Lào Cai"},
    {"licence_number": "202/LĐTBXH-GP", "name": "Công ty TNHH Sao Mai",
     "status": "đình chỉ", "suspended_from": "2026-10-01", "licence_issued_on": "2019-01-02"},
    {"licence_number": "", "name": "Không số giấy phép"},
    {"licence_number": "204/LĐTBXH-GP", "name": "Công ty Ngày Sai",
     "licence_issued_on": "31/02/2020"},
]  # fmt: skip


def post(http: Client, rows: list[dict[str, str]]):
    return http.post(URL, {"rows": rows}, content_type="application/json")


def test_a_national_client_applies_the_good_rows_and_names_the_bad_ones(make_client) -> None:
    client, http = make_client(scopes=("enterprises:write",))

    answer = post(http, ROWS).json()

    assert (answer["created"], answer["updated"], answer["unchanged"]) == (2, 0, 0)
    assert [r["line"] for r in answer["refused"]] == [3, 4]
    assert "31/02/2020" in answer["refused"][1]["reason"]
    hoang_lien = Enterprise.objects.get(licence_number="201/LĐTBXH-GP")
    assert hoang_lien.licence_issued_on == datetime.date(2021, 3, 12)
    assert Enterprise.objects.get(licence_number="202/LĐTBXH-GP").status == "suspended"
    assert EnterpriseEvent.objects.filter(enterprise=hoang_lien, by=client.user).count() == 1
    # The look-alike index knows the new name at once.
    assert set(
        EnterpriseNameToken.objects.filter(enterprise=hoang_lien).values_list("token", flat=True)
    ) == {"hoang", "lien"}
    assert [a.key for a in enterprise_look_alikes("Hoàng Liên Group")] == [hoang_lien.pk]


def test_the_same_rows_twice_change_nothing_and_write_no_event(make_client) -> None:
    _, http = make_client(scopes=("enterprises:write",))
    post(http, ROWS)
    events = EnterpriseEvent.objects.count()

    answer = post(http, ROWS).json()

    assert (answer["created"], answer["updated"], answer["unchanged"]) == (0, 0, 2)
    assert EnterpriseEvent.objects.count() == events


def test_a_licence_status_change_is_an_event_and_a_refused_move_is_named(make_client) -> None:
    revoked = enterprise(licence_number="301/LĐTBXH-GP", status=LicenceStatus.REVOKED,
                         revoked_on=datetime.date(2025, 1, 1))  # fmt: skip
    active = enterprise(licence_number="302/LĐTBXH-GP", name="Công ty Phúc Thịnh")
    _, http = make_client(scopes=("enterprises:write",))

    answer = post(http, [
        {"licence_number": "301/LĐTBXH-GP", "name": revoked.name, "status": "active"},
        {"licence_number": "302/LĐTBXH-GP", "name": "Công ty Phúc Thịnh", "status": "thu hồi",
         "revoked_on": "01/11/2026"},
    ]).json()  # fmt: skip

    assert answer["updated"] == 1
    assert answer["refused"][0]["line"] == 1
    assert "từ Bị thu hồi sang Đang hoạt động" in answer["refused"][0]["reason"]
    event = EnterpriseEvent.objects.filter(enterprise=active).last()
    assert event is not None
    assert (event.from_status, event.to_status) == ("active", "revoked")
    active.refresh_from_db()
    assert active.phone == "" and active.revoked_on == datetime.date(2026, 11, 1)


def test_only_a_national_client_with_the_write_scope_updates_the_register(
    make_client, lao_cai
) -> None:
    assert Client().post(URL, {"rows": []}, content_type="application/json").status_code == 401
    _, reader = make_client(scopes=("enterprises:read",))
    assert post(reader, ROWS).status_code == 403
    _, provincial = make_client(scopes=("enterprises:write",), province=lao_cai)
    response = post(provincial, ROWS)
    assert response.status_code == 403
    assert "national" in response.json()["detail"]
    assert not Enterprise.objects.filter(licence_number="201/LĐTBXH-GP").exists()


def test_the_command_applies_a_register_file_row_by_row(tmp_path, capsys) -> None:
    enterprise(licence_number="401/LĐTBXH-GP", name="Công ty Hồng Hà", phone="0214 1234")
    path = tmp_path / "register.csv"
    path.write_text(
        "licence_number,name,status,licence_issued_on,address\n"
        "401/LĐTBXH-GP,Công ty Hồng Hà,suspended,01/01/2020,Hà Nội\n"
        "402/LĐTBXH-GP,Công ty Minh Phát,active,02/02/2022,Hải Phòng\n"
        "403/LĐTBXH-GP,Công ty Lỗi,unknown-status,,\n",
        encoding="utf-8",
    )

    call_command("enterprise_register", str(path))
    first = capsys.readouterr()
    call_command("enterprise_register", str(path))
    second = capsys.readouterr()

    assert "1 created, 1 updated, 0 unchanged, 1 refused" in first.out
    assert "line 4:" in first.err
    assert "0 created, 0 updated, 2 unchanged, 1 refused" in second.out
    hong_ha = Enterprise.objects.get(licence_number="401/LĐTBXH-GP")
    assert (hong_ha.status, hong_ha.address, hong_ha.phone) == ("suspended", "Hà Nội", "0214 1234")
    assert EnterpriseEvent.objects.filter(enterprise=hong_ha, to_status="suspended").count() == 1
