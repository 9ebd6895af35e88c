"""`make backup`: the PostgreSQL database (pg_dump, custom format) and the uploaded files.

Writes <dir>/mrc-<stamp>.dump, <dir>/media-<stamp>.tar.gz (every uploaded file, from disk
or from the bucket, through the storage API) and <dir>/counts-<stamp>.json (every table's
row count); `restore` reads them back, `restore_drill` checks them (mrc/backups.py).

All hold every worker's personal data: the folder is made (or narrowed to) 0700 and each
file is written 0600, readable by the account that runs the backup only; encrypt them
before they leave the server (docs/data-integrity.md).

The dump, the archive and the counts describe the same moment: the dump is taken from a
snapshot exported by a REPEATABLE READ transaction, and the list of files to archive and
the counts are read in that same transaction, so the archive holds exactly the files the
dump's rows point to. A file deleted between the snapshot and the archiving (an erasure,
a removed attachment) is listed in the archive's MISSING.txt and by the command, instead
of being silently absent; files written after the snapshot belong to the next backup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from mrc.backups import backup_make


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format) and the uploaded files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", default=str(settings.VAR_DIR / "backups"))

    def handle(self, *args: Any, **options: Any) -> None:
        backup = backup_make(Path(options["to"]))
        self.stdout.write(f"{backup.dump}\n{backup.media}\n{backup.counts}")
        if backup.missing:
            self.stderr.write(
                f"{len(backup.missing)} file(s) deleted since the snapshot, listed in "
                "MISSING.txt: " + ", ".join(backup.missing[:10])
            )
