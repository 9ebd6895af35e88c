"""Every wizard step, reopened, shows what was saved, and saving it unchanged succeeds:
for the worker and for a counsellor filling it on the worker's behalf."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import login_staff
from tests.formparse import form_values
from tests.workers.factories import VALID_ID, ProfileFactory
from workers.models import STEP_ORDER, WorkerProfile

pytestmark = pytest.mark.django_db


def first_fill(lao_cai) -> dict[str, dict[str, object]]:
    commune = lao_cai.communes.order_by("name").first()
    return {
        "identity": {
            "name": "Giàng Thị Mai",
            "date_of_birth": "17/05/1990",
            "sex": "female",
            "personal_id": VALID_ID,
            "id_issued_on": "01/06/2021",
        },
        "contact": {"contact_note": "Zalo: Mai Giàng"},
        "address": {
            "province": str(lao_cai.pk),
            "commune": str(commune.pk),
            "address_line": "Thôn 3",
            "old_address": "Huyện Bát Xát",
        },
        "background": {"ethnicity": "mong", "priority_groups": ["poor", "ethnic_minority"]},
        "education": {
            "education": "lower_secondary",
            "vocational_skills": "Hàn",
            "jlpt_level": "N4",
            "eps_topik_score": "150",
            "eps_topik_date": "02/03/2025",
            "other_languages": "Tiếng Trung",
        },
        "plans": {
            "desired_markets": ["JP", "KR"],
            "desired_occupations": "Điện tử",
            "has_worked_abroad": "on",
            "experience_abroad": "Hai năm ở Đài Loan",
        },
        "health": {
            "health_fit": "True",
            "has_criminal_record": "False",
            "health_notes": "Mắt cận nhẹ",
        },
    }


def shown(html: str) -> dict[str, list[str]]:
    # The step's own form, inside <main> (the header has the language form).
    return form_values(html[html.index("<main") :])


def walk_every_step(client, url_for, profile: WorkerProfile, lao_cai) -> None:
    fills = first_fill(lao_cai)
    for step in STEP_ORDER:
        profile.refresh_from_db()
        data = {"version": str(profile.version), **fills[step]}
        response = client.post(url_for(step), data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])

    for step in STEP_ORDER:
        page = client.get(url_for(step)).content.decode()
        values = shown(page)
        for name, typed in fills[step].items():
            expected = typed if isinstance(typed, list) else [typed]
            assert sorted(values.get(name, [])) == sorted(expected), (step, name, values)
        before = WorkerProfile.all_objects.get(pk=profile.pk)
        response = client.post(url_for(step), values)
        assert response.status_code == 302, (step, response.content.decode()[-3000:])
        after = WorkerProfile.all_objects.get(pk=profile.pk)
        assert after.version == before.version + 1
        for field in ["health_fit", "has_criminal_record", "ethnicity", "commune_id", "sex"]:
            assert getattr(after, field) == getattr(before, field), (step, field)


def test_the_worker_reopens_every_step_and_saves_it_unchanged(client, worker, lao_cai):
    profile = ProfileFactory(user=worker)
    client.force_login(worker)

    walk_every_step(client, lambda s: reverse("workers:profile_step", args=[s]), profile, lao_cai)

    profile.refresh_from_db()
    assert profile.health_fit is True
    assert profile.has_criminal_record is False
    assert sorted(profile.priority_groups) == ["ethnic_minority", "poor"]


def test_a_counsellor_reopens_every_step_of_a_walk_in_and_saves_it_unchanged(
    client, counsellor, worker, lao_cai
):
    profile = ProfileFactory(user=worker)
    login_staff(client, counsellor)

    walk_every_step(
        client, lambda s: reverse("workers:staff_step", args=[profile.pk, s]), profile, lao_cai
    )

    profile.refresh_from_db()
    assert profile.health_fit is True
    assert profile.has_criminal_record is False


def test_a_health_answer_of_no_is_shown_as_no_when_reopened(client, worker):
    ProfileFactory(user=worker, health_fit=False, has_criminal_record=True)
    client.force_login(worker)

    values = shown(client.get(reverse("workers:profile_step", args=["health"])).content.decode())

    assert values["health_fit"] == ["False"]
    assert values["has_criminal_record"] == ["True"]
