"""A rush on the last places: many registrations at once never overbook a fair.

Each thread has its own database connection, so the registrations really race; the fair
row lock in the service is what keeps them in line. SQLite takes one writer at a time
whatever the code does, so the race only means something on PostgreSQL (CI runs the suite
a second time there).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from accounts.models import User
from fairs import services
from fairs.models import Fair, Registration
from tests.factories import WorkerFactory
from tests.fairs.factories import FairFactory, before

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises every write, so nothing races",
    ),
]

THREADS = 12
PLACES = 5


def _rush(fair_id: int, worker_ids: list[int]) -> list[BaseException]:
    """Every worker registers at the same instant, each from its own thread and connection."""
    barrier = threading.Barrier(len(worker_ids))
    errors: list[BaseException] = []
    moment = before(Fair.all_objects.get(pk=fair_id))

    def one(worker_id: int) -> None:
        try:
            worker = User.objects.get(pk=worker_id)
            barrier.wait(timeout=10)
            services.registration_create(fair_id=fair_id, actor=worker, worker=worker, now=moment)
        except BaseException as exc:  # reported to the test thread, which asserts on it
            errors.append(exc)
        finally:
            # Django opens one connection per thread; this thread's must not outlive it.
            connections.close_all()

    threads = [threading.Thread(target=one, args=(pk,)) for pk in worker_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_a_rush_of_registrations_never_hands_out_more_tickets_than_places():
    fair = FairFactory(capacity=PLACES)
    workers = [WorkerFactory().pk for _ in range(THREADS)]

    errors = _rush(fair.pk, workers)

    assert errors == []
    registrations = Registration.all_objects.filter(fair=fair)
    assert registrations.count() == THREADS
    assert registrations.filter(status=Registration.Status.REGISTERED).count() == PLACES
    assert registrations.filter(status=Registration.Status.WAITLISTED).count() == THREADS - PLACES
    assert len(set(registrations.values_list("code", flat=True))) == THREADS


def test_the_same_worker_tapping_many_times_at_once_gets_one_ticket():
    fair = FairFactory(capacity=PLACES)
    worker = WorkerFactory().pk

    errors = _rush(fair.pk, [worker] * 6)

    assert errors == []
    assert Registration.all_objects.filter(fair=fair).count() == 1
