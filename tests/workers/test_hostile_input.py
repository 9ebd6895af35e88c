"""What the fuzz test of every form (tests/security/test_form_fuzz.py) found in workers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import login_staff
from tests.factories import WorkerFactory
from tests.workers.factories import ProfileFactory, jpeg_upload
from workers.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, worker):
    ProfileFactory(user=worker)
    client.force_login(worker)
    return worker


@pytest.mark.parametrize("province", ["9223372036854775808", "²", "NaN"])
def test_the_address_step_with_a_province_that_is_no_id_shows_the_form_again(
    client, signed_in, province
):
    response = client.post(
        reverse("workers:profile_step", args=["address"]),
        {"province": province, "refresh": "1", "version": "0"},
    )

    assert response.status_code == 200


def test_a_document_type_with_a_nul_byte_is_not_found(client, signed_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    response = client.post(
        reverse("workers:documents"), {"type": "passport\x00", "file": jpeg_upload()}
    )

    assert response.status_code == 404
    assert not Document.all_objects.exists()


def test_searching_workers_with_a_nul_byte_searches_what_is_left_instead_of_failing(
    client, counsellor, lao_cai
):
    ProfileFactory(user=WorkerFactory(province=lao_cai, name="Lò Thị Mai"))
    ProfileFactory(user=WorkerFactory(province=lao_cai, name="Giàng A Páo"))
    login_staff(client, counsellor)

    response = client.get(reverse("workers:staff_workers"), {"q": "lo thi mai\x00"})

    # The NUL is dropped (PostgreSQL's driver refuses it, SQLite ends the pattern there):
    # what is left is searched, and shown in the search box.
    assert response.status_code == 200
    assert response.context["query"] == "lo thi mai"
    assert "Lò Thị Mai" in response.text
    assert "Giàng A Páo" not in response.text
