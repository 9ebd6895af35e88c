"""'My data' holds what the worker sent elsewhere: her help requests, complaints and
support applications, with the fields their models declare personal, readable on the page."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assistance.models import HelpRequest
from loans.models import Application
from markets import services as market_services
from markets.models import Complaint, ComplaintKind
from tests.assistance.factories import help_request
from tests.loans.factories import draft_grant, grant_programme, worker_profile
from workers.models import Case, Stage

pytestmark = pytest.mark.django_db

# Declared personal but written by staff for staff (not shown on her own pages either).
STAFF_ONLY = {"first_contact_by", "outcome_note"}


@pytest.fixture
def profile(lao_cai, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    profile = worker_profile(lao_cai, groups=["poor"])
    programme = grant_programme(province=lao_cai)
    draft_grant(profile, programme, lines={"language_training": (1, 3_500_000)})
    Application.all_objects.filter(profile=profile).update(bank_account="0101 2345 6789")
    market_services.complaint_lodge(
        province=lao_cai,
        kind=ComplaintKind.DEPOSIT_NOT_RETURNED,
        what_happened="Nộp tiền cọc, không được trả lại.",
        complainant_phone="+84987654321",
        complainant_name="Vàng Thị Mai",
        broker_name="Anh Tùng",
        amount_paid=Decimal(20_000_000),
        by=profile.user,
    )
    Case.all_objects.filter(profile=profile).update(stage=Stage.DEPARTED)
    help_request(profile, what_happened="Chủ không trả lương ba tháng.", zalo="mai.zalo")
    return profile


def test_the_page_lists_her_help_requests_complaints_and_applications(client, profile):
    client.force_login(profile.user)

    html = client.get(reverse("workers:my_data")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<main") :]))

    assert "Yêu cầu trợ giúp" in text and "Chủ không trả lương ba tháng." in text
    assert "mai.zalo" in text and "Không được trả lương" in text
    assert "Khiếu nại" in text and "Nộp tiền cọc, không được trả lại." in text
    assert "Anh Tùng" in text and "20.000.000" in text and "0987 654 321" in text
    assert "0101 2345 6789" in text and "3.500.000" in text
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", text)
    for raw in ["deposit_not_returned", "wages", "None", "20000000", "3500000"]:
        assert raw not in text, raw
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO dates


def test_the_file_holds_every_field_declared_personal(client, profile):
    client.force_login(profile.user)

    data = json.loads(client.get(reverse("workers:my_data"), {"format": "json"}).content)

    [mine] = data["help_requests"]
    assert mine["what_happened"] == "Chủ không trả lương ba tháng." and mine["kind"] == "wages"
    [complaint] = data["complaints"]
    assert complaint["amount_paid"] == 20_000_000 and complaint["broker_name"] == "Anh Tùng"
    [application] = data["support_applications"]
    assert application["bank_account"] == "0101 2345 6789"
    assert application["costs"][0]["amount"] == 3_500_000
    for model, item in [(HelpRequest, mine), (Complaint, complaint), (Application, application)]:
        declared = set(model.personal_data.fields) - STAFF_ONLY - {"complainant"}
        assert declared <= set(item), (model.__name__, declared - set(item))


def test_another_workers_records_stay_out(client, profile, lao_cai):
    other = worker_profile(lao_cai, groups=["poor"])
    client.force_login(other.user)

    data = json.loads(client.get(reverse("workers:my_data"), {"format": "json"}).content)

    assert data["help_requests"] == data["complaints"] == data["support_applications"] == []
