"""The accounting minimum kept for a worker who moved away goes the day after `keep_until`,
by a daily job that catches up a missed day and deletes nothing on a second run."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings as conf
from django.core.management import call_command

from loans.models import KeptSupportRecord, Status
from loans.tasks import kept_support_records_expire
from notifications import jobs
from notifications.models import JobMark
from tests.conftest import DONG_THAP
from tests.factories import province
from tests.loans.factories import grant_programme

pytestmark = pytest.mark.django_db

DAY = datetime.date(2036, 6, 15)


def kept(lao_cai, keep_until: datetime.date) -> KeptSupportRecord:
    return KeptSupportRecord.objects.create(
        province=lao_cai,
        programme=grant_programme(budget=None),
        status=Status.PAID,
        amount=Decimal(4_000_000),
        closed_on=keep_until.replace(year=keep_until.year - 10),
        payment_reference="PC-0042",
        worker_name="Nguyễn V. A.",
        moved_to=province(DONG_THAP),
        keep_until=keep_until,
    )


def test_records_past_keep_until_go_and_a_second_run_deletes_nothing(lao_cai):
    past = kept(lao_cai, DAY - datetime.timedelta(days=1))
    last_day = kept(lao_cai, DAY)
    later = kept(lao_cai, DAY + datetime.timedelta(days=1))

    assert kept_support_records_expire(through=DAY.isoformat()) == 1
    assert kept_support_records_expire(through=DAY.isoformat()) == 0

    left = set(KeptSupportRecord.all_objects.values_list("pk", flat=True))
    assert left == {last_day.pk, later.pk} and past.pk not in left
    assert JobMark.objects.get(job=kept_support_records_expire.name).done_through == DAY


def test_a_missed_day_is_caught_up_by_the_hourly_catch_up(lao_cai):
    kept(lao_cai, DAY - datetime.timedelta(days=3))
    kept_support_records_expire(through=(DAY - datetime.timedelta(days=5)).isoformat())
    entry = conf.CELERY_BEAT_SCHEDULE["kept-support-records-expire"]
    assert entry["task"] == kept_support_records_expire.name
    when = jobs._daily_time(entry["schedule"])
    assert when is not None and when[:2] == (2, 40)  # a daily job: the catch-up knows it

    now = datetime.datetime(2036, 6, 15, 3, 0, tzinfo=datetime.UTC)  # 10:00 in Vietnam
    assert jobs.behind(now=now)[kept_support_records_expire.name] == DAY

    kept_support_records_expire(through=DAY.isoformat())
    assert not KeptSupportRecord.all_objects.exists()


def test_run_jobs_runs_it(lao_cai, capsys):
    kept(lao_cai, datetime.date(2020, 1, 1))

    call_command("run_jobs", "kept-support-records-expire")

    assert "ok     kept-support-records-expire" in capsys.readouterr().out
    assert not KeptSupportRecord.all_objects.exists()
