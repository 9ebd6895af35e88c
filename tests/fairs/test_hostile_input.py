"""What the fuzz test of every form (tests/security/test_form_fuzz.py) found in fairs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from fairs.models import Fair
from tests.conftest import login_staff
from tests.factories import StaffFactory
from tests.fairs.factories import fair_today, walk_in

pytestmark = pytest.mark.django_db


def fair_values(**overrides: str) -> dict[str, str]:
    values = {
        "version": "0",
        "title": "Phiên giao dịch việc làm",
        "starts_at": "2026-07-01T08:00",
        "ends_at": "2026-07-01T11:00",
        "address": "Trung tâm Dịch vụ việc làm",
        "capacity": "50",
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize("starts_at", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_fair_at_the_edge_of_the_calendar_is_refused_and_not_saved(
    client, counsellor, fair, starts_at
):
    login_staff(client, counsellor)
    before = Fair.all_objects.get(pk=fair.pk).starts_at

    response = client.post(reverse("fairs:edit", args=[fair.pk]), fair_values(starts_at=starts_at))

    assert response.status_code == 200
    assert "Check the year" in response.content.decode()
    assert Fair.all_objects.get(pk=fair.pk).starts_at == before


@pytest.mark.parametrize("province", ["NaN", "9223372036854775808", "\x00"])
def test_an_admin_creating_a_fair_with_a_province_that_is_no_id_gets_the_form_again(
    client, province
):
    login_staff(client, StaffFactory(role=Role.ADMIN, province=None))

    response = client.post(reverse("fairs:new"), fair_values(province=province))

    assert response.status_code == 200
    assert not Fair.all_objects.exists()


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01", "2026-12-31"), ("2026-01-01", "9999-12-31")]
)
def test_figures_for_a_period_at_the_edge_of_the_calendar_say_so(client, counsellor, start, end):
    login_staff(client, counsellor)

    response = client.get(reverse("fairs:figures"), {"start": start, "end": end})

    assert response.status_code == 200
    assert "Check the year" in response.content.decode()


@pytest.mark.parametrize("name", ["fairs:registrations", "fairs:check_in"])
def test_searching_a_fairs_people_with_a_nul_byte_searches_what_is_left(client, counsellor, name):
    fair = fair_today(created_by=counsellor)
    duong = walk_in(fair, counsellor, "Nguyễn Thị Ánh Dương")
    walk_in(fair, counsellor, "Trần Văn Bình")
    login_staff(client, counsellor)

    response = client.get(reverse(name, args=[fair.pk]), {"q": "duong\x00"})

    # The NUL is dropped (PostgreSQL's driver refuses it, SQLite ends the pattern there):
    # what is left is searched, and shown in the search box.
    assert response.status_code == 200
    assert response.context["query"] == "duong"
    assert "Nguyễn Thị Ánh Dương" in response.text
    assert "Trần Văn Bình" not in response.text
    assert f"/{duong.pk}/" in response.text or f'"{duong.pk}"' in response.text
