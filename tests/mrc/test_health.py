import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_health_is_200_when_the_database_answers(client, settings):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    expected = {"database": True} | ({"broker": True} if settings.REDIS_URL else {})
    assert response.json() == {"status": "ok", "checks": expected}


def redis_is_running() -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.django_db
@pytest.mark.skipif(
    not redis_is_running() and not os.environ.get("CI"), reason="no Redis on 127.0.0.1:6379"
)
def test_health_checks_the_real_broker_when_one_is_configured(client, settings):
    # The machine's Redis, whether or not this run was started with REDIS_URL.
    settings.REDIS_URL = settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": True, "broker": True}


@pytest.mark.django_db
def test_health_is_503_when_the_broker_is_unreachable(client, settings):
    # Port 9 on loopback: nothing listens there, the connection is refused at once.
    settings.REDIS_URL = settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "broker": False}


def test_health_is_503_when_the_database_is_unreachable():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["DATABASE_URL"] = "postgresql://postgres@127.0.0.1:9/none?sslmode=disable"
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/healthz');"
        "print(r.status_code, json.dumps(r.json()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "mrc.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body)["checks"]["database"] is False
