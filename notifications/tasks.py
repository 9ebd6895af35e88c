"""Thin tasks: take ids, call one service, retry on transient errors."""

from __future__ import annotations

from celery import Task, shared_task

from notifications import services


@shared_task(bind=True, max_retries=None, acks_late=True, reject_on_worker_lost=True)
def deliver(self: Task, notification_id: int) -> str:
    """Send one notification; safe to run twice, since the row is claimed before sending.

    Late acknowledgement brings the task back if the worker dies while sending. Retries
    are bounded by the row's attempt counter, not by Celery's.
    """
    try:
        return services.notification_deliver(notification_id=notification_id)
    except services.DeliveryDeferred as exc:
        if self.request.is_eager:
            # In-process (no broker): retrying here would hold up the web request that
            # queued it. The row stays pending and deliver_pending tries it again.
            return f"deferred: {exc.reason}"
        raise self.retry(countdown=exc.retry_in, exc=exc) from None


@shared_task
def deliver_pending() -> int:
    """Queue the pending notifications nobody is delivering; beat runs it every minute."""
    return services.notifications_enqueue_pending()


@shared_task
def jobs_catch_up() -> list[str]:
    """Start each daily job whose hour passed since its last success (beat down at that
    hour, or the run failed); beat runs it every hour. Returns the jobs started."""
    from celery import current_app

    from notifications import jobs

    late = jobs.behind()
    for name, through in sorted(late.items()):
        current_app.tasks[name].delay(through=through.isoformat())
    return sorted(late)
