from celery import shared_task
from django.utils import timezone

from reports import services


@shared_task
def monthly_figures_rebuild() -> int:
    """Recount the national view's months; rerunning replaces, never adds."""
    return services.monthly_figures_rebuild(today=timezone.localdate()).rows
