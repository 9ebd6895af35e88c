"""The everyday journeys of issue 16, walked in Chromium as a worker would on a 360 px
phone (and a counsellor at 1280 px). With JOURNEY_SHOTS set to a folder, each journey
leaves screenshots there for a person to look at."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts import sms
from accounts.models import Role
from tests.browser.conftest import fits_the_phone, sign_in
from tests.factories import StaffFactory, WorkerFactory, province
from tests.workers.factories import VALID_ID, ProfileFactory
from workers.models import STEP_ORDER, Document, PriorityGroupClaim, Stage, WorkerProfile

pytestmark = pytest.mark.django_db(transaction=True)

SUBMIT = "main form button[type=submit]:not([name=refresh])"
SHOTS = os.environ.get("JOURNEY_SHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def first_screen(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def submit(page) -> None:
    page.locator(SUBMIT).first.click()


def staff_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    staff = context.new_page()
    staff.set_default_timeout(15_000)
    return context, staff


def a_photo(tmp_path, name: str = "photo.jpg") -> str:
    path = tmp_path / name
    Image.new("RGB", (160, 120), "navy").save(path, format="JPEG")
    return str(path)


def fill_every_step(page, base: str, commune_pk: int, *, url_for) -> None:
    page.goto(base + url_for("identity"))
    page.fill("input[name=date_of_birth]", "1990-05-17")
    page.check("input[name=sex][value=female]")
    page.fill("input[name=personal_id]", VALID_ID)
    submit(page)
    expect(page).to_have_url(re.compile(url_for("contact")))
    page.fill("input[name=contact_note]", "Zalo: Mai Giàng")
    submit(page)
    expect(page).to_have_url(re.compile(url_for("address")))
    page.select_option("select[name=commune]", str(commune_pk))
    page.fill("input[name=address_line]", "Bản Lầu")
    submit(page)
    expect(page).to_have_url(re.compile(url_for("background")))
    page.select_option("select[name=ethnicity]", "mong")
    page.check("input[name=priority_groups][value=poor]")
    submit(page)
    expect(page).to_have_url(re.compile(url_for("education")))
    page.select_option("select[name=education]", "lower_secondary")
    page.select_option("select[name=jlpt_level]", "N4")
    submit(page)
    expect(page).to_have_url(re.compile(url_for("plans")))
    page.check("input[name=desired_markets][value=JP]")
    submit(page)
    expect(page).to_have_url(re.compile(url_for("health")))
    page.check("input[name=health_fit][value=True]")
    page.check("input[name=has_criminal_record][value=False]")
    submit(page)


@pytest.mark.slow
def test_the_worker_fills_the_wizard_then_reopens_and_resaves_every_step_unchanged(
    page, live_server
):
    lao_cai = province(15)
    commune = lao_cai.communes.order_by("name").first()
    worker = WorkerFactory(province=lao_cai, name="Giàng Thị Mai")
    ProfileFactory(user=worker)
    sign_in(page, live_server.url, worker.phone)

    def url_for(step: str) -> str:
        return f"/me/profile/{step}/"

    fill_every_step(page, live_server.url, commune.pk, url_for=url_for)
    expect(page).to_have_url(re.compile("/me/documents/"))
    saved = WorkerProfile.all_objects.get(user=worker)

    for step in STEP_ORDER:
        page.goto(live_server.url + url_for(step))
        if step == "health":
            expect(page.locator("input[name=health_fit][value=True]")).to_be_checked()
            expect(page.locator("input[name=has_criminal_record][value=False]")).to_be_checked()
            shot(page, "wizard-health-reopened")
        submit(page)
        expect(page.locator(".errorlist")).to_have_count(0)
        expect(page).not_to_have_url(re.compile(url_for(step) + "$"))

    again = WorkerProfile.all_objects.get(user=worker)
    assert again.version == saved.version + len(STEP_ORDER)
    kept = ["personal_id", "commune_id", "ethnicity", "education", "jlpt_level",
            "desired_markets", "health_fit", "has_criminal_record", "contact_note"]  # fmt: skip
    for field in kept:
        assert getattr(again, field) == getattr(saved, field), field
    assert again.priority_groups == ["poor"]


def test_a_returned_document_is_explained_on_home_and_in_the_inbox(
    page, browser, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    lao_cai = province(15)
    worker = WorkerFactory(province=lao_cai, name="Vàng Thị Dua")
    profile = ProfileFactory(user=worker)
    StaffFactory(role=Role.COUNSELLOR, province=lao_cai, email="tv@example.vn")
    sign_in(page, live_server.url, worker.phone)
    page.goto(live_server.url + "/me/documents/")
    section = page.locator("#doc-passport")
    section.locator("input[type=file]").set_input_files(a_photo(tmp_path))
    section.locator("button[type=submit]").click()
    expect(page.locator("#doc-passport .status.uploaded")).to_be_visible()

    context, staff = staff_page(browser, live_server)
    try:
        sign_in(staff, live_server.url, "tv@example.vn", staff=True)
        staff.goto(live_server.url + f"/staff/workers/{profile.pk}/")
        staff.fill("input[name=reason]", "Ảnh bị mờ: chụp lại trang có ảnh, đủ ánh sáng")
        staff.locator("form[action$='/return/'] button").click()
        expect(staff.locator(".messages")).to_be_visible()
        # A second click on an old page changes nothing and sends nothing more.
        staff.go_back()
        staff.reload()
    finally:
        context.close()

    page.goto(live_server.url + "/")
    reason = page.get_by_text("Ảnh bị mờ: chụp lại trang có ảnh, đủ ánh sáng").first
    expect(reason).to_be_visible()
    first_screen(page, "home-returned-first-screen")
    shot(page, "home-returned")
    assert fits_the_phone(page)
    page.goto(live_server.url + "/inbox/")
    message = page.locator("main article, main li").filter(has_text="Hộ chiếu").first
    expect(message).to_contain_text("bị trả lại")
    expect(message).to_contain_text("Ảnh bị mờ")
    first_screen(page, "inbox-returned")
    # Opening it leads to the document to send again.
    message.locator("a[href*='/inbox/']").first.click()
    expect(page).to_have_url(re.compile("/me/documents/"))
    texts = [m for m in sms.outbox if m.to == worker.phone and "Ảnh bị mờ" in m.body]
    assert len(texts) == 1


@pytest.mark.slow
def test_a_counsellor_registers_a_walk_in_with_a_priority_group_up_to_documents_ready(
    page, browser, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    lao_cai = province(15)
    commune = lao_cai.communes.order_by("name").first()
    StaffFactory(role=Role.COUNSELLOR, province=lao_cai, email="tv@example.vn")
    context, staff = staff_page(browser, live_server)
    try:
        sign_in(staff, live_server.url, "tv@example.vn", staff=True)
        staff.goto(live_server.url + "/staff/workers/new/")
        staff.fill("input[name=name]", "Giàng Thị Mai")
        staff.fill("input[name=phone]", "0912 111 222")
        staff.check("input[name=consent_on_paper]")
        submit(staff)
        expect(staff).to_have_url(re.compile(r"/staff/workers/\d+/profile/identity/"))
        pk = int(re.search(r"/staff/workers/(\d+)/", staff.url).group(1))
        fill_every_step(
            staff,
            live_server.url,
            commune.pk,
            url_for=lambda s: f"/staff/workers/{pk}/profile/{s}/",
        )
        expect(staff).to_have_url(re.compile(rf"/staff/workers/{pk}/$"))

        options = staff.locator("#doc-type option")
        values = [options.nth(i).get_attribute("value") for i in range(options.count())]
        assert "priority_proof:poor" in values
        required = ["id_card:", "passport:", "judicial_record:", "health_certificate:",
                    "language_certificate:", "orientation_certificate:",
                    "priority_proof:poor"]  # fmt: skip
        for value in required:
            staff.select_option("#doc-type", value)
            staff.set_input_files("#doc-file", a_photo(tmp_path))
            staff.locator("form[action$='/documents/'] button[type=submit]").click()
            expect(staff.locator(".messages")).to_be_visible()
        while staff.locator("form[action$='/verify/'] button").count():
            staff.locator("form[action$='/verify/'] button").first.click()
            expect(staff.locator(".messages")).to_be_visible()
        shot(staff, "walk-in-documents-verified")

        staff.get_by_role("link", name="Ghi buổi tư vấn").first.click()
        staff.select_option("select[name=channel]", "in_person")
        staff.check("input[name=topics][value=documents]")
        staff.locator("main form button[type=submit]").click()
        for stage in ["counselled", "preparing", "documents_ready"]:
            staff.get_by_role("link", name="Chuyển giai đoạn hồ sơ").first.click()
            staff.select_option("select[name=to]", stage)
            staff.locator("main form button[type=submit]").first.click()
            expect(staff.locator(".errorlist, .notice[role=alert]")).to_have_count(0)
        expect(staff.locator("h2#h-case")).to_contain_text("Đủ hồ sơ")
        shot(staff, "walk-in-documents-ready")
    finally:
        context.close()

    profile = WorkerProfile.all_objects.get(pk=pk)
    assert profile.case.stage == Stage.DOCUMENTS_READY
    assert profile.documents.get(type__code="priority_proof").priority_group == "poor"
    assert not profile.documents.exclude(status=Document.Status.VERIFIED).exists()


def test_an_oversized_upload_says_so_in_the_first_screen_and_takes_the_focus(
    page, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    worker = WorkerFactory(province=province(15))
    profile = ProfileFactory(user=worker)
    PriorityGroupClaim.objects.create(profile=profile, group="poor")
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 10) + b"\n%%EOF")
    sign_in(page, live_server.url, worker.phone)
    page.goto(live_server.url + "/me/documents/")

    # The last section, far down the page: the message must still be in the first screen.
    section = page.locator("section.doc").last
    section.locator("input[type=file]").set_input_files(str(big))
    section.locator("button[type=submit]").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("10 MB")
    box = summary.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 740
    first_screen(page, "upload-too-big-first-screen")
    summary.locator("a").first.click()
    expect(page.locator("input[type=file]:focus")).to_have_count(1)
    assert not Document.all_objects.exists()


def test_my_data_reads_like_the_profile(page, live_server):
    lao_cai = province(15)
    worker = WorkerFactory(province=lao_cai, name="Giàng Thị Mai")
    ProfileFactory(user=worker)
    sign_in(page, live_server.url, worker.phone)
    fill_every_step(
        page, live_server.url, lao_cai.communes.order_by("name").first().pk,
        url_for=lambda s: f"/me/profile/{s}/",
    )  # fmt: skip

    page.goto(live_server.url + "/me/data/")

    main = page.locator("main")
    text = main.inner_text()
    for shown in ["Ngày sinh", "17/05/1990", "Nữ", "Mông", "Nhật Bản", "Hộ nghèo", "Có", "Không"]:
        assert shown in text, shown
    for raw in ["True", "False", "['JP']", "date_of_birth", "1990-05-17", "female"]:
        assert raw not in text, raw
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", text)
    assert fits_the_phone(page)
    shot(page, "my-data")
