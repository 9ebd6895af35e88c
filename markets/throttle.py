"""A small cache-backed counter per visitor, to keep anonymous forms from being flooded.

Every limiter of the portal counts with `consume` (increment, then check). allauth's own
limits (sign-in, sign-up, codes) take a cache lock around their count (allauth 65.x).
"""

from __future__ import annotations

import contextlib
import math
import time

from django.core.cache import cache

# One reading of the visitor's address for every limit: X-Forwarded-For only as far as
# TRUSTED_PROXY_COUNT says, never as the visitor typed it.
from accounts.client_ip import client_address

__all__ = ["client_address", "is_limited", "record", "retry_after"]


def _key(scope: str, address: str) -> str:
    return f"markets:throttle:{scope}:{address}"


def _start_key(scope: str, address: str) -> str:
    return f"{_key(scope, address)}:start"


def is_limited(scope: str, address: str, *, limit: int) -> bool:
    """Whether this address has already used up its `limit` in the current window (a read
    for pages that only show the state; to let someone through, use `consume`)."""
    return int(cache.get(_key(scope, address), 0)) >= limit


def consume(scope: str, address: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more use and say whether it is within `limit`.

    Increment, then check: the cache's increment is atomic (Redis INCR, and a lock in the
    in-memory cache), so fifteen requests at once get exactly `limit` yeses. Reading the
    count and writing it afterwards let a burst through before any of them was counted
    (security review, finding 9). A refused use stays counted: it was an attempt.
    """
    return record(scope, address, window_seconds=window_seconds) <= limit


def refund(scope: str, address: str) -> None:
    """Give back one use that turned out not to count (a form sent back with errors)."""
    with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing to give
        cache.decr(_key(scope, address))


def record(scope: str, address: str, *, window_seconds: int) -> int:
    """Count one more use, atomically, and return the count; the window starts with the
    first use and is not extended."""
    key = _key(scope, address)
    if cache.add(key, 0, timeout=window_seconds):
        _start_window(scope, address, window_seconds=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 0, timeout=window_seconds)
        _start_window(scope, address, window_seconds=window_seconds)
        return cache.incr(key)


def _start_window(scope: str, address: str, *, window_seconds: int) -> None:
    # Kept beside the counter because Django's cache API cannot tell a key's time to live,
    # and a refused visitor should be told when to come back.
    cache.set(_start_key(scope, address), time.time(), timeout=window_seconds)


def retry_after(scope: str, address: str, *, window_seconds: int) -> int:
    """Seconds until this address's window ends; the whole window if its start is unknown."""
    started = cache.get(_start_key(scope, address))
    if started is None:
        return window_seconds
    return max(1, math.ceil(float(started) + window_seconds - time.time()))
