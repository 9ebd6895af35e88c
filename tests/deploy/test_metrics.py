"""/metrics for Prometheus: requests and their time, the outbox backlog, Celery's queue,
each scheduled job's last success; only with the token."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from mrc.tasks import heartbeat
from notifications.models import Notification
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db
TOKEN = "metrics-test-token-0123456789"


@pytest.fixture
def scrape(settings):
    settings.METRICS_TOKEN = TOKEN

    def get() -> str:
        # By IP address, as Prometheus scrapes each instance.
        response = Client().get(
            "/metrics", HTTP_HOST="10.0.3.7:8000", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
        )
        assert response.status_code == 200
        return response.content.decode()

    return get


def value(text: str, metric: str) -> float:
    match = re.search(rf"^{re.escape(metric)} ([0-9.e+-]+)$", text, re.MULTILINE)
    assert match, f"{metric} not in:\n{text[:3000]}"
    return float(match.group(1))


@pytest.mark.parametrize(("configured", "sent"), [("", ""), (TOKEN, ""), (TOKEN, "wrong")])
def test_without_the_token_there_is_nothing_at_metrics(settings, configured, sent):
    settings.METRICS_TOKEN = configured

    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {sent}")

    assert response.status_code == 404
    assert b"mrc_" not in response.content


def test_requests_are_counted_with_their_time(scrape):
    before = scrape()
    Client().get("/")
    Client().get("/no-such-page/")
    after = scrape()

    for status in ("2xx", "4xx"):
        metric = f'mrc_http_requests_total{{method="GET",status="{status}"}}'
        was = value(before, metric) if metric in before else 0.0
        assert value(after, metric) >= was + 1
    assert 'mrc_http_request_duration_seconds_bucket{le="0.5",method="GET"}' in after


def test_the_outbox_backlog_and_its_oldest_message_are_shown(scrape):
    NotificationFactory(created_at=timezone.now() - datetime.timedelta(minutes=30))
    NotificationFactory()
    NotificationFactory(status=Notification.Status.SENT)

    text = scrape()

    assert value(text, "mrc_outbox_pending") == 2
    assert 1790 < value(text, "mrc_outbox_oldest_pending_seconds") < 1900


def test_each_scheduled_jobs_last_success_is_shown(scrape):
    heartbeat.apply()

    text = scrape()

    stamp = value(text, 'mrc_job_last_success_timestamp_seconds{job="mrc.tasks.heartbeat"}')
    assert abs(stamp - timezone.now().timestamp()) < 60
    assert value(text, "mrc_jobs_heartbeat_age_seconds") < 60


def test_the_proxy_does_not_pass_metrics_on():
    from pathlib import Path

    conf = (Path(__file__).resolve().parents[2] / "deploy/nginx/mrc.conf.template").read_text()

    assert "location = /metrics {\n        return 404;" in conf


def test_with_several_processes_a_scrape_adds_up_every_process_counts(tmp_path):
    from tests.mrc.test_settings import run

    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "METRICS_TOKEN": TOKEN}
    visit = (
        "import django; django.setup(); from django.test import Client; "
        "[Client().get('/healthz', HTTP_HOST='localhost') for _ in range(3)]"
    )
    scrape = (
        "import django; django.setup(); from django.test import Client; "
        f"print(Client().get('/metrics', HTTP_AUTHORIZATION='Bearer {TOKEN}').content.decode())"
    )
    for _ in range(2):  # two gunicorn processes, each answering three requests
        assert run(visit, **env).returncode == 0

    text = run(scrape, **env).stdout

    assert value(text, 'mrc_http_requests_total{method="GET",status="2xx"}') == 6
