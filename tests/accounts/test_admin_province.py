"""The admin cannot change a worker's province around the move service and the worker's
consent: the field is read-only there, with a link to the transfer page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role, User
from tests.conftest import DONG_THAP, login_staff
from tests.factories import StaffFactory, province
from tests.workers.factories import ProfileFactory
from workers.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    login_staff(client, StaffFactory(role=Role.ADMIN, province=None, is_superuser=True))
    return client


def post_change(client, user: User, **changes) -> None:
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.pop("password", None)
    data.update({"last_login_0": "", "last_login_1": "", "date_joined_0": "01/01/2026"})
    data.update({"date_joined_1": "00:00:00", **changes})
    response = client.post(url, {k: v for k, v in data.items() if v is not False})
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_a_workers_province_is_read_only_with_the_way_to_move_it(admin_client, lao_cai):
    profile = ProfileFactory(user__province=lao_cai)
    dong_thap = province(DONG_THAP)

    page = admin_client.get(reverse("admin:accounts_user_change", args=[profile.user.pk]))
    assert "province" not in page.context["adminform"].form.fields
    assert reverse("workers:transfer_new", args=[profile.pk]) in page.text
    assert "Đề nghị chuyển hồ sơ" in page.text

    post_change(admin_client, profile.user, province=dong_thap.pk, name="Tên mới")

    profile.user.refresh_from_db()
    assert profile.user.name == "Tên mới"  # the rest of the form still saves
    assert profile.user.province_id == lao_cai.pk
    assert Case.all_objects.get(profile=profile).province_id == lao_cai.pk


def test_changing_the_role_first_does_not_unlock_it(admin_client, lao_cai):
    profile = ProfileFactory(user__province=lao_cai)
    User.objects.filter(pk=profile.user.pk).update(role=Role.COUNSELLOR)

    page = admin_client.get(reverse("admin:accounts_user_change", args=[profile.user.pk]))

    assert "province" not in page.context["adminform"].form.fields


def test_a_counsellors_province_stays_editable(admin_client, lao_cai):
    counsellor = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)

    page = admin_client.get(reverse("admin:accounts_user_change", args=[counsellor.pk]))

    assert "province" in page.context["adminform"].form.fields
    assert reverse("workers:transfer_new", args=[0]).rsplit("0/", 1)[0] not in page.text
