"""Make the missing or out-of-date audio of every published module (safe to run again)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from orientation import services
from orientation.models import Module


class Command(BaseCommand):
    help = "Generate the spoken audio of published orientation modules; prints size and time."

    def handle(self, *args: Any, **options: Any) -> None:
        for module in Module.objects.published():
            started = time.monotonic()
            made = services.module_audio_generate(module_id=module.pk)
            took = time.monotonic() - started
            module.refresh_from_db()
            size = module.audio.size if module.audio else 0
            minutes = (module.audio_seconds or 0) / 60
            per_minute = size / minutes / 1024 if minutes else 0
            self.stdout.write(
                f"{module.pk:>4} {'made' if made else 'kept':<4} {took:5.2f} s  "
                f"{module.audio_seconds or 0:6.1f} s of speech  {size / 1024:6.1f} KB  "
                f"{per_minute:5.1f} KB/min  {module.title}"
            )
