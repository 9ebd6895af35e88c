"""/healthz/live and /healthz/ready: by IP address, over plain HTTP, Redis away is degraded."""

from __future__ import annotations

import json
import time

import pytest
from django.core.cache import cache
from django.test import Client

from mrc.health import HEARTBEAT_KEY
from mrc.tasks import heartbeat
from tests import s3
from tests.mrc.test_health import redis_is_running
from tests.mrc.test_settings import PRODUCTION, run

pytestmark = pytest.mark.django_db


def by_ip(path: str) -> object:
    # A load balancer asks by the instance's address, not a host name the portal knows.
    return Client().get(path, HTTP_HOST="10.0.3.7:8000")


def test_live_answers_without_touching_anything(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = by_ip("/healthz/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_is_ok_with_the_database_and_storage_and_no_redis_configured(settings, tmp_path):
    settings.REDIS_URL = None
    settings.MEDIA_ROOT = tmp_path / "media"

    response = by_ip("/healthz/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "storage": True}}


def test_ready_with_redis_down_is_degraded_not_down(settings):
    settings.REDIS_URL = settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"

    response = by_ip("/healthz/ready")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] is True
    assert body["checks"]["redis"] is False


@pytest.fixture
def with_redis(settings) -> None:
    if not redis_is_running():
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.REDIS_URL = settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"


def test_ready_reads_the_jobs_heartbeat(with_redis):
    before = by_ip("/healthz/ready").json()
    heartbeat()  # as a worker runs it when beat sends it
    after = by_ip("/healthz/ready").json()

    assert before["status"] == "degraded"
    assert before["checks"]["jobs_heartbeat_seconds"] is None
    assert after["status"] == "ok"
    assert after["checks"]["jobs_heartbeat_seconds"] <= 1


def test_a_heartbeat_older_than_five_minutes_is_degraded(with_redis):
    cache.set(HEARTBEAT_KEY, time.time() - 6 * 60)

    body = by_ip("/healthz/ready").json()

    assert body["status"] == "degraded"
    assert body["checks"]["jobs_heartbeat_seconds"] >= 360


def test_ready_checks_the_bucket(settings, s3_endpoint, bucket):
    settings.REDIS_URL = None
    assert by_ip("/healthz/ready").json()["checks"]["storage"] is True

    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3.s3_options(s3_endpoint, "no-such-bucket"),
    }
    body = by_ip("/healthz/ready").json()

    assert body == {"status": "degraded", "checks": {"database": True, "storage": False}}


def test_ready_is_503_when_the_database_is_down():
    probe = (
        "import json, django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz/ready', HTTP_HOST='10.0.3.7'); "
        "print(r.status_code, json.dumps(r.json()))"
    )
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    result = run(probe, DATABASE_URL="postgresql://mrc@127.0.0.1:9/mrc", **PRODUCTION,
                 DEBUG="0", ALLOWED_HOSTS="mrc.example")  # fmt: skip

    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body)["status"] == "down"
    assert json.loads(body)["checks"]["database"] is False


def test_with_debug_off_the_health_paths_are_not_redirected_to_https():
    probe = (
        "import django; django.setup(); from django.test import Client; "
        "print(Client().get('/healthz/live', HTTP_HOST='10.0.3.7').status_code)"
    )
    result = run(probe, **PRODUCTION, DEBUG="0", ALLOWED_HOSTS="mrc.example")

    assert result.stdout.strip().splitlines()[-1] == "200", result.stderr
