"""/healthz/live and /healthz/ready, for load balancers, compose and orchestrators.

Answered by a middleware placed first, before the Host check, sessions and the HTTPS
redirect: a health check comes by IP address over plain HTTP, and must not depend on the
database just to be answered (live) or fail because Redis is away (ready).

- live: the process answers. Nothing else is touched.
- ready: 200 "ok" or "degraded", 503 "down". The database is required. Redis (broker and
  cache), the file storage and the jobs' heartbeat are reported; without them the pages
  still work, so they make the instance "degraded", not "down".
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "mrc:jobs:heartbeat"
#: A heartbeat older than this (beat sends one a minute) means worker or beat is stuck.
HEARTBEAT_STALE_SECONDS = 5 * 60


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        log.exception("ready: database unreachable")
        return False


def _redis() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
        )
        return bool(client.ping())
    except Exception:
        log.warning("ready: Redis unreachable", exc_info=True)
        return False


def _storage() -> bool:
    storage = storages["default"]
    try:
        bucket = getattr(storage, "bucket_name", None)
        if bucket:
            storage.connection.meta.client.head_bucket(Bucket=bucket)  # type: ignore[attr-defined]  # S3 storage only: the base Storage type has no client
            return True
        # On disk: the folder (made on the first upload) or its parent can be written.
        root = Path(storage.location)  # type: ignore[attr-defined]  # file storage only: the base Storage type has no location
        return os.access(root if root.exists() else root.parent, os.W_OK)
    except Exception:
        log.warning("ready: file storage unreachable", exc_info=True)
        return False


def heartbeat_age() -> float | None:
    """Seconds since worker and beat last ran the heartbeat job; None if never seen."""
    try:
        beat = cache.get(HEARTBEAT_KEY)
    except Exception:
        return None
    return None if beat is None else max(0.0, time.time() - float(beat))


def ready() -> tuple[int, dict[str, object]]:
    checks: dict[str, object] = {"database": _database(), "storage": _storage()}
    degraded = not checks["storage"]
    if settings.REDIS_URL:
        checks["redis"] = _redis()
        age = heartbeat_age() if checks["redis"] else None
        checks["jobs_heartbeat_seconds"] = None if age is None else round(age)
        degraded = degraded or not checks["redis"]
        degraded = degraded or age is None or age > HEARTBEAT_STALE_SECONDS
    if not checks["database"]:
        return 503, {"status": "down", "checks": checks}
    return 200, {"status": "degraded" if degraded else "ok", "checks": checks}


class HealthMiddleware:
    """Answers the two health paths before any other middleware runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz/live":
            response: HttpResponse = JsonResponse({"status": "ok"})
        elif request.path == "/healthz/ready":
            status, body = ready()
            response = JsonResponse(body, status=status)
        else:
            return self.get_response(request)
        add_never_cache_headers(response)
        return response
