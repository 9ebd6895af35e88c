"""Every job-fair URL that takes an object id, for every kind of visitor.

The project's access matrix (tests/security) leaves the `fairs:` URLs to this file. A new
fairs URL with an argument fails `test_every_fairs_object_url_is_classified` until it is
given its row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fairs import services
from tests.factories import StaffFactory, WorkerFactory
from tests.fairs.factories import fair_today, participation, register
from tests.workers.factories import ProfileFactory

pytestmark = pytest.mark.django_db

OWNER, SAME, OTHER_STAFF, OTHER_WORKER, HELPER, ANONYMOUS = (
    "ticket owner", "same-province staff", "other-province staff", "other worker",
    "fair helper", "anonymous",
)  # fmt: skip
VISITORS = [OWNER, SAME, OTHER_STAFF, OTHER_WORKER, HELPER, ANONYMOUS]

PUBLIC = frozenset(VISITORS)
STAFF = frozenset({SAME})
DOOR = frozenset({SAME, HELPER})
OWNER_AND_STAFF = frozenset({OWNER, SAME})
WORKERS = frozenset({OWNER, OTHER_WORKER, HELPER})  # a helper's own account is a worker's


@dataclass(frozen=True)
class Entry:
    args: Callable[[dict[str, Any]], list[Any]]
    allowed: frozenset[str]
    method: str = "get"  # "post": an action, checked for refusals only


def _fair(w: dict[str, Any]) -> list[Any]:
    return [w["fair"].pk]


MATRIX: dict[str, Entry] = {
    "fairs:detail": Entry(_fair, PUBLIC),
    "fairs:register": Entry(_fair, WORKERS, "post"),
    "fairs:ticket": Entry(lambda w: [w["ticket"].pk], OWNER_AND_STAFF),
    "fairs:ticket_ics": Entry(lambda w: [w["ticket"].pk], OWNER_AND_STAFF),
    "fairs:ticket_cancel": Entry(lambda w: [w["ticket"].pk], OWNER_AND_STAFF, "post"),
    "fairs:staff_fair": Entry(_fair, STAFF),
    "fairs:edit": Entry(_fair, STAFF),
    "fairs:publish": Entry(_fair, STAFF, "post"),
    "fairs:close": Entry(_fair, STAFF, "post"),
    "fairs:cancel": Entry(_fair, STAFF),
    "fairs:enterprise_add": Entry(_fair, STAFF),
    "fairs:enterprise_remove": Entry(lambda w: [w["fair"].pk, w["joined"].pk], STAFF, "post"),
    "fairs:job_order_add": Entry(lambda w: [w["fair"].pk, w["joined"].pk], STAFF),
    "fairs:job_order_remove": Entry(lambda w: [w["fair"].pk, w["order"].pk], STAFF, "post"),
    "fairs:registrations": Entry(_fair, STAFF),
    "fairs:walk_in": Entry(_fair, STAFF),
    "fairs:check_in": Entry(_fair, DOOR),
    "fairs:outcomes": Entry(_fair, STAFF),
    "fairs:offer": Entry(lambda w: [w["fair"].pk, w["interview"].pk], STAFF, "post"),
    "fairs:offer_follow_up": Entry(lambda w: [w["fair"].pk, w["interview"].pk], STAFF, "post"),
}


def fairs_object_urls() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif (
                isinstance(pattern, URLPattern)
                and "<" in str(pattern.pattern)
                and namespace == "fairs"
                and pattern.name
            ):
                names.add(f"fairs:{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_fairs_object_url_is_classified():
    assert fairs_object_urls() == set(MATRIX)


@pytest.fixture
def world(lao_cai, dong_thap, counsellor, helper):
    from markets.models import Market

    fair = fair_today(created_by=counsellor)
    owner = ProfileFactory(user=WorkerFactory(province=lao_cai)).user
    ticket = register(fair, owner).registration
    services.check_in(fair_id=fair.pk, actor=counsellor, code=ticket.code)
    joined = participation(fair, counsellor)
    order = joined.job_orders.create(
        market=Market.objects.create(code="japan-x", name_vi="Nhật"),
        occupation="x",
        vacancies=1,
    )
    interview = services.interview_record(
        participation_id=joined.pk, registration_id=ticket.pk, actor=counsellor
    )
    return {
        "fair": fair,
        "ticket": ticket,
        "joined": joined,
        "order": order,
        "interview": interview,
        "people": {
            OWNER: owner,
            SAME: counsellor,
            OTHER_STAFF: StaffFactory(province=dong_thap),
            OTHER_WORKER: ProfileFactory(user=WorkerFactory(province=lao_cai)).user,
            HELPER: helper,
            ANONYMOUS: None,
        },
    }


@pytest.mark.parametrize("visitor", VISITORS)
def test_each_visitor_gets_exactly_what_the_matrix_says(client, world, visitor):
    person = world["people"][visitor]
    if person is not None:
        client.force_login(person)
    wrong = []
    for name, entry in sorted(MATRIX.items()):
        url = reverse(name, args=entry.args(world))
        allowed = visitor in entry.allowed
        if entry.method == "post":
            if allowed:
                continue  # what the action does is tested with the action
            response = client.post(url, {})
        else:
            response = client.get(url)
        status = response.status_code
        if allowed:
            ok = status == 200
        elif visitor == ANONYMOUS:
            ok = status == 302 and response["Location"].startswith("/accounts/login")
        else:
            ok = status == 404
        if not ok:
            wrong.append((name, status))
    assert wrong == []
