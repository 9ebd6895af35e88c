"""Two rebuilds of the national summary at once: the second must replace the first's rows,
not add to them. Needs PostgreSQL's concurrent transactions (CI's second pass)."""

from __future__ import annotations

import datetime
import threading
import time
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from reports import selectors, services
from reports.models import MonthlyFigure, SummaryRun
from tests.reports.test_summaries import depart
from workers.models import Stage

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="SQLite runs one writer at a time, so nothing overlaps; run with DATABASE_URL "
        "set to PostgreSQL, as CI's second pass does",
    ),
]


def test_two_rebuilds_at_once_leave_one_set_of_figures(lao_cai, dong_thap, monkeypatch):
    today = timezone.localdate()
    for province, days_ago in [(lao_cai, 40), (lao_cai, 70), (dong_thap, 100)]:
        depart(province, Stage.DEPARTED, today - datetime.timedelta(days=days_ago))
    # Hold each rebuild inside its transaction, after its rows are written: without a lock
    # the other's delete would run now, see none of them, and both sets would stay.
    record_run = SummaryRun.objects.create

    def slow_record(**fields: Any) -> SummaryRun:
        run = record_run(**fields)
        time.sleep(0.5)
        return run

    monkeypatch.setattr(SummaryRun.objects, "create", slow_record)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def rebuild() -> None:
        try:
            start.wait(timeout=10)
            services.monthly_figures_rebuild(today=today)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=rebuild) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    runs = list(SummaryRun.objects.all())
    assert len(runs) == 2 and MonthlyFigure.objects.count() == runs[0].rows == runs[1].rows
    year = selectors.Period(datetime.date(today.year - 1, 1, 1), today)
    assert selectors.dashboard(None, year, today).departures == 3
