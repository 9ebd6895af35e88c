from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation

from accounts.models import Role, User
from tests.factories import StaffFactory, WorkerFactory
from tests.fairs.factories import FairFactory
from tests.workers.factories import ProfileFactory


@pytest.fixture(autouse=True)
def _english(client) -> None:
    # Assertions on words read the English texts; the Vietnamese ones are the catalogue's.
    # The cookie sets the pages' language; the activation, that of services called directly.
    client.cookies["mrc_language"] = "en"
    translation.activate("en")


@pytest.fixture
def fair(lao_cai, counsellor):
    return FairFactory(province=lao_cai, created_by=counsellor)


@pytest.fixture
def profile(lao_cai):
    """A worker with consent and a case, as after registration."""
    return ProfileFactory(user=WorkerFactory(province=lao_cai))


@pytest.fixture
def helper(lao_cai) -> User:
    """Someone who only keeps the door: not a counsellor, given `fairs.check_in` through a
    group, with a second factor."""
    group, _ = Group.objects.get_or_create(name="Fair helpers")
    group.permissions.add(
        Permission.objects.get(codename="check_in", content_type__app_label="fairs")
    )
    user = StaffFactory(role=Role.WORKER, province=lao_cai)
    user.groups.add(group)
    return user
