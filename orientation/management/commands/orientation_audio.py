"""Make the missing or out-of-date audio of every published module (safe to run again).

Prints, per lesson, the generation time (lesson and quiz questions), the length of the
lesson's speech and the size of its Opus and MP3 files; `--again` makes every file anew
(to measure)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models.fields.files import FieldFile

from orientation import services
from orientation.models import Module, Question


def _kb(field: FieldFile) -> float:
    return field.size / 1024 if field else 0.0


class Command(BaseCommand):
    help = "Generate the spoken audio of published orientation modules; prints size and time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--again", action="store_true", help="Make every file anew.")

    def handle(self, *args: Any, **options: Any) -> None:
        modules = Module.objects.unscoped(
            "audio for every published lesson, every province"
        ).published()
        if options["again"]:
            modules.update(audio_text_hash="")
            Question.objects.filter(module__in=modules).update(audio_text_hash="")
        self.stdout.write(
            "  id made    time   speech   opus KB (/min)   mp3 KB (/min)  quiz opus/mp3 KB  title"
        )
        for module in modules:
            started = time.monotonic()
            made = services.module_audio_generate(module_id=module.pk)
            took = time.monotonic() - started
            module.refresh_from_db()
            minutes = (module.audio_seconds or 0) / 60 or 1
            opus, mp3 = _kb(module.audio), _kb(module.audio_mp3)
            questions = list(module.questions.all())
            quiz_opus = sum(_kb(q.audio) for q in questions)
            quiz_mp3 = sum(_kb(q.audio_mp3) for q in questions)
            self.stdout.write(
                f"{module.pk:>4} {'made' if made else 'kept':<4} {took:6.2f} s "
                f"{module.audio_seconds or 0:6.1f} s  {opus:6.1f} ({opus / minutes:5.1f})  "
                f"{mp3:6.1f} ({mp3 / minutes:5.1f})  {quiz_opus:6.1f}/{quiz_mp3:6.1f}  "
                f"{module.title}"
            )
