from __future__ import annotations

import os

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orientation import audio, services
from orientation.models import Module, Progress
from tests.orientation.factories import ModuleFactory, PublishedModuleFactory

pytestmark = pytest.mark.django_db


def test_publishing_needs_three_to_five_questions(admin_user) -> None:
    module = ModuleFactory(questions=2)
    with pytest.raises(ValidationError):
        services.module_publish(module=module, actor=admin_user)
    module.refresh_from_db()
    assert module.published_at is None


def test_publishing_records_who_and_when_and_queues_the_audio_after_commit(
    admin_user, django_capture_on_commit_callbacks, media
) -> None:
    module = ModuleFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        services.module_publish(module=module, actor=admin_user)
    module.refresh_from_db()
    assert module.published_at is not None
    assert module.published_by == admin_user
    assert len(callbacks) == 1


def _read(field) -> bytes:
    with field.open("rb") as f:
        return f.read()


def _is_opus(data: bytes) -> bool:
    return data[:4] == b"OggS" and b"OpusHead" in data[:64] and len(data) > 1000


def _is_mp3(data: bytes) -> bool:
    # lame writes a Xing/Info frame first: an MPEG audio frame header (11 sync bits set).
    frame = data[10 + int.from_bytes(data[6:10], "big") :] if data[:3] == b"ID3" else data
    return len(data) > 1000 and frame[0] == 0xFF and frame[1] & 0xE0 == 0xE0


def test_publishing_speaks_the_lesson_and_each_question_and_the_page_links_them(
    client, admin_user, speech_tools, media, django_capture_on_commit_callbacks
) -> None:
    module = ModuleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.module_publish(module=module, actor=admin_user)
    module.refresh_from_db()
    assert _is_opus(data := _read(module.audio))
    assert module.audio_seconds and module.audio_seconds > 1
    page = client.get(reverse("orientation:detail", args=[module.pk])).text
    version = module.audio_text_hash[:12]
    link = f"{reverse('orientation:audio', args=[module.pk])}?v={version}"
    assert f'<source src="{link}" type="audio/ogg; codecs=opus">' in page
    assert b"".join(client.get(link).streaming_content) == data
    questions = list(module.questions.all())
    for question in questions:
        assert _is_opus(_read(question.audio)), question.text
        url = reverse("orientation:question_audio", args=[module.pk, question.pk])
        assert f'<source src="{url}?v={question.audio_text_hash[:12]}"' in page
    # The three questions are three different recordings.
    assert len({q.audio_text_hash for q in questions}) == 3
    if audio.mp3_available():  # lame in CI (.ci/run) and in the image
        assert _is_mp3(mp3 := _read(module.audio_mp3))
        mp3_link = f"{reverse('orientation:audio_mp3', args=[module.pk])}?v={version}"
        assert f'<source src="{mp3_link}" type="audio/mpeg">' in page
        response = client.get(mp3_link)
        assert response["Content-Type"] == "audio/mpeg"
        assert b"".join(response.streaming_content) == mp3
        assert all(_is_mp3(_read(q.audio_mp3)) for q in questions)
    elif os.environ.get("CI"):
        pytest.fail("lame is not installed: .ci/run installs it with apt")


def test_making_the_audio_twice_does_nothing_the_second_time(
    admin_user, speech_tools, media
) -> None:
    module = PublishedModuleFactory()
    assert services.module_audio_generate(module_id=module.pk) is True
    first = Module.all_objects.get(pk=module.pk).audio.name
    assert services.module_audio_generate(module_id=module.pk) is False
    assert Module.all_objects.get(pk=module.pk).audio.name == first


def test_changed_text_gets_new_audio_and_the_old_file_goes(
    admin_user, speech_tools, media, django_capture_on_commit_callbacks
) -> None:
    module = PublishedModuleFactory()
    services.module_audio_generate(module_id=module.pk)
    old = Module.all_objects.get(pk=module.pk).audio
    Module.all_objects.filter(pk=module.pk).update(body="Văn bản mới, ngắn.")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.module_audio_generate(module_id=module.pk) is True
    new = Module.all_objects.get(pk=module.pk).audio
    assert new.name != old.name
    assert old.name and not old.storage.exists(old.name)


def test_an_unpublished_module_gets_no_audio(media) -> None:
    module = ModuleFactory()
    assert services.module_audio_generate(module_id=module.pk) is False


def test_a_workers_pass_is_kept_with_the_date_of_the_first_pass(worker) -> None:
    module = PublishedModuleFactory()
    right = {q.pk: q.correct for q in module.questions.all()}
    first = services.quiz_submit(module=module, user=worker, chosen=right)
    assert first.first_pass and first.score.passed
    passed_at = Progress.objects.get(worker=worker, module=module).passed_at
    wrong = {pk: (c + 1) % 3 for pk, c in right.items()}
    again = services.quiz_submit(module=module, user=worker, chosen=wrong)
    progress = Progress.objects.get(worker=worker, module=module)
    assert not again.first_pass
    assert progress.passed_at == passed_at
    assert progress.attempts == 2


def test_anonymous_and_staff_answers_are_scored_but_not_kept(counsellor) -> None:
    module = PublishedModuleFactory()
    right = {q.pk: q.correct for q in module.questions.all()}
    assert services.quiz_submit(module=module, user=None, chosen=right).score.passed
    assert services.quiz_submit(module=module, user=counsellor, chosen=right).progress is None
    assert not Progress.objects.exists()
