"""Finding 13 of the security review: personal pages are not cached, downloads open."""

import json

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.conftest import login_staff
from tests.factories import StaffFactory
from tests.workers.factories import PDF_BYTES, ProfileFactory, jpeg_upload, pdf_upload
from workers import services
from workers.models import DocumentType
from workers.uploads import clean_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def counsellor_client(client, lao_cai):
    login_staff(client, StaffFactory(role=Role.COUNSELLOR, province=lao_cai))
    return client


@pytest.mark.parametrize(
    "url", ["/staff/cases/", "/staff/cases/export.xlsx", "/staff/workers/", "/staff/reports/"]
)
def test_staff_pages_and_exports_are_never_stored(counsellor_client, url):
    response = counsellor_client.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("query", ["", "?format=json"])
def test_my_data_is_never_stored(client, lao_cai, query):
    profile = ProfileFactory()
    client.force_login(profile.user)

    response = client.get(reverse("workers:my_data") + query)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    if query:
        json.loads(response.content)


def test_public_pages_stay_cacheable(client):
    response = client.get("/")

    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("upload", "extension"),
    [(jpeg_upload, ".jpg"), (lambda: pdf_upload(content=PDF_BYTES), ".pdf")],
)
def test_a_document_download_has_the_extension_of_what_it_is(
    client, lao_cai, settings, tmp_path, upload, extension
):
    settings.MEDIA_ROOT = tmp_path
    profile = ProfileFactory()
    document = services.document_upload(
        profile=profile,
        doc_type=DocumentType.objects.get(code="passport"),
        clean=clean_upload(upload()),
        original_name="x",
        expires_on=None,
        priority_group="",
        actor=profile.user,
    )
    client.force_login(profile.user)

    response = client.get(reverse("workers:document_file", args=[document.pk]))

    disposition = response["Content-Disposition"]
    assert f'passport-{document.pk}{extension}"' in disposition
    assert "/" not in disposition.split("filename=", 1)[1]
