from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    """Delete expired sessions; run nightly by beat. Running it twice is harmless."""
    call_command("clearsessions")
