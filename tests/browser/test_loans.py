"""A poor-household worker gets language-training support on a phone, through maker-checker."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts.models import Role
from loans.models import Application, Status
from notifications.models import Notification
from tests.browser.conftest import fits_the_phone, sign_in
from tests.factories import StaffFactory, province
from tests.loans.factories import grant_programme, worker_profile

pytestmark = pytest.mark.django_db(transaction=True)


def status_of(page) -> str:
    return page.locator("#status [data-status]").get_attribute("data-status")


def attach(page, what: str, photo: str) -> None:
    page.select_option("#attach-form select[name=what]", what)
    page.set_input_files("#attach-form input[name=file]", photo)
    page.locator("#attach-form button[name=attach]").click()


@pytest.mark.slow
def test_a_poor_worker_applies_is_asked_for_more_and_sees_a_partial_approval(
    page, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "bien-lai.jpg"
    Image.new("RGB", (120, 90), (250, 250, 240)).save(photo, format="JPEG")
    base = live_server.url
    lao_cai = province(15)
    grant = grant_programme(province=lao_cai, groups=["poor", "near_poor", "ethnic_minority"])
    language = grant.cost_items.get(code="language_training")
    StaffFactory(role=Role.COUNSELLOR, province=lao_cai, email="tv@example.vn")
    StaffFactory(role=Role.MANAGER, province=lao_cai, email="ql@example.vn")
    worker = worker_profile(lao_cai, groups=["poor"]).user

    # The worker sees the language-training support is open to them and applies.
    sign_in(page, base, worker.display_phone)
    page.goto(base + "/me/support/")
    card = page.locator(f"#programme-{grant.code}")
    expect(card).to_have_attribute("data-eligible", "yes")
    assert fits_the_phone(page)
    card.locator("button[name=apply]").click()
    expect(page).to_have_url(re.compile(r"/me/support/applications/\d+/edit/$"))
    assert fits_the_phone(page)
    page.fill(f"input[name=qty_{language.pk}]", "1")
    page.fill(f"input[name=amount_{language.pk}]", "4.000.000")
    page.locator("button[name=save]").click()
    expect(page).to_have_url(re.compile(r"/me/support/applications/\d+/$"))
    application = Application.all_objects.get()
    attach(page, "receipt", str(photo))
    expect(page.locator("#files [data-attachment]")).to_have_count(1)
    page.locator("#send-form button[name=send]").click()
    expect(page.locator("#status [data-status]")).to_have_attribute("data-status", "submitted")
    assert fits_the_phone(page)

    # A counsellor reviews it and asks for the proof of the poor household.
    sign_in(page, base, "tv@example.vn", staff=True)
    # Staff screens are dense and desktop-first: only the worker's pages must fit 360 px.
    page.goto(base + "/staff/support/")
    page.locator(f"#queue [data-application='{application.pk}'] a").click()
    page.locator("#decide-review button[name=decide]").click()
    page.fill(
        "#decide-request-info textarea[name=request-info-reason]",
        "Gửi thêm ảnh giấy xác nhận hộ nghèo.",
    )
    page.locator("#decide-request-info button[name=decide]").click()
    expect(page.locator("#status [data-status]")).to_have_attribute("data-status", "needs_info")
    assert page.locator("#decide-approve").count() == 0  # a counsellor never approves

    # The worker reads what is asked, adds it and sends again.
    sign_in(page, base, worker.display_phone)
    page.goto(base + f"/me/support/applications/{application.pk}/")
    expect(page.locator(".said[role=alert]")).to_contain_text("giấy xác nhận hộ nghèo")
    attach(page, "priority_proof", str(photo))
    expect(page.locator("#files [data-attachment]")).to_have_count(2)
    page.locator("#send-form button[name=send]").click()
    expect(page.locator("#status [data-status]")).to_have_attribute("data-status", "resubmitted")

    # The centre manager, who took no part in preparing or reviewing it, approves a part.
    sign_in(page, base, "ql@example.vn", staff=True)
    page.goto(base + f"/staff/support/applications/{application.pk}/")
    page.fill("#decide-approve input[name=approve-amount]", "3.000.000")
    page.fill("#decide-approve textarea[name=approve-reason]", "Học phí thực tế của khóa học.")
    page.locator("#decide-approve button[name=decide]").click()
    expect(page.locator("#status [data-status]")).to_have_attribute("data-status", "approved")

    # The worker sees the decision.
    sign_in(page, base, worker.display_phone)
    page.goto(base + "/me/support/")
    expect(page.locator(f"[data-application='{application.pk}'] [data-status]")).to_have_attribute(
        "data-status", "approved"
    )
    page.locator(f"[data-application='{application.pk}'] a").click()
    expect(page.locator("#decision")).to_have_attribute("data-approved", "3000000")
    expect(page.locator("#decision")).to_contain_text("3.000.000 ₫")
    assert fits_the_phone(page)

    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.approved_amount == 3_000_000
    assert Notification.objects.filter(
        recipient=worker, key=f"support-decision:{application.pk}:approved:in_app"
    ).exists()
