from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from accounts import sms
from accounts.models import Commune, Province, Role, User
from accounts.places import sync_places
from tests.factories import StaffFactory, WorkerFactory, province

LAO_CAI = 15
DONG_THAP = 82


def _flushes_the_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transaction = marker is not None and marker.kwargs.get("transaction", False)
    return bool(transaction) or "transactional_db" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first (a stable sort: the others keep their order). pytest-xdist hands
    tests out in collection order once its groups are out: the long ones started last would
    leave one worker running alone at the end of `make test`.

    Never a test that flushes the database (live server, transaction=True) before one that
    does not: the flush empties the rows the data migrations wrote (provinces, consent
    text, document types), which the later tests need. pytest-django puts those last."""
    items.sort(
        key=lambda item: (_flushes_the_database(item), item.get_closest_marker("slow") is None)
    )


@pytest.fixture(autouse=True)
def _isolated(settings) -> Iterator[None]:
    """Text messages stay in memory, passwords hash fast, rate-limit counters start at zero."""
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


# Reference rows that data migrations write; a transactional test's flush removes them.
_DATA_MIGRATIONS = [
    ("accounts.migrations.0004_consent_text_v1", "add_v1"),
    ("workers.migrations.0002_document_types", "add_types"),
    ("workers.migrations.0013_orientation_certificate", "add_type"),
]


# The provinces and communes as sync_places wrote them, kept from the first time in this
# process: reading the official list again and sorting 3,321 names took 1 to 3.6 s per
# transactional test (there are some sixty); inserting the same rows back takes a tenth.
_PLACES: list[tuple[str, list[str], list[tuple[Any, ...]]]] = []  # table, columns, rows


def _places_again() -> None:
    if not _PLACES:
        sync_places(Province, Commune)
        for model in (Province, Commune):
            fields = model._meta.concrete_fields
            rows = list(model.objects.values_list(*(f.attname for f in fields)))
            _PLACES.append((model._meta.db_table, [str(f.column) for f in fields], rows))
        return
    quote = connection.ops.quote_name
    for table, columns, rows in _PLACES:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))})"  # noqa: S608
                f" VALUES ({', '.join(['%s'] * len(columns))})",
                rows,
            )


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request) -> None:
    """Transactional tests flush every table, migrated data too: write it again."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        if not Province.objects.exists():
            _places_again()
            for module, function in _DATA_MIGRATIONS:
                getattr(importlib.import_module(module), function)(django_apps, None)


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
