"""The nightly backup into the bucket, its pruning, and the restore drill (PostgreSQL).

The bucket is moto's S3 server on loopback (tests/s3.py), not a mock of the client.
"""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from mrc import backups
from mrc.tasks import backup_nightly
from tests import s3
from tests.factories import WorkerFactory

on_postgresql = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="backups are of PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def postgresql(test):
    for mark in on_postgresql:
        test = mark(test)
    return test


def scratch_databases() -> list[str]:
    """This test database's scratch copies: another xdist worker may be drilling its own."""
    live = connection.settings_dict["NAME"][:40]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [f"{live}_drill_"]
        )
        return [row[0] for row in cursor.fetchall()]


def drill(*args: str) -> str:
    out = StringIO()
    call_command("restore_drill", *args, stdout=out)
    return out.getvalue()


@postgresql
def test_the_drill_restores_the_newest_backup_and_finds_every_table(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    WorkerFactory.create_batch(3)
    default_storage.save("documents/1/a.jpg", ContentFile(b"\xff\xd8 photo"))
    old = backups.backup_make(tmp_path / "b", now=timezone.now() - datetime.timedelta(days=1))
    old.dump.write_bytes(b"not a dump")  # only the newest is drilled
    backups.backup_make(tmp_path / "b")
    WorkerFactory()  # the live database moves on after the backup: not a failure

    report = drill("--from", str(tmp_path / "b"))

    assert "Restore drill passed" in report
    users = next(line for line in report.splitlines() if line.startswith("accounts_user "))
    live_users = WorkerFactory._meta.model.objects.count()
    assert users.split()[1:] == [str(live_users - 1), str(live_users - 1), str(live_users)]
    assert "django_migrations" in report
    assert scratch_databases() == []


@postgresql
def test_the_drill_fails_loudly_when_the_restore_lacks_rows(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    WorkerFactory()
    made = backups.backup_make(tmp_path / "b")
    # As if the dump had lost the users table's rows: the counts say more than it holds.
    counts = json.loads(made.counts.read_text())
    counts["tables"]["accounts_user"] += 5
    made.counts.write_text(json.dumps(counts))

    with pytest.raises(CommandError, match="accounts_user"):
        drill("--from", str(tmp_path / "b"))
    assert scratch_databases() == []


@postgresql
def test_the_nightly_backup_goes_to_the_bucket_private_and_old_ones_are_pruned(
    bucket, s3_endpoint, settings, tmp_path
):
    settings.BACKUP_DIR = tmp_path / "b"
    settings.BACKUP_KEEP = 2
    WorkerFactory()
    for days in (3, 2, 1):  # three earlier nights
        made = backups.backup_make(
            settings.BACKUP_DIR, now=timezone.now() - datetime.timedelta(days=days)
        )
        backups.backup_copy_to_bucket(made, default_storage)

    newest = backup_nightly()
    assert backup_nightly() == "done already today"  # a second beat, or run_jobs by cron

    client = s3.client(s3_endpoint)
    keys = sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"])
    assert len(keys) == 6 and all(k.startswith("backups/") for k in keys)
    assert f"backups/{newest}" in keys
    assert sorted(p.name for p in settings.BACKUP_DIR.iterdir()) == sorted(
        k.removeprefix("backups/") for k in keys
    )
    for key in keys:  # nobody but the owner
        grants = client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
        assert all("URI" not in g["Grantee"] for g in grants), grants
    # The drill takes the newest from the bucket when files are in a bucket.
    report = drill()
    assert f"Backup {newest} from the bucket" in report
    assert "Restore drill passed" in report


def test_the_schedule_runs_the_backup_at_two_by_default(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["backup-nightly"]
    assert entry["task"] == "mrc.tasks.backup_nightly"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {0})
