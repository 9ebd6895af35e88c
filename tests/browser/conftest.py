"""Browser tests drive Debian's Chromium through Playwright; no browser is downloaded."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator

import pytest

from tests.factories import PASSWORD, TEST_TOTP_SECRET, totp_code

# Playwright's sync API runs an event loop in the test thread; the test's own ORM calls
# are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


PHONE_WIDTH = 360  # CSS pixels: the narrow Android phones the portal is made for


def fits_the_phone(page) -> bool:
    """The page, with its stylesheet applied, is no wider than a phone. Measured before the
    stylesheet arrives (a busy machine, a page just loaded), the layout is the browser's
    default and overflows: wait for the load event first."""
    page.wait_for_load_state("load")
    return bool(page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # One group, in one worker: they share one Chromium and one live server. The
            # group, the largest, is handed out first.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs it with apt")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page (360 x 740) that refuses every request off this server."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    foreign: list[str] = []

    def guard(route):
        if route.request.url.startswith(live_server.url):
            return route.continue_()
        foreign.append(route.request.url)
        return route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    # Actions and assertions wait as long: Playwright's `expect` has a timeout of its own
    # (5 s), and a sign-in on a machine busy with the other worker's tests has taken longer.
    page.set_default_timeout(15_000)
    expect.set_options(timeout=15_000)
    yield page
    context.close()
    assert foreign == [], f"requests left the portal: {foreign}"


def sign_in(
    page, base: str, login: str, *, staff: bool = False, secret: str = TEST_TOTP_SECRET
) -> None:
    """Sign in through the login form; staff then type their authenticator's code."""
    from playwright.sync_api import expect

    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    if staff:
        expect(page).to_have_url(re.compile("/accounts/2fa/authenticate/"))
        # A code is good for its 30-second window only: never type one about to expire.
        left = 30 - time.time() % 30
        if left < 3:
            time.sleep(left + 0.2)
        page.fill("input[name=code]", totp_code(secret))
        page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile("/accounts/"))
