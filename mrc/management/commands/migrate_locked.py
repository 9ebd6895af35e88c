"""`manage.py migrate_locked`: `migrate`, one at a time, without stalling the site.

Compose's `migrate` service and `make up` run it. On PostgreSQL it takes an advisory lock
first, so two started at once (two hosts running `make up`, a restarted service) run one
after the other, and the second finds nothing left to do. It also sets a lock timeout: a
migration that needs a table lock while a long query holds it gives up after
MIGRATION_LOCK_TIMEOUT instead of queueing every request to that table behind it; run it
again a little later.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from mrc.env import env_int

# Any fixed 64-bit number, the same in every process of the portal.
MIGRATION_LOCK = 0x4D52_435F_4D49_4752  # "MRC_MIGR"


class Command(BaseCommand):
    help = "Apply migrations one process at a time, with a lock timeout (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--lock-timeout",
            type=int,
            default=env_int("MIGRATION_LOCK_TIMEOUT", 10),
            help="seconds a migration waits for a table lock before giving up (default 10)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        if connection.vendor != "postgresql":
            call_command("migrate", interactive=False, verbosity=verbosity)
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK])
            if not cursor.fetchone()[0]:
                self.stdout.write("Another migration is running; waiting for it to finish.")
                self.stdout.flush()
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
            cursor.execute("SELECT set_config('lock_timeout', %s, false)",
                           [f"{options['lock_timeout']}s"])  # fmt: skip
        try:
            call_command("migrate", interactive=False, verbosity=verbosity)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])
                cursor.execute("SELECT set_config('lock_timeout', '0', false)")
