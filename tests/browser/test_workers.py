"""A new worker registers on a phone-sized screen, completes the file and sends a document."""

import gzip
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts import sms
from tests.browser.conftest import fits_the_phone
from tests.factories import province
from tests.workers.factories import VALID_ID, ProfileFactory
from workers.models import Document, DuplicateIdAttempt, WorkerProfile

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-2026"
SUBMIT = "main form button[type=submit]:not([name=refresh])"
BUDGET = 100 * 1024  # bytes, compressed, per page: HTML + CSS + JS


class Weigher:
    """Adds up what each page costs on the wire, gzip-compressed as a server would send it."""

    def __init__(self, page, base_url: str) -> None:
        self.base_url = base_url
        self.pages: dict[str, int] = {}
        self.current = ""
        page.on("response", self.record)

    def record(self, response) -> None:
        if not response.url.startswith(self.base_url) or response.status >= 300:
            return
        kind = response.headers.get("content-type", "")
        if response.request.resource_type == "document":
            self.current = response.url.removeprefix(self.base_url).split("?")[0]
        if any(t in kind for t in ("html", "css", "javascript")):
            size = len(gzip.compress(response.body()))
            self.pages[self.current] = self.pages.get(self.current, 0) + size


def submit(page) -> None:
    page.locator(SUBMIT).first.click()


def test_a_new_worker_registers_completes_the_file_and_sends_a_document(
    page, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    lao_cai = province(15)
    commune = lao_cai.communes.order_by("name").first()
    weigher = Weigher(page, live_server.url)

    page.goto(live_server.url + "/accounts/signup/")
    page.fill("input[name=name]", "Giàng Thị Mai")
    page.fill("input[name=phone]", "0912 345 678")
    page.select_option("select[name=province]", str(lao_cai.pk))
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    submit(page)

    expect(page).to_have_url(re.compile("/accounts/phone/verify/"))
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].body).group(1)
    page.fill("input[name=code]", code)
    submit(page)

    # Home: consent first.
    page.locator("a[href='/me/consent/']").first.click()
    page.locator("button[name=accept]").click()
    expect(page).to_have_url(re.compile("/me/profile/identity/"))

    page.fill("input[name=date_of_birth]", "1990-05-17")
    page.check("input[name=sex][value=female]")
    page.fill("input[name=personal_id]", VALID_ID)
    submit(page)
    expect(page).to_have_url(re.compile("/me/profile/contact/"))
    page.fill("input[name=contact_note]", "Zalo: Mai Giàng")
    submit(page)
    expect(page).to_have_url(re.compile("/me/profile/address/"))
    page.select_option("select[name=commune]", str(commune.pk))
    page.fill("input[name=address_line]", "Bản Lầu")
    submit(page)
    expect(page).to_have_url(re.compile("/me/profile/background/"))
    page.select_option("select[name=ethnicity]", "mong")
    page.check("input[name=priority_groups][value=poor]")
    submit(page)
    expect(page).to_have_url(re.compile("/me/profile/education/"))
    page.select_option("select[name=education]", "lower_secondary")
    submit(page)
    expect(page).to_have_url(re.compile("/me/profile/plans/"))
    page.check("input[name=desired_markets][value=KR]")
    submit(page)
    expect(page).to_have_url(re.compile("/me/profile/health/"))
    page.check("input[name=health_fit][value=True]")
    page.check("input[name=has_criminal_record][value=False]")
    submit(page)

    expect(page).to_have_url(re.compile("/me/documents/"))
    photo = tmp_path / "passport.jpg"
    Image.new("RGB", (120, 90), "navy").save(photo, format="JPEG")
    passport = page.locator("#doc-passport")
    passport.locator("input[type=file]").set_input_files(str(photo))
    passport.locator("button[type=submit]").click()
    expect(page.locator("#doc-passport .status.uploaded")).to_be_visible()

    page.goto(live_server.url + "/")
    expect(page.locator(".docs .status.uploaded")).to_have_count(1)
    expect(page.locator("#next ~ p.ok, p.ok").first).to_be_visible()  # "profile filled in"
    assert fits_the_phone(page)

    profile = WorkerProfile.all_objects.get(personal_id=VALID_ID)
    assert profile.user.phone == "+84912345678" and profile.user.phone_verified
    assert profile.commune == commune and profile.priority_groups == ["poor"]
    assert Document.all_objects.get(profile=profile).type.code == "passport"
    heavy = {url: size for url, size in weigher.pages.items() if size > BUDGET}
    assert weigher.pages and not heavy, weigher.pages


def test_a_second_registration_with_a_registered_id_is_stopped(page, live_server):
    holder = ProfileFactory()
    WorkerProfile.all_objects.filter(pk=holder.pk).update(personal_id=VALID_ID)
    newcomer = ProfileFactory()
    newcomer.user.set_password(PASSWORD)
    newcomer.user.save()

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", newcomer.user.display_phone)
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    page.goto(live_server.url + "/me/profile/identity/")
    page.fill("input[name=name]", newcomer.user.name)
    page.fill("input[name=date_of_birth]", "1990-05-17")
    page.check("input[name=sex][value=female]")
    page.fill("input[name=personal_id]", VALID_ID)
    submit(page)

    expect(page.locator(".errorlist")).to_be_visible()
    expect(page.locator("input[name=personal_id]")).to_have_value(VALID_ID)
    newcomer.refresh_from_db()
    assert newcomer.personal_id is None
    assert DuplicateIdAttempt.all_objects.filter(
        existing=holder, attempted_by=newcomer.user
    ).exists()
