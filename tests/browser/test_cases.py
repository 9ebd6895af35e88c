"""A counsellor's morning: find a worker, talk, check a paper, move the case, plan a call."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.conftest import fits_the_phone, sign_in
from tests.factories import StaffFactory, WorkerFactory, province
from tests.workers.factories import ProfileFactory, jpeg_upload
from workers import services
from workers.models import Document, DocumentType, FollowUp, Stage
from workers.uploads import clean_upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_counsellor_finds_a_worker_logs_a_session_verifies_moves_and_plans(
    page, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    lao_cai = province(15)
    counsellor = StaffFactory(
        name="Lò Văn Minh", role=Role.COUNSELLOR, province=lao_cai, email="tv@example.vn"
    )
    profile = ProfileFactory(user=WorkerFactory(name="Nguyễn Thị Ánh Dương", province=lao_cai))
    services.document_upload(
        profile=profile,
        doc_type=DocumentType.objects.get(code="passport"),
        clean=clean_upload(jpeg_upload()),
        original_name="p.jpg",
        expires_on=None,
        priority_group="",
        actor=profile.user,
    )

    sign_in(page, live_server.url, "tv@example.vn", staff=True)

    page.goto(live_server.url + "/staff/cases/")
    page.fill("input[name=q]", "nguyen thi anh duong")
    page.locator("form[role=search] button[type=submit]").click()
    page.get_by_role("link", name="Nguyễn Thị Ánh Dương").click()

    page.get_by_role("link", name="Ghi buổi tư vấn").first.click()
    page.select_option("select[name=channel]", "in_person")
    page.check("input[name=topics][value=markets]")
    page.fill("textarea[name=outcome]", "Muốn đi Nhật Bản, học tiếng Nhật")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("Muốn đi Nhật Bản, học tiếng Nhật")).to_be_visible()

    page.locator("form[action$='/verify/'] button").first.click()
    expect(page.locator(".messages")).to_be_visible()

    page.get_by_role("link", name="Chuyển giai đoạn hồ sơ").first.click()
    page.select_option("select[name=to]", "counselled")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("h2#h-case")).to_contain_text("Đã được tư vấn")

    page.get_by_role("link", name="Thêm việc cần theo dõi").click()
    page.fill("input[name=title]", "Gọi hỏi lịch học tiếng")
    page.fill("input[name=due_on]", timezone.localdate().isoformat())
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_text("Gọi hỏi lịch học tiếng")).to_be_visible()
    assert fits_the_phone(page)

    profile.case.refresh_from_db()
    assert profile.case.stage == Stage.COUNSELLED
    assert Document.all_objects.get(profile=profile).status == Document.Status.VERIFIED
    task = FollowUp.all_objects.get(case=profile.case)
    assert task.assignee == counsellor and task.due_on == timezone.localdate()
