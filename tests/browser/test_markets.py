"""A visitor checks a market, a fee and a company and reports a fraud; a centre manager
schedules a notice that the public sees once its time has come."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from markets import services
from markets.models import (
    Enterprise,
    ExchangeRate,
    FigureKind,
    FigureStatus,
    FraudReport,
    LegalFigure,
    Market,
    Programme,
)
from tests.browser.conftest import fits_the_phone
from tests.factories import PASSWORD, StaffFactory, province, totp_code
from tests.workers.factories import png_upload

pytestmark = pytest.mark.django_db(transaction=True)

# A real picture: uploads are decoded and re-encoded without their metadata.
PNG = png_upload().read()


@pytest.fixture
def japan_intern() -> Programme:
    ExchangeRate.objects.create(currency="USD", vnd_per_unit=Decimal("25000"), as_of="2025-11-01")
    ExchangeRate.objects.create(currency="JPY", vnd_per_unit=Decimal("170"), as_of="2025-11-01")
    japan = Market.objects.create(code="japan", name_vi="Nhật Bản", name_en="Japan", currency="JPY")
    # A live-server test starts from an emptied database: the national rules come back.
    services.national_rules_ensure()
    programme = Programme.objects.create(
        market=japan,
        code="technical-intern",
        name_vi="Thực tập sinh kỹ năng",
        name_en="Technical intern",
    )
    # A confirmed cap, so the checker applies it (an unconfirmed one is only mentioned).
    LegalFigure.objects.create(
        programme=programme,
        kind=FigureKind.SERVICE_FEE_CAP,
        label_vi="Mức trần tiền dịch vụ",
        amount=Decimal("3600"),
        currency="USD",
        per_months=36,
        document="Văn bản thử",
        valid_from=datetime.date(2022, 1, 1),
        status=FigureStatus.CONFIRMED,
        checked_on=datetime.date(2026, 1, 5),
    )
    return programme


def test_a_visitor_reads_a_market_checks_a_fee_and_a_company_and_reports_a_fraud(
    page, live_server, japan_intern, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    services.enterprise_save(
        enterprise=Enterprise(
            licence_number="901/LĐTBXH-GP",
            name="Công ty CP Nhân lực Hoàng Liên",
            licence_issued_on=datetime.date(2020, 1, 1),
        ),
        by=None,
    )

    # A market page, with its programme and the way to the fee checker.
    page.goto(live_server.url + "/markets/")
    page.get_by_role("link", name="Nhật Bản").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhật Bản")
    expect(page.get_by_role("heading", name="Thực tập sinh kỹ năng")).to_be_visible()
    assert fits_the_phone(page)
    page.locator(f'a[href$="?programme={japan_intern.pk}"]').click()

    # A service fee above the programme's cap (USD 3,600 = 90.000.000 ₫) is flagged.
    page.locator("#id_contract_months").fill("36")
    page.locator("#id_monthly_wage").fill("200.000")
    page.locator("#id_service_fee").fill("95.000.000")
    page.locator('main form[action="/fee-check/"] button[type=submit]').click()
    verdict = page.locator("#verdict")
    expect(verdict).to_have_attribute("data-verdict", "over")
    expect(verdict).to_contain_text("95.000.000 ₫")
    expect(page.locator("main")).to_contain_text("3.600 USD")
    expect(page.locator("#id_service_fee")).to_have_value("95.000.000")
    assert fits_the_phone(page)

    # A company found without typing the accents.
    page.goto(live_server.url + "/enterprises/")
    page.locator("#q").fill("nhan luc hoang lien")
    page.locator("main form[role=search] button").click()
    row = page.locator('tr[data-licence="901/LĐTBXH-GP"]')
    expect(row).to_contain_text("Công ty CP Nhân lực Hoàng Liên")

    # A fraud report for Lào Cai, with a commune and a photo.
    page.goto(live_server.url + "/report-fraud/")
    page.locator("#id_name_used").fill("Công ty Việc Nhẹ Lương Cao")
    page.locator("#id_province").select_option("15")
    page.locator("button[name=show_communes]").click()
    expect(page.locator("#id_name_used")).to_have_value("Công ty Việc Nhẹ Lương Cao")
    page.locator("#id_commune").select_option(index=1)
    page.locator("#id_what_was_asked").fill("Đòi 80 triệu đồng phí đơn hàng")
    page.locator("#id_amount_paid").fill("20.000.000")
    page.locator("#id_attachments").set_input_files(
        [{"name": "bien-lai.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.locator("button[name=send]").click()
    expect(page.locator("#report-sent")).to_be_visible()
    report = FraudReport.all_objects.get()
    assert report.province.code == 15
    assert report.commune is not None and report.commune.province_id == report.province_id
    assert report.attachments.count() == 1


def test_a_manager_schedules_a_notice_that_appears_when_its_time_comes(
    page, live_server, monkeypatch
):
    StaffFactory(
        name="Trần Thị Hoa", role=Role.MANAGER, province=province(15), email="ql@example.vn"
    )
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Thông tin đăng nhập").fill("ql@example.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Mã", exact=False).first.fill(totp_code())
    page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(live_server.url + "/accounts/2fa/authenticate/")

    page.goto(live_server.url + "/staff/notices/new/")
    page.locator("#id_title").fill("Phiên giao dịch việc làm tháng 6")
    page.locator("#id_body").fill("Mời **người lao động** đến dự.")
    page.locator("#id_category").select_option("job_fair")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#notice-status")).to_have_attribute("data-status", "draft")

    start = timezone.localtime() + datetime.timedelta(minutes=2)
    page.locator("#id_publish_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#schedule-form button[name=schedule]").click()
    expect(page.locator("#notice-status")).to_have_attribute("data-status", "scheduled")
    assert fits_the_phone(page)

    public_list = live_server.url + "/notices/?province=15"
    page.goto(public_list)
    expect(page.get_by_role("link", name="Phiên giao dịch việc làm tháng 6")).to_have_count(0)

    # Three minutes later (the server runs in this process): no job needed to show it.
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(minutes=3))
    page.goto(public_list)
    expect(page.get_by_role("link", name="Phiên giao dịch việc làm tháng 6")).to_be_visible()
    assert fits_the_phone(page)


def test_a_worker_on_a_phone_is_warned_about_an_eps_service_fee_and_reads_the_sources(
    page, live_server
):
    """Issue 15: EPS allows no service fee; every figure on the page shows its source."""
    from markets.demo import seed_reference_data

    seed_reference_data()
    eps = Programme.objects.get(code="eps")

    page.goto(live_server.url + "/markets/korea/")
    figures = page.locator(".figure")
    assert figures.count() > 0
    for index in range(figures.count()):
        expect(figures.nth(index).locator(".source")).to_contain_text("Nguồn:")
    expect(page.locator("main")).to_contain_text("2.156.880 KRW")
    assert fits_the_phone(page)

    page.locator(f'a[href$="?programme={eps.pk}"]').click()
    page.locator("#id_contract_months").fill("0")
    page.locator("#id_monthly_wage").fill("2.156.880")
    page.locator("#id_service_fee").fill("100.000.000")
    page.locator('main form[action="/fee-check/"] button[type=submit]').click()
    expect(page.locator("#form-problems")).to_contain_text("ít nhất 1 tháng")
    expect(page.locator("#id_service_fee")).to_have_value("100.000.000")
    assert fits_the_phone(page)

    page.locator("#id_contract_months").fill("36")
    page.locator('main form[action="/fee-check/"] button[type=submit]').click()
    verdict = page.locator("#verdict")
    expect(verdict).to_have_attribute("data-rule", "service_fee_not_allowed")
    expect(verdict).to_contain_text("100.000.000 ₫")
    expect(page.locator("main")).to_contain_text("COLAB thu")
    expect(page.get_by_role("link", name="Báo công ty này cho văn phòng")).to_be_visible()
    assert fits_the_phone(page)
