from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

from accounts import sms
from accounts.models import Role, User
from tests.factories import StaffFactory, WorkerFactory, province
from workers.services.profiles import reads_logged

LAO_CAI = 15
DONG_THAP = 82


def _flushes_the_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transaction = marker is not None and marker.kwargs.get("transaction", False)
    return bool(transaction) or "transactional_db" in getattr(item, "fixturenames", ())


# A folder the processes of one test run share (a cluster migrated once, tests/mrc/
# test_faults.py): made by the process that starts the run, before pytest-xdist starts its
# workers, which inherit the variable; removed when the run ends.
SHARED_DIR_ENV = "MRC_TESTS_SHARED_DIR"
_shared_dir_key = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and SHARED_DIR_ENV not in os.environ:
        shared = Path(tempfile.mkdtemp(prefix="mrc-tests-"))
        shared.chmod(0o711)  # PostgreSQL runs as its own user when the tests run as root
        os.environ[SHARED_DIR_ENV] = str(shared)
        config.stash[_shared_dir_key] = shared


def pytest_unconfigure(config: pytest.Config) -> None:
    if shared := config.stash.get(_shared_dir_key, None):
        shutil.rmtree(shared, ignore_errors=True)
        os.environ.pop(SHARED_DIR_ENV, None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first (a stable sort: the others keep their order). pytest-xdist hands
    tests out in collection order once its groups are out: the long ones started last would
    leave one worker running alone at the end of `make test`."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _isolated(settings) -> Iterator[None]:
    """Text messages stay in memory, passwords hash fast, rate-limit counters and the
    sensitive reads this process logged start at zero."""
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        # One Redis database per xdist worker: cache.clear() flushes a whole database, and a
        # shared one would wipe the other worker's rate-limit counters mid-test.
        worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
        base = settings.CACHES["default"]["LOCATION"].rsplit("/", 1)[0]
        settings.CACHES = {
            "default": {**settings.CACHES["default"], "LOCATION": f"{base}/{10 + worker}"}
        }
    # Every test starts in the portal's language: a request handled earlier in the same
    # thread must not decide the language of messages a later test builds directly.
    translation.activate(settings.LANGUAGE_CODE)
    settings.SMS_BACKEND = "accounts.sms.MemoryBackend"
    settings.ID_VERIFICATION_BACKEND = "workers.population.FakeBackend"
    # Hashing with the production work factor costs ~0.5 s per user made in a test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sms.outbox.clear()
    cache.clear()
    # Ids come again after a flush (SQLite): a read logged by an earlier test is not this one's.
    reads_logged.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True, scope="session")
def _tasks_in_process() -> Iterator[None]:
    """Unit tests run tasks in-process even with REDIS_URL set; the broker has tests of its own."""
    from mrc.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


# The rows the migrations wrote (provinces and communes, the consent text, document types,
# the law's national fee rules), read once per process right after the test database is
# made: a transactional test's flush empties every table, and these are written back.
_MIGRATED: list[tuple[type[Model], list[str], list[tuple[Any, ...]]]] = []
# Django writes these again itself after a flush (post_migrate), or they are its own.
_NOT_REFERENCE = {"django_migrations", "django_content_type", "auth_permission"}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> None:
    """pytest-django's test database, then a copy of what its migrations wrote."""
    with django_db_blocker.unblock():
        _MIGRATED.clear()
        for model in django_apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in _NOT_REFERENCE or not model._meta.managed:
                continue
            columns = [str(f.column) for f in model._meta.concrete_fields]
            with connection.cursor() as cursor:
                quote = connection.ops.quote_name
                cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}")  # noqa: S608
                if rows := cursor.fetchall():
                    _MIGRATED.append((model, columns, rows))


def _as_migrated_again() -> None:
    """Write back the migrations' rows, in one transaction (foreign keys are checked at its
    end), and move each table's id sequence past them (PostgreSQL)."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model, columns, rows in _MIGRATED:
            table = quote(model._meta.db_table)
            cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is None:
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(map(quote, columns))})"  # noqa: S608
                    f" VALUES ({', '.join(['%s'] * len(columns))})",
                    rows,
                )
        models = [model for model, _, _ in _MIGRATED]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A transactional test (a live server, transaction=True) ends by flushing every table,
    the migrations' rows too: they are written back at once, committed, so that whichever
    test this worker runs next finds the database as migrated. (Not after the worker's last
    test: the test database is gone by then.)"""
    try:
        return (yield)
    finally:
        if nextitem is not None and _flushes_the_database(item):
            with item.config.stash[blocking_manager_key].unblock():
                _as_migrated_again()


@pytest.fixture
def sms_outbox() -> list[sms.TextMessage]:
    return sms.outbox


@pytest.fixture
def lao_cai(db):
    return province(LAO_CAI)


@pytest.fixture
def dong_thap(db):
    return province(DONG_THAP)


@pytest.fixture
def worker(lao_cai) -> User:
    return WorkerFactory(province=lao_cai)


@pytest.fixture
def counsellor(lao_cai) -> User:
    return StaffFactory(role=Role.COUNSELLOR, province=lao_cai)


@pytest.fixture
def manager(lao_cai) -> User:
    return StaffFactory(role=Role.MANAGER, province=lao_cai)


@pytest.fixture
def other_counsellor(dong_thap) -> User:
    return StaffFactory(role=Role.COUNSELLOR, province=dong_thap)


@pytest.fixture
def admin_user(db) -> User:
    return StaffFactory(role=Role.ADMIN, province=None)


def login_staff(client, user: User) -> None:
    """Sign a staff member in as if they had passed both factors."""
    from allauth.mfa.models import Authenticator

    client.force_login(user)
    assert Authenticator.objects.filter(user=user).exists()


@contextmanager
def statements_on(table: str) -> Iterator[list[str]]:
    """The SQL statements run in the block that name `table`, over any number of requests.
    (The test client empties Django's query log at each request, so CaptureQueriesContext
    around several requests keeps only the last one's.)"""
    seen: list[str] = []

    def note(execute, sql, params, many, context):
        if f'"{table}"' in sql:
            seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        yield seen
