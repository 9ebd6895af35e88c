"""What the fuzz test of every form (tests/security/test_form_fuzz.py) found in accounts."""

from __future__ import annotations

import datetime

import pytest
from allauth.usersessions.models import UserSession
from django.core.exceptions import ValidationError
from django.http import QueryDict

from accounts.forms import RequestLoginCodeForm
from accounts.models import ExportRecord, Role
from accounts.text import MAX_ID, as_id, search_text
from accounts.validators import plausible_date
from tests.conftest import login_staff
from tests.factories import StaffFactory, WorkerFactory


@pytest.mark.django_db
def test_a_sign_in_code_form_with_neither_phone_nor_email_is_refused():
    form = RequestLoginCodeForm(data={"phone": "", "email": ""})

    assert not form.is_valid()
    assert form.errors.as_data()["__all__"][0].code == "no_login"


@pytest.mark.django_db
def test_asking_for_a_sign_in_code_with_an_empty_form_shows_the_form_again(client, sms_outbox):
    # Needs ACCOUNT_FORMS["request_login_code"] = "accounts.forms.RequestLoginCodeForm".
    response = client.post("/accounts/login/code/", {"phone": "", "email": ""})

    assert response.status_code == 200
    assert sms_outbox == []


@pytest.mark.parametrize(
    ("typed", "read"),
    [("15", 15), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("²", None), ("١٢", None),
     ("-1", None), ("", None), (None, None), ("1e3", None)],
)  # fmt: skip
def test_an_id_is_ascii_digits_the_database_can_hold(typed, read):
    assert as_id(typed) == read


def test_a_search_drops_nul_bytes_and_is_bounded():
    assert search_text("  an\x00h  ") == "anh"
    assert len(search_text("x" * 10_000, 100)) == 100


@pytest.mark.parametrize("year", [1, 202, 1899, 2101, 9999])
def test_a_year_no_one_means_is_refused(year):
    with pytest.raises(ValidationError):
        plausible_date(datetime.date(year, 12, 31))


def test_the_years_of_the_centres_work_are_accepted():
    plausible_date(datetime.date(1900, 1, 1))
    plausible_date(datetime.datetime(2100, 12, 31, 23, 59))


def test_an_exports_filters_are_logged_without_nul_and_bounded():
    params = QueryDict(mutable=True)
    params.update({"scope": "all\x00", "q": "x" * 500, "page": "2"})

    logged = ExportRecord.filters_of(params, skip={"page"})

    assert logged == {"scope": "all", "q": "x" * 200}


@pytest.mark.django_db
def test_searching_people_with_a_nul_byte_searches_what_is_left_instead_of_failing(
    client, counsellor, lao_cai
):
    WorkerFactory(province=lao_cai, name="Lò Văn Páo")
    WorkerFactory(province=lao_cai, name="Giàng Thị Mỷ")
    login_staff(client, counsellor)

    response = client.get("/staff/people/", {"q": "Páo\x00"})

    # The NUL is dropped (PostgreSQL's driver refuses it, SQLite ends the pattern there):
    # what is left is searched, and shown in the search box.
    assert response.status_code == 200
    assert response.context["query"] == "Páo"
    assert [p.name for p in response.context["page"]] == ["Lò Văn Páo"]
    assert 'value="Páo"' in response.text


@pytest.mark.django_db
def test_the_admin_searches_sign_in_sessions_by_name_email_or_phone(client, lao_cai):
    login_staff(client, StaffFactory(role=Role.ADMIN, province=None, is_superuser=True))
    found = WorkerFactory(province=lao_cai, name="Nguyễn Thị Lan", phone="+84912000111")
    other = WorkerFactory(province=lao_cai, name="Lò Văn Páo", email="pao@example.vn")
    for n, user in enumerate([found, other]):
        UserSession.objects.create(user=user, ip="10.0.0.1", session_key=f"s{n}", user_agent="")

    def listed(q: str) -> set[int]:
        response = client.get("/admin/usersessions/usersession/", {"q": q})
        assert response.status_code == 200
        return {s.user_id for s in response.context["cl"].result_list}

    assert listed("Nguyễn") == {found.pk}
    assert listed("pao@example") == {other.pk}
    assert listed("912000111") == {found.pk}
