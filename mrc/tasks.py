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
def backup_nightly() -> str:
    """Make a backup (database, files, counts), copy it into the bucket's backups/ when
    files are in a bucket, and keep the newest BACKUP_KEEP there and on disk.

    On SQLite (`make run`) there is nothing to dump: it says so and does nothing.
    """
    from django.conf import settings
    from django.db import connection

    from mrc import backups

    if connection.vendor != "postgresql":
        log.info("backup: skipped, the database is not PostgreSQL")
        return "skipped"
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
