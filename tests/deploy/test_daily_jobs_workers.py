"""The worker's-file jobs, the Monday summary and the erasure job at national size: in
chunks, caught up after a missed day, each message once.

Tasks run in-process here (no broker), like tests/deploy/test_daily_jobs.py for the fair
reminders; the chunks go through the same notifications.jobs helpers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from celery import Task
from celery.signals import task_prerun
from django.conf import settings as django_settings
from django.utils import timezone

from accounts.models import Province, Role, User
from notifications import jobs as notification_jobs
from notifications.models import JobMark, Notification
from notifications.tasks import jobs_catch_up
from tests.factories import StaffFactory, WorkerFactory
from tests.markets.factories import ProgrammeFactory
from tests.workers.factories import ProfileFactory
from workers import services, tasks
from workers.models import Case, DeletionRequest, Document, DocumentType, Stage

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


def today() -> datetime.date:
    return timezone.localdate(timezone=TZ)


@pytest.fixture
def chunks() -> Iterator[list[tuple[str, list[int], str]]]:
    """(task name, ids, day or time) of every chunk task that ran."""
    seen: list[tuple[str, list[int], str]] = []

    def record(sender=None, args=(), **kwargs) -> None:
        name = getattr(sender, "name", "")
        if name.startswith("workers.tasks.") and name.endswith("_chunk"):
            seen.append((name, list(args[0]), str(args[1])))

    task_prerun.connect(record, weak=False)
    yield seen
    task_prerun.disconnect(record)


def worker_case(province: Province, **fields) -> Case:
    case = ProfileFactory(user=WorkerFactory(province=province)).case
    Case.all_objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


# Each job: make three things due, return their ids (what the chunks must hold).


def follow_ups_due(province: Province) -> list[int]:
    staff = [StaffFactory(province=province) for _ in range(3)]
    case = ProfileFactory(user=WorkerFactory(province=province)).case
    for person in staff:
        services.follow_up_create(
            case=case, title="x", assignee=person, actor=person, due_on=today()
        )
    return [person.pk for person in staff]


def documents_expire(province: Province) -> list[int]:
    passport = DocumentType.objects.get(code="passport")
    ids = []
    for _ in range(3):
        profile = ProfileFactory(user=WorkerFactory(province=province))
        ids.append(
            Document.objects.create(
                profile=profile,
                type=passport,
                file="x",
                content_type="image/jpeg",
                size=1,
                original_name="x",
                uploaded_by=profile.user,
                expires_on=today() + datetime.timedelta(days=30),
            ).pk
        )
    return ids


def eps_signed(province: Province, days_ago: int = 30) -> list[int]:
    eps = ProgrammeFactory(code="eps")
    start = today() - datetime.timedelta(days=days_ago)
    return [
        worker_case(
            province,
            stage=Stage.CONTRACTED,
            programme=eps,
            market=eps.market,
            contract_start=start,
        ).pk
        for _ in range(3)
    ]


def contracts_end(province: Province) -> list[int]:
    counsellor = StaffFactory(province=province)
    end = today() + datetime.timedelta(days=20)
    return [
        worker_case(province, stage=Stage.DEPARTED, assigned_to=counsellor, contract_end=end).pk
        for _ in range(3)
    ]


def returns_late(province: Province) -> list[int]:
    StaffFactory(role=Role.MANAGER, province=province)
    end = today() - datetime.timedelta(days=45)
    return [worker_case(province, stage=Stage.DEPARTED, contract_end=end).pk for _ in range(3)]


def managers(province: Province) -> list[int]:
    return [StaffFactory(role=Role.MANAGER, province=province).pk for _ in range(3)]


def deletions_due(province: Province) -> list[int]:
    ids = []
    long_ago = timezone.now() - datetime.timedelta(
        days=django_settings.WORKER_DATA_RETENTION_DAYS + 1
    )
    for _ in range(3):
        profile = ProfileFactory(user=WorkerFactory(province=province))
        request = services.deletion_request_create(profile=profile, reason="")
        DeletionRequest.all_objects.filter(pk=request.pk).update(requested_at=long_ago)
        ids.append(request.pk)
    return ids


@dataclass(frozen=True)
class Job:
    task: Task
    chunk: Task
    due: Callable[[Province], list[int]]
    kind: str  # the message's kind; "" for the erasure (its outcome is the erased rows)


JOBS = {
    "follow-up digest": Job(
        tasks.follow_up_digest, tasks.follow_up_digest_chunk, follow_ups_due, "follow-up-due"
    ),
    "documents expiring": Job(
        tasks.documents_expiring,
        tasks.documents_expiring_chunk,
        documents_expire,
        "document-expiring",
    ),
    "EPS deposit": Job(
        tasks.eps_deposit_deadlines,
        tasks.eps_deposit_deadlines_chunk,
        eps_signed,
        "eps-deposit-deadline",
    ),
    "contracts ending": Job(
        tasks.contracts_ending, tasks.contracts_ending_chunk, contracts_end, "contract-ending"
    ),
    "returns overdue": Job(
        tasks.returns_overdue, tasks.returns_overdue_chunk, returns_late, "return-overdue"
    ),
    "weekly summary": Job(
        tasks.weekly_summary, tasks.weekly_summary_chunk, managers, "weekly-summary"
    ),
    "erasure": Job(tasks.anonymise_due_deletions, tasks.anonymise_chunk, deletions_due, ""),
}


def outcome(job: Job) -> list[tuple[int, str]]:
    """What the job did that a person notices: its in-app messages (recipient, key), or
    the erased requests."""
    if not job.kind:
        return sorted(
            DeletionRequest.all_objects.filter(completed_at__isnull=False).values_list(
                "pk", "reason"
            )
        )
    rows = Notification.objects.filter(kind=job.kind, channel="in_app")
    return sorted(rows.values_list("recipient_id", "key"))


@pytest.mark.parametrize("name", list(JOBS))
def test_every_due_item_goes_in_exactly_one_chunk_and_a_second_run_sends_nothing_again(
    name, settings, lao_cai, chunks, django_capture_on_commit_callbacks
):
    job = JOBS[name]
    settings.JOB_CHUNK_SIZE = 2
    due = job.due(lao_cai)

    with django_capture_on_commit_callbacks(execute=True):
        assert job.task() == 3

    mine = [ids for task, ids, _day in chunks if task == job.chunk.name]
    assert [len(ids) for ids in mine] == [2, 1]
    flat = [pk for ids in mine for pk in ids]
    assert sorted(flat) == sorted(due) and len(set(flat)) == 3
    done = outcome(job)
    assert len(done) == len(set(done)) == 3

    with django_capture_on_commit_callbacks(execute=True):
        assert job.task() == 0  # the mark says today is done
        # A second beat that started the job before the first one marked it: the chunks
        # run again in full, and the outbox keys (or the erased requests) stop everything.
        JobMark.objects.filter(job=job.task.name).delete()
        again = job.task()
    assert again == (0 if not job.kind else 3)
    assert outcome(job) == done
    assert JobMark.objects.get(job=job.task.name).done_through == today()


def test_the_eps_reminder_of_a_missed_day_is_caught_up_by_the_next_run(lao_cai, chunks):
    # Signed 36 days ago: in the warning window yesterday (day 35 - 7 ... 35), not today.
    # The job last succeeded three days ago: beat was down at 08:10 yesterday.
    job = JOBS["EPS deposit"]
    JobMark.objects.create(
        job=job.task.name,
        done_through=today() - datetime.timedelta(days=3),
        succeeded_at=timezone.now() - datetime.timedelta(days=3),
    )
    cases = eps_signed(lao_cai, days_ago=36)

    job.task()

    told = Notification.objects.filter(kind=job.kind, channel="in_app")
    assert sorted(told.values_list("key", flat=True)) == sorted(
        f"eps-deposit-deadline:{pk}:in_app" for pk in cases
    )
    days = {day for _task, _ids, day in chunks}
    assert (today() - datetime.timedelta(days=1)).isoformat() in days
    assert JobMark.objects.get(job=job.task.name).done_through == today()


def test_the_hourly_catch_up_restarts_every_job_whose_hour_passed_without_a_success(lao_cai):
    for job in JOBS.values():
        JobMark.objects.create(
            job=job.task.name,
            done_through=today() - datetime.timedelta(days=8),
            succeeded_at=timezone.now() - datetime.timedelta(days=8),
        )
    due = deletions_due(lao_cai)

    started = jobs_catch_up()

    assert {job.task.name for job in JOBS.values()} <= set(started)
    for job in JOBS.values():  # each marked through its latest due day
        assert JobMark.objects.get(job=job.task.name).done_through >= today() - datetime.timedelta(
            days=7
        )
    assert DeletionRequest.all_objects.filter(pk__in=due, completed_at__isnull=False).count() == 3
    assert not {job.task.name for job in JOBS.values()} & set(jobs_catch_up())


def test_a_missed_monday_summary_is_late_until_it_runs_and_not_before_monday_0730(lao_cai):
    name = tasks.weekly_summary.name
    monday = today() - datetime.timedelta(days=today().weekday())
    at = lambda day, hour, minute=0: datetime.datetime.combine(  # noqa: E731
        day, datetime.time(hour, minute), tzinfo=TZ
    )
    JobMark.objects.create(
        job=name, done_through=monday - datetime.timedelta(days=7), succeeded_at=timezone.now()
    )

    assert name not in notification_jobs.behind(now=at(monday, 7, 29))
    assert notification_jobs.behind(now=at(monday, 7, 31))[name] == monday
    # Beat was down all Monday: on Wednesday the summary is still owed, for Monday's week.
    assert notification_jobs.behind(now=at(monday + datetime.timedelta(days=2), 9))[name] == monday

    JobMark.objects.filter(job=name).update(done_through=monday)
    assert name not in notification_jobs.behind(now=at(monday + datetime.timedelta(days=6), 23))
    next_monday = monday + datetime.timedelta(days=7)
    assert notification_jobs.behind(now=at(next_monday, 8))[name] == next_monday


def test_the_summary_caught_up_later_in_the_week_is_the_one_of_that_week(
    lao_cai, django_capture_on_commit_callbacks
):
    manager = User.objects.get(pk=managers(lao_cai)[0])
    monday = today() - datetime.timedelta(days=today().weekday())
    year, week, _day = monday.isocalendar()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.weekly_summary(through=monday.isoformat())
        tasks.weekly_summary()  # later the same week, by hand: the same week's message

    keys = Notification.objects.filter(recipient=manager, kind="weekly-summary", channel="in_app")
    assert list(keys.values_list("key", flat=True)) == [f"weekly-summary:{year}-W{week:02d}:in_app"]


# Daily or weekly beat entries that keep no mark, and why nothing is lost when one is missed.
NO_MARK = {
    # Housekeeping: the next night's run removes what this one would have.
    "accounts.tasks.clear_expired_sessions",
    "accounts.tasks.purge_submission_keys",
    # Each run closes every request past its deadline, under the row's lock; a second run
    # (or worker) finds them closed. A missed 06:50 closes them at the next 06:50.
    "workers.tasks.transfers_expire",
}


def test_every_daily_or_weekly_beat_job_is_caught_up_or_says_why_not():
    caught_up = {job.task.name for job in JOBS.values()} | {
        "fairs.tasks.remind_tomorrow",
        "loans.tasks.remind_waiting_applications",
        "loans.tasks.kept_support_records_expire",
        "mrc.tasks.backup_nightly",  # when BACKUP_AT is not "off"
    }
    once_a_day = {
        entry["task"]
        for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
        if notification_jobs._daily_time(entry["schedule"]) is not None
    }

    assert {job.task.name for job in JOBS.values()} <= once_a_day
    assert once_a_day - NO_MARK == caught_up & once_a_day
