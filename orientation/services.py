"""The only writers of orientation data: publishing, audio, quiz answers."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Province, Role, User
from markets.models import Market
from orientation import audio, rules
from orientation.models import Module, ModuleEvent, Progress, Question
from orientation.pictures import Picture, picture_name

log = logging.getLogger(__name__)


def can_write_lessons(user: User) -> bool:
    """Administrators (national lessons and any province's) and centre managers (their own
    province's additions only)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.role == Role.ADMIN or (user.role == Role.MANAGER and user.province_id))
    )


def _check_scope(by: User, province: Province | None) -> None:
    if not can_write_lessons(by):
        raise PermissionDenied
    if by.role == Role.MANAGER and (province is None or province.pk != by.province_id):
        # National lessons are the administrators'; a manager writes for their province.
        raise PermissionDenied


def _lock(module: Module, by: User) -> Module:
    """The row, locked, if `by` may change it (another province's lesson: PermissionDenied)."""
    try:
        return Module.objects.for_user(by).select_for_update().get(pk=module.pk)
    except Module.DoesNotExist:
        raise PermissionDenied from None


def _event(module: Module, by: User | None, action: str, reason: str = "") -> None:
    ModuleEvent.objects.create(module=module, by=by, action=action, reason=reason)


@dataclass(frozen=True)
class QuestionSpec:
    """One quiz question as typed on the staff page."""

    text: str
    choices: list[str]
    correct: int
    explanation: str
    image_alt: str = ""
    image: Picture | None = None
    remove_image: bool = False


def _store_picture(
    obj: Module | Question, kind: str, picture: Picture | None, remove: bool
) -> None:
    """Put a new picture in place (or take it away); the old file goes after commit."""
    if picture is None and not remove:
        return
    old = obj.image.name if obj.image else ""
    obj.image.name = (
        default_storage.save(picture_name(kind, obj.pk, picture), ContentFile(picture.data))
        if picture is not None
        else ""
    )
    obj.save(update_fields=["image"])
    if old and old != obj.image.name:
        transaction.on_commit(lambda: default_storage.delete(old))


@transaction.atomic
def module_save(
    *,
    by: User,
    module: Module | None = None,
    title: str,
    body: str,
    province: Province | None,
    market: Market | None,
    order: int,
    pictogram: str = "",
    image_alt: str = "",
    image: Picture | None = None,
    remove_image: bool = False,
    questions: list[QuestionSpec],
    reason: str = "",
) -> Module:
    """Write a new lesson (a draft) or change one, with its quiz, in the writer's scope.

    A published lesson stays published only if it is still sound (text, 3-5 questions):
    otherwise nothing is saved and ValidationError says why. Its audio is made again
    after commit when its words changed (nothing happens when they did not)."""
    _check_scope(by, province)
    if len(questions) > rules.MAX_QUESTIONS:
        raise ValidationError(
            _("A lesson has at most %(max)s questions.") % {"max": rules.MAX_QUESTIONS}
        )
    fields = {
        "title": title,
        "body": body,
        "province": province,
        "market": market,
        "order": order,
        "pictogram": pictogram,
        "image_alt": image_alt,
    }
    if module is None:
        module = Module.objects.create(created_by=by, **fields)
        action = ModuleEvent.Action.CREATED
    else:
        module = _lock(module, by)
        for name, value in fields.items():
            setattr(module, name, value)
        module.save(update_fields=[*fields, "updated_at"])
        action = ModuleEvent.Action.EDITED
    existing = list(module.questions.all())
    kept: list[Question] = []
    for position, spec in enumerate(questions, start=1):
        question = existing[position - 1] if position <= len(existing) else Question(module=module)
        question.order = position
        question.text, question.choices = spec.text, list(spec.choices)
        question.correct, question.explanation = spec.correct, spec.explanation
        question.image_alt = spec.image_alt
        question.save()
        kept.append(question)
    # Answers already given refer to questions by id: a question keeps its id at its place.
    for extra in existing[len(questions) :]:
        files = [f.name for f in (extra.image, extra.audio, extra.audio_mp3) if f and f.name]
        extra.delete()
        if files:
            transaction.on_commit(partial(_delete_files, files))
    if module.published_at is not None:
        problems = rules.publish_problems(kept, module.body)
        if problems:
            raise ValidationError(problems)
    _store_picture(module, "module", image, remove_image)
    for question, spec in zip(kept, questions, strict=True):
        _store_picture(question, "question", spec.image, spec.remove_image)
    _event(module, by, action, reason)
    if module.published_at is not None:
        module_id = module.pk
        transaction.on_commit(lambda: _enqueue_audio(module_id))
    return module


@transaction.atomic
def module_publish(*, module: Module, actor: User, reason: str = "") -> Module:
    """Publish a module that has text and 3-5 sound questions; its audio is made after commit.

    Publishing a published module only makes sure its audio is up to date."""
    module = _lock(module, actor)
    problems = rules.publish_problems(list(module.questions.all()), module.body)
    if problems:
        raise ValidationError(problems)
    if module.published_at is None:
        module.published_at = timezone.now()
        module.published_by = actor
        module.save(update_fields=["published_at", "published_by"])
        _event(module, actor, ModuleEvent.Action.PUBLISHED, reason)
        log.info("orientation module %s published by %s", module.pk, actor.pk)
    module_id = module.pk
    transaction.on_commit(lambda: _enqueue_audio(module_id))
    return module


def _enqueue_audio(module_id: int) -> None:
    from orientation.tasks import generate_audio

    generate_audio.delay(module_id)


@transaction.atomic
def module_unpublish(*, module: Module, actor: User, reason: str = "") -> Module:
    """Take a module off the public pages; progress already recorded stays."""
    module = _lock(module, actor)
    if module.published_at is None:
        raise ValidationError(_("This lesson is not published."))
    module.published_at = None
    module.save(update_fields=["published_at"])
    _event(module, actor, ModuleEvent.Action.UNPUBLISHED, reason)
    log.info("orientation module %s unpublished by %s", module.pk, actor.pk)
    return module


def _delete_files(names: list[str]) -> None:
    """Remove stored files once the rows that named them are gone (run on commit)."""
    for name in names:
        default_storage.delete(name)


def _speak(obj: Module | Question, text: str, kind: str) -> bool:
    """Give one lesson or question its speech (Opus, and MP3 when an encoder is here) if its
    words changed since the last time; True when new files were stored."""
    digest = audio.text_hash(text)
    want_mp3 = audio.mp3_available()
    if (
        obj.audio.name
        and obj.audio_text_hash == digest
        and obj.audio.storage.exists(obj.audio.name)
        and (bool(obj.audio_mp3) or not want_mp3)
    ):
        return False
    speech = audio.synthesise(text)
    opus = default_storage.save(
        audio.audio_name(obj.pk, digest, "opus", kind), ContentFile(speech.data)
    )
    mp3 = ""
    if speech.mp3 is not None:
        mp3 = default_storage.save(
            audio.audio_name(obj.pk, digest, "mp3", kind), ContentFile(speech.mp3)
        )
    with transaction.atomic():
        # A module or a question: the audio job acts on the one it was given, whatever the
        # province, so the unguarded default manager (Module.all_objects) locks it.
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        old = [f.name for f in (locked.audio, locked.audio_mp3) if f and f.name]
        locked.audio.name, locked.audio_mp3.name = opus, mp3
        locked.audio_text_hash = digest
        update = ["audio", "audio_mp3", "audio_text_hash"]
        if isinstance(locked, Module):
            locked.audio_seconds = speech.seconds
            update.append("audio_seconds")
        locked.save(update_fields=update)
        gone = [name for name in old if name not in {opus, mp3}]
        if gone:
            transaction.on_commit(partial(_delete_files, gone))
    return True


def module_audio_generate(*, module_id: int) -> bool:
    """Make the module's speech, and each quiz question's, where the words changed since
    the last audio; safe to run twice. Returns True when any new file was stored."""
    module = (
        Module.objects.unscoped("a job: this module's audio")
        .filter(pk=module_id, published_at__isnull=False)
        .first()
    )
    if module is None:
        return False
    if not audio.tools_available():
        # The page works without audio; the next publish or the backfill command makes it.
        log.warning("orientation audio skipped for module %s: espeak-ng/opusenc missing", module_id)
        return False
    made = _speak(module, audio.spoken_text(module.title, module.body), "module")
    for number, question in enumerate(module.questions.all(), start=1):
        spoken = audio.question_text(number, question.text, question.choices)
        made = _speak(question, spoken, "question") or made
    return made


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
