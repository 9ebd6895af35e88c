"""Backup and restore of the uploaded files go through the storage API: the bucket is
backed up and restored like the disk. (The database half: tests/mrc/test_backup.py.)"""

from __future__ import annotations

import io
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from mrc.storage import archive_files, restore_files
from tests import s3

FILES = {
    "documents/7/a1b2c3.jpg": b"\xff\xd8 passport photo",
    "documents/7/d4e5f6.pdf": b"%PDF-1.7 judicial record",
    "support/12/receipt.png": b"\x89PNG receipt",
}


def backed_up() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        assert archive_files(archive) == len(FILES)
    return buffer.getvalue()


def test_the_bucket_is_backed_up_and_restored_into_an_empty_one(bucket, s3_endpoint, settings):
    for name, data in FILES.items():
        default_storage.save(name, ContentFile(data))
    archive = backed_up()

    with tarfile.open(fileobj=io.BytesIO(archive)) as opened:
        assert sorted(opened.getnames()) == sorted(FILES)
    s3.client(s3_endpoint).create_bucket(Bucket="mrc-restored")
    settings.STORAGES = {
        **settings.STORAGES, "default": s3.s3_options(s3_endpoint, "mrc-restored")
    }  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as opened:
        assert restore_files(opened) == len(FILES)

    restored = storages["default"]
    for name, data in FILES.items():
        with restored.open(name, "rb") as handle:
            assert handle.read() == data
    for name in FILES:
        restored.delete(name)
    s3.client(s3_endpoint).delete_bucket(Bucket="mrc-restored")


def test_an_archive_of_the_old_format_restores_onto_disk(settings, tmp_path):
    # Backups made before this change archived MEDIA_ROOT as "./documents/...".
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in FILES.items():
            info = tarfile.TarInfo(f"./{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    settings.MEDIA_ROOT = tmp_path / "media"
    buffer.seek(0)

    with tarfile.open(fileobj=buffer) as archive:
        assert restore_files(archive) == len(FILES)

    for name, data in FILES.items():
        assert (tmp_path / "media" / name).read_bytes() == data


def test_nothing_uploaded_yet_makes_an_empty_backup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "never-made"
    with tarfile.open(fileobj=io.BytesIO(), mode="w:gz") as archive:
        assert archive_files(archive) == 0


def test_a_name_climbing_out_of_the_storage_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("../../etc/cron.d/evil")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"x"))
    buffer.seek(0)

    with tarfile.open(fileobj=buffer) as archive, pytest.raises(ValueError, match="Unsafe"):
        restore_files(archive)
    assert not (tmp_path / "etc").exists()
