"""`make backup`: the PostgreSQL database (pg_dump, custom format) and the uploaded files.

Writes <dir>/mrc-<stamp>.dump and <dir>/media-<stamp>.tar.gz (every uploaded file, from
disk or from the bucket); `restore` reads them back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from mrc.storage import archive_files


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
        target.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        dump = target / f"mrc-{stamp}.dump"
        env = pg_environment()
        env["PGDATABASE"] = connection.settings_dict["NAME"]
        subprocess.run(  # noqa: S603 - fixed program, arguments we built
            [pg_program("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}"],
            env=env,
            check=True,
        )
        media = target / f"media-{stamp}.tar.gz"
        with tarfile.open(media, "w:gz") as archive:
            # Through the storage API: the files on disk, or in the bucket (S3_BUCKET).
            archive_files(archive)
        self.stdout.write(f"{dump}\n{media}")
