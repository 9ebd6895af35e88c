"""The jobs' heartbeat (beat sends it every minute, a worker runs it, /healthz/ready reads
it) and the nightly backup."""

from __future__ import annotations

import logging
import time

from celery import shared_task
from django.core.cache import cache

from mrc.health import HEARTBEAT_KEY

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Record that beat scheduled and a worker ran a job just now."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=24 * 60 * 60)


@shared_task(ignore_result=True)
def backup_nightly(through: str | None = None) -> str:
    """Make a backup (database, files, counts), copy it into the bucket's backups/ when
    files are in a bucket, and keep the newest BACKUP_KEEP there and on disk.

    Once a day: a second run the same day (a second beat, `run_jobs` from cron every
    minute) finds the day's mark and does nothing; a night missed is made up by the
    hourly catch-up. On SQLite (`make run`) there is nothing to dump: it does nothing.
    """
    import datetime

    from django.db import connection

    from notifications.jobs import run_daily

    if connection.vendor != "postgresql":
        log.info("backup: skipped, the database is not PostgreSQL")
        return "skipped"
    made: list[str] = []

    def work(day: datetime.date) -> int:
        made.append(_backup())  # a backup is of now, whatever day it makes up for
        return 1

    run_daily(
        backup_nightly.name,
        work,
        through=datetime.date.fromisoformat(through) if through else None,
    )
    return made[0] if made else "done already today"


def _backup() -> str:
    from django.conf import settings

    from mrc import backups

    folder = settings.BACKUP_DIR
    made = backups.backup_make(folder)
    storage = backups.bucket()
    copied = backups.backup_copy_to_bucket(made, storage) if storage is not None else []
    pruned = backups.backups_prune(settings.BACKUP_KEEP, folder=folder, storage=storage)
    log.info(
        "backup: %s made, %s copied to the bucket, %s old file(s) pruned%s",
        made.dump.name,
        len(copied),
        pruned,
        f"; {len(made.missing)} file(s) deleted during the backup" if made.missing else "",
    )
    return made.dump.name
