"""What a worker records for the support rules of issue 15: permanent residence (thường trú,
for the EPS deposit loan, Decision 16/2023/QD-TTg), a household just out of poverty
(Decision 90/QD-TTg, sub-project 3), the orientation certificate on the checklist (Law
69/2020/QH14 Art. 44 and 65) and the preparing stage's words."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.workers.factories import ProfileFactory
from workers.models import DocumentType, Stage, WorkerProfile
from workers.selectors import document_checklist

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, worker, lao_cai):
    ProfileFactory(user=worker)
    client.force_login(worker)
    return worker


def address_post(profile: WorkerProfile, lao_cai, **overrides: str) -> dict[str, str]:
    data = {
        "version": str(profile.version),
        "province": str(lao_cai.pk),
        "commune": str(lao_cai.communes.order_by("code").first().pk),
        "address_line": "Thôn 2",
        "old_address": "",
    }
    data.update(overrides)
    return data


def test_a_worker_says_their_permanent_residence_is_their_commune(client, signed_in, lao_cai):
    profile = signed_in.worker_profile
    url = reverse("workers:profile_step", args=["address"])

    response = client.post(url, address_post(profile, lao_cai, permanent_residence_here="yes"))

    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.permanent_residence_here, profile.permanent_address) == (True, "")


def test_permanent_residence_elsewhere_needs_the_address_and_keeps_what_was_typed(
    client, signed_in, lao_cai
):
    profile = signed_in.worker_profile
    url = reverse("workers:profile_step", args=["address"])

    refused = client.post(
        url, address_post(profile, lao_cai, permanent_residence_here="no", address_line="Thôn 9")
    )
    assert refused.status_code == 200
    assert "Thôn 9" in refused.content.decode()
    assert "thẻ căn cước" in refused.content.decode()

    client.post(
        url,
        address_post(
            profile,
            lao_cai,
            permanent_residence_here="no",
            permanent_address="Xã Mường Hum, huyện Bát Xát, Lào Cai",
        ),
    )
    profile.refresh_from_db()
    assert profile.permanent_residence_here is False
    assert profile.permanent_address == "Xã Mường Hum, huyện Bát Xát, Lào Cai"


def test_a_household_just_out_of_poverty_can_be_recorded(client, signed_in):
    profile = signed_in.worker_profile
    url = reverse("workers:profile_step", args=["background"])

    page = client.get(url).content.decode()
    assert "Hộ mới thoát nghèo" in page
    client.post(
        url,
        {
            "version": str(profile.version),
            "ethnicity": "kinh",
            "priority_groups": ["out_of_poverty"],
        },
    )

    profile = WorkerProfile.all_objects.get(pk=profile.pk)
    assert profile.priority_groups == ["out_of_poverty"]


def test_the_orientation_certificate_is_required_on_everyones_checklist(signed_in):
    certificate = DocumentType.objects.get(code="orientation_certificate")
    assert certificate.required
    assert certificate.name_vi == "Giấy chứng nhận hoàn thành khóa giáo dục định hướng"
    checklist = document_checklist(signed_in.worker_profile)
    assert [i.required for i in checklist if i.type.code == "orientation_certificate"] == [True]


def test_the_preparing_stage_says_giao_duc_dinh_huong():
    with translation.override("vi"):
        label = str(Stage.PREPARING.label)
    assert "giáo dục định hướng" in label
    assert "bồi dưỡng" not in label
