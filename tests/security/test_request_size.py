"""Finding 5 of the security review: request bodies are limited before they are read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from markets.models import FraudReport
from tests.workers.factories import jpeg_upload

pytestmark = pytest.mark.django_db

GIGABYTE = str(1024**3)


def test_a_one_gigabyte_fraud_report_is_refused_unread_with_a_vietnamese_page(client, lao_cai):
    # The test client's body is a few bytes: reading past them would fail the request, so
    # a 413 here proves that nothing was read.
    response = client.post(
        reverse("markets:report_fraud"),
        {"name_used": "X", "province": "15"},
        CONTENT_LENGTH=GIGABYTE,
    )

    assert response.status_code == 413
    assert "quá lớn" in response.text
    assert not FraudReport.all_objects.exists()


def test_a_document_upload_over_its_limit_is_refused_unread(client, lao_cai):
    from tests.factories import WorkerFactory

    client.force_login(WorkerFactory(province=lao_cai))

    response = client.post(
        reverse("workers:documents"), {"type": "passport"}, CONTENT_LENGTH=str(11 * 1024**2)
    )

    assert response.status_code == 413


def test_a_page_without_files_takes_a_few_megabytes_at_most(client):
    response = client.post(
        reverse("account_login"), {"login": "x"}, CONTENT_LENGTH=str(4 * 1024**2)
    )

    assert response.status_code == 413


def test_an_ordinary_fraud_report_with_three_photos_still_goes_through(
    client, lao_cai, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    photos = [jpeg_upload(f"{n}.jpg") for n in range(3)]

    response = client.post(
        reverse("markets:report_fraud"),
        {
            "name_used": "Công ty Việc Nhẹ",
            "phone": "0999 888 777",
            "province": "15",
            "what_was_asked": "Đòi 80 triệu",
            "attachments": photos,
        },
    )

    assert response.status_code == 302
    assert FraudReport.all_objects.get().attachments.count() == 3


def test_the_limits_are_written_out_in_settings(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.REQUEST_MAX_BYTES <= 3 * 1024 * 1024


def test_a_photo_just_under_the_documents_limit_is_not_refused_for_its_size(client, lao_cai):
    from tests.factories import WorkerFactory

    client.force_login(WorkerFactory(province=lao_cai))
    nine_megabytes = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (9 * 1024**2))

    response = client.post(reverse("workers:documents"), {"file": nine_megabytes})

    assert response.status_code != 413
