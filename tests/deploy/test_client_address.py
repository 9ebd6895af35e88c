"""The visitor's address behind a proxy: read from X-Forwarded-For only as configured.

Through real requests: allauth's per-address limits, the per-account sign-in lock and the
portal's own fee-check limiter, with the proxy's address as REMOTE_ADDR as nginx gives it.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.client_ip import client_address
from tests.factories import PASSWORD, WorkerFactory
from tests.markets.test_fee_check import check as check_fee
from tests.security.test_abuse_limits import TOO_MANY_ATTEMPTS, limit_of, signed_in

PROXY = "172.18.0.5"  # nginx, as gunicorn sees it inside compose


def address(settings, forwarded: str | None, remote: str = PROXY, count: int = 1) -> str:
    settings.TRUSTED_PROXY_COUNT = count
    extra: dict[str, Any] = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


@pytest.mark.parametrize(
    ("forwarded", "count", "expected"),
    [
        ("203.0.113.7", 0, PROXY),  # no proxy configured: the header is the visitor's typing
        ("203.0.113.7", 1, "203.0.113.7"),
        ("6.6.6.6, 203.0.113.7", 1, "203.0.113.7"),  # typed entry on the left is ignored
        ("6.6.6.6, 203.0.113.7, 10.0.0.2", 2, "203.0.113.7"),  # CDN + nginx
        ("203.0.113.7", 2, "203.0.113.7"),  # came around the outer proxy
        ("203.0.113.7:51234", 1, "203.0.113.7"),
        ("[2001:db8::1]:443", 1, "2001:db8::1"),
        ("not-an-address", 1, PROXY),
        (None, 1, PROXY),
    ],
)
def test_the_client_address_follows_the_trusted_proxy_count(settings, forwarded, count, expected):
    assert address(settings, forwarded, count=count) == expected


def test_a_request_from_outside_the_trusted_networks_is_keyed_on_its_own_address(settings):
    settings.TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("172.18.0.0/16")]

    assert address(settings, "203.0.113.7") == "203.0.113.7"
    assert address(settings, "203.0.113.7", remote="198.51.100.9") == "198.51.100.9"


def sign_in(client: Client, login: str, password: str, forwarded: str, **extra: Any):
    return client.post(
        reverse("account_login"),
        {"login": login, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
        **extra,
    )


def use_up_failed_sign_ins_of(forwarded: str) -> None:
    """Wrong passwords for as many different accounts as one address may try."""
    rate = limit_of("login_failed", "ip")
    for n in range(rate.amount):
        sign_in(Client(), f"someone{n}@example.vn", "wrong", forwarded)


@pytest.mark.django_db
def test_behind_the_proxy_one_visitor_locked_out_by_address_does_not_lock_out_another(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    WorkerFactory(email="mai@example.vn")
    use_up_failed_sign_ins_of("203.0.113.7")

    refused = sign_in(Client(), "mai@example.vn", PASSWORD, "203.0.113.7")
    other = Client()
    accepted = sign_in(other, "mai@example.vn", PASSWORD, "203.0.113.8")

    assert TOO_MANY_ATTEMPTS in refused.text
    assert accepted.status_code == 302
    assert signed_in(other)


@pytest.mark.django_db
def test_behind_the_proxy_a_typed_forwarded_entry_does_not_escape_the_limit(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    WorkerFactory(email="mai@example.vn")
    rate = limit_of("login_failed", "ip")
    for n in range(rate.amount):
        # The visitor types a new address each time; nginx appends the one it saw.
        sign_in(Client(), f"someone{n}@example.vn", "wrong", f"6.6.6.{n}, 203.0.113.7")

    refused = sign_in(Client(), "mai@example.vn", PASSWORD, "1.2.3.4, 203.0.113.7")

    assert TOO_MANY_ATTEMPTS in refused.text


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_typed_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    WorkerFactory(email="mai@example.vn")
    rate = limit_of("login_failed", "ip")
    for n in range(rate.amount):
        sign_in(Client(), f"someone{n}@example.vn", "wrong", f"203.0.113.{n}")

    refused = sign_in(Client(), "mai@example.vn", PASSWORD, "203.0.113.200")

    assert TOO_MANY_ATTEMPTS in refused.text


@pytest.mark.django_db
def test_the_account_lock_holds_whatever_host_name_the_sign_in_is_sent_to(settings):
    settings.ALLOWED_HOSTS = ["mrc.example", "www.mrc.example", "10.0.0.9"]
    settings.TRUSTED_PROXY_COUNT = 1
    WorkerFactory(email="mai@example.vn")
    rate = limit_of("login_failed", "key")
    for n in range(rate.amount):
        sign_in(Client(), "mai@example.vn", "wrong", f"203.0.113.{n}", HTTP_HOST="mrc.example")

    for host in ["www.mrc.example", "10.0.0.9", "mrc.example"]:
        locked = Client()
        refused = sign_in(locked, "mai@example.vn", PASSWORD, "198.51.100.1", HTTP_HOST=host)
        assert TOO_MANY_ATTEMPTS in refused.text, host
        assert not signed_in(locked)


@pytest.mark.django_db
def test_behind_the_proxy_fee_checks_are_counted_per_visitor_not_per_proxy(
    settings, programme, few_fee_checks
):
    settings.TRUSTED_PROXY_COUNT = 1

    def check(forwarded: str):
        return check_fee(Client(HTTP_X_FORWARDED_FOR=forwarded), programme, address=PROXY)

    used = [check("203.0.113.7").status_code for _ in range(few_fee_checks)]

    assert used == [200] * few_fee_checks
    assert check("6.6.6.6, 203.0.113.7").status_code == 429
    assert check("203.0.113.8").status_code == 200


@pytest.mark.django_db
def test_the_signed_in_devices_page_shows_the_visitors_address_not_the_proxys(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    WorkerFactory(email="mai@example.vn")
    client = Client()
    sign_in(client, "mai@example.vn", PASSWORD, "203.0.113.7")

    page = client.get(reverse("usersessions_list"), REMOTE_ADDR=PROXY)

    assert "203.0.113.7" in page.text
    assert PROXY not in page.text
