import datetime
import logging
from collections.abc import Callable

from celery import Task, shared_task
from django.utils import timezone

from accounts import personal
from notifications.jobs import fan_out, run_daily
from workers import jobs, selectors, services

log = logging.getLogger(__name__)


def _day(through: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(through) if through else None


# The daily jobs below (and the Monday summary) run for every day since their last success
# (notifications.jobs.run_daily): a day missed while beat was down is made good by the
# hourly catch-up. Only the EPS deadline runs once per missed day (its window moves with
# the day); the others' queries already take in everything overdue. Each reads the ids
# due and queues them in chunks of JOB_CHUNK_SIZE (notifications.jobs.fan_out), one
# `*_chunk` task each, so several workers share a national run. A message's outbox key
# names its occasion, so a second run, a second beat or a chunk delivered twice sends
# nothing twice.


def _daily_in_chunks(
    task: Task,
    chunk: Task,
    due: Callable[[datetime.date], list[int]],
    through: str | None,
    *,
    each_day: bool = False,
) -> int:
    """Run the job `task` through `run_daily`: each day due, the ids `due(day)` go out in
    chunks to `chunk(ids, day)`. Returns how many ids were queued."""

    def queue(day: datetime.date) -> int:
        ids = due(day)
        fan_out(chunk, ids, day.isoformat())
        return len(ids)

    return run_daily(task.name, queue, through=_day(through), each_day=each_day)


@shared_task
def anonymise_due_deletions(through: str | None = None) -> int:
    """Erase the workers whose deletion request passed the retention period, in chunks of
    requests (`anonymise_chunk`), once a day and caught up like the other daily jobs; then
    delete every file still waiting (earlier failures included), on every run. Safe to
    rerun: a request already done is skipped under its row lock. Each erasure, file deleted
    and file that could not be deleted is logged. Returns how many requests were queued."""
    now = timezone.now()

    def queue(day: datetime.date) -> int:
        ids = list(selectors.deletion_requests_due(now).order_by("pk").values_list("pk", flat=True))
        fan_out(anonymise_chunk, ids, now.isoformat())
        return len(ids)

    queued = run_daily(anonymise_due_deletions.name, queue, through=_day(through))
    files = personal.files_delete_pending(now=now)
    if files.deleted or files.failed:
        log.info(
            "erasure: %s file(s) deleted, %s still waiting (tried again next run)",
            len(files.deleted),
            len(files.failed),
        )
    return queued


@shared_task(acks_late=True, reject_on_worker_lost=True)
def anonymise_chunk(request_ids: list[int], now: str) -> int:
    """Erase the deletion requests `request_ids` still due at `now` (ISO time); each
    erasure deletes its files after its commit. Returns how many were erased."""
    at = datetime.datetime.fromisoformat(now)
    done = 0
    due = selectors.deletion_requests_due(at).filter(pk__in=request_ids).order_by("pk")
    for request_id in due.values_list("pk", flat=True):
        erased = services.profile_anonymise(deletion_request_id=request_id, now=at)
        if erased is not None:
            done += 1
            log.info("erasure: deletion request %s done: %s", request_id, erased.rows)
    return done


@shared_task
def follow_up_digest(through: str | None = None) -> int:
    return _daily_in_chunks(
        follow_up_digest, follow_up_digest_chunk, jobs.follow_up_digest_due, through
    )


@shared_task(acks_late=True, reject_on_worker_lost=True)
def follow_up_digest_chunk(ids: list[int], day: str) -> int:
    return jobs.follow_up_digest(datetime.date.fromisoformat(day), ids=ids)


@shared_task
def documents_expiring(through: str | None = None) -> int:
    return _daily_in_chunks(
        documents_expiring, documents_expiring_chunk, jobs.documents_expiring_due, through
    )


@shared_task(acks_late=True, reject_on_worker_lost=True)
def documents_expiring_chunk(ids: list[int], day: str) -> int:
    return jobs.documents_expiring(datetime.date.fromisoformat(day), ids=ids)


@shared_task
def eps_deposit_deadlines(through: str | None = None) -> int:
    return _daily_in_chunks(
        eps_deposit_deadlines,
        eps_deposit_deadlines_chunk,
        jobs.eps_deposit_deadlines_due,
        through,
        each_day=True,
    )


@shared_task(acks_late=True, reject_on_worker_lost=True)
def eps_deposit_deadlines_chunk(ids: list[int], day: str) -> int:
    return jobs.eps_deposit_deadlines(datetime.date.fromisoformat(day), ids=ids)


@shared_task
def contracts_ending(through: str | None = None) -> int:
    return _daily_in_chunks(
        contracts_ending, contracts_ending_chunk, jobs.contracts_ending_due, through
    )


@shared_task(acks_late=True, reject_on_worker_lost=True)
def contracts_ending_chunk(ids: list[int], day: str) -> int:
    return jobs.contracts_ending(datetime.date.fromisoformat(day), ids=ids)


@shared_task
def returns_overdue(through: str | None = None) -> int:
    return _daily_in_chunks(
        returns_overdue, returns_overdue_chunk, jobs.returns_overdue_due, through
    )


@shared_task(acks_late=True, reject_on_worker_lost=True)
def returns_overdue_chunk(ids: list[int], day: str) -> int:
    return jobs.returns_overdue(datetime.date.fromisoformat(day), ids=ids)


@shared_task
def weekly_summary(through: str | None = None) -> int:
    """Every Monday; a Monday missed is caught up by the hourly catch-up (its `through` is
    that Monday, so the figures and the message's week are that week's)."""
    return _daily_in_chunks(weekly_summary, weekly_summary_chunk, jobs.weekly_summary_due, through)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def weekly_summary_chunk(ids: list[int], day: str) -> int:
    return jobs.weekly_summary(datetime.date.fromisoformat(day), ids=ids)


@shared_task
def personal_id_verify(profile_id: int, actor_id: int) -> str:
    """Check a worker's ID with the population database after the identity step is saved.

    Safe to run twice: the second run asks again and records the same answer."""
    from accounts.models import User

    actor = User.objects.get(pk=actor_id)
    try:
        profile = services.personal_id_verify(profile_id=profile_id, actor=actor)
    except services.IdentityIncomplete:
        return ""
    return profile.id_check


@shared_task
def transfers_expire() -> int:
    """Close the province-transfer requests nobody answered in time; safe to run twice."""
    return services.transfers_expire(now=timezone.now())
