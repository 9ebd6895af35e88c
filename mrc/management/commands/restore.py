"""`make restore`: a backup made by `backup` into the configured database and file storage.

The database should be empty (a fresh one); the files are written back under their own
names, onto MEDIA_ROOT or into the bucket (S3_BUCKET).
"""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from mrc.backups import pg_environment, pg_program
from mrc.storage import restore_files


class Command(BaseCommand):
    help = "Restore a database dump and its media archive made by `backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dump", help="the mrc-<stamp>.dump file")
        parser.add_argument("--media", help="the media-<stamp>.tar.gz file (default: beside)")

    def handle(self, *args: Any, **options: Any) -> None:
        dump = Path(options["dump"])
        media = Path(
            options["media"]
            or dump.with_name(dump.name.replace("mrc-", "media-").replace(".dump", ".tar.gz"))
        )
        if not dump.exists() or not media.exists():
            raise CommandError(f"Missing {dump if not dump.exists() else media}.")
        env = pg_environment()
        env["PGDATABASE"] = connection.settings_dict["NAME"]
        subprocess.run(  # noqa: S603 - fixed program, arguments we built
            [
                pg_program("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                f"--dbname={env['PGDATABASE']}",
                str(dump),
            ],
            env=env,
            check=True,
        )
        with tarfile.open(media, "r:gz") as archive:
            # Through the storage API: onto disk, or into the bucket (S3_BUCKET).
            restore_files(archive)
        self.stdout.write(f"Restored {dump.name} and {media.name}.")
