import logging

from celery import shared_task
from django.utils import timezone

from accounts import personal
from workers import jobs, selectors, services

log = logging.getLogger(__name__)


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
def follow_up_digest() -> int:
    return jobs.follow_up_digest(timezone.localdate())


@shared_task
def documents_expiring() -> int:
    return jobs.documents_expiring(timezone.localdate())


@shared_task
def eps_deposit_deadlines() -> int:
    return jobs.eps_deposit_deadlines(timezone.localdate())


@shared_task
def contracts_ending() -> int:
    return jobs.contracts_ending(timezone.localdate())


@shared_task
def returns_overdue() -> int:
    return jobs.returns_overdue(timezone.localdate())


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
