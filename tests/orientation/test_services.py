from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orientation import services
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


def test_publishing_makes_a_non_empty_opus_file_that_the_page_links(
    client, admin_user, speech_tools, media, django_capture_on_commit_callbacks
) -> None:
    module = ModuleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.module_publish(module=module, actor=admin_user)
    module.refresh_from_db()
    assert module.audio
    with module.audio.open("rb") as f:
        data = f.read()
    assert data[:4] == b"OggS" and b"OpusHead" in data[:64]
    assert len(data) > 1000
    assert module.audio_seconds and module.audio_seconds > 1
    page = client.get(reverse("orientation:detail", args=[module.pk])).text
    link = f"{reverse('orientation:audio', args=[module.pk])}?v={module.audio_text_hash[:12]}"
    assert f'<audio controls preload="none" src="{link}"' in page
    assert b"".join(client.get(link).streaming_content) == data


def test_making_the_audio_twice_does_nothing_the_second_time(
    admin_user, speech_tools, media
) -> None:
    module = PublishedModuleFactory()
    assert services.module_audio_generate(module_id=module.pk) is True
    first = Module.objects.get(pk=module.pk).audio.name
    assert services.module_audio_generate(module_id=module.pk) is False
    assert Module.objects.get(pk=module.pk).audio.name == first


def test_changed_text_gets_new_audio_and_the_old_file_goes(
    admin_user, speech_tools, media, django_capture_on_commit_callbacks
) -> None:
    module = PublishedModuleFactory()
    services.module_audio_generate(module_id=module.pk)
    old = Module.objects.get(pk=module.pk).audio
    Module.objects.filter(pk=module.pk).update(body="Văn bản mới, ngắn.")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.module_audio_generate(module_id=module.pk) is True
    new = Module.objects.get(pk=module.pk).audio
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
