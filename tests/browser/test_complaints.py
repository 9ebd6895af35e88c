"""A worker lodges a complaint against a licensed company from her phone and follows it; a
counsellor records the outcome with the money recovered, which the worker then sees."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from markets.models import Complaint
from tests.browser.conftest import fits_the_phone, sign_in
from tests.factories import StaffFactory, WorkerFactory, province
from tests.markets.factories import enterprise
from tests.workers.factories import png_upload

pytestmark = pytest.mark.django_db(transaction=True)

PNG = png_upload().read()


def test_a_worker_complains_from_her_phone_and_sees_the_money_a_counsellor_recovered(
    page, live_server, browser
):
    lao_cai = province(15)
    company = enterprise(name="Công ty TNHH Cung ứng Nhân lực Sa Pa Quốc tế")
    WorkerFactory(province=lao_cai, email="lan@example.vn", name="Phạm Thị Lan")
    StaffFactory(role=Role.COUNSELLOR, province=lao_cai, email="tv@example.vn")

    # The worker, at 360 px: finds the company in the register, fills in, sends.
    sign_in(page, live_server.url, "lan@example.vn")
    page.goto(f"{live_server.url}/complain/")
    page.locator("#id_enterprise_query").fill("sa pa")
    page.locator("#find").click()
    page.locator("#enterprise-choices input[type=radio]").first.check()
    page.locator("input[name=kind][value=fees_over_cap]").check()
    page.locator("#id_what_happened").fill("Thu 120 triệu phí dịch vụ cho hợp đồng 1 năm")
    page.locator("#id_amount_paid").fill("120.000.000")
    page.locator("#id_complainant_phone").fill("0912 345 003")
    page.locator("#id_attachments").set_input_files(
        [{"name": "bien-lai.png", "mimeType": "image/png", "buffer": PNG}]
    )
    assert fits_the_phone(page)
    page.locator("#send").click()
    expect(page.locator("#complaint-reference")).to_be_visible()
    complaint = Complaint.all_objects.get()
    assert complaint.enterprise == company and complaint.attachments.count() == 1

    # The counsellor, at 1280 px: takes it, records money recovered.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    staff = desk.new_page()
    sign_in(staff, live_server.url, "tv@example.vn", staff=True)
    staff.goto(f"{live_server.url}/staff/complaints/")
    staff.get_by_role("link", name=complaint.reference).click()
    staff.locator("#take-button").click()
    expect(staff.locator("#complaint-status")).to_have_attribute("data-status", "in_progress")
    staff.locator("input[name=outcome][value=recovered]").check()
    staff.locator("#id_amount_recovered").fill("60.000.000")
    staff.locator("#id_note").fill("Công ty trả lại phần thu vượt")
    staff.locator("#close-button").click()
    expect(staff.locator("#complaint-outcome")).to_contain_text("60.000.000")
    desk.close()

    # The worker sees the outcome on her page.
    page.goto(f"{live_server.url}/me/complaints/")
    page.locator("#my-complaints a").first.click()
    expect(page.locator("#complaint-status")).to_have_attribute("data-status", "closed")
    expect(page.locator("#complaint-recovered")).to_contain_text("60.000.000")
    assert fits_the_phone(page)
