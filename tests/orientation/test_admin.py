from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from orientation.models import Module
from tests.conftest import login_staff
from tests.factories import StaffFactory
from tests.orientation.factories import ModuleFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_publishes_modules_from_the_admin_and_a_bad_one_is_named(
    client, media
) -> None:
    admin_user = StaffFactory(role=Role.ADMIN, province=None, is_superuser=True)
    ready = ModuleFactory(title="Sẵn sàng")
    short = ModuleFactory(title="Thiếu câu hỏi", questions=1)
    login_staff(client, admin_user)
    response = client.post(
        reverse("admin:orientation_module_changelist"),
        {"action": "publish", "_selected_action": [ready.pk, short.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Module.all_objects.get(pk=ready.pk).published_by == admin_user
    assert Module.all_objects.get(pk=short.pk).published_at is None
    assert "Thiếu câu hỏi: Bài học cần từ 3 đến 5 câu hỏi." in response.text
