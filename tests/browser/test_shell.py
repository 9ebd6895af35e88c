"""The portal's shell on a 360 px phone: look-alike warnings, the centre's contact, the
menu, the offline ticket."""

import datetime
import json

import pytest
from playwright.sync_api import expect

from markets import services
from markets.models import Enterprise
from tests.browser.conftest import fits_the_phone

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_changed_legal_form_and_an_added_suffix_are_warned_about(page, live_server):
    real = services.enterprise_save(
        enterprise=Enterprise(
            licence_number="901/LĐTBXH-GP",
            name="Công ty CP Nhân lực Hoàng Liên",
            licence_issued_on=datetime.date(2020, 1, 1),
        ),
        by=None,
    )

    for typed in ("Cong ty TNHH Nhan luc Hoang Lien", "Hoang Lien Group"):
        page.goto(live_server.url + "/enterprises/")
        page.locator("#q").fill(typed)
        page.locator("main form[role=search] button").click()
        warning = page.locator("#look-alike")
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("Công ty CP Nhân lực Hoàng Liên")
        assert fits_the_phone(page)

    warning.get_by_role("link", name="Công ty CP Nhân lực Hoàng Liên").click()
    expect(page).to_have_url(f"{live_server.url}/enterprises/{real.pk}/")


def test_the_menu_at_360_px_is_one_button_that_opens_without_javascript(browser, live_server):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + "/")
        header = page.locator("header.site").bounding_box()
        assert header is not None and header["height"] < 120
        menu = page.get_by_role("navigation", name="Menu chính")
        notices = menu.get_by_role("link", name="Thông báo")
        expect(notices).to_be_hidden()
        # The things a visitor does most are in reach without opening anything.
        shortcuts = page.get_by_role("navigation", name="Lối tắt")
        expect(shortcuts.get_by_role("link", name="Tra công ty")).to_be_visible()
        expect(shortcuts.get_by_role("link", name="Đăng nhập")).to_be_visible()

        page.locator("details.menu > summary").focus()
        page.keyboard.press("Enter")
        expect(notices).to_be_visible()
        assert fits_the_phone(page)
        notices.click()
        expect(page).to_have_url(live_server.url + "/notices/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    finally:
        context.close()


def test_a_worker_reaches_the_centre_s_contact_from_an_ask_the_centre_message(page, live_server):
    from accounts.models import Centre
    from tests.browser.conftest import sign_in
    from tests.factories import WorkerFactory, province

    lao_cai = province(15)
    Centre.objects.create(
        province=lao_cai,
        name="Trung tâm Dịch vụ việc làm tỉnh Lào Cai",
        address="Số 1 đường Hoàng Liên",
        phones="0214 3800 001",
        opening_hours="Thứ Hai đến Thứ Sáu: 7:30 - 17:00",
    )
    worker = WorkerFactory(province=lao_cai)
    sign_in(page, live_server.url, worker.phone or worker.email)

    # No job fair planned: the page says "ask the centre", and links to how.
    page.goto(live_server.url + "/fairs/")
    page.locator("main a.centre-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Liên hệ văn phòng")
    contact = page.locator("#centre-contact")
    expect(contact).to_contain_text("Số 1 đường Hoàng Liên")
    expect(contact.get_by_role("link", name="0214 3800 001")).to_have_attribute(
        "href", "tel:02143800001"
    )
    expect(contact).to_contain_text("7:30 - 17:00")
    assert fits_the_phone(page)


def test_a_ticket_listed_on_my_tickets_opens_without_signal(browser, live_server):
    from fairs.views import TICKET_CACHE
    from tests.browser.conftest import sign_in
    from tests.factories import WorkerFactory, province
    from tests.fairs.factories import FairFactory, register
    from tests.workers.factories import ProfileFactory

    worker = ProfileFactory(user=WorkerFactory(phone="+84912345678", province=province(15))).user
    registration = register(FairFactory(title="Phiên Bát Xát"), worker).registration
    ticket_path = f"/fairs/tickets/{registration.pk}/"
    # No request routing here: Playwright's routes would hide the service worker.
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server.url, "0912 345 678")
        page.goto(live_server.url + "/me/fairs/")
        # The list keeps each ticket (and the stylesheets) on the phone, without opening it.
        cache, path = json.dumps(TICKET_CACHE), json.dumps(ticket_path)
        kept = (
            f"async () => {{ const c = await caches.open({cache});"
            f" return !!(await c.match({path}, {{ignoreVary: true}}))"
            f" && !!(await navigator.serviceWorker.getRegistration({path}))?.active; }}"
        )
        page.wait_for_function(kept, polling=200)

        context.set_offline(True)
        page.goto(live_server.url + ticket_path)
        expect(page.locator("#ticket")).to_have_attribute("data-code", registration.code)
        # A reload asks the network again, past the browser's own cache: only the service
        # worker's copy answers now.
        page.reload()
        expect(page.locator("#ticket")).to_have_attribute("data-code", registration.code)
        expect(page.locator("svg.qr")).to_be_visible()
        assert fits_the_phone(page)
    finally:
        context.close()
