from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    """Delete expired sessions; run nightly by beat. Running it twice is harmless."""
    call_command("clearsessions")


@shared_task
def purge_submission_keys() -> int:
    """Forget the one-time form keys older than two days; run nightly, safe to run twice."""
    from accounts.once import keys_purge

    return keys_purge()
