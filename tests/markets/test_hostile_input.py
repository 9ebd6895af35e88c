"""What the fuzz test of every form (tests/security/test_form_fuzz.py) found in markets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from markets.models import FraudReport, NoticeStatus
from tests.conftest import login_staff
from tests.factories import StaffFactory
from tests.markets.factories import notice

pytestmark = pytest.mark.django_db

# "²" is a digit to str.isdigit() but not to int(); Arabic-Indic 15 is read by int() but is no
# code to look up as text; the long one overflows the database.
NOT_IDS = ["²", "\u0661\u0665", "99999999999999999999"]


@pytest.mark.parametrize("province", NOT_IDS)
def test_notices_for_a_province_that_is_no_code_show_the_usual_list(client, province):
    assert client.get(reverse("markets:notice_list"), {"province": province}).status_code == 200


@pytest.mark.parametrize("programme", NOT_IDS)
def test_the_fee_check_opened_for_a_programme_that_is_no_id_shows_the_empty_form(client, programme):
    assert client.get(reverse("markets:fee_check"), {"programme": programme}).status_code == 200


@pytest.mark.parametrize("province", NOT_IDS)
def test_the_fraud_report_form_opened_for_a_province_that_is_no_code_shows_the_form(
    client, province
):
    response = client.get(reverse("markets:report_fraud"), {"province": province})

    assert response.status_code == 200


@pytest.mark.parametrize("province", ["²", "99999999999999999999"])
def test_a_fraud_report_sent_with_a_province_that_is_no_code_is_refused(client, lao_cai, province):
    report = {"name_used": "Công ty Ma", "what_was_asked": "Tiền cọc"}

    response = client.post(reverse("markets:report_fraud"), {**report, "province": province})

    # The form again, saying what is wrong with the province, and nothing is stored.
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["province"]
    assert not FraudReport.all_objects.exists()
    # The same report with a real province is taken: the refusal was the province's.
    client.post(reverse("markets:report_fraud"), {**report, "province": lao_cai.code})
    assert FraudReport.all_objects.get().name_used == "Công ty Ma"


def test_a_notice_scheduled_for_the_year_1_is_refused_and_not_saved(client, lao_cai):
    manager = StaffFactory(role=Role.MANAGER, province=lao_cai)
    draft = notice(manager, province_code=lao_cai.code)
    login_staff(client, manager)

    response = client.post(
        reverse("markets:staff_notice_schedule", args=[draft.pk]),
        {"publish_at": "0001-01-01T00:00"},
    )

    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT
