"""On a 360 px phone a worker abroad asks for help with a photo; the counsellor finds it on
the staff home, records first contact and an outcome with the money recovered; the worker
reads where it stands. Screenshots go to MRC_SHOTS when it is set."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts.models import Role
from tests.assistance.factories import abroad_profile, contacts
from tests.browser.conftest import fits_the_phone, sign_in
from tests.factories import StaffFactory, province

pytestmark = pytest.mark.django_db(transaction=True)


def _shot(page, name: str) -> None:
    folder = os.environ.get("MRC_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_a_worker_abroad_asks_for_help_and_reads_the_outcome(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lao_cai = province(15)
    profile = abroad_profile(lao_cai, name="Giàng Thị Mai", phone="+84912345678")
    contacts(profile.case.market)
    counsellor = StaffFactory(role=Role.COUNSELLOR, province=lao_cai, name="Lò Văn Minh")
    photo = io.BytesIO()
    Image.new("RGB", (120, 90), "navy").save(photo, format="JPEG")
    base = live_server.url

    sign_in(page, base, "0912345678")
    page.get_by_role("link", name="Gửi yêu cầu trợ giúp").first.click()
    page.get_by_label("Không được trả lương").check()
    page.get_by_label("Số điện thoại của bạn ở nước ngoài").fill("+82 10 0000 0000")
    # The browser's own "Choose Files / No file chosen" is not in the page's language: a
    # button and a line in Vietnamese stand in for it, and say which photo was chosen.
    picker = page.locator(".file-pick")
    expect(picker.locator(".file-pick-button")).to_have_text("Chọn một hay nhiều ảnh, tệp")
    expect(picker.locator(".file-pick-status")).to_have_text("Chưa chọn tệp nào.")
    native = page.locator("input[type=file]").bounding_box()
    assert native is not None and native["width"] <= 1
    page.locator("input[type=file]").set_input_files(
        {"name": "luong.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}
    )
    expect(picker.locator(".file-pick-status")).to_have_text("luong.jpg")
    assert fits_the_phone(page)
    _shot(page, "1-worker-form")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    expect(page.locator("[data-status=new]")).to_contain_text("Chờ liên hệ lần đầu")
    expect(page.get_by_role("link", name="Ảnh 1")).to_be_visible()
    expect(page.locator('a[href="tel:1350"]')).to_be_visible()  # a checked number only
    assert fits_the_phone(page)
    _shot(page, "2-worker-sent")

    sign_in(page, base, counsellor.email, staff=True)
    home = page.locator("[data-help-home]")
    expect(home).to_contain_text("Giàng Thị Mai")
    _shot(page, "3-staff-home")
    home.get_by_role("link", name="Giàng Thị Mai").click()
    expect(page.get_by_text("chưa có số đã xác minh")).to_be_visible()
    page.get_by_label("Ghi chú").first.fill("Đã gọi qua Zalo")
    page.get_by_role("button", name="Đã liên hệ lần đầu").click()
    expect(page.locator("[data-status=contacted]")).to_be_visible()
    page.get_by_label("Đã đòi được tiền bồi thường hoặc tiền lương").check()
    page.get_by_label("Số tiền đòi được (đồng)").fill("12.500.000")
    page.get_by_role("button", name="Kết thúc yêu cầu").click()
    expect(page.locator("[data-status=closed]")).to_contain_text("12.500.000")
    _shot(page, "4-staff-closed")

    sign_in(page, base, "0912345678")
    panel = page.locator("[data-help]")
    expect(panel).to_contain_text("Đã đòi được tiền bồi thường hoặc tiền lương")
    expect(panel).to_contain_text("đã đòi được 12.500.000 đồng cho bạn")
    assert fits_the_phone(page)
    _shot(page, "5-worker-home")
