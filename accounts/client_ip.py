"""The visitor's address, for every limit keyed on it (sign-in, codes, fee checks, reports).

Behind a proxy every request comes from the proxy's address, so one abusive visitor would
lock out the whole province, and one key per address would be no limit at all. The
proxies add the address they saw to X-Forwarded-For; anything to the left of what our own
proxies wrote was typed by the visitor and is never believed.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def _address(value: str) -> str | None:
    """A clean IP address from a header entry ("1.2.3.4", "1.2.3.4:5678", "[::1]:80"), or None."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _from_trusted_proxy(remote: str) -> bool:
    networks = settings.TRUSTED_PROXY_NETWORKS
    if not networks:
        return True
    address = _address(remote)
    return address is not None and any(
        ipaddress.ip_address(address) in network for network in networks
    )


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n the n-th X-Forwarded-For entry from the
    right: the address our outermost proxy saw. With TRUSTED_PROXIES set, the header is read
    only on requests that come from one of those networks (not around the proxy)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded or not _from_trusted_proxy(remote):
        return _address(remote) or remote or "unknown"
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    # Fewer entries than proxies: the request passed fewer of them (the outer one was
    # skipped), and the leftmost entry is still one a proxy of ours wrote.
    chosen = hops[-count] if len(hops) >= count else hops[0] if hops else ""
    address = _address(chosen)
    if address is None:
        logger.warning("Unreadable X-Forwarded-For %r; keying on the proxy's address", forwarded)
        return _address(remote) or remote or "unknown"
    return address
