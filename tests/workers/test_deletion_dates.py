"""A deletion request's erasure day is a local (Vietnam) date, and the job keeps it."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from tests.workers.factories import ProfileFactory
from workers import selectors, services
from workers.models import DeletionRequest

pytestmark = pytest.mark.django_db

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# 06:00 on 6 December in Vietnam is still 5 December in UTC.
ASKED = datetime.datetime(2026, 12, 6, 6, 0, tzinfo=VN)


@pytest.fixture
def request_(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    settings.WORKER_DATA_RETENTION_DAYS = 30
    made = services.deletion_request_create(profile=ProfileFactory(), reason="")
    DeletionRequest.all_objects.filter(pk=made.pk).update(requested_at=ASKED)
    return DeletionRequest.all_objects.get(pk=made.pk)


def test_the_erasure_day_counts_from_the_local_date_of_the_request(request_):
    assert request_.due_on() == datetime.date(2027, 1, 5)


def test_the_nightly_job_erases_on_the_day_the_worker_was_told_not_before(request_):
    night_before = datetime.datetime(2027, 1, 4, 2, 30, tzinfo=VN)
    that_night = datetime.datetime(2027, 1, 5, 2, 30, tzinfo=VN)

    assert not selectors.deletion_requests_due(night_before).exists()
    assert list(selectors.deletion_requests_due(that_night)) == [request_]
