"""Prometheus metrics at /metrics, for the monitoring system only.

Requests answered and their time (counted by this middleware), and, read at each scrape:
Celery's queue depth in Redis, the outbox backlog and its oldest pending message, each
scheduled job's last success, the jobs' heartbeat. Not public: answered only with
`Authorization: Bearer $METRICS_TOKEN` (404 without a token configured), and nginx refuses
the path from outside; Prometheus scrapes gunicorn directly inside the network.

With several gunicorn processes, set PROMETHEUS_MULTIPROC_DIR to an empty folder made at
each start (compose: a tmpfs): each process writes its counts there and a scrape adds
them up, whichever process answers it.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from celery.signals import task_success
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger(__name__)

PATH = "/metrics"
REQUESTS = Counter("mrc_http_requests", "Requests answered", ["method", "status"])
LATENCY = Histogram(
    "mrc_http_request_duration_seconds",
    "Time to answer a request",
    ["method"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
_LAST_SUCCESS = "mrc:jobs:last-success:"
_METHODS = {"GET", "HEAD", "POST"}


def _job_names() -> list[str]:
    return sorted({entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()})


@task_success.connect
def _record_success(sender: Any = None, **kwargs: Any) -> None:
    name = getattr(sender, "name", "")
    if name in _job_names():
        cache.set(_LAST_SUCCESS + name, time.time(), timeout=30 * 24 * 60 * 60)


class PortalCollector:
    """What a scrape reads from the database, Redis and the cache."""

    def collect(self) -> Iterator[Metric]:
        from mrc.health import heartbeat_age

        try:
            yield from self._outbox()
        except Exception:
            # The database is away: the request counts are still worth a scrape.
            log.warning("metrics: outbox not read", exc_info=True)
        if settings.REDIS_URL:
            depth = GaugeMetricFamily(
                "mrc_queue_depth", "Tasks waiting in the broker", labels=["queue"]
            )
            try:
                import redis

                client = redis.Redis.from_url(
                    settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
                )
                depth.add_metric(["celery"], client.llen("celery"))
            except Exception:  # noqa: S110 - a scrape while Redis is down shows no depth
                pass
            yield depth
        last = GaugeMetricFamily(
            "mrc_job_last_success_timestamp_seconds",
            "When each scheduled job last succeeded (Unix time)",
            labels=["job"],
        )
        for name in _job_names():
            value = cache.get(_LAST_SUCCESS + name)
            if value is not None:
                last.add_metric([name], float(value))
        yield last
        beat = heartbeat_age()
        if beat is not None:
            heartbeat = GaugeMetricFamily(
                "mrc_jobs_heartbeat_age_seconds", "Since worker and beat last ran the heartbeat"
            )
            heartbeat.add_metric([], beat)
            yield heartbeat

    def _outbox(self) -> Iterator[Metric]:
        from notifications.models import Notification

        pending = Notification.objects.filter(status=Notification.Status.PENDING)
        backlog = GaugeMetricFamily("mrc_outbox_pending", "Messages waiting to be sent")
        backlog.add_metric([], pending.count())
        yield backlog
        oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
        age = GaugeMetricFamily(
            "mrc_outbox_oldest_pending_seconds", "Age of the oldest message waiting"
        )
        age.add_metric([], (time.time() - oldest.timestamp()) if oldest else 0.0)
        yield age


def _authorised(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


def metrics_response(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    portal = CollectorRegistry()
    portal.register(PortalCollector())
    body = generate_latest(counted) + generate_latest(portal)
    return HttpResponse(body, content_type="text/plain; version=0.0.4; charset=utf-8")


class MetricsMiddleware:
    """Counts every request and its time; answers /metrics itself, before the Host check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == PATH:
            try:
                return metrics_response(request)
            except Http404:
                return HttpResponse(status=404)
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"
        LATENCY.labels(method).observe(time.perf_counter() - started)
        REQUESTS.labels(method, f"{response.status_code // 100}xx").inc()
        return response
