import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.conftest import fits_the_phone
from tests.factories import PASSWORD, StaffFactory, WorkerFactory, province, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_signs_in_with_their_phone_number_on_a_small_screen(page, live_server):
    WorkerFactory(name="Giàng Thị Mai", phone="+84912345002", province=province(15))

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Đăng nhập").first.click()
    page.get_by_label("Thông tin đăng nhập").fill("0912 345 002")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Giàng Thị Mai")
    # First thing on the worker's home: how the centre uses their data.
    expect(page.locator("main a[href='/me/consent/']")).to_be_visible()
    # Nothing is wider than the phone's screen.
    assert fits_the_phone(page)


def test_a_counsellor_signs_in_with_password_and_authenticator_code(page, live_server):
    StaffFactory(
        name="Lò Văn Minh", role=Role.COUNSELLOR, province=province(15), email="tv@example.vn"
    )

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Thông tin đăng nhập").fill("tv@example.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label(re.compile("Mã")).fill(totp_code())
    page.get_by_role("button", name=re.compile("Đăng nhập|Xác nhận|Tiếp tục")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Trang cán bộ")
    expect(page.get_by_text("Lào Cai")).to_be_visible()
    page.locator("details.menu > summary").click()  # on a phone the menu is one button
    page.get_by_role("link", name="Danh sách người dùng").click()
    expect(page.get_by_role("cell", name="Lò Văn Minh")).to_be_visible()
