"""A centre manager checks the province against its plan and takes the figures away."""

import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import Role
from reports import services
from tests.browser.conftest import sign_in
from tests.factories import StaffFactory, WorkerFactory, province
from tests.workers.factories import ProfileFactory
from workers.models import Case, Stage

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_sees_the_target_filters_a_period_and_downloads_excel(page, live_server):
    lao_cai = province(15)
    manager = StaffFactory(role=Role.MANAGER, province=lao_cai, email="ql@example.vn")
    today = timezone.localdate()
    for days_ago in [3, 20, 200]:
        profile = ProfileFactory(user=WorkerFactory(province=lao_cai))
        Case.all_objects.filter(pk=profile.case.pk).update(
            stage=Stage.DEPARTED, departure_date=today - datetime.timedelta(days=days_ago)
        )
    services.target_set(province=lao_cai, year=today.year, half=0, departures=4, by=manager)
    in_year = Case.all_objects.filter(departure_date__year=today.year).count()

    sign_in(page, live_server.url, "ql@example.vn", staff=True)

    page.goto(live_server.url + "/staff/reports/")
    expect(page.locator("#departures-year")).to_have_text(str(in_year))
    expect(page.locator("svg.gauge")).to_be_visible()
    page.fill("input[name=start]", (today - datetime.timedelta(days=30)).isoformat())
    page.fill("input[name=end]", today.isoformat())
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("#departures-period")).to_have_text("2")

    with page.expect_download() as download:
        page.locator("a[href^='/staff/reports/export.xlsx']").click()
    # Playwright saves the download without its extension, which openpyxl insists on.
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert values["Số người xuất cảnh trong kỳ"] == 2
    assert values["Chỉ tiêu năm"] == 4
