"""The jobs' heartbeat: beat sends it every minute, a worker runs it, /healthz/ready reads it."""

from __future__ import annotations

import time

from celery import shared_task
from django.core.cache import cache

from mrc.health import HEARTBEAT_KEY


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Record that beat scheduled and a worker ran a job just now."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=24 * 60 * 60)
