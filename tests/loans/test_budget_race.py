"""Two managers approve at the same moment: the budget row's lock lets only one through.

Needs real row locks, so it runs on PostgreSQL (CI runs the suite a second time there).
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from accounts.models import Role
from loans import selectors, services
from loans.models import Application, Status
from tests.factories import StaffFactory
from tests.loans.factories import grant_programme, in_review, worker_profile

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="SQLite has no row locks (SELECT ... FOR UPDATE); run with DATABASE_URL set to "
        "PostgreSQL, as CI's second pass does",
    ),
]


def test_two_approvals_at_once_cannot_overspend_the_budget(lao_cai, monkeypatch):
    grant = grant_programme(province=lao_cai, budget=5_000_000)
    counsellor = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    managers = [StaffFactory(role=Role.MANAGER, province=lao_cai) for _ in range(2)]
    applications = [in_review(worker_profile(lao_cai), grant, counsellor) for _ in range(2)]

    # Widen the window between reading what is used and saving the approval: without the
    # budget row's lock both threads would read 0 and both would approve.
    read_used = selectors.approved_total

    def slow_read(programme_id: int, year: int) -> Decimal:
        used = read_used(programme_id, year)
        time.sleep(0.5)
        return used

    monkeypatch.setattr(selectors, "approved_total", slow_read)
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def approve(application: Application, manager) -> None:
        try:
            with translation.override("en"):
                start.wait(timeout=10)
                services.application_approve(
                    application_id=application.pk, actor=manager, amount=Decimal(4_000_000)
                )
            outcomes[application.pk] = "approved"
        except services.BudgetExceeded as refused:
            outcomes[application.pk] = str(refused)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(application, manager))
        for application, manager in zip(applications, managers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2
    assert list(outcomes.values()).count("approved") == 1
    [refusal] = [outcome for outcome in outcomes.values() if outcome != "approved"]
    assert "1.000.000 ₫ is left" in refusal
    approved = Application.all_objects.get(status=Status.APPROVED)
    assert approved.approved_amount == Decimal(4_000_000)
    assert Application.all_objects.filter(status=Status.IN_REVIEW).count() == 1
    assert read_used(grant.pk, approved.budget_year or 0) == Decimal(4_000_000)
