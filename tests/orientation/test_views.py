from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from orientation.models import Progress
from tests.conftest import login_staff
from tests.orientation.factories import (
    ModuleFactory,
    PublishedModuleFactory,
    right_answers,
    wrong_answers,
)
from tests.workers.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def test_anyone_without_an_account_reads_the_list_and_a_module(client) -> None:
    module = PublishedModuleFactory(title="Phí và lừa đảo")
    listing = client.get(reverse("orientation:list"))
    assert listing.status_code == 200
    assert "Phí và lừa đảo" in listing.text
    page = client.get(reverse("orientation:detail", args=[module.pk]))
    assert page.status_code == 200
    assert "<strong>phí môi giới</strong>" in page.text
    # The page says plainly that this is not the legal certificate.
    assert "không phải là chứng chỉ giáo dục định hướng" in page.text
    assert "Luật 69/2020, Điều 65" in page.text


def test_a_draft_module_is_not_shown(client) -> None:
    draft = ModuleFactory(title="Bản nháp")
    assert "Bản nháp" not in client.get(reverse("orientation:list")).text
    assert client.get(reverse("orientation:detail", args=[draft.pk])).status_code == 404


def test_another_provinces_addition_is_not_shown_to_this_provinces_worker(
    client, worker, dong_thap, lao_cai
) -> None:
    ours = PublishedModuleFactory(title="Bài của Lào Cai", province=lao_cai)
    theirs = PublishedModuleFactory(title="Bài của Đồng Tháp", province=dong_thap)
    client.force_login(worker)
    text = client.get(reverse("orientation:list")).text
    assert "Bài của Lào Cai" in text and "Bài của Đồng Tháp" not in text
    assert client.get(reverse("orientation:detail", args=[ours.pk])).status_code == 200
    assert client.get(reverse("orientation:detail", args=[theirs.pk])).status_code == 404


def test_anonymous_answers_are_explained_but_not_kept(client) -> None:
    module = PublishedModuleFactory()
    page = client.post(reverse("orientation:detail", args=[module.pk]), wrong_answers(module))
    assert page.status_code == 200
    assert "Đúng 0/3 câu" in page.text
    assert "Giải thích 1: vì luật nói vậy." in page.text
    assert "Câu trả lời của bạn không được lưu" in page.text
    assert not Progress.objects.exists()


def test_a_worker_who_answers_right_has_the_lesson_done_on_their_home(client, worker) -> None:
    module = PublishedModuleFactory()
    PublishedModuleFactory()
    client.force_login(worker)
    page = client.post(reverse("orientation:detail", args=[module.pk]), right_answers(module))
    assert "Bạn đã học xong bài này" in page.text
    assert Progress.objects.get(worker=worker, module=module).passed_at is not None
    home = client.get(reverse("home")).text
    assert "Giáo dục định hướng trực tuyến: đã học 1/2 bài" in home


def test_an_answer_that_is_not_a_choice_is_refused_plainly(client, worker) -> None:
    module = PublishedModuleFactory()
    client.force_login(worker)
    answers = right_answers(module)
    first = next(iter(answers))
    answers[first] = "7"
    page = client.post(reverse("orientation:detail", args=[module.pk]), answers)
    assert page.status_code == 400
    assert "Câu trả lời này không có trong các lựa chọn" in page.text
    assert not Progress.objects.exists()


def test_a_missing_answer_keeps_the_others_checked(client) -> None:
    module = PublishedModuleFactory()
    answers = right_answers(module)
    answers.pop(next(iter(answers)))
    page = client.post(reverse("orientation:detail", args=[module.pk]), answers)
    assert page.status_code == 400
    assert "Hãy chọn một câu trả lời." in page.text
    assert page.text.count("checked") == 2


def test_the_module_page_plays_its_audio_and_works_without_it(client, media) -> None:
    silent = PublishedModuleFactory()
    assert "<audio" not in client.get(reverse("orientation:detail", args=[silent.pk])).text
    spoken = PublishedModuleFactory()
    spoken.audio_text_hash = "0123456789abcdef"
    spoken.audio.save("x.opus", ContentFile(b"OggS fake"), save=True)
    audio_url = reverse("orientation:audio", args=[spoken.pk]) + "?v=0123456789ab"
    page = client.get(reverse("orientation:detail", args=[spoken.pk])).text
    assert '<audio controls preload="none" id="lesson-audio">' in page
    assert f'<source src="{audio_url}" type="audio/ogg; codecs=opus">' in page
    assert 'type="audio/mpeg"' not in page  # no MP3 made: no second source
    response = client.get(audio_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/ogg"
    assert b"".join(response.streaming_content) == b"OggS fake"


def test_the_counsellor_sees_the_workers_orientation_progress(client, counsellor, lao_cai) -> None:
    module = PublishedModuleFactory(title="Về nước")
    profile = ProfileFactory(user__province=lao_cai)
    Progress.objects.create(worker=profile.user, module=module, passed_at="2026-01-02T03:00Z")
    login_staff(client, counsellor)
    page = client.get(reverse("workers:staff_worker", args=[profile.pk])).text
    assert "Giáo dục định hướng trực tuyến: đã học 1/1 bài" in page
    assert "✓ Về nước" in page


def test_another_provinces_counsellor_gets_404_on_the_workers_progress(
    client, other_counsellor, lao_cai
) -> None:
    profile = ProfileFactory(user__province=lao_cai)
    login_staff(client, other_counsellor)
    assert client.get(reverse("workers:staff_worker", args=[profile.pk])).status_code == 404


def test_the_list_page_query_count_does_not_grow_with_modules(
    client, worker, django_assert_max_num_queries
) -> None:
    client.force_login(worker)
    url = reverse("orientation:list")
    PublishedModuleFactory()
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(10):
        module = PublishedModuleFactory()
        Progress.objects.create(worker=worker, module=module, passed_at="2026-01-02T03:00Z")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert "đã học 10/11 bài" in page.text


def test_the_home_says_nothing_about_orientation_before_any_lesson_is_published(
    client, worker
) -> None:
    ModuleFactory()  # a draft only
    client.force_login(worker)
    assert "data-orientation" not in client.get(reverse("home")).text


def test_a_countrys_lessons_are_listed_apart_and_not_counted_in_progress(client, worker) -> None:
    from tests.markets.factories import MarketFactory

    general = PublishedModuleFactory(title="Phí và lừa đảo")
    PublishedModuleFactory(title="Hàn Quốc: luật và cuộc sống", market=MarketFactory())
    client.force_login(worker)
    client.post(reverse("orientation:detail", args=[general.pk]), right_answers(general))
    page = client.get(reverse("orientation:list")).text
    assert "Nước bạn sẽ đến: pháp luật và cuộc sống ở đó" in page
    assert "Hàn Quốc: luật và cuộc sống" in page
    # One lesson for every destination, passed: done, whatever country lessons there are.
    assert "đã học 1/1 bài" in page
    assert "đã học 1/1 bài" in client.get(reverse("home")).text
