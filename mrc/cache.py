"""The cache: Redis, and this process's memory while Redis cannot be reached.

The portal keeps only short-lived counters in the cache (the rate limits of sign-in,
sign-up and codes, the public forms' limits, second-factor codes already used), nothing
that must survive. So a Redis outage must not turn pages into errors: Django's RedisCache
raises on every call; this one logs once and answers from memory until Redis is back.
"""

from __future__ import annotations

import logging
import threading
from time import monotonic
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

#: What an unreachable, restarting or overloaded Redis raises.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
#: Seconds to leave Redis alone after it failed, so each request does not wait on it again.
RETRY_AFTER = 5.0
#: A cache answers in milliseconds or not at all; redis-py would wait without end.
SOCKET_TIMEOUT = 1.0


class _Outage:
    """Whether Redis at one location is left alone for now; shared by a process's threads
    (Django gives each thread a cache object of its own)."""

    def __init__(self) -> None:
        self.until = 0.0
        self.down = False
        self.lock = threading.Lock()


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache, answered from a per-process memory cache while Redis fails.

    During an outage the limits count per process rather than across processes (looser,
    not gone), and what Redis holds is out of sight until it answers again.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {
            "socket_connect_timeout": SOCKET_TIMEOUT,
            "socket_timeout": SOCKET_TIMEOUT,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        with _outages_lock:
            self._outage = _outages.setdefault(str(server), _Outage())
        # One name per location, so the threads of a process share one memory store.
        self._memory = LocMemCache(
            f"redis-fallback:{server}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": 10_000},
            },
        )

    def _call(self, method: str, *args: Any) -> Any:
        outage = self._outage
        if monotonic() >= outage.until:
            try:
                result = getattr(super(), method)(*args)
            except UNREACHABLE as error:
                with outage.lock:
                    outage.until = monotonic() + RETRY_AFTER
                    first, outage.down = not outage.down, True
                if first:
                    log.warning(
                        "Cache: Redis unreachable (%s); this process uses its memory until "
                        "Redis answers again.",
                        error,
                    )
            else:
                if outage.down:
                    with outage.lock:
                        back, outage.down = outage.down, False
                    if back:
                        log.warning("Cache: Redis answers again.")
                return result
        return getattr(self._memory, method)(*args)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("add", key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call("get", key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("touch", key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._call("delete", key, version)

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._call("get_many", keys, version)

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._call("has_key", key, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        return self._call("incr", key, delta, version)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys: Any, version: Any = None) -> Any:
        return self._call("delete_many", keys, version)

    def clear(self) -> Any:
        return self._call("clear")
