"""The load scenario of `make load`: who uses the portal at once, and what they open.

Four kinds of visitor, in a fixed mix (weights below):

- anonymous: home, markets, a market page, notices, enterprise search, the fee checker
  (blank form, then a check; the check is a GET on purpose, see markets.views.fee_check);
- workers: sign in once with a phone number and password, then open their home and save a
  step of the profile wizard (form, then save);
- counsellors: sign in once with a password and a TOTP code, then page through the
  caseload, search it by a name typed without diacritics and open cases;
- door keepers (counsellors at today's job fair): sign in the same way and check tickets in
  by code, one code each, then look at the door list.

In the saturation mode (`LOAD_MODE=saturate`, loadtest/run.py) users wait nothing between
requests (LOAD_WAIT=0, a closed loop), one kind at a time, and a fifth kind opens only the
trivial view (/healthz) to measure the ceiling of the same servers.

Every user signs in at most once and keeps its session. Sign-ins are paced below allauth's
limit of 30 sign-ins a minute from one address (every locust user is 127.0.0.1).

The portal runs with DEBUG=0 behind a simulated TLS proxy (BEHIND_TLS_PROXY=1): requests say
`X-Forwarded-Proto: https`, POSTs carry the Origin a browser sends, and the client's cookie
jar sends the Secure cookies over the loopback.

Reads the accounts, ticket codes and search terms that `seed_load` wrote (LOAD_DATA), and
writes the HTTP status codes per page to LOAD_STATUS when the test stops.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from collections import Counter, defaultdict
from functools import cache
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import gevent
from locust import FastHttpUser, between, constant, events, task

BASE_DIR = Path(__file__).resolve().parent.parent

#: Every page the scenario opens: (Django URL name, path). tests/mrc/test_load_scenario.py
#: checks each path against reverse(), so a moved URL fails a test, not a 5-minute run.
ROUTES: dict[str, tuple[str, str]] = {
    "home": ("home", "/"),
    "markets": ("markets:market_list", "/markets/"),
    "market": ("markets:market", "/markets/{code}/"),
    "notices": ("markets:notice_list", "/notices/"),
    "enterprises": ("markets:enterprise_list", "/enterprises/"),
    "fee_check": ("markets:fee_check", "/fee-check/"),
    "login": ("account_login", "/accounts/login/"),
    "mfa": ("mfa_authenticate", "/accounts/2fa/authenticate/"),
    "profile_step": ("workers:profile_step", "/me/profile/{step}/"),
    "caseload": ("workers:caseload", "/staff/cases/"),
    "case": ("workers:staff_worker", "/staff/workers/{pk}/"),
    "check_in": ("fairs:check_in", "/staff/fairs/{pk}/check-in/"),
}

#: The wizard step workers save: one short field, valid whatever else the file holds.
PROFILE_STEP = "contact"
CASE_LINK = re.compile(r'href="/staff/workers/(\d+)/"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def url(route: str, **kwargs: Any) -> str:
    return ROUTES[route][1].format(**kwargs)


@cache
def data() -> dict[str, Any]:
    """What seed_load wrote: logins, ticket codes, market codes, names to search."""
    path = Path(os.environ.get("LOAD_DATA", BASE_DIR / "var" / "load" / "load-data.json"))
    return json.loads(path.read_text())


def totp(secret: str, at: float) -> str:
    """The RFC 6238 code (SHA-1, 30 s, 6 digits) an authenticator app shows at `at`."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


class SignInPacer:
    """Spaces sign-ins evenly: allauth refuses more than 30 a minute from one address."""

    def __init__(self, per_minute: float) -> None:
        self.interval = 60.0 / per_minute
        self.next_slot = 0.0

    def wait_turn(self) -> None:
        now = time.monotonic()
        slot = max(now, self.next_slot)
        self.next_slot = slot + self.interval
        if slot > now:
            gevent.sleep(slot - now)


PACER = SignInPacer(float(os.environ.get("LOAD_SIGNINS_PER_MINUTE", "27")))
# One account per locust user: a TOTP code is accepted once per account, and a worker's
# profile edited from two users at once would be a stale-form conflict, not load.
_worker_numbers = itertools.count()
_staff_numbers = itertools.count()
_ticket_numbers = itertools.count()
STATUS: defaultdict[str, Counter[int]] = defaultdict(Counter)


class FormFields(HTMLParser):
    """The fields a browser would send from the page's own form (the first POST form without
    an action: the header's language switcher posts elsewhere), as (name, value) pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = self._done = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if (
            tag == "form"
            and not self._done
            and a.get("method", "").lower() == "post"
            and not a.get("action")
        ):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag: str) -> None:
        if not self._in_form:
            return
        if tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self._in_form, self._done = False, True

    def handle_data(self, text: str) -> None:
        if self._textarea is not None:
            self._text.append(text)


def form_fields(html: str) -> list[tuple[str, str]]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


class Visitor(FastHttpUser):
    """Someone on the portal through the TLS proxy; signs in at most once."""

    abstract = True
    # Think time between pages; LOAD_WAIT=0 (the saturation mode) makes a closed loop.
    wait_time = constant(0) if os.environ.get("LOAD_WAIT", "").strip() == "0" else between(1, 3)
    default_headers = {"X-Forwarded-Proto": "https", "Accept-Language": "vi"}

    def on_start(self) -> None:
        # The session and CSRF cookies are Secure: send them over the simulated TLS too.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("http", "https")))
        self.origin = "https://" + urlsplit(self.host or "").netloc

    def post(self, path: str, fields: list[tuple[str, str]], name: str) -> Any:
        """A form POST as a browser sends it; the redirect is not followed (nor timed)."""
        return self.client.post(
            path,
            data=urlencode(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + path,
            },
            name=name,
            allow_redirects=False,
            catch_response=True,
        )

    def csrf(self, path: str, name: str) -> str | None:
        with self.client.get(path, name=name, catch_response=True) as response:
            match = CSRF_INPUT.search(response.text or "")
            if response.status_code == 200 and match is None:
                response.failure("no CSRF token in the page")
            return match.group(1) if match else None

    def sign_in(self, login: str, *, staff: bool) -> bool:
        """Password, then (staff) the TOTP code: the pages a person goes through once."""
        PACER.wait_turn()
        token = self.csrf(url("login"), "sign-in: form")
        if token is None:
            return False
        kind = "staff" if staff else "worker"
        password = data()["password"]
        fields = [("csrfmiddlewaretoken", token), ("login", login), ("password", password)]
        with self.post(url("login"), fields, f"sign-in: {kind} password") as response:
            target = response.headers.get("Location", "")
            want = url("mfa") if staff else "/"
            if response.status_code != 302 or not target.startswith(want):
                response.failure(f"sign-in of {login} answered {response.status_code} {target!r}")
                return False
        if not staff:
            return True
        token = self.csrf(url("mfa"), "sign-in: TOTP form")
        if token is None:
            return False
        code = totp(data()["totp_secret"], time.time())
        with self.post(
            url("mfa"), [("csrfmiddlewaretoken", token), ("code", code)], "sign-in: TOTP code"
        ) as response:
            if response.status_code != 302:
                response.failure(f"TOTP of {login} answered {response.status_code}")
                return False
        return True

    def page(self, path: str, name: str, **params: Any) -> Any:
        query = f"?{urlencode(params)}" if params else ""
        with self.client.get(path + query, name=name, catch_response=True) as response:
            if response.status_code == 200 and b"<html" not in (response.content or b"")[:500]:
                response.failure("not an HTML page")
            return response


class Trivial(Visitor):
    """The cheapest page the servers answer: the ceiling the other mixes are compared to.
    A user of the saturation mode only (abstract, so never in the mixed scenario)."""

    abstract = os.environ.get("LOAD_MODE", "").strip() != "saturate"

    @task
    def healthz(self) -> None:
        with self.client.get("/healthz", name="trivial view (/healthz)", catch_response=True):
            pass


class Anonymous(Visitor):
    """A visitor who has not signed in: the public pages."""

    weight = 5

    @task(2)
    def home(self) -> None:
        self.page(url("home"), "home (anonymous)")

    @task(2)
    def markets(self) -> None:
        self.page(url("markets"), "markets")

    @task(2)
    def market(self) -> None:
        self.page(url("market", code=random.choice(data()["markets"])), "market page")

    @task(2)
    def notices(self) -> None:
        self.page(url("notices"), "notices")

    @task(2)
    def enterprise_search(self) -> None:
        query = random.choice(data()["enterprise_queries"])
        self.page(url("enterprises"), "enterprise search", q=query)

    @task(1)
    def fee_form(self) -> None:
        self.page(url("fee_check"), "fee checker: form")

    @task(2)
    def fee_check(self) -> None:
        # A wage in the programme's own money, as its contracts pay (seed_load): the checker
        # refuses an implausible wage (400), and a check of that would measure the refusal.
        check = random.choice(data()["fee_checks"])
        self.page(
            url("fee_check"),
            "fee checker: check",
            programme=check["programme"],
            contract_months=random.choice([12, 36, 60]),
            monthly_wage=random.choice(check["wages"]),
            wage_currency="local",
            fee_currency="VND",
            service_fee=random.choice(["30.000.000", "45.000.000", "90.000.000"]),
            brokerage="",
            deposit="",
            other="",
        )


class Worker(Visitor):
    """A registered worker on a phone: signs in once, then reads and edits the file."""

    weight = 3

    def on_start(self) -> None:
        super().on_start()
        workers = data()["workers"]
        self.login = workers[next(_worker_numbers) % len(workers)]
        self.signed_in = self.sign_in(self.login, staff=False)

    @task(2)
    def home(self) -> None:
        if self.signed_in:
            self.page(url("home"), "worker home")

    @task(3)
    def save_profile_step(self) -> None:
        if not self.signed_in:
            return
        path = url("profile_step", step=PROFILE_STEP)
        response = self.page(path, "profile step: form")
        if response.status_code != 200:
            return
        fields = [(k, v) for k, v in form_fields(response.text) if k != "contact_note"]
        fields.append(("contact_note", f"Zalo {random.randint(1000, 9999)}, gọi sau 17 giờ"))
        with self.post(path, fields, "profile step: save") as saved:
            if saved.status_code != 302:
                saved.failure(f"step not saved ({saved.status_code}): form errors or conflict")


class Staff(Visitor):
    """A counsellor of Lào Cai: password and TOTP once, then the staff pages."""

    abstract = True

    def on_start(self) -> None:
        super().on_start()
        staff = data()["counsellors"]
        self.login = staff[next(_staff_numbers) % len(staff)]
        self.signed_in = self.sign_in(self.login, staff=True)


class Counsellor(Staff):
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.cases: list[str] = []

    def remember_cases(self, html: str) -> None:
        found = CASE_LINK.findall(html or "")
        if found:
            self.cases = found

    @task(3)
    def caseload(self) -> None:
        if self.signed_in:
            self.remember_cases(self.page(url("caseload"), "caseload").text)

    @task(1)
    def caseload_page(self) -> None:
        if self.signed_in:
            number = random.randint(2, 20)
            response = self.page(url("caseload"), "caseload: page 2-20", page=number)
            self.remember_cases(response.text)

    @task(2)
    def name_search(self) -> None:
        if self.signed_in:
            name = random.choice(data()["names"])
            response = self.page(url("caseload"), "caseload: name search", q=name)
            self.remember_cases(response.text)

    @task(3)
    def case_page(self) -> None:
        if self.signed_in and self.cases:
            self.page(url("case", pk=random.choice(self.cases)), "case page")


class DoorKeeper(Staff):
    """A counsellor at the door of today's fair, checking tickets in by their code."""

    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.door = url("check_in", pk=data()["fair"])
        self.token: str | None = None
        if self.signed_in:
            # Signing in rotates the CSRF token: take the one of the signed-in page.
            self.token = self.csrf(self.door, "check-in: page")

    @task(4)
    def check_in_by_code(self) -> None:
        if self.token is None:
            return
        codes = data()["tickets"]
        number = next(_ticket_numbers)
        if number >= len(codes):
            return  # every seeded ticket is in; seed more with LOAD_TICKETS
        fields = [("csrfmiddlewaretoken", self.token), ("action", "code"), ("code", codes[number])]
        with self.post(self.door, fields, "check-in: code") as response:
            if response.status_code != 302:
                response.failure(f"check-in answered {response.status_code}")
                return
        # The browser follows the redirect to the door list, which says how it went.
        with self.client.get(self.door, name="check-in: page", catch_response=True) as page:
            if page.status_code == 200 and "checkin-ok" not in (page.text or ""):
                page.failure(f"ticket {codes[number]} not checked in")

    @task(1)
    def search_at_door(self) -> None:
        if self.token is not None:
            name = random.choice(data()["names"])
            self.page(self.door, "check-in: name search", q=name)


@events.request.add_listener
def count_status(name: str, response: Any = None, **_kwargs: Any) -> None:
    """Status codes per page: locust's failures lump 5xx with the scenario's own checks."""
    STATUS[name][getattr(response, "status_code", 0) or 0] += 1


@events.test_stop.add_listener
def write_status(**_kwargs: Any) -> None:
    target = os.environ.get("LOAD_STATUS")
    if target:
        Path(target).write_text(
            json.dumps({name: dict(codes) for name, codes in STATUS.items()}, indent=1)
        )
