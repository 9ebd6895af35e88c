"""Thin Celery tasks of the orientation app."""

from __future__ import annotations

from celery import shared_task

from orientation import services


@shared_task
def generate_audio(module_id: int) -> bool:
    """Make a published module's speech; does nothing when it is already up to date."""
    return services.module_audio_generate(module_id=module_id)
