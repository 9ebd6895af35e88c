import datetime
import logging

from celery import shared_task
from django.utils import timezone

from accounts import personal
from notifications.jobs import run_daily
from workers import jobs, selectors, services

log = logging.getLogger(__name__)


def _day(through: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(through) if through else None


# The daily jobs below run for every day since their last success (notifications.jobs): a
# day missed while beat was down is made good by the hourly catch-up. Only the EPS
# deadline runs once per missed day (its window moves with the day); the others' queries
# already take in everything overdue.


@shared_task
def anonymise_due_deletions() -> int:
    """Erase the workers whose deletion request passed the retention period, then delete
    every file still waiting (earlier failures included); safe to rerun. Each erasure, file
    deleted and file that could not be deleted is logged."""
    now = timezone.now()
    done = 0
    for request_id in selectors.deletion_requests_due(now).values_list("pk", flat=True):
        erased = services.profile_anonymise(deletion_request_id=request_id, now=now)
        if erased is not None:
            done += 1
            log.info("erasure: deletion request %s done: %s", request_id, erased.rows)
    files = personal.files_delete_pending(now=now)
    if files.deleted or files.failed:
        log.info(
            "erasure: %s file(s) deleted, %s still waiting (tried again next run)",
            len(files.deleted),
            len(files.failed),
        )
    return done


@shared_task
def follow_up_digest(through: str | None = None) -> int:
    return run_daily(follow_up_digest.name, jobs.follow_up_digest, through=_day(through))


@shared_task
def documents_expiring(through: str | None = None) -> int:
    return run_daily(documents_expiring.name, jobs.documents_expiring, through=_day(through))


@shared_task
def eps_deposit_deadlines(through: str | None = None) -> int:
    return run_daily(
        eps_deposit_deadlines.name, jobs.eps_deposit_deadlines, through=_day(through), each_day=True
    )


@shared_task
def contracts_ending(through: str | None = None) -> int:
    return run_daily(contracts_ending.name, jobs.contracts_ending, through=_day(through))


@shared_task
def returns_overdue(through: str | None = None) -> int:
    return run_daily(returns_overdue.name, jobs.returns_overdue, through=_day(through))


@shared_task
def weekly_summary() -> int:
    return jobs.weekly_summary(timezone.localdate())


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
