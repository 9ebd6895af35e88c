"""Province managers write their province's lessons from the staff pages; administrators the
national ones. Another province's lesson is a 404; bad input comes back with what was typed."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Role
from orientation.models import Module, ModuleEvent
from tests.conftest import login_staff
from tests.factories import StaffFactory
from tests.markets.factories import MarketFactory
from tests.orientation.factories import ModuleFactory, PublishedModuleFactory

pytestmark = pytest.mark.django_db


def lesson_post(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Mùa lúa và lịch đi làm",
        "body": "Hỏi văn phòng của tỉnh trước khi đi.\n\nNguồn: văn phòng tỉnh.",
        "province": "15",
        "market": "",
        "order": "50",
        "pictogram": "phone",
        "image_alt": "",
        "reason": "",
    }
    for n in (1, 2, 3):
        data |= {
            f"q{n}_text": f"Câu hỏi số {n}?",
            f"q{n}_choice1": "Sai rồi",
            f"q{n}_choice2": "Hỏi văn phòng",
            f"q{n}_correct": "2",
            f"q{n}_explanation": f"Vì văn phòng giúp bạn ({n}).",
        }
    data |= changes
    return data


def photo(width: int = 2000, height: int = 1500) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format="JPEG")
    return SimpleUploadedFile("anh.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_manager_writes_previews_publishes_and_takes_down_a_province_lesson(
    client, manager, worker, lao_cai
) -> None:
    login_staff(client, manager)
    assert "Bài học định hướng" in client.get(reverse("orientation:staff_list")).text
    response = client.post(reverse("orientation:staff_create"), lesson_post())
    module = Module.all_objects.get(title="Mùa lúa và lịch đi làm")
    assert response.status_code == 302
    assert module.province == lao_cai and module.created_by == manager
    assert module.published_at is None
    assert [q.correct for q in module.questions.all()] == [1, 1, 1]

    page = client.get(reverse("orientation:staff_edit", args=[module.pk])).text
    assert "data-preview" in page and "✓ Hỏi văn phòng" in page  # the preview marks the answer
    assert "Hỏi văn phòng của tỉnh trước khi đi." in page

    client.post(
        reverse("orientation:staff_publish", args=[module.pk]), {"reason": "Đã duyệt nội dung"}
    )
    module.refresh_from_db()
    assert module.published_by == manager
    event = module.events.get(action=ModuleEvent.Action.PUBLISHED)
    assert (event.by, event.reason) == (manager, "Đã duyệt nội dung")

    # The province's worker reads it; a visitor without an account sees national lessons only.
    client.force_login(worker)
    assert "Mùa lúa và lịch đi làm" in client.get(reverse("orientation:list")).text
    client.logout()
    assert "Mùa lúa và lịch đi làm" not in client.get(reverse("orientation:list")).text
    assert client.get(reverse("orientation:detail", args=[module.pk])).status_code == 404

    login_staff(client, manager)
    client.post(reverse("orientation:staff_unpublish", args=[module.pk]), {"reason": "Sửa lại"})
    module.refresh_from_db()
    assert module.published_at is None
    assert list(module.events.values_list("action", flat=True)) == [
        "created",
        "published",
        "unpublished",
    ]


def test_another_provinces_manager_and_a_counsellor_get_404(
    client, manager, counsellor, lao_cai, dong_thap
) -> None:
    lesson = ModuleFactory(province=lao_cai, title="Bài của Lào Cai")
    other = StaffFactory(role=Role.MANAGER, province=dong_thap)
    login_staff(client, other)
    assert client.get(reverse("orientation:staff_edit", args=[lesson.pk])).status_code == 404
    assert client.post(reverse("orientation:staff_publish", args=[lesson.pk])).status_code == 404
    assert (
        client.post(
            reverse("orientation:staff_edit", args=[lesson.pk]), lesson_post(province="82")
        ).status_code
        == 404
    )
    assert "Bài của Lào Cai" not in client.get(reverse("orientation:staff_list")).text
    lesson.refresh_from_db()
    assert lesson.published_at is None and lesson.title == "Bài của Lào Cai"
    client.logout()
    login_staff(client, counsellor)
    assert client.get(reverse("orientation:staff_list")).status_code == 404


def test_a_manager_cannot_write_a_national_lesson_but_an_administrator_can(
    client, manager, admin_user
) -> None:
    login_staff(client, manager)
    response = client.post(reverse("orientation:staff_create"), lesson_post(province=""))
    assert response.status_code == 400
    assert not Module.all_objects.exists()
    login_staff(client, admin_user)
    client.post(reverse("orientation:staff_create"), lesson_post(province=""))
    assert Module.all_objects.get().province is None


def test_a_half_written_question_is_refused_and_everything_typed_comes_back(
    client, manager
) -> None:
    login_staff(client, manager)
    response = client.post(
        reverse("orientation:staff_create"),
        lesson_post(q2_explanation="", q3_correct="4", q4_text="Câu thứ tư chưa xong"),
    )
    assert response.status_code == 400
    page = response.text
    assert "Hãy giải thích vì sao câu đó đúng." in page
    assert "Hãy chọn câu trả lời đúng trong các câu đã viết." in page  # 4th of 2 answers
    assert "Hãy viết ít nhất hai câu trả lời" in page  # question 4 has no answers
    assert 'value="Câu thứ tư chưa xong"' in page
    assert "Hỏi văn phòng của tỉnh trước khi đi." in page
    assert not Module.all_objects.exists()


def test_editing_a_published_lesson_keeps_it_sound_and_keeps_question_ids(
    client, manager, lao_cai
) -> None:
    lesson = PublishedModuleFactory(province=lao_cai)
    ids = list(lesson.questions.values_list("pk", flat=True))
    login_staff(client, manager)
    url = reverse("orientation:staff_edit", args=[lesson.pk])
    # Two questions only: a published lesson needs three, so nothing is saved.
    emptied = lesson_post(q3_text="", q3_choice1="", q3_choice2="", q3_correct="",
                          q3_explanation="")  # fmt: skip
    response = client.post(url, emptied)
    assert response.status_code == 400
    assert "Bài học cần từ 3 đến 5 câu hỏi." in response.text
    assert lesson.questions.count() == 3
    response = client.post(url, lesson_post(title="Tên mới", reason="Sửa câu chữ"))
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.title == "Tên mới" and lesson.published_at is not None
    assert list(lesson.questions.values_list("pk", flat=True)) == ids
    assert lesson.events.get(action="edited").reason == "Sửa câu chữ"


def test_a_picture_is_made_small_webp_and_shown_lazily_with_its_words(
    client, manager, worker, media
) -> None:
    login_staff(client, manager)
    client.post(
        reverse("orientation:staff_create"),
        lesson_post(
            image=photo(),
            image_alt="Ảnh cánh đồng lúa",
            q1_image=photo(400, 300),
            q1_image_alt="Văn phòng tư vấn",
        ),
    )
    lesson = Module.all_objects.get()
    client.post(reverse("orientation:staff_publish", args=[lesson.pk]))
    lesson.refresh_from_db()
    with lesson.image.open("rb") as f, Image.open(f) as stored:
        assert (stored.format, stored.width, stored.height) == ("WEBP", 720, 540)
    assert lesson.image.size < 30_000
    client.force_login(worker)
    page = client.get(reverse("orientation:detail", args=[lesson.pk])).text
    src = reverse("orientation:image", args=[lesson.pk])
    assert f'src="{src}?v=' in page
    assert 'alt="Ảnh cánh đồng lúa" loading="lazy"' in page
    assert 'alt="Văn phòng tư vấn" loading="lazy"' in page
    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"


def test_a_file_that_is_not_a_picture_is_refused_and_the_text_stays(client, manager) -> None:
    login_staff(client, manager)
    fake = SimpleUploadedFile("anh.jpg", b"MZ not a picture", content_type="image/jpeg")
    response = client.post(
        reverse("orientation:staff_create"), lesson_post(image=fake, image_alt="Ảnh")
    )
    assert response.status_code == 400
    assert "Ở đây chỉ dùng được ảnh chụp hoặc hình vẽ (JPEG, PNG, HEIC)." in response.text
    assert 'value="Mùa lúa và lịch đi làm"' in response.text
    assert not Module.all_objects.exists()


def test_the_market_page_links_its_lessons(client) -> None:
    japan = MarketFactory(code="japan", name_vi="Nhật Bản")
    PublishedModuleFactory(title="Nhật Bản: luật và cuộc sống", market=japan)
    PublishedModuleFactory(title="Bài chung")
    ModuleFactory(title="Bản nháp về Nhật", market=japan)
    page = client.get(reverse("markets:market", args=["japan"])).text
    assert "Trước khi đi Nhật Bản: bài học để đọc và nghe" in page
    assert "Nhật Bản: luật và cuộc sống" in page
    assert "Bài chung" not in page and "Bản nháp về Nhật" not in page


def test_a_question_taken_out_takes_its_picture_with_it(
    client, manager, media, django_capture_on_commit_callbacks
) -> None:
    login_staff(client, manager)
    four = {
        "q4_text": "Câu bốn?",
        "q4_choice1": "A",
        "q4_choice2": "B",
        "q4_correct": "1",
        "q4_explanation": "Vì A.",
        "q4_image": photo(300, 200),
        "q4_image_alt": "Ảnh A",
    }
    client.post(reverse("orientation:staff_create"), lesson_post(**four))
    lesson = Module.all_objects.get()
    picture = lesson.questions.get(order=4).image
    assert picture.name
    assert picture.storage.exists(picture.name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orientation:staff_edit", args=[lesson.pk]), lesson_post())
    assert lesson.questions.count() == 3
    assert not picture.storage.exists(picture.name)
