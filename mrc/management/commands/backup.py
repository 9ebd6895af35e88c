"""`make backup`: the PostgreSQL database (pg_dump, custom format) and the uploaded files.

Writes <dir>/mrc-<stamp>.dump and <dir>/media-<stamp>.tar.gz (every uploaded file, from
disk or from the bucket, through the storage API); `restore` reads them back.

Both hold every worker's personal data: the folder is made (or narrowed to) 0700 and each
file is written 0600, readable by the account that runs the backup only; encrypt them
before they leave the server (docs/data-integrity.md).

The dump and the archive describe the same moment: the dump is taken from a snapshot
exported by a REPEATABLE READ transaction, and the list of files to archive is read in
that same transaction, so the archive holds exactly the files the dump's rows point to.
A file deleted between the snapshot and the archiving (an erasure, a removed attachment)
is listed in the archive's MISSING.txt and by the command, instead of being silently
absent; files written after the snapshot belong to the next backup.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def referenced_files() -> list[str]:
    """Every stored file name a row points to, read in the caller's transaction."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names |= set(
                    model._default_manager.exclude(**{field.name: ""}).values_list(
                        field.name, flat=True
                    )
                )
    return sorted(names)


def pg_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not installed (apt-get install postgresql-client).")
    return path


def pg_environment() -> dict[str, str]:
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
        PGDATABASE=str(db["NAME"]),
    )
    return env


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format) and the uploaded files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", default=str(settings.VAR_DIR / "backups"))

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["to"])
        target.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        target.chmod(PRIVATE_DIR)  # an older, wider folder is narrowed
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        dump = target / f"mrc-{stamp}.dump"
        media = target / f"media-{stamp}.tar.gz"
        env = pg_environment()
        env["PGDATABASE"] = connection.settings_dict["NAME"]
        previous = os.umask(0o077)  # pg_dump's file, and the archive, are born 0600
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
                        f"--file={dump}",
                    ],
                    env=env,
                    check=True,
                )
                names = referenced_files()
            missing = self._archive(media, names)
        finally:
            os.umask(previous)
        for path in (dump, media):
            path.chmod(PRIVATE_FILE)
        self.stdout.write(f"{dump}\n{media}")
        if missing:
            self.stderr.write(
                f"{len(missing)} file(s) deleted since the snapshot, listed in MISSING.txt: "
                + ", ".join(missing[:10])
            )

    def _archive(self, media: Path, names: list[str]) -> list[str]:
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
