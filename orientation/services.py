"""The only writers of orientation data: publishing, audio, quiz answers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from orientation import audio, rules
from orientation.models import Module, Progress, Question

log = logging.getLogger(__name__)


@transaction.atomic
def module_publish(*, module: Module, actor: User) -> Module:
    """Publish a module that has text and 3-5 sound questions; its audio is made after commit."""
    module = Module.objects.select_for_update().get(pk=module.pk)
    problems = rules.publish_problems(list(module.questions.all()), module.body)
    if problems:
        raise ValidationError(problems)
    if module.published_at is None:
        module.published_at = timezone.now()
        module.published_by = actor
        module.save(update_fields=["published_at", "published_by"])
        log.info("orientation module %s published by %s", module.pk, actor.pk)
    module_id = module.pk
    transaction.on_commit(lambda: _enqueue_audio(module_id))
    return module


def _enqueue_audio(module_id: int) -> None:
    from orientation.tasks import generate_audio

    generate_audio.delay(module_id)


@transaction.atomic
def module_unpublish(*, module: Module, actor: User) -> Module:
    """Take a module off the public pages; progress already recorded stays."""
    module = Module.objects.select_for_update().get(pk=module.pk)
    if module.published_at is not None:
        module.published_at = None
        module.save(update_fields=["published_at"])
        log.info("orientation module %s unpublished by %s", module.pk, actor.pk)
    return module


def module_audio_generate(*, module_id: int) -> bool:
    """Make the module's speech if its text changed since the last audio; safe to run twice.

    Returns True when a new file was stored."""
    module = Module.objects.filter(pk=module_id, published_at__isnull=False).first()
    if module is None:
        return False
    if not audio.tools_available():
        # The page works without audio; the next publish or the backfill command makes it.
        log.warning("orientation audio skipped for module %s: espeak-ng/opusenc missing", module_id)
        return False
    text = audio.spoken_text(module.title, module.body)
    digest = audio.text_hash(text)
    if (
        module.audio
        and module.audio_text_hash == digest
        and module.audio.storage.exists(module.audio.name or "")
    ):
        return False
    speech = audio.synthesise(text)
    name = default_storage.save(audio.audio_name(module.pk, digest), ContentFile(speech.data))
    with transaction.atomic():
        locked = Module.objects.select_for_update().get(pk=module.pk)
        old = locked.audio.name if locked.audio else ""
        locked.audio.name = name
        locked.audio_text_hash = digest
        locked.audio_seconds = speech.seconds
        locked.save(update_fields=["audio", "audio_text_hash", "audio_seconds"])
        if old and old != name:
            transaction.on_commit(lambda: default_storage.delete(old))
    return True


@dataclass(frozen=True)
class QuizOutcome:
    score: rules.Score
    questions: list[Question]
    progress: Progress | None
    first_pass: bool


def quiz_submit(*, module: Module, user: User | None, chosen: dict[int, int]) -> QuizOutcome:
    """Score a complete set of answers; for a signed-in worker, keep them and the first pass."""
    questions = list(module.questions.all())
    result = rules.score(questions, chosen)
    if user is None or not user.is_authenticated or user.is_staff_member:
        return QuizOutcome(result, questions, None, False)
    with transaction.atomic():
        progress, _ = Progress.objects.select_for_update().get_or_create(worker=user, module=module)
        first_pass = result.passed and progress.passed_at is None
        progress.answers = {str(k): v for k, v in chosen.items()}
        progress.attempts += 1
        if first_pass:
            progress.passed_at = timezone.now()
        progress.save(update_fields=["answers", "attempts", "passed_at", "updated_at"])
    return QuizOutcome(result, questions, progress, first_pass)
