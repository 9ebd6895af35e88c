"""A worker on a 360 px phone listens to a lesson, answers its quiz, sees every answer
explained and the lesson counted on their home."""

from __future__ import annotations

import math
import shutil

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from orientation import services
from orientation.audio import mp3_available
from tests.browser.conftest import fits_the_phone, sign_in
from tests.factories import StaffFactory, WorkerFactory, province
from tests.orientation.conftest import media, speech_tools  # noqa: F401
from tests.orientation.factories import ModuleFactory
from tests.workers.factories import ProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_hears_a_lesson_passes_its_quiz_and_sees_it_on_home(
    page,
    live_server,
    speech_tools,  # noqa: F811
    media,  # noqa: F811
):
    lao_cai = province(15)
    admin = StaffFactory(role=Role.ADMIN, province=None)
    module = ModuleFactory(title="Phí và lừa đảo")
    ModuleFactory(title="Về nước")
    for m in (module, module.__class__.all_objects.get(title="Về nước")):
        services.module_publish(module=m, actor=admin)  # no test transaction: audio runs
    ProfileFactory(user=WorkerFactory(name="Giàng Thị Mai", phone="+84912345678", province=lao_cai))
    base = live_server.url

    # Anyone can open the lesson; it plays.
    page.goto(base + "/orientation/")
    page.get_by_role("link", name="Phí và lừa đảo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phí và lừa đảo")
    player = page.locator("#lesson-audio")
    expect(player).to_have_count(1)
    duration = player.evaluate(
        """a => new Promise((ok, fail) => {
            a.addEventListener('loadedmetadata', () => ok(a.duration), {once: true});
            a.addEventListener('error', () => fail(String(a.error && a.error.code)), {once: true});
            a.load();
        })"""
    )
    # Its length as recorded, before it is played: Chrome reads it from the end of the Ogg
    # file, which it can only reach with byte ranges ("Infinity" without them).
    module.refresh_from_db()
    assert module.audio_seconds is not None
    assert math.isfinite(duration) and abs(duration - module.audio_seconds) < 0.5
    # Each question is spoken too, with an MP3 beside the Opus for older iPhones.
    question_audio = page.locator("fieldset.field audio")
    expect(question_audio).to_have_count(3)
    assert (
        1
        < question_audio.first.evaluate(
            """a => new Promise((ok, fail) => {
            a.addEventListener('loadedmetadata', () => ok(a.duration), {once: true});
            a.addEventListener('error', () => fail(String(a.error && a.error.code)), {once: true});
            a.load();
        })"""
        )
        < math.inf
    )
    if mp3_available():
        expect(page.locator('#lesson-audio source[type="audio/mpeg"]')).to_have_count(1)
    assert fits_the_phone(page)

    # Signed in, the worker answers one question wrong, reads why, then passes.
    sign_in(page, base, "0912345678")
    page.goto(base + f"/orientation/{module.pk}/")
    questions = page.locator("fieldset.field")
    expect(questions).to_have_count(3)
    questions.nth(0).get_by_label("Sai").check()
    for i in (1, 2):
        questions.nth(i).get_by_label("Đúng").check()
    page.get_by_role("button", name="Gửi câu trả lời").click()
    expect(page.locator("[data-result=failed]")).to_contain_text("Đúng 2/3 câu")
    expect(page.get_by_text("Giải thích 1: vì luật nói vậy.")).to_be_visible()
    # "Try again" must load the form again, not only scroll the result page to #quiz.
    page.get_by_role("link", name="Làm lại").click()
    for i in range(3):
        page.locator("fieldset.field").nth(i).get_by_label("Đúng").check()
    page.get_by_role("button", name="Gửi câu trả lời").click()
    expect(page.locator("[data-result=passed]")).to_contain_text("Bạn đã học xong bài này")
    assert fits_the_phone(page)

    page.goto(base + "/")
    expect(page.locator("[data-orientation]")).to_contain_text(
        "Giáo dục định hướng trực tuyến: đã học 1/2 bài"
    )
    assert shutil.which("espeak-ng")
