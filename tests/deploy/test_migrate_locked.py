"""Migrations one process at a time: a second `migrate_locked` waits for the first."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from mrc.management.commands.migrate_locked import MIGRATION_LOCK

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_on_sqlite_it_is_plain_migrate(capsys):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path")
    call_command("migrate_locked", verbosity=1)

    assert "No migrations to apply" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_a_second_migration_waits_for_the_one_running():
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "mrc.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    with psycopg.connect(url, autocommit=True) as holder:
        # "The first migration", holding the lock.
        holder.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
        second = subprocess.Popen(
            [sys.executable, "manage.py", "migrate_locked"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(6)
        still_waiting = second.poll() is None
        holder.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])
    output, _ = second.communicate(timeout=120)

    assert still_waiting, output
    assert second.returncode == 0, output
    assert "Another migration is running; waiting" in output
    assert "No migrations to apply" in output
