"""The portal's shell on a 360 px phone: look-alike warnings, the centre's contact, the
menu, the offline ticket."""

import datetime

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
