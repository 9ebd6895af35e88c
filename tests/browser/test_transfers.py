"""A worker who moved says yes, on a 360 px phone, to their file moving to the new office."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.conftest import fits_the_phone, sign_in
from tests.browser.test_accessibility import PHONE, Audit, audited_context
from tests.factories import StaffFactory, province
from tests.loans.factories import worker_profile
from workers.models import Case, ProvinceTransfer
from workers.services import transfer_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_agrees_on_their_phone_and_the_file_moves(browser, live_server):
    lao_cai, dong_thap = province(15), province(82)
    profile = worker_profile(lao_cai)
    transfer = transfer_request(
        profile_id=profile.pk,
        to_province_id=dong_thap.pk,
        actor=StaffFactory(role=Role.COUNSELLOR, province=dong_thap),
        reason="Đến văn phòng, mang theo căn cước",
    )
    audit = Audit(live_server.url)

    with audited_context(browser, live_server.url, PHONE) as context:
        page = context.new_page()
        sign_in(page, live_server.url, profile.user.phone)
        card = page.locator(".transfer-ask")
        expect(card.locator("h2")).to_have_text("Chuyển hồ sơ sang văn phòng tỉnh Đồng Tháp?")
        assert fits_the_phone(page)
        audit.check_here(page, "worker / (transfer card)", phone=True)
        card.get_by_role("button", name="Đồng ý, chuyển hồ sơ").click()

        expect(page.locator(".msg.success")).to_contain_text("văn phòng tỉnh Đồng Tháp")
        expect(page.locator(".transfer-ask")).to_have_count(0)

    assert audit.blocking() == {}, audit.summary()
    transfer.refresh_from_db()
    assert (transfer.status, transfer.consent) == ("accepted", ProvinceTransfer.Consent.ONLINE)
    assert Case.all_objects.get(profile=profile).province_id == dong_thap.pk
