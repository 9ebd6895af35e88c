from __future__ import annotations

import datetime

from tests.markets.factories import MarketFactory
from tests.workers.factories import ProfileFactory
from workers.models import Case, Stage


def _departed(on: datetime.date, **profile) -> Case:
    case = ProfileFactory(sex="female", **profile).case
    Case.all_objects.filter(pk=case.pk).update(
        stage=Stage.DEPARTED, departure_date=on, market=MarketFactory(code="japan"), sex="female"
    )
    return case


def test_a_province_reads_its_month_as_the_dashboard_counts_it(
    make_client, lao_cai, dong_thap
) -> None:
    _departed(datetime.date(2026, 11, 3))
    _departed(datetime.date(2026, 10, 30))  # another month
    _, lao_cai_system = make_client(scopes=("reports:read",), province=lao_cai)
    figures = lao_cai_system.get("/api/v1/reports/monthly", {"month": "2026-11"}).json()
    assert figures["province"] == 15
    assert figures["departures"] == 1
    assert figures["departures_by_market"] == {"japan": 1}
    assert figures["departures_by_sex"] == {"female": 1}
    other = lao_cai_system.get("/api/v1/reports/monthly", {"month": "2026-11", "province": 82})
    assert other.status_code == 404
    _, dong_thap_system = make_client(scopes=("reports:read",), province=dong_thap)
    assert (
        dong_thap_system.get("/api/v1/reports/monthly", {"month": "2026-11"}).json()["departures"]
        == 0
    )


def test_a_national_client_reads_a_province_or_the_nation(make_client, lao_cai) -> None:
    _departed(datetime.date(2026, 11, 3))
    _, national = make_client(scopes=("reports:read",))
    nation = national.get("/api/v1/reports/monthly", {"month": "2026-11"}).json()
    assert (nation["province"], nation["departures"]) == (None, 1)
    one = national.get("/api/v1/reports/monthly", {"month": "2026-11", "province": 15}).json()
    assert (one["province"], one["departures"]) == (15, 1)
    assert national.get("/api/v1/reports/monthly", {"month": "11/2026"}).status_code == 400


def test_reports_need_their_scope(make_client, lao_cai) -> None:
    _, http = make_client(scopes=("workers:read",))
    assert http.get("/api/v1/reports/monthly", {"month": "2026-11"}).status_code == 403
