"""The province report counts online orientation: checked against counts made by hand."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from orientation.models import Progress
from orientation.selectors import workers_completed_count
from tests.conftest import login_staff
from tests.factories import WorkerFactory
from tests.orientation.factories import PublishedModuleFactory

pytestmark = pytest.mark.django_db


def _when(days_ago: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


@pytest.fixture
def passes(lao_cai, dong_thap):
    national = [PublishedModuleFactory(), PublishedModuleFactory()]
    addition = PublishedModuleFactory(province=lao_cai)
    full = WorkerFactory(province=lao_cai)  # both national lessons: completed
    half = WorkerFactory(province=lao_cai)  # one national lesson and the addition: not yet
    elsewhere = WorkerFactory(province=dong_thap)  # completed, but another province
    trying = WorkerFactory(province=lao_cai)  # answered, never passed
    for module in national:
        Progress.objects.create(worker=full, module=module, passed_at=_when(3))
        Progress.objects.create(worker=elsewhere, module=module, passed_at=_when(3))
    Progress.objects.create(worker=half, module=national[0], passed_at=_when(400))
    Progress.objects.create(worker=half, module=addition, passed_at=_when(2))
    Progress.objects.create(worker=trying, module=national[1], attempts=2)
    return national


def test_completion_counts_workers_who_passed_every_national_lesson(passes, lao_cai) -> None:
    # By hand: Lào Cai has `full` only; the nation has `full` and `elsewhere`.
    assert workers_completed_count(lao_cai.pk) == 1
    assert workers_completed_count(None) == 2


def test_the_province_report_shows_completions_and_lessons_passed_in_the_period(
    client, passes, counsellor
) -> None:
    login_staff(client, counsellor)
    start = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    page = client.get(
        reverse("reports:dashboard"), {"start": start, "end": timezone.localdate().isoformat()}
    )
    # By hand, Lào Cai in the last 30 days: full x2 + half's addition = 3 lessons (half's
    # first lesson was 400 days ago; elsewhere is in Đồng Tháp; trying never passed).
    assert (
        '<li id="orientation-completed"><strong>1</strong> người lao động đã học xong giáo dục '
        "định hướng trực tuyến (đến nay); 3 bài học xong trong kỳ</li>" in page.text
    )
