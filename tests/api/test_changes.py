from __future__ import annotations

import datetime
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import province
from tests.workers.factories import ProfileFactory
from workers.models import Case
from workers.services import case_assign


def _walk(http, cursor=None, limit=7, stop_after=None, between=None):
    """Read the feed page by page; returns the (id, version) pairs read and the last cursor."""
    seen: list[tuple[int, int]] = []
    pages = 0
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = http.get("/api/v1/changes", params).json()
        seen += [(r["id"], r["version"]) for r in page["results"]]
        cursor = page["next_cursor"]
        pages += 1
        if between:
            between(pages)
        if not page["has_more"] or pages == stop_after:
            return seen, cursor


def test_a_sync_reads_every_case_once_even_when_cases_change_between_pages(
    make_client, counsellor
) -> None:
    cases = [ProfileFactory().case for _ in range(30)]
    _, http = make_client()
    first_page = [c.pk for c in sorted(cases, key=lambda c: (c.updated_at, c.pk))[:7]]
    not_yet_read = cases[20].pk

    def change_some(pages: int) -> None:
        if pages == 1:
            # One case already read, one not yet read, both changed by a counsellor's action.
            case_assign(case_ids=[first_page[0], not_yet_read], to=counsellor, actor=counsellor)

    seen, _ = _walk(http, between=change_some)
    counts = Counter(seen)
    assert max(counts.values()) == 1  # no (case, version) twice
    ids = Counter(pk for pk, _ in seen)
    assert set(ids) == {c.pk for c in cases}  # nothing skipped
    # The case read before its change is read again with its new version; the other once.
    assert ids[first_page[0]] == 2
    assert ids[not_yet_read] == 1
    final = dict(Case.all_objects.values_list("pk", "version"))
    assert all((pk, version) in counts for pk, version in final.items())


def test_a_sync_that_fails_halfway_resumes_from_its_cursor(make_client) -> None:
    cases = [ProfileFactory().case for _ in range(20)]
    _, http = make_client()
    before_failure, stored_cursor = _walk(http, limit=6, stop_after=2)
    after_resume, last_cursor = _walk(http, cursor=stored_cursor, limit=6)
    assert len(before_failure) == 12
    assert sorted(before_failure + after_resume) == sorted((c.pk, c.version) for c in cases)
    # Polling later with the last cursor reads nothing new, and keeps the cursor.
    again = http.get("/api/v1/changes", {"cursor": last_cursor}).json()
    assert again == {"results": [], "next_cursor": last_cursor, "has_more": False}


def test_ties_on_updated_at_are_broken_by_id(make_client) -> None:
    cases = [ProfileFactory().case for _ in range(5)]
    Case.all_objects.update(updated_at=timezone.now() - datetime.timedelta(minutes=1))
    _, http = make_client()
    seen, _ = _walk(http, limit=2)
    assert [pk for pk, _ in seen] == sorted(c.pk for c in cases)


def test_the_newest_seconds_are_held_back(make_client, settings) -> None:
    settings.API_CHANGES_SETTLE_SECONDS = 5
    old, new = ProfileFactory().case, ProfileFactory().case
    Case.all_objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(seconds=6)
    )
    _, http = make_client()
    assert [r["id"] for r in http.get("/api/v1/changes").json()["results"]] == [old.pk]
    assert new.pk


def _queries(http, limit: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = http.get("/api/v1/changes", {"limit": limit})
    assert len(response.json()["results"]) == limit
    return len(queries)


def test_the_query_count_does_not_grow_with_the_page(make_client) -> None:
    for _ in range(40):
        ProfileFactory()
    _, plain = make_client()
    _, sensitive = make_client(scopes=("workers:read", "workers:sensitive"))
    assert _queries(plain, 4) == _queries(plain, 40)
    assert _queries(sensitive, 4) == _queries(sensitive, 40)
    assert _queries(sensitive, 40) <= 8


def _many_cases(count: int) -> None:
    """Workers and their cases in bulk (the factories would take minutes for thousands)."""
    from accounts.models import Role, User
    from workers.models import WorkerProfile

    lao_cai = province(15)
    users = User.objects.bulk_create(
        User(name=f"Người {n}", phone=f"+8497{n:07d}", role=Role.WORKER, province=lao_cai)
        for n in range(count)
    )
    profiles = WorkerProfile.all_objects.bulk_create(WorkerProfile(user=u) for u in users)
    start = timezone.now() - datetime.timedelta(hours=1)
    Case.all_objects.bulk_create(
        # Ten cases share each timestamp: the id breaks the ties.
        Case(profile=p, province=lao_cai, updated_at=start + datetime.timedelta(seconds=n // 10))
        for n, p in enumerate(profiles)
    )


def test_a_sync_of_ten_thousand_changes_with_a_failure_midway_reads_each_once(
    make_client, counsellor
) -> None:
    _many_cases(10_000)
    _, http = make_client()
    read: list[tuple[int, int]] = []
    stored_cursor = None
    pages = 0
    failed = False
    while True:
        params = {"limit": 500, **({"cursor": stored_cursor} if stored_cursor else {})}
        page = http.get("/api/v1/changes", params).json()
        pages += 1
        if pages == 9 and not failed:
            # The national system crashes before storing page 9: it is read again on resume.
            failed = True
            continue
        if pages == 5:
            # Meanwhile a counsellor changes a case already read and one not yet read.
            first_read, later = read[0][0], Case.all_objects.order_by("-updated_at", "-pk")[0].pk
            case_assign(case_ids=[first_read, later], to=counsellor, actor=counsellor)
        read += [(r["id"], r["version"]) for r in page["results"]]
        stored_cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    counts = Counter(read)
    assert max(counts.values()) == 1
    assert len({pk for pk, _ in read}) == 10_000
    assert len(read) == 10_001  # the case changed after it was read comes again, once
    assert set(Case.all_objects.values_list("pk", "version")) <= set(counts)
