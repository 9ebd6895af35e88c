"""Uploaded files in a private S3-compatible bucket (django-storages), when S3_BUCKET is set.

Every web instance, worker and beat then reads and deletes the same files; local disk
(MEDIA_ROOT) stays the default for one machine. Backup and restore go through the storage
API too (`archive_files`, `restore_files`), so they cover the bucket as they cover the disk.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage, storages
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """A bucket that is never public: no ACL granted, signed URLs only, no overwrites.

    Whatever the options say, an object is written with the bucket's own (private) ACL, a
    URL is always signed and short-lived, and a second upload under a taken name gets a new
    name instead of replacing someone's document.
    """

    def __init__(self, **options: Any) -> None:
        # Signature version 4: what every provider accepts, with an expiry in the URL.
        options.setdefault("signature_version", "s3v4")
        options.update(
            default_acl=None,
            querystring_auth=True,
            file_overwrite=False,
            # Downloads larger than 2 MB spill to a temporary file, not the worker's memory.
            max_memory_size=2 * 1024 * 1024,
            object_parameters={
                **options.get("object_parameters", {}),
                "CacheControl": "private, no-store",
            },
        )
        super().__init__(**options)


def walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in `storage` under `folder`, on disk or in a bucket alike."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # MEDIA_ROOT not made yet: nothing was ever uploaded
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from walk(storage, f"{folder}/{sub}" if folder else sub)


def archive_files(archive: tarfile.TarFile, storage: Storage | None = None) -> int:
    """Add every uploaded file to `archive` under its storage name; returns how many."""
    storage = storage or storages["default"]
    count = 0
    for name in walk(storage):
        if name.startswith("backups/"):
            continue  # the nightly backups' own copies (mrc/backups.py), not uploads
        with storage.open(name, "rb") as handle:
            data = handle.read()
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o640
        archive.addfile(info, io.BytesIO(data))
        count += 1
    return count


def restore_files(archive: tarfile.TarFile, storage: Storage | None = None) -> int:
    """Write every file of `archive` back under its own name; returns how many."""
    storage = storage or storages["default"]
    count = 0
    for member in archive:
        if not member.isfile() or member.name == "MISSING.txt":
            continue  # MISSING.txt lists files deleted during the backup (backup command)
        name = member.name.removeprefix("./")
        if name.startswith("/") or ".." in Path(name).parts:
            raise ValueError(f"Unsafe name in the archive: {member.name!r}")
        handle = archive.extractfile(member)
        assert handle is not None  # a regular file
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise RuntimeError(f"{name} was restored as {saved}")
        count += 1
    return count
