"""The cache keeps pages working while Redis is down (mrc.cache.FailSoftRedisCache).

Redis "down" here is a port nobody listens on; tests/mrc/test_faults.py stops a real one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError

from mrc import cache as fail_soft
from mrc.cache import FailSoftRedisCache
from tests.factories import WorkerFactory

# Nothing listens on the discard port of loopback: connecting is refused at once.
DEAD_REDIS = "redis://127.0.0.1:9/0"


@pytest.fixture(autouse=True)
def _no_outage_carried_over() -> Iterator[None]:
    fail_soft._outages.clear()
    yield
    fail_soft._outages.clear()


@pytest.fixture
def dead_cache() -> FailSoftRedisCache:
    return FailSoftRedisCache(DEAD_REDIS, {"KEY_PREFIX": "mrc"})


@pytest.fixture
def redis_down(settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "mrc.cache.FailSoftRedisCache",
            "LOCATION": DEAD_REDIS,
            "KEY_PREFIX": "mrc",
        }
    }


def test_with_redis_down_the_cache_answers_from_memory(dead_cache):
    assert dead_cache.get("missing", "default") == "default"
    assert dead_cache.add("counter", 1, timeout=60) is True
    assert dead_cache.add("counter", 1, timeout=60) is False
    assert dead_cache.incr("counter") == 2
    dead_cache.set_many({"a": 1, "b": 2})
    assert dead_cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert dead_cache.delete("a") is True
    assert dead_cache.has_key("a") is False
    with pytest.raises(ValueError):
        dead_cache.incr("never-set")  # as from any Django cache: the key is not there


def test_an_outage_is_logged_once_and_redis_is_left_alone_for_a_while(
    dead_cache, caplog, monkeypatch
):
    attempts = []
    real_get = RedisCache.get

    def counting_get(self, *args):
        attempts.append(1)
        return real_get(self, *args)

    monkeypatch.setattr(RedisCache, "get", counting_get)
    with caplog.at_level(logging.WARNING, logger="mrc.cache"):
        for _ in range(50):
            dead_cache.get("key")

    assert len(attempts) == 1  # not a connection attempt per call
    assert caplog.text.count("Redis unreachable") == 1


def test_redis_is_tried_again_after_a_pause_and_its_return_is_logged(
    dead_cache, caplog, monkeypatch
):
    dead_cache.set("key", "from memory")
    later = time.monotonic() + fail_soft.RETRY_AFTER + 1
    monkeypatch.setattr(fail_soft, "monotonic", lambda: later)
    monkeypatch.setattr(RedisCache, "get", lambda self, key, default=None, version=None: "redis")

    with caplog.at_level(logging.WARNING, logger="mrc.cache"):
        assert dead_cache.get("key") == "redis"

    assert "Redis answers again" in caplog.text


def test_an_unreachable_redis_is_given_up_on_within_the_socket_timeout(monkeypatch):
    # A Redis that does not answer at all (a dropped route) must not hold a page for long.
    connect_calls = []

    def hang(self, *args, **kwargs):
        connect_calls.append(self.socket_connect_timeout)
        raise RedisConnectionError("Timeout connecting to server")

    monkeypatch.setattr("redis.connection.Connection._connect", hang)
    slow = FailSoftRedisCache("redis://10.255.255.1:6379/0", {})

    assert slow.get("key", "default") == "default"
    assert connect_calls[0] == fail_soft.SOCKET_TIMEOUT


@pytest.mark.django_db
def test_with_redis_down_a_fraud_report_is_still_taken(client, redis_down):
    response = client.post(
        "/report-fraud/",
        {
            "name_used": "Công ty XKLĐ Ánh Dương",
            "province": "15",
            "what_was_asked": "Đòi 80 triệu đồng phí đặt cọc trước khi ký hợp đồng.",
        },
    )

    assert response.status_code == 302
    assert cache.get("markets:throttle:fraud-report:127.0.0.1") == 1  # counted in memory


@pytest.mark.django_db
def test_with_redis_down_a_wrong_password_is_refused_not_an_error(client, redis_down):
    person = WorkerFactory()

    response = client.post("/accounts/login/", {"login": person.phone, "password": "wrong"})

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
