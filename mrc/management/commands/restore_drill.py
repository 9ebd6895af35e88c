"""`make restore-drill`: restore the newest backup into a scratch database and count.

Takes the newest backup (from the bucket's backups/ when files are in a bucket, else from
VAR_DIR/backups, or --from), creates a temporary PostgreSQL database beside the live one,
restores the dump into it, and compares the row count of every table with the counts the
backup recorded in its own snapshot (counts-<stamp>.json); the live database's counts are
shown beside them (they differ by what happened since the backup). A backup without a
counts file is compared with the live database. The media archive must hold as many
files as recorded. The scratch database is dropped in every case.

Prints a plain-text table and exits non-zero when a table or the files do not match, or
the restore fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from mrc.backups import (
    Backup,
    backup_fetch_newest,
    backup_find_newest,
    bucket,
    pg_environment,
    pg_program,
    table_counts,
)


def _counts(dbname: str) -> dict[str, int]:
    db = connection.settings_dict
    with (
        psycopg.connect(
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            dbname=dbname,
        ) as conn,
        conn.cursor() as cursor,
    ):
        return table_counts(cursor)


def _archive_files(media: Path) -> int | None:
    if not media.exists():
        return None
    with tarfile.open(media, "r:gz") as archive:
        return sum(1 for m in archive if m.isfile() and m.name != "MISSING.txt")


class Command(BaseCommand):
    help = "Restore the newest backup into a scratch database and compare row counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="source",
            help="a folder of backups (default: the bucket when there is one, else "
            "VAR_DIR/backups)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        live = str(connection.settings_dict["NAME"])
        pg_environment()  # PostgreSQL only
        with tempfile.TemporaryDirectory(prefix="mrc-drill-") as scratch_dir:
            storage = bucket()
            if options["source"]:
                backup = backup_find_newest(Path(options["source"]))
                where = options["source"]
            elif storage is not None:
                backup = backup_fetch_newest(storage, Path(scratch_dir))
                where = "the bucket (backups/)"
            else:
                backup = backup_find_newest(settings.VAR_DIR / "backups")
                where = str(settings.VAR_DIR / "backups")
            self.stdout.write(f"Backup {backup.dump.name} from {where}")
            failures = self._drill(backup, live)
        self.stdout.write(f"Drill took {time.monotonic() - started:.1f} s.")
        if failures:
            raise CommandError(f"Restore drill FAILED: {'; '.join(failures)}")
        self.stdout.write("Restore drill passed: every table and file is there.")

    def _drill(self, backup: Backup, live: str) -> list[str]:
        recorded = json.loads(backup.counts.read_text()) if backup.counts.exists() else None
        scratch = f"{live[:40]}_drill_{os.getpid()}"
        quoted = '"' + scratch.replace('"', '""') + '"'
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {quoted}")
        try:
            restore_started = time.monotonic()
            result = subprocess.run(  # noqa: S603 - fixed program, arguments we built
                [pg_program("pg_restore"), "--no-owner", "--exit-on-error",
                 f"--dbname={scratch}", str(backup.dump)],
                env=pg_environment(scratch),
                capture_output=True,
                text=True,
            )  # fmt: skip
            if result.returncode != 0:
                return [f"pg_restore failed: {result.stderr.strip()[-500:]}"]
            self.stdout.write(
                f"Restored into {scratch} in {time.monotonic() - restore_started:.1f} s"
            )
            restored = _counts(scratch)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        current = _counts(live)
        expected = recorded["tables"] if recorded else current
        basis = "backup" if recorded else "live"
        failures = []
        self.stdout.write(f"{'table':<48}{basis:>12}{'restored':>12}{'live now':>12}")
        for table in sorted(set(expected) | set(restored)):
            want, got = expected.get(table), restored.get(table)
            mark = "" if want == got else "  MISMATCH"
            if mark:
                failures.append(f"{table}: {want} expected, {got} restored")
            self.stdout.write(
                f"{table:<48}{_n(want):>12}{_n(got):>12}{_n(current.get(table)):>12}{mark}"
            )
        rows = sum(restored.values())
        self.stdout.write(f"{len(restored)} tables, {rows} rows restored.")
        files = _archive_files(backup.media)
        if recorded is not None:
            if files != recorded["files"]:
                failures.append(f"files: {recorded['files']} expected, {files} in the archive")
            self.stdout.write(f"Files: {recorded['files']} recorded, {files} in the archive.")
        return failures


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)
