from celery import shared_task
from django.utils import timezone

from workers import selectors, services


@shared_task
def anonymise_due_deletions() -> int:
    """Erase the workers whose deletion request passed the retention period; safe to rerun."""
    now = timezone.now()
    done = 0
    for request_id in selectors.deletion_requests_due(now).values_list("pk", flat=True):
        done += services.profile_anonymise(deletion_request_id=request_id, now=now)
    return done
