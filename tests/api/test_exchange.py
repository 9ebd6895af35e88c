"""The ministry's exchange file: the departures and returns of a period, the same lines for
a system (GET /api/v1/exchange/departures, JSON or .xlsx) and for staff (the download on
the reports page), scoped to the province, written to the export log."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from accounts.models import ExportRecord, Role
from tests.conftest import login_staff
from tests.factories import StaffFactory, WorkerFactory
from tests.markets.factories import MarketFactory, enterprise
from tests.workers.factories import ProfileFactory
from workers.models import Case, Stage

pytestmark = pytest.mark.django_db

NOV = {"from": "2026-11-01", "to": "2026-11-30"}
URL = "/api/v1/exchange/departures"


def abroad(province, name: str, **case) -> Case:
    commune = province.communes.order_by("code").first()
    profile = ProfileFactory(
        user=WorkerFactory(name=name, province=province),
        personal_id=case.pop("personal_id", None),
        date_of_birth=datetime.date(1990, 5, 17),
        sex="female",
        commune=commune,
    )
    Case.all_objects.filter(pk=profile.case.pk).update(commune=commune, **case)
    return Case.all_objects.get(pk=profile.case.pk)


@pytest.fixture
def rows(lao_cai, dong_thap) -> dict[str, Case]:
    japan = MarketFactory(code="japan", name_vi="Nhật Bản")
    company = enterprise(name="Công ty CP Nhân lực Hoàng Liên", licence_number="123/LĐTBXH-GP")
    return {
        "left": abroad(
            lao_cai, "Giàng Thị Mai", personal_id="015190123456", stage=Stage.DEPARTED,
            market=japan, enterprise=company, departure_date=datetime.date(2026, 11, 3),
            contract_start=datetime.date(2026, 11, 3), contract_end=datetime.date(2029, 11, 2),
        ),
        "back": abroad(
            lao_cai, "Lò Văn Pá", stage=Stage.RETURNED, market=japan,
            departure_date=datetime.date(2023, 11, 1), return_date=datetime.date(2026, 11, 20),
        ),
        "october": abroad(
            lao_cai, "Vàng A Sử", stage=Stage.DEPARTED, departure_date=datetime.date(2026, 10, 31)
        ),
        "elsewhere": abroad(
            dong_thap, "Trần Thị Út", stage=Stage.DEPARTED,
            departure_date=datetime.date(2026, 11, 10),
        ),
    }  # fmt: skip


def test_a_province_reads_its_departures_and_returns_of_the_period(
    make_client, lao_cai, rows
) -> None:
    client, http = make_client(scopes=("reports:read",), province=lao_cai)

    body = http.get(URL, NOV).json()

    assert (body["province"], body["from"], body["to"]) == (15, "2026-11-01", "2026-11-30")
    # By departure date: the one back in November left in 2023.
    assert [r["name"] for r in body["results"]] == ["Lò Văn Pá", "Giàng Thị Mai"]
    first = body["results"][1]
    assert first | {"case_id": 0, "commune": ""} == {
        "case_id": 0, "name": "Giàng Thị Mai", "personal_id": "015190123456", "sex": "female",
        "date_of_birth": "1990-05-17", "commune": "", "province": lao_cai.name,
        "market": "Nhật Bản", "enterprise": "Công ty CP Nhân lực Hoàng Liên",
        "enterprise_licence": "123/LĐTBXH-GP", "departure_date": "2026-11-03",
        "contract_months": 36, "return_date": None,
    }  # fmt: skip
    assert first["commune"] == rows["left"].commune.name
    assert body["results"][0]["return_date"] == "2026-11-20"
    record = ExportRecord.objects.get(what="exchange")
    assert (record.user_id, record.rows) == (client.user_id, 2)


def test_the_spreadsheet_has_the_ministry_columns_and_the_same_lines(
    make_client, lao_cai, rows
) -> None:
    _, http = make_client(scopes=("reports:read",), province=lao_cai)

    response = http.get(URL, NOV | {"format": "xlsx"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:4] == ("STT", "Họ và tên", "Số định danh cá nhân", "Giới tính")
    assert len(lines) == 3
    assert lines[2][:4] == (2, "Giàng Thị Mai", "015190123456", "Nữ")
    assert lines[2][9] == datetime.datetime(2026, 11, 3) and lines[2][10] == 36
    assert lines[1][11] == datetime.datetime(2026, 11, 20)  # the return date
    assert sheet.cell(row=3, column=5).number_format == "dd/mm/yyyy"


def test_another_province_is_404_and_a_national_client_reads_any(
    make_client, lao_cai, dong_thap, rows
) -> None:
    _, lao_cai_system = make_client(scopes=("reports:read",), province=lao_cai)
    assert lao_cai_system.get(URL, NOV | {"province": 82}).status_code == 404
    _, dong_thap_system = make_client(scopes=("reports:read",), province=dong_thap)
    assert [r["name"] for r in dong_thap_system.get(URL, NOV).json()["results"]] == ["Trần Thị Út"]
    _, national = make_client(scopes=("reports:read",))
    assert len(national.get(URL, NOV).json()["results"]) == 3
    assert len(national.get(URL, NOV | {"province": 15}).json()["results"]) == 2


def test_the_exchange_file_needs_a_token_its_scope_and_a_sound_period(make_client, db) -> None:
    assert Client().get(URL, NOV).status_code == 401
    _, reader = make_client(scopes=("workers:read",))
    assert reader.get(URL, NOV).status_code == 403
    _, http = make_client(scopes=("reports:read",))
    assert http.get(URL, {"from": "2026-11-30", "to": "2026-11-01"}).status_code == 400
    assert http.get(URL, {"from": "30/11/2026", "to": "2026-11-30"}).status_code == 400
    assert http.get(URL, NOV | {"format": "pdf"}).status_code == 400


def test_staff_download_their_province_and_an_admin_the_country(client, lao_cai, rows) -> None:
    period = {"start": "01/11/2026", "end": "30/11/2026"}
    counsellor = StaffFactory(province=lao_cai)
    login_staff(client, counsellor)

    response = client.get("/staff/reports/exchange.xlsx", period)

    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 3  # header + 2
    assert client.get("/staff/reports/exchange.xlsx", period | {"province": 82}).status_code == 404
    assert ExportRecord.objects.get(user=counsellor).what == "exchange"
    admin = StaffFactory(role=Role.ADMIN, province=None)
    login_staff(client, admin)
    everything = client.get("/staff/reports/exchange.xlsx", period)
    assert load_workbook(io.BytesIO(everything.content)).active.max_row == 4


def test_a_period_too_large_for_one_file_is_refused_not_cut(
    make_client, client, lao_cai, rows, monkeypatch
) -> None:
    from reports import exchange

    monkeypatch.setattr(exchange, "MAX_ROWS", 1)
    _, http = make_client(scopes=("reports:read",), province=lao_cai)
    response = http.get(URL, NOV)
    assert response.status_code == 400
    assert "shorter period" in response.json()["detail"]
    login_staff(client, StaffFactory(province=lao_cai))
    page = client.get(
        "/staff/reports/exchange.xlsx", {"start": "01/11/2026", "end": "30/11/2026"}, follow=True
    )
    assert "Hơn 1 dòng" in page.content.decode()
    assert not ExportRecord.objects.exists()
