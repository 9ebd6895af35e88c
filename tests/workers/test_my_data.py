"""'My data' reads like the profile: labels, names, dd/mm/yyyy, Có/Không; the JSON keeps codes."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse

from tests.workers.factories import VALID_ID, ProfileFactory
from workers.models import PriorityGroupClaim

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(worker, lao_cai):
    profile = ProfileFactory(
        user=worker,
        date_of_birth=datetime.date(1990, 5, 17),
        sex="female",
        personal_id=VALID_ID,
        ethnicity="mong",
        education="lower_secondary",
        desired_markets=["JP"],
        health_fit=True,
        has_criminal_record=False,
        has_worked_abroad=False,
        commune=lao_cai.communes.order_by("name").first(),
        steps_done=["identity", "address"],
    )
    PriorityGroupClaim.objects.create(profile=profile, group="poor")
    return profile


def test_my_data_shows_labels_and_values_a_worker_reads(client, worker, profile):
    client.force_login(worker)

    html = client.get(reverse("workers:my_data")).content.decode()
    text = re.sub(r"<[^>]+>", " ", html[html.index("<main") :])

    assert "Ngày sinh" in text and "17/05/1990" in text
    assert "Nữ" in text and "Mông" in text and "Nhật Bản" in text and "Hộ nghèo" in text
    assert "Không" in text and "Có" in text
    for raw in ["True", "False", "['JP']", "date_of_birth", "health_fit", "lower_secondary",
                "1990-05-17", "female", "None"]:  # fmt: skip
        assert raw not in text, raw
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", text)  # no ISO timestamps


def test_the_json_download_keeps_the_codes(client, worker, profile):
    client.force_login(worker)

    response = client.get(reverse("workers:my_data"), {"format": "json"})

    data = json.loads(response.content)
    assert data["profile"]["desired_markets"] == ["JP"]
    assert data["profile"]["health_fit"] is True
    assert data["profile"]["date_of_birth"] == "1990-05-17"
    assert data["profile"]["priority_groups"] == ["poor"]
