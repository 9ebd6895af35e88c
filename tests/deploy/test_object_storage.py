"""Uploaded files in a private S3-compatible bucket: a real server (moto) on loopback.

The portal talks to it over HTTP exactly as it would to a provider: nothing here replaces
the S3 client, so a wrong bucket option, a public object or a file left on local disk
shows up as it would in production.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from tests import s3
from tests.conftest import login_staff
from tests.workers.factories import ProfileFactory, jpeg_upload, pdf_upload
from workers.models import Document


def keys(endpoint: str, name: str) -> list[str]:
    listing = s3.client(endpoint).list_objects_v2(Bucket=name)
    return [o["Key"] for o in listing.get("Contents", [])]


@pytest.fixture
def uploaded(client, worker, bucket, settings, tmp_path):
    """A worker's passport photo, sent through the upload page into the bucket."""
    settings.MEDIA_ROOT = tmp_path / "media"
    ProfileFactory(user=worker)
    client.force_login(worker)
    response = client.post(
        reverse("workers:documents"),
        {"type": "passport", "priority_group": "", "file": jpeg_upload()},
    )
    assert response.status_code == 302
    return Document.all_objects.get()


def test_an_uploaded_document_lands_in_the_bucket_and_not_on_local_disk(
    uploaded, bucket, s3_endpoint, tmp_path
):
    assert keys(s3_endpoint, bucket) == [uploaded.file.name]
    assert uploaded.file.name.startswith(f"documents/{uploaded.profile.pk}/")
    assert not (tmp_path / "media").exists()


def test_the_owner_gets_the_file_from_the_bucket_through_the_view(
    client, uploaded, bucket, s3_endpoint
):
    response = client.get(reverse("workers:document_file", args=[uploaded.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    served = b"".join(response.streaming_content)
    stored = s3.client(s3_endpoint).get_object(Bucket=bucket, Key=uploaded.file.name)
    assert served == stored["Body"].read()
    assert served.startswith(b"\xff\xd8")


def test_the_view_still_checks_who_asks_before_reading_the_bucket(
    client, uploaded, counsellor, other_counsellor
):
    url = reverse("workers:document_file", args=[uploaded.pk])
    login_staff(client, other_counsellor)
    assert client.get(url).status_code == 404
    login_staff(client, counsellor)
    assert client.get(url).status_code == 200


def test_a_file_deleted_through_the_storage_api_is_gone_from_the_bucket_and_the_view(
    client, uploaded, bucket, s3_endpoint
):
    name = uploaded.file.name

    default_storage.delete(name)

    assert keys(s3_endpoint, bucket) == []
    assert not default_storage.exists(name)
    assert client.get(reverse("workers:document_file", args=[uploaded.pk])).status_code == 404


def test_stored_objects_grant_nothing_to_the_public(uploaded, bucket, s3_endpoint):
    acl = s3.client(s3_endpoint).get_object_acl(Bucket=bucket, Key=uploaded.file.name)
    grantees = {g["Grantee"].get("URI", "") for g in acl["Grants"]}

    assert not any("AllUsers" in g or "AuthenticatedUsers" in g for g in grantees)
    head = s3.client(s3_endpoint).head_object(Bucket=bucket, Key=uploaded.file.name)
    assert head["CacheControl"] == "private, no-store"


def test_a_second_upload_under_a_taken_name_does_not_replace_the_first(bucket):
    first = default_storage.save("documents/1/same.pdf", pdf_upload())
    second = default_storage.save("documents/1/same.pdf", pdf_upload())

    assert first != second
    assert default_storage.exists(first) and default_storage.exists(second)


def test_signed_urls_send_the_browser_to_the_bucket_for_one_minute_only(client, uploaded, settings):
    settings.PRIVATE_FILES_SIGNED_URLS = True

    response = client.get(reverse("workers:document_file", args=[uploaded.pk]))

    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert "X-Amz-Signature" in query
    with urllib.request.urlopen(response["Location"], timeout=10) as fetched:  # noqa: S310
        assert fetched.headers["Content-Type"] == "image/jpeg"
        assert fetched.headers["Content-Disposition"].startswith("inline;")
        assert "passport-" in fetched.headers["Content-Disposition"]
        assert fetched.read().startswith(b"\xff\xd8")


def test_signed_urls_are_given_only_after_the_permission_check(
    client, uploaded, settings, other_counsellor
):
    settings.PRIVATE_FILES_SIGNED_URLS = True
    login_staff(client, other_counsellor)

    response = client.get(reverse("workers:document_file", args=[uploaded.pk]))

    assert response.status_code == 404
    assert "Location" not in response


def test_a_tampered_signed_url_is_refused_by_the_bucket(client, uploaded, settings):
    settings.PRIVATE_FILES_SIGNED_URLS = True
    location = client.get(reverse("workers:document_file", args=[uploaded.pk]))["Location"]
    bare = location.split("?", 1)[0]

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bare, timeout=10)  # noqa: S310

    assert refused.value.code == 403


def test_support_attachments_go_to_the_bucket_and_leave_it_when_removed(
    bucket, s3_endpoint, lao_cai, worker, django_capture_on_commit_callbacks
):
    from loans import services
    from tests.loans.factories import attach, grant_programme, worker_profile

    profile = worker_profile(lao_cai, groups=["poor"], user=worker)
    application = services.application_start(
        profile=profile, programme=grant_programme(province=lao_cai), actor=worker
    )
    attachment = attach(application, worker)
    assert keys(s3_endpoint, bucket) == [attachment.file.name]

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(attachment_id=attachment.pk, actor=worker)

    assert keys(s3_endpoint, bucket) == []


def test_prepare_makes_the_bucket_private_versioned_and_expiring_old_versions(
    s3_endpoint, settings
):
    settings.STORAGES = {**settings.STORAGES, "default": s3.s3_options(s3_endpoint, "mrc-fresh")}

    call_command("storage_prepare", noncurrent_days=30)
    call_command("storage_prepare", noncurrent_days=30)  # a second run changes nothing

    bucket_api = s3.client(s3_endpoint)
    assert bucket_api.get_bucket_versioning(Bucket="mrc-fresh")["Status"] == "Enabled"
    block = bucket_api.get_public_access_block(Bucket="mrc-fresh")["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    [rule] = bucket_api.get_bucket_lifecycle_configuration(Bucket="mrc-fresh")["Rules"]
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    bucket_api.delete_bucket(Bucket="mrc-fresh")


def test_on_local_disk_prepare_has_nothing_to_do(capsys):
    call_command("storage_prepare")

    assert "nothing to do" in capsys.readouterr().out


def test_moving_to_a_bucket_copies_the_files_kept_on_disk_under_the_same_names(
    s3_endpoint, settings, tmp_path, capsys
):
    settings.MEDIA_ROOT = tmp_path / "media"
    old = tmp_path / "media" / "documents" / "3"
    old.mkdir(parents=True)
    (old / "a1.jpg").write_bytes(b"\xff\xd8 old passport")
    (old / "b2.pdf").write_bytes(b"%PDF old record")
    settings.STORAGES = {**settings.STORAGES, "default": s3.s3_options(s3_endpoint, "mrc-moved")}

    call_command("storage_prepare", import_media=True)
    call_command("storage_prepare", import_media=True)  # again: nothing copied twice

    out = capsys.readouterr().out
    assert "Copied 2 files" in out and "Copied 0 files" in out and "(2 were there" in out
    bucket_api = s3.client(s3_endpoint)
    for name, data in [("documents/3/a1.jpg", b"\xff\xd8 old passport"),
                       ("documents/3/b2.pdf", b"%PDF old record")]:  # fmt: skip
        assert bucket_api.get_object(Bucket="mrc-moved", Key=name)["Body"].read() == data
    for version in bucket_api.list_object_versions(Bucket="mrc-moved").get("Versions", []):
        bucket_api.delete_object(
            Bucket="mrc-moved", Key=version["Key"], VersionId=version["VersionId"]
        )
    bucket_api.delete_bucket(Bucket="mrc-moved")
