"""Finding 9 of the security review: a limit holds when requests come at once."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.urls import reverse

from markets import throttle, views
from markets.views import FRAUD_REPORT_WINDOW, FRAUD_REPORTS_PER_HOUR

pytestmark = pytest.mark.django_db


def test_fifteen_uses_at_once_get_exactly_the_limit():
    barrier = threading.Barrier(15)
    answers: list[bool] = []

    def one() -> None:
        barrier.wait()
        answers.append(throttle.consume("test", "10.0.0.9", limit=5, window_seconds=60))

    threads = [threading.Thread(target=one) for _ in range(15)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers.count(True) == 5


def test_the_fraud_report_takes_its_place_before_reading_the_form(client, lao_cai, monkeypatch):
    """Counted before the slow part (files checked, rows written), so that concurrent reports
    each see the others: with read-then-write, 15 at once gave 6 accepted of 5."""
    seen: list[int] = []
    real = views.FraudReportForm

    class Watching(real):
        def is_valid(self) -> bool:
            seen.append(cache.get("markets:throttle:fraud-report:10.0.0.7"))
            return super().is_valid()

    monkeypatch.setattr(views, "FraudReportForm", Watching)

    client.post(
        reverse("markets:report_fraud"),
        {"name_used": "X", "phone": "0999888777", "province": "15", "what_was_asked": "Y"},
        REMOTE_ADDR="10.0.0.7",
    )

    assert seen == [1]


def test_a_form_sent_back_with_errors_gives_its_place_back(client, lao_cai):
    for _ in range(FRAUD_REPORTS_PER_HOUR + 2):
        response = client.post(
            reverse("markets:report_fraud"), {"province": "15"}, REMOTE_ADDR="10.0.0.8"
        )
        assert response.status_code == 400

    assert throttle.consume(
        "fraud-report", "10.0.0.8", limit=FRAUD_REPORTS_PER_HOUR, window_seconds=FRAUD_REPORT_WINDOW
    )
