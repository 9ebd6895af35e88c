"""Fair day on a 360 px phone: a worker registers and opens the ticket; a counsellor checks
that ticket in by its code and a walk-in by name, and a second scan is refused."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from fairs import services
from fairs.models import Registration
from tests.browser.conftest import fits_the_phone, sign_in
from tests.factories import StaffFactory, WorkerFactory, province
from tests.fairs.factories import FairFactory
from tests.workers.factories import ProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _later_today() -> datetime.datetime:
    """Two hours from now, but still today in Vietnam, so check-in is open and registration
    too."""
    now = timezone.localtime()
    midnight = (now + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0)
    return min(now + datetime.timedelta(hours=2), midnight - datetime.timedelta(minutes=1))


def test_a_worker_registers_and_a_counsellor_checks_people_in_once(page, live_server):
    lao_cai = province(15)
    counsellor = StaffFactory(
        name="Lò Văn Minh", role=Role.COUNSELLOR, province=lao_cai, email="tv@example.vn"
    )
    worker = ProfileFactory(
        user=WorkerFactory(name="Giàng Thị Mai", phone="+84912345678", province=lao_cai)
    ).user
    starts = _later_today()
    fair = FairFactory(
        title="Phiên giao dịch việc làm Bát Xát",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        capacity=30,
        created_by=counsellor,
    )
    walk_in = services.registration_create(
        fair_id=fair.pk, actor=counsellor, name="Vàng Văn Sử", phone="+84987654321", walk_in=True
    ).registration

    # The worker: the fair page, one tap, the ticket.
    sign_in(page, live_server.url, "0912 345 678")
    page.goto(f"{live_server.url}/fairs/{fair.pk}/")
    page.locator("#register").click()
    ticket = page.locator("#ticket")
    expect(ticket).to_have_attribute("data-status", "registered")
    expect(page.locator("svg.qr")).to_be_visible()
    code = ticket.get_attribute("data-code")
    assert code and re.fullmatch(r"[A-Z2-9]{6}", code)
    assert fits_the_phone(page)

    # Opened again, the ticket asks for nothing but its page, the site's stylesheets and the
    # portal's own small script that keeps it for offline use (once its service worker is
    # active, the page itself arrives through the worker's own fetch of the same address).
    fetched: list[tuple[str, str]] = []
    page.on("request", lambda r: fetched.append((r.resource_type, r.url)))
    page.reload()
    expect(page.locator("svg.qr")).to_be_visible()
    kinds = {kind for kind, _url in fetched}
    assert kinds <= {"document", "stylesheet", "image", "other", "script", "fetch"}, fetched
    # The service worker's own fetches: the page, and the stylesheets it keeps (it may still
    # be storing them when the page comes back).
    styles = {url for kind, url in fetched if kind == "stylesheet"}
    assert {url for kind, url in fetched if kind == "fetch"} <= {page.url, *styles}, fetched
    scripts = [url for kind, url in fetched if kind == "script"]
    assert scripts == [f"{live_server.url}/static/js/offline-tickets.js"], fetched
    assert all(url.startswith(live_server.url) for _kind, url in fetched)

    # The page's script may still be fetching the ticket to keep it: its answer renews the
    # CSRF cookie, and landing after the cookies are cleared it would undo the login page's.
    page.wait_for_load_state("networkidle")

    # The counsellor at the door.
    sign_in(page, live_server.url, "tv@example.vn", staff=True)
    page.goto(f"{live_server.url}/staff/fairs/{fair.pk}/check-in/")

    # A scanner types the code and presses Enter.
    page.fill("input[name=code]", code.lower())
    page.press("input[name=code]", "Enter")
    expect(page.locator(".msg.checkin-ok")).to_be_visible()
    expect(page.locator("input[name=code]")).to_be_focused()

    # The walk-in has no ticket with them: found by name, typed without diacritics.
    page.fill("input[name=q]", "vang van su")
    page.locator("#search-form button[type=submit]").click()
    row = page.locator(f"li[data-registration='{walk_in.pk}']")
    row.locator("button[type=submit]").click()
    expect(page.locator(".msg.checkin-ok")).to_be_visible()
    expect(page.locator(f"li[data-registration='{walk_in.pk}']")).to_have_attribute(
        "data-checked-in", "1"
    )

    # The same ticket scanned again is refused.
    page.fill("input[name=code]", code)
    page.press("input[name=code]", "Enter")
    expect(page.locator(".msg.checkin-already")).to_be_visible()
    expect(page.locator("#door-counts")).to_have_attribute("data-came", "2")
    assert fits_the_phone(page)

    mine = Registration.all_objects.get(worker=worker)
    walk_in.refresh_from_db()
    assert mine.code == code and mine.checked_in_by == counsellor
    assert walk_in.checked_in_by == counsellor
    assert Registration.all_objects.filter(fair=fair, checked_in_at__isnull=False).count() == 2
