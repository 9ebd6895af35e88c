"""Backups: made (`backup`, and nightly by beat), copied to the bucket, pruned, drilled.

A backup is three files with one stamp, in a private folder (0700, files 0600):

- ``mrc-<stamp>.dump``: pg_dump, custom format, from a snapshot;
- ``media-<stamp>.tar.gz``: every uploaded file a row of that snapshot points to;
- ``counts-<stamp>.json``: the row count of every table in that same snapshot, and how
  many files the archive holds, so `restore_drill` can tell a restore that lost rows from
  a live database that simply moved on since.

With a bucket configured (S3_BUCKET), the nightly job copies the three files into it under
``backups/`` through the storage API (private, like every object the portal writes), and
keeps the newest BACKUP_KEEP there and on disk.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from storages.backends.s3 import S3Storage

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
PREFIX = "backups/"
STAMP = re.compile(r"^(?:mrc|media|counts)-(\d{8}-\d{6})\.(?:dump|tar\.gz|json)$")


@dataclass
class Backup:
    dump: Path
    media: Path
    counts: Path
    missing: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        return [self.dump, self.media, self.counts]


def referenced_files() -> list[str]:
    """Every stored file name a row points to, read in the caller's transaction."""
    names: set[str] = set()
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                names |= set(
                    model._default_manager.exclude(**{model_field.name: ""}).values_list(
                        model_field.name, flat=True
                    )
                )
    return sorted(names)


def pg_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not installed (apt-get install postgresql-client).")
    return path


def pg_environment(dbname: str | None = None) -> dict[str, str]:
    """libpq's variables for the default database, so no password is on a command line."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("Backups are for PostgreSQL: set DATABASE_URL.")
    env = dict(os.environ)
    env.update(
        PGHOST=str(db["HOST"]),
        PGPORT=str(db["PORT"]),
        PGUSER=str(db["USER"]),
        PGPASSWORD=str(db["PASSWORD"]),
        PGDATABASE=dbname or str(connection.settings_dict["NAME"]),
    )
    return env


def table_counts(cursor: object) -> dict[str, int]:
    """The row count of every table of the database `cursor` reads, by name."""
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
    )
    names = [row[0] for row in cursor.fetchall()]  # type: ignore[attr-defined]
    counts = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        cursor.execute(f"SELECT count(*) FROM {quoted}")  # type: ignore[attr-defined]  # noqa: S608 - a quoted table name
        counts[name] = int(cursor.fetchone()[0])  # type: ignore[attr-defined]
    return counts


def backup_make(target: Path, *, now: datetime | None = None) -> Backup:
    """Dump the database, archive its files and count its rows, all from one snapshot."""
    target.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    target.chmod(PRIVATE_DIR)  # an older, wider folder is narrowed
    stamp = (now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    backup = Backup(
        dump=target / f"mrc-{stamp}.dump",
        media=target / f"media-{stamp}.tar.gz",
        counts=target / f"counts-{stamp}.json",
    )
    env = pg_environment()
    previous = os.umask(0o077)  # pg_dump's file, and the others, are born 0600
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                subprocess.run(  # noqa: S603 - fixed program, arguments we built
                    [
                        pg_program("pg_dump"),
                        "--format=custom",
                        "--no-owner",
                        f"--snapshot={snapshot}",
                        f"--file={backup.dump}",
                    ],
                    env=env,
                    check=True,
                )
                counts = table_counts(cursor)
            names = referenced_files()
        backup.missing = _archive(backup.media, names)
        backup.counts.write_text(
            json.dumps(
                {"tables": counts, "files": len(names) - len(backup.missing)},
                indent=1,
                sort_keys=True,
            )
        )
    finally:
        os.umask(previous)
    for path in backup.files:
        path.chmod(PRIVATE_FILE)
    return backup


def _archive(media: Path, names: list[str]) -> list[str]:
    # Through the storage API: the files on disk, or in the bucket (S3_BUCKET).
    storage = storages["default"]
    missing = []
    with tarfile.open(media, "w:gz") as archive:
        for name in names:
            if not storage.exists(name):
                missing.append(name)
                continue
            with storage.open(name, "rb") as handle:
                data = handle.read()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = PRIVATE_FILE
            archive.addfile(info, io.BytesIO(data))
        if missing:
            listing = ("\n".join(missing) + "\n").encode()
            info = tarfile.TarInfo("MISSING.txt")
            info.size = len(listing)
            info.mode = PRIVATE_FILE
            archive.addfile(info, io.BytesIO(listing))
    return missing


# --- In the bucket --------------------------------------------------------------------


def bucket() -> Storage | None:
    """The file storage when it is a bucket (S3_BUCKET), else None."""
    storage = storages["default"]
    return storage if isinstance(storage, S3Storage) else None


def backup_copy_to_bucket(backup: Backup, storage: Storage) -> list[str]:
    """Copy the backup's files into the bucket under backups/; returns their names there."""
    saved = []
    for path in backup.files:
        with path.open("rb") as handle:
            saved.append(storage.save(PREFIX + path.name, File(handle, name=path.name)))
    return saved


def _stamps(names: list[str]) -> dict[str, list[str]]:
    by_stamp: dict[str, list[str]] = {}
    for name in names:
        found = STAMP.match(Path(name).name)
        if found:
            by_stamp.setdefault(found.group(1), []).append(name)
    return by_stamp


def backups_prune(keep: int, *, folder: Path | None = None, storage: Storage | None = None) -> int:
    """Delete all but the newest `keep` backups in `folder` and/or the bucket's backups/;
    returns how many files went."""
    keep = max(1, keep)
    deleted = 0
    if folder is not None and folder.is_dir():
        by_stamp = _stamps([p.name for p in folder.iterdir()])
        for stamp in sorted(by_stamp)[:-keep]:
            for name in by_stamp[stamp]:
                (folder / name).unlink(missing_ok=True)
                deleted += 1
    if storage is not None:
        by_stamp = _stamps([PREFIX + n for n in storage.listdir(PREFIX.rstrip("/"))[1]])
        for stamp in sorted(by_stamp)[:-keep]:
            for name in by_stamp[stamp]:
                storage.delete(name)
                deleted += 1
    return deleted


def newest_stamp(names: list[str]) -> str | None:
    """The newest stamp that has a dump among `names`."""
    dumps = [s for s, files in _stamps(names).items() if any(f.endswith(".dump") for f in files)]
    return max(dumps) if dumps else None


def backup_fetch_newest(storage: Storage, into: Path) -> Backup:
    """Download the bucket's newest backup into the folder `into`."""
    names = [PREFIX + n for n in storage.listdir(PREFIX.rstrip("/"))[1]]
    stamp = newest_stamp(names)
    if stamp is None:
        raise CommandError("No backup in the bucket (backups/).")
    backup = Backup(
        dump=into / f"mrc-{stamp}.dump",
        media=into / f"media-{stamp}.tar.gz",
        counts=into / f"counts-{stamp}.json",
    )
    for path in backup.files:
        if not storage.exists(PREFIX + path.name):
            continue  # an older backup without its counts file
        with storage.open(PREFIX + path.name, "rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        path.chmod(PRIVATE_FILE)
    return backup


def backup_find_newest(folder: Path) -> Backup:
    """The newest backup in a local folder."""
    stamp = newest_stamp([p.name for p in folder.iterdir()]) if folder.is_dir() else None
    if stamp is None:
        raise CommandError(f"No backup (mrc-<stamp>.dump) in {folder}.")
    return Backup(
        dump=folder / f"mrc-{stamp}.dump",
        media=folder / f"media-{stamp}.tar.gz",
        counts=folder / f"counts-{stamp}.json",
    )
