"""Accessibility: axe-core finds nothing serious on the main pages of each role, the public
and worker pages fit a 360 px phone, and a visitor can do a real task with the keyboard."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from accounts.demo import DEMO_TOTP_SECRET, seed_accounts
from fairs.demo import seed_fairs
from fairs.models import Fair, Registration
from loans.demo import seed_loans
from markets.demo import seed_markets
from markets.models import Programme
from orientation.demo import seed_orientation
from orientation.models import Module
from tests.browser.conftest import fits_the_phone, sign_in
from tests.factories import PASSWORD
from workers.demo import seed_cases, seed_workers
from workers.models import Case

pytestmark = pytest.mark.django_db(transaction=True)

# Vendored so the test needs no network; see the README beside it to update.
AXE_VERSION = "4.14.1"
AXE_SOURCE = (
    Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
).read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""

# What the element holding keyboard focus looks like: a focus ring must be drawn.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, href: el.getAttribute("href") || "",
    focusVisible: el.matches(":focus-visible"),
    ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== "none",
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
      && box.left < window.innerWidth,
  };
}"""


@contextmanager
def audited_context(
    browser: Browser, base_url: str, viewport: ViewportSize
) -> Iterator[BrowserContext]:
    """A context that may run axe despite the portal's CSP, and never leaves the server."""
    # axe is injected as an inline script, which script-src 'self' forbids: bypass_csp is
    # for this context only, the portal's CSP stays tested everywhere else.
    context = browser.new_context(viewport=viewport, locale="vi-VN", bypass_csp=True)
    foreign: list[str] = []

    def guard(route):
        if route.request.url.startswith(base_url):
            return route.continue_()
        foreign.append(route.request.url)
        return route.abort()

    context.route("**/*", guard)
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()
    assert foreign == [], f"requests left the portal: {foreign}"


class Audit:
    """Runs axe on each page visited and keeps the violations per page and impact."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.found: dict[str, list[dict[str, Any]]] = {}
        self.too_wide: dict[str, int] = {}

    def check(self, page: Page, role: str, path: str, *, phone: bool) -> None:
        response = page.goto(self.base_url + path)
        assert response is not None and response.status == 200, (path, response)
        self.check_here(page, f"{role} {path}", phone=phone)

    def check_here(self, page: Page, name: str, *, phone: bool) -> None:
        """Audit the page as it is now, after a form was sent, say."""
        page.wait_for_load_state()
        page.add_script_tag(content=AXE_SOURCE)
        self.found[name] = page.evaluate(RUN_AXE, WCAG_TAGS)
        if phone:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                self.too_wide[name] = width

    def summary(self) -> str:
        lines = [f"axe-core {AXE_VERSION}, tags {', '.join(WCAG_TAGS)}: violations by impact"]
        for page_name, violations in self.found.items():
            impacts = Counter(v["impact"] for v in violations)
            counts = ", ".join(f"{k} {n}" for k, n in sorted(impacts.items())) or "none"
            rules = ", ".join(f"{v['id']} ({v['impact']})" for v in violations)
            lines.append(f"  {page_name}: {counts}" + (f" [{rules}]" if rules else ""))
        return "\n".join(lines)

    def blocking(self) -> dict[str, list[dict[str, Any]]]:
        return {
            page_name: [v for v in violations if v["impact"] in BLOCKING]
            for page_name, violations in self.found.items()
            if any(v["impact"] in BLOCKING for v in violations)
        }


@pytest.fixture
def demo(settings, tmp_path, monkeypatch) -> None:
    """The demo centre of Lào Cai: every page has something real on it."""
    settings.MEDIA_ROOT = tmp_path
    # Nine lessons of four recordings each would add a minute: speech has its own tests
    # (tests/orientation, tests/browser/test_orientation.py); the pages work without it.
    monkeypatch.setattr("orientation.audio.tools_available", lambda: False)
    seed_accounts(PASSWORD)
    seed_markets()
    seed_workers()
    seed_cases()
    seed_loans()
    seed_fairs()
    seed_orientation()


@pytest.mark.slow
def test_main_pages_of_every_role_have_no_serious_axe_violation_and_fit_a_phone(
    browser, live_server, demo
):
    base = live_server.url
    audit = Audit(base)
    market = Programme.objects.select_related("market").get(code="technical-intern").market
    fair = Fair.all_objects.get(status=Fair.Status.PUBLISHED)
    case = Case.all_objects.get(profile__user__phone="+84912345002")
    ticket = Registration.all_objects.get(fair=fair, worker=case.profile.user)
    lesson = Module.all_objects.published().order_by("order").first()

    with audited_context(browser, base, PHONE) as context:
        page = context.new_page()
        for path in [
            "/",
            "/markets/",
            f"/markets/{market.code}/",
            "/notices/",
            "/enterprises/?q=nhan+luc",
            "/fee-check/",
            "/report-fraud/",
            "/orientation/",
            f"/orientation/{lesson.pk}/",
            "/accounts/signup/",
            "/accounts/login/",
        ]:
            audit.check(page, "anonymous", path, phone=True)
        # Errors are where labels and contrast most often go wrong.
        page.fill("input[name=login]", "0912345002")
        page.fill("input[name=password]", "not-the-password")
        page.locator("main form button[type=submit]").first.click()
        audit.check_here(page, "anonymous /accounts/login/ (wrong password)", phone=True)

        sign_in(page, base, "0912345002", staff=False)
        for path in [
            "/",
            "/me/profile/identity/",
            "/me/documents/",
            "/me/support/",
            "/fairs/",
            f"/fairs/{fair.pk}/",
            "/me/fairs/",
            "/inbox/",
            f"/orientation/{lesson.pk}/",
        ]:
            audit.check(page, "worker", path, phone=True)

    staff_pages = {
        "tuvan.laocai@mrc.demo": (
            "counsellor",
            [
                "/",
                "/staff/cases/",
                f"/staff/workers/{case.profile_id}/",
                f"/staff/cases/{case.pk}/move/",
                f"/staff/cases/{case.pk}/sessions/",
                "/staff/support/",
                f"/staff/fairs/{fair.pk}/check-in/",
            ],
        ),
        "quanly.laocai@mrc.demo": (
            "manager",
            ["/staff/reports/", "/staff/reports/targets/", "/staff/lessons/new/"],
        ),
        "admin@mrc.demo": ("admin", ["/staff/reports/national/", f"/staff/lessons/{lesson.pk}/"]),
    }
    # Staff screens are desktop-first: audited at 1280 px, no width assertion.
    for login, (role, paths) in staff_pages.items():
        with audited_context(browser, base, DESKTOP) as context:
            page = context.new_page()
            sign_in(page, base, login, staff=True, secret=DEMO_TOTP_SECRET)
            for path in paths:
                audit.check(page, role, path, phone=False)
            if role == "counsellor":
                # The door's answer comes back as a message at the top of the page.
                page.fill("input[name=code]", ticket.code)
                page.press("input[name=code]", "Enter")
                expect(page.locator(".messages")).to_be_visible()
                audit.check_here(page, f"counsellor {paths[-1]} (a ticket scanned)", phone=False)

    print(audit.summary())
    assert audit.blocking() == {}, audit.summary()
    assert audit.too_wide == {}, audit.too_wide


def skip_to_main(page: Page) -> dict[str, Any]:
    """The first Tab shows the skip link; Enter on it puts the reader in the main content."""
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUS_STATE)
    assert skip is not None and skip["href"] == "#main", skip
    expect(page.locator("a.skip")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    return skip


def tab_to(page: Page, selector: str, *, limit: int = 60) -> list[dict[str, Any]]:
    """Press Tab until `selector` has focus; returns the focus state of every stop on the way,
    the last included."""
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        assert state is not None, f"focus fell off the page on the way to {selector}: {stops}"
        stops.append(state)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return stops
    raise AssertionError(f"{selector} not reached with {limit} Tabs: {stops}")


def without_ring(stops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in stops if not (s["focusVisible"] and s["ring"] and s["onScreen"])]


def test_a_visitor_checks_a_fee_on_a_phone_with_the_keyboard_alone(page, live_server):
    seed_markets()
    programme = Programme.objects.select_related("market").get(code="technical-intern")
    page.goto(f"{live_server.url}/markets/{programme.market.code}/")

    # From the country page to its programme's fee checker...
    stops = [skip_to_main(page)]
    stops += tab_to(page, f"main a[href$='?programme={programme.pk}']")
    page.keyboard.press("Enter")
    # A keyboard navigation is not awaited like a click: wait for the page and its stylesheet.
    page.wait_for_url(re.compile(rf"/fee-check/\?programme={programme.pk}$"))

    # ...then through its form, and Enter sends it.
    stops.append(skip_to_main(page))
    stops += tab_to(page, "#id_contract_months", limit=10)
    page.keyboard.type("36")
    stops += tab_to(page, "#id_monthly_wage", limit=3)
    page.keyboard.type("200.000")
    stops += tab_to(page, "#id_service_fee", limit=5)
    page.keyboard.type("999.000.000")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"service_fee="))

    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "over")
    expect(page.locator("#id_service_fee")).to_have_value("999.000.000")
    assert without_ring(stops) == [], without_ring(stops)
    assert fits_the_phone(page)
