from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from mrc.celery import app

CONTEXT_PROCESSOR = "notifications.context_processors.unread"


def pytest_configure(config: pytest.Config) -> None:
    # Until pyproject.toml lists it (the suite runs with --strict-markers).
    config.addinivalue_line(
        "markers", "broker: needs Redis and PostgreSQL, and starts a real Celery worker"
    )


@pytest.fixture(autouse=True)
def _notifications_mounted(settings) -> None:
    """The app's URLs and the bell's context processor, as mrc/ will have them."""
    settings.ROOT_URLCONF = "tests.notifications.urls"
    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    if CONTEXT_PROCESSOR not in processors:
        processors.append(CONTEXT_PROCESSOR)
    settings.TEMPLATES = templates


def _reset_broker_connections() -> None:
    # Celery caches its connection and producer pools: drop them so the new URL is used.
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def celery_broker(url: str, **options: Any) -> Iterator[None]:
    """Tasks go to a real broker at ``url`` instead of running in-process, then back."""
    keys = ["broker_url", "task_always_eager", *options]
    saved = {key: app.conf.get(key) for key in keys}
    app.conf.update(broker_url=url, task_always_eager=False, **options)
    _reset_broker_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_broker_connections()
