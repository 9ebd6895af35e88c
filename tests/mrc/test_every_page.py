"""Every page without a parameter, for each kind of visitor: no error, and the headers."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import login_staff
from tests.factories import StaffFactory, WorkerFactory
from tests.workers.factories import ProfileFactory

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("admin/", "accounts/", "healthz", "i18n/")


def simple_routes() -> list[str]:
    """Paths of the project's own URL patterns that take no argument."""
    routes: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "^" not in route:
                path = prefix + route
                if not path.startswith(SKIP_PREFIXES):
                    routes.append("/" + path)

    walk(get_resolver().url_patterns, "")
    return sorted(set(routes))


ROUTES = simple_routes()


def test_the_walk_finds_the_pages():
    assert "/" in ROUTES and "/staff/cases/" in ROUTES and "/me/profile/" in ROUTES


@pytest.mark.parametrize("who", ["anonymous", "worker", "counsellor", "manager", "admin"])
def test_no_page_fails_and_every_page_sends_the_security_headers(client, who, lao_cai):
    if who == "worker":
        client.force_login(ProfileFactory(user=WorkerFactory(province=lao_cai)).user)
    elif who != "anonymous":
        role = {"counsellor": "counsellor", "manager": "manager", "admin": "admin"}[who]
        login_staff(client, StaffFactory(role=role, province=None if who == "admin" else lao_cai))
    failures = []
    for path in ROUTES:
        response = client.get(path)
        if response.status_code >= 500:
            failures.append((path, response.status_code))
            continue
        policy = response.headers.get("Content-Security-Policy", "")
        if "default-src 'self'" not in policy or "unsafe-inline" in policy:
            failures.append((path, "csp"))
        if response.headers.get("X-Content-Type-Options") != "nosniff":
            failures.append((path, "nosniff"))
        if response.headers.get("X-Frame-Options") != "DENY":
            failures.append((path, "frame"))
    assert failures == []
