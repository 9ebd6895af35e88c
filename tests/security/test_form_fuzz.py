"""Hostile values in every form of the portal: never a server error, nothing stored on refusal.

The forms are found, not listed. Each kind of visitor opens every page the URL patterns
give (the patterns that take an id get the objects of a small world, as in the access
matrices), follows the links of those pages, and every <form> in the HTML is read for its
method, action, fields and choices. Each distinct form is then sent, as the first kind of
visitor who has it: what a person would type, rounds of a fixed table of hostile values (a
different one in each field), values at the edge of each field's type one field at a time,
a few files that lie, bytes that are not UTF-8, and a bounded, derandomized set of
hypothesis examples. What must hold for every answer:

- no server error (the test client raises the view's exception; it is kept with its
  traceback and the run goes on, so one run lists every failing form);
- a refusal (the page again, 400, 403, 404, 405, 429, or a redirect to sign in) leaves
  every table as it was;
- no page sent back, nor the page a redirect leads to, carries the hostile markup raw;
- a redirect never leaves the site.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import time
import traceback
import zlib
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.template.base import Template
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from accounts.models import Role, User
from fairs import services as fair_services
from fairs.models import Fair
from markets.models import NoticeStatus
from tests.conftest import login_staff
from tests.factories import PASSWORD, StaffFactory
from tests.fairs.factories import FairFactory, fair_today, participation
from tests.fairs.factories import register as fair_register
from tests.fairs.test_access import MATRIX as FAIRS_MATRIX
from tests.loans.factories import draft_grant, grant_programme, in_review
from tests.markets.factories import notice
from tests.mrc.test_every_page import simple_routes
from tests.security.test_access_matrix import MATRIX as CORE_MATRIX
from tests.security.test_access_matrix import world as core_world  # noqa: F401 (a fixture)
from tests.workers.factories import PDF_BYTES, jpeg_upload
from workers.models import PriorityGroupClaim

pytestmark = pytest.mark.django_db

VISITORS = ["anonymous", "worker", "counsellor", "manager", "admin"]

# Fewer distinct forms than this for a visitor means discovery broke, not that the portal
# shrank: what the crawl finds today (16, 35, 80, 88, 138; 175 in all, the admin's Django
# forms included), less a margin for forms that come and go.
MINIMUM_FORMS = {"anonymous": 13, "worker": 30, "counsellor": 68, "manager": 75, "admin": 115}
MINIMUM_FUZZED = 150

# The forms can be sent in several parts, one test each, for pytest-xdist to spread over
# its workers. Every part crawls as every visitor (what decides who owns a form and which
# pages show what was stored), then sends only its own share of the forms. One since
# December 2026: both workers are busy to the end of the run, and a second part's crawl
# and world (12-15 s) were more work, not more speed (docs/testing.md).
PARTS = 1

# A url name (with its word arguments, such as a profile step) is opened at most this many
# times per visitor: enough to reach an object's forms without walking every list page.
PAGES_PER_URL_NAME = 2
# Of Django's admin (for superusers), the lists with their search box and the add forms:
# its other pages are Django's own, and with its sorting and filter links they would take
# more time than this file has.
ADMIN_PAGES = ("admin:index", "_changelist", "_add")
# Requests per form: rounds of the hostile table (each field a different value), then
# hypothesis examples. Each part takes about a minute on a two-core machine.
TABLE_ROUNDS, EXAMPLES = 5, 3
ADMIN_TABLE_ROUNDS, ADMIN_EXAMPLES = 2, 1

# The project's own url names the crawl must reach, as a page or as a form's action; a new
# one fails the test until the crawl finds it or it is named below with the reason.
PROJECT_NAMESPACES = (
    "accounts",
    "markets",
    "workers",
    "loans",
    "fairs",
    "notifications",
    "reports",
)
NOT_CRAWLED: dict[str, str] = {}

# --- Hostile values ---------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# What must never come back unescaped in a page.
RAW_MARKUP = ("<script>alert(1)", "<img src=x onerror=alert(1)>")

HOSTILE: list[Any] = [
    "",
    " ",
    "x" * 10_001,
    "Nguyễn Thị Ánh " * 700,  # multi-byte, over 10,000 characters
    "\x00",
    "abc\x00def",
    "\x1b[31mred\x1b[0m",
    "\u202egpj.exe",
    "\r\n\t\x0b\x0c",
    "\u200b\u200d\ufeff",
    "Nguyễn Văn Đức Щука مرحبا 😀👩‍👩‍👧 ﷽",
    "' OR 1=1 --",
    "'; DROP TABLE accounts_user; --",
    '" OR ""="',
    "%_\\",
    SCRIPT,
    IMG,
    "javascript:alert(1)",
    "{{ 7|add:7 }}{% debug %}",
    "//evil.example/",
    "https://evil.example/",
    "../../../../etc/passwd",
    str(10**30),
    "-1",
    "1e309",
    "NaN",
    "-Infinity",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "0x1F",
    "١٢٣",
    "²",  # a digit to str.isdigit(), not to int()
    "31/02/2026",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-13-45T25:61",
    ["1", SCRIPT],  # several values where the form expects one
    ["", "\x00", "999999999"],
]

# Values shaped right for the field's type but at its edges: what a form may let through to
# the database or the calendar. Sent one field at a time, the others filled in plainly.
EDGES: dict[str, list[Any]] = {
    "number": ["2147483648", str(10**30)],
    "date": ["0001-01-01", "9999-12-31"],
    "datetime-local": ["0001-01-01T00:00", "9999-12-31T23:59"],
    "choice": ["9223372036854775808", "²"],
    "hidden": ["2147483648", "\x00"],
    "submit": ["\x00"],
    "text": ["\x00", IMG],
}


def hostile_files() -> list[SimpleUploadedFile]:
    """Files a browser could send: names and contents that lie, are empty or are too long."""
    jpeg = jpeg_upload().read()
    return [
        SimpleUploadedFile("a\x00.jpg", jpeg, content_type="image/jpeg"),
        SimpleUploadedFile("../../../etc/passwd", jpeg, content_type="image/jpeg"),
        SimpleUploadedFile("x" * 500 + ".jpg", jpeg, content_type="image/jpeg"),
        SimpleUploadedFile(SCRIPT + ".jpg", jpeg, content_type="image/jpeg"),
        SimpleUploadedFile("\u202egpj.exe", jpeg, content_type="image/jpeg"),
        SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg"),
        SimpleUploadedFile("page.jpg", SCRIPT.encode(), content_type="image/jpeg"),
        SimpleUploadedFile("half.jpg", jpeg[:40], content_type="image/jpeg"),
        SimpleUploadedFile("scan.pdf", PDF_BYTES + b"\x00" * 10, content_type="application/pdf"),
        SimpleUploadedFile("sheet.xlsx", b"PK\x03\x04 not a zip", content_type="text/plain"),
        SimpleUploadedFile("rows.csv", ("a,b\n" + SCRIPT).encode(), content_type="text/csv"),
    ]


# --- Reading pages ----------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # the input type, "select", "textarea" or "submit"
    values: list[str] = field(default_factory=list)  # what the page would send as it is
    options: list[str] = field(default_factory=list)  # the choices the page offers
    multiple: bool = False


@dataclass
class Form:
    page: str
    method: str
    action: str
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)

    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """Forms that differ only by the id in their action are one form."""
        path = urlsplit(self.action).path
        try:
            name = resolve(path).view_name
        except Resolver404:
            name = path
        return (self.method, name, tuple(sorted(self.fields)))


class PageParser(HTMLParser):
    """The links and forms of a page, as a browser would send them."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page, a["href"]))
        elif tag == "form":
            self._form = Form(
                page=self.page,
                method=(a.get("method") or "get").lower(),
                action=urljoin(self.page, a.get("action") or self.page),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.values.append(value)
        elif not a.get("name"):
            return
        elif tag in ("input", "button"):
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            if kind in ("reset", "image"):
                return
            item = self._field(a["name"], kind)
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio", "submit"):
                item.options.append(value)
                item.multiple = item.multiple or kind == "checkbox"
                if "checked" in a or (kind == "submit" and not item.values):
                    item.values.append(value)
            elif kind != "file":
                item.values = [value]
        elif tag == "select":
            self._select = self._field(a["name"], "select")
            self._select.multiple = "multiple" in a
        elif tag == "textarea":
            self._textarea = self._field(a["name"], "textarea")
            self._textarea.values = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.values = [self._textarea.values[0] + data]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if not self._select.values and self._select.options and not self._select.multiple:
                self._select.values = [self._select.options[0]]
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def _field(self, name: str, kind: str) -> Field:
        assert self._form is not None
        return self._form.fields.setdefault(name, Field(name, kind))


# --- The world and the visitors --------------------------------------------------------


@pytest.fixture
def world(core_world, lao_cai):  # noqa: F811 (the fixture)
    """The access matrix's world, with a fair and support applications of the same worker."""
    w = dict(core_world)
    owner: User = w["owner"]
    counsellor: User = w["people"]["same-province staff"]
    fair = fair_today(created_by=counsellor)
    ticket = fair_register(fair, owner).registration
    fair_services.check_in(fair_id=fair.pk, actor=counsellor, code=ticket.code)
    joined = participation(fair, counsellor)
    order = joined.job_orders.create(market=w["market"], occupation="Hàn", vacancies=3)
    interview = fair_services.interview_record(
        participation_id=joined.pk, registration_id=ticket.pk, actor=counsellor
    )
    # An offer with no follow-up yet, to another worker with a file at the centre.
    other = w["people"]["other worker"]
    other_ticket = fair_register(fair, other).registration
    fair_services.check_in(fair_id=fair.pk, actor=counsellor, code=other_ticket.code)
    fair_services.interview_record(
        participation_id=joined.pk, registration_id=other_ticket.pk, actor=counsellor, offered=True
    )
    # Two fairs open for registration: the owner holds a place at one of them.
    open_fairs = [FairFactory(province=lao_cai, created_by=counsellor) for _ in range(2)]
    fair_register(open_fairs[0], owner)
    # What a grant asks of the owner: a birth date, a commune and a priority group.
    profile = w["profile"]
    profile.date_of_birth = datetime.date(1999, 4, 1)
    profile.commune = lao_cai.communes.order_by("code").first()
    profile.save(update_fields=["date_of_birth", "commune"])
    PriorityGroupClaim.objects.create(profile=profile, group="poor")
    grants = [grant_programme(province=lao_cai) for _ in range(3)]  # the third: not applied
    w.update(
        fair=fair,
        draft_fair=FairFactory(province=lao_cai, created_by=counsellor, status=Fair.Status.DRAFT),
        ticket=ticket,
        joined=joined,
        order=order,
        interview=interview,
        grants=grants,
        application=draft_grant(profile, grants[0]),
        waiting=in_review(profile, grants[1], counsellor),
        scheduled=notice(
            w["published"].author,
            province_code=lao_cai.code,
            status=NoticeStatus.SCHEDULED,
            publish_at=timezone.now() + datetime.timedelta(days=3),
        ),
        open_fairs=open_fairs,
        manager=StaffFactory(role=Role.MANAGER, province=lao_cai),
        # A national administrator as `createsuperuser` makes one: the Django admin is theirs.
        admin=StaffFactory(role=Role.ADMIN, province=None, is_superuser=True),
    )
    return w


def loans_seeds(w: dict[str, Any]) -> list[str]:
    """The support pages with an id (tests/loans has their access tests)."""
    application, waiting = w["application"], w["waiting"]
    return [
        *(reverse("loans:programme", args=[g.pk]) for g in w["grants"]),
        reverse("loans:application", args=[application.pk]),
        reverse("loans:application", args=[waiting.pk]),
        reverse("loans:edit", args=[application.pk]),
        reverse("loans:withdraw", args=[application.pk]),
        reverse("loans:print", args=[application.pk]),
        reverse("loans:staff_application", args=[waiting.pk]),
        reverse("loans:staff_application", args=[application.pk]),
        reverse("loans:staff_edit", args=[application.pk]),
        reverse("loans:staff_programme", args=[w["grants"][0].pk]),
        reverse("loans:staff_worker", args=[w["profile"].pk]),
        reverse("loans:attachment_file", args=[application.attachments.first().pk]),
    ]


def seeds(w: dict[str, Any]) -> list[str]:
    """Every parameterless page, and every page with an id the access matrices know."""
    # The fair the owner has not registered for comes first: its page has the register form,
    # and only a few pages of each kind are opened.
    paths = [reverse("fairs:detail", args=[f.pk]) for f in reversed(w["open_fairs"])]
    # The file whose personal ID is disputed: its page has the form that resolves it.
    paths.append(reverse("workers:staff_worker", args=[w["dispute"].existing_id]))
    paths += [*simple_routes(), "/accounts/login/", "/accounts/signup/", "/accounts/email/"]
    paths.append(reverse("admin:index"))
    matrix: dict[str, Any] = {**CORE_MATRIX, **FAIRS_MATRIX}
    for name, entry in matrix.items():
        if entry.method == "get":
            paths.append(reverse(name, args=entry.args(w)))
    paths.append(reverse("fairs:staff_fair", args=[w["draft_fair"].pk]))
    paths.append(reverse("markets:staff_notice", args=[w["scheduled"].pk]))
    # Query strings that no link carries today, read by the views all the same.
    paths.append(reverse("reports:national") + "?year=2026")
    return paths + loans_seeds(w)


def person(w: dict[str, Any], visitor: str) -> User | None:
    return {
        "anonymous": None,
        "worker": w["owner"],
        "counsellor": w["people"]["same-province staff"],
        "manager": w["manager"],
        "admin": w["admin"],
    }[visitor]


def sign_in(client: Client, user: User | None) -> None:
    if user is None:
        client.logout()
    elif user.is_staff_member:
        login_staff(client, user)
    else:
        client.force_login(user)


# --- Crawling ---------------------------------------------------------------------------


def is_html(response: HttpResponseBase) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def local_path(url: str) -> str | None:
    """The path and query of a link to one of the portal's own pages, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith(("/static/", "/media/")):
        return None
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        return None
    if name.startswith("admin:") and not (name.endswith(ADMIN_PAGES) and not parts.query):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_kind(path: str) -> str:
    """A url name with its word arguments: each profile step is a page of its own."""
    match = resolve(urlsplit(path).path)
    words = sorted(str(v) for v in match.kwargs.values() if not str(v).isdigit())
    return ":".join([match.view_name, *words])


@dataclass
class Crawl:
    pages: dict[str, str] = field(default_factory=dict)  # path: HTML
    forms: list[Form] = field(default_factory=list)
    reached: set[str] = field(default_factory=set)  # url names answered without an error


def crawl(client: Client, start: list[str]) -> Crawl:
    """The pages reachable from `start` (a few of each kind) and the forms on them."""
    found = Crawl()
    opened: Counter[str] = Counter()
    queue = list(dict.fromkeys(start))
    while queue:
        path = queue.pop(0)
        kind = page_kind(path)
        if path in found.pages or opened[kind] >= PAGES_PER_URL_NAME:
            continue
        opened[kind] += 1
        response = client.get(path)
        assert response.status_code < 500, path
        if "?" in path:
            found.forms.append(query_form(path, path))
        if response.status_code >= 400:
            continue
        found.reached.add(resolve(urlsplit(path).path).view_name)
        if response.status_code != 200:
            continue
        if not is_html(response) or getattr(response, "streaming", False):
            continue
        html = response.content.decode()
        found.pages[path] = html
        parser = PageParser(path)
        parser.feed(html)
        found.forms += parser.forms
        links = [p for link in parser.links if (p := local_path(link))]
        found.forms += [query_form(path, link) for link in links if "?" in link]
        queue += [link for link in links if link not in found.pages]
    return found


def query_form(page: str, link: str) -> Form:
    """A link's query string, read as the form a person could have typed it into."""
    form = Form(page=page, method="get", action=link, multipart=False)
    for name, value in parse_qsl(urlsplit(link).query, keep_blank_values=True):
        form.fields.setdefault(name, Field(name, "hidden")).values.append(value)
    return form


def project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in PROJECT_NAMESPACES:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


# --- Fingerprint of the database -------------------------------------------------------

# Tables a request writes without storing anything the visitor typed.
NOT_FINGERPRINTED = {
    "django_session",  # the session itself: messages, the CSRF token, the language
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "accounts_province",  # reference data, thousands of rows that only the admin writes
    "accounts_commune",
}


def fingerprint() -> dict[str, str]:
    """A digest of every row of every table that a refused form must leave alone."""
    digests: dict[str, str] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in NOT_FINGERPRINTED:
                continue
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (names from the db)
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[table] = hashlib.blake2b("\n".join(rows).encode()).hexdigest()[:16]
    return digests


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in after if before.get(t) != after[t])


# What a statement that only reads begins with; anything else may write.
READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "PRAGMA", "SET ", "SHOW", "BEGIN")
WRITE_TABLE = re.compile(r'^(?:INSERT(?: OR \w+)? INTO|UPDATE|DELETE FROM) "?(\w+)"?', re.I)


class WriteWatch:
    """Whether a request sent a statement that may have changed a fingerprinted table. The
    fingerprint reads every row of every table (about 3 ms): it is taken again only then."""

    def __init__(self) -> None:
        self.wrote = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statement = sql.lstrip().upper()
        if not statement.startswith(READS):
            table = WRITE_TABLE.match(sql.lstrip())
            # A write to the session alone changes nothing a refusal must leave alone.
            self.wrote |= table is None or table[1] not in NOT_FINGERPRINTED
        return execute(sql, params, many, context)


# --- Fuzzing ----------------------------------------------------------------------------

CSRF = "csrfmiddlewaretoken"
MISSING = object()  # the field is left out of the request
# 409: a step that needs confirming first (publishing a fair that starts in the past).
REFUSALS = {200, 400, 403, 404, 405, 409, 429}
# Where a refused visitor is sent: to sign in, or to set up their second factor.
REFUSAL_REDIRECTS = ("/accounts/login/", "/accounts/2fa/", "/accounts/reauthenticate/")

PLAUSIBLE = {
    "text": "Nguyễn Văn An",
    "search": "An",
    "email": "an@example.vn",
    "tel": "0912345678",
    "number": "1",
    "date": "2026-07-01",
    "datetime-local": "2026-07-01T09:00",
    "url": "https://example.vn/",
    "password": PASSWORD,
    "textarea": "Ghi chú",
}


def baseline(form: Form) -> dict[str, Any]:
    """What a person filling the form in plainly would send."""
    data: dict[str, Any] = {}
    pressed = False
    for name, item in form.fields.items():
        if item.kind == "submit":
            # Of several buttons only the pressed one is sent: the first.
            if not pressed and item.values:
                data[name] = item.values[0]
                pressed = True
        elif item.kind == "file":
            data[name] = jpeg_upload()
        elif item.kind in ("checkbox", "radio"):
            if item.values or item.kind == "radio":
                data[name] = item.values or item.options[:1]
        elif item.kind == "select":
            # A real choice rather than the "Choose…" line, to get past required fields.
            chosen = [v for v in item.values if v] or [o for o in item.options if o][:1]
            data[name] = chosen if item.multiple else (chosen[0] if chosen else "")
        else:
            value = item.values[0] if item.values else ""
            data[name] = value or PLAUSIBLE.get(item.kind, "")
    return data


# A formset's counts: Django caps them at 1,000 forms, and drawing a thousand inline forms
# for each request would take this file's whole time; they keep what the page says.
MANAGEMENT = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


# The ids ticked in an admin list: Django's ModelAdmin.response_action filters on them
# unchecked, so a tampered one that is not a number is a ValueError (a 500) in Django's code,
# for superusers only. Not the portal's to fix; the other fields of the form are fuzzed.
ADMIN_TICKED = "_selected_action"


def fuzzable(form: Form) -> dict[str, Field]:
    kept = (CSRF, ADMIN_TICKED)
    fields = {n: f for n, f in form.fields.items() if n not in kept and not n.endswith(MANAGEMENT)}
    if form.method == "get":
        fields["page"] = Field("page", "hidden")  # every list view reads it
    return fields


def table_value(item: Field, index: int) -> Any:
    if item.kind == "file" and index % 2 == 0:
        files = hostile_files()
        return files[index // 2 % len(files)]
    return HOSTILE[index % len(HOSTILE)]


def edges(item: Field) -> list[Any]:
    if item.kind == "file":
        return list(hostile_files())
    if item.kind in ("select", "radio", "checkbox"):
        return [*EDGES["choice"], [*item.options[:2], "999999999"]]
    return EDGES.get(item.kind, EDGES["text"])


def hostile_value(item: Field) -> st.SearchStrategy[Any]:
    strategies: list[st.SearchStrategy[Any]] = [
        st.sampled_from(HOSTILE),
        st.text(max_size=40),  # any code point but lone surrogates, which no browser sends
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.floats().map(repr),
        st.dates().map(lambda d: d.isoformat()),
        st.datetimes().map(lambda d: d.isoformat()[:16]),
        st.lists(st.text(max_size=5), min_size=2, max_size=3),  # several for one
        st.just(MISSING),
    ]
    if item.options:
        strategies.append(st.sampled_from(item.options).map(lambda o: o + "x"))
    if item.kind == "file":
        strategies.append(st.sampled_from(hostile_files()))
    return st.one_of(strategies)


def summary(payload: Any) -> str:
    def short(value: Any) -> Any:
        if isinstance(value, str) and len(value) > 60:
            return f"{value[:40]}...({len(value)} characters)"
        if isinstance(value, SimpleUploadedFile):
            return f"<file {short(value.name)!r}>"
        return value

    if isinstance(payload, dict):
        payload = {k: short(v) for k, v in payload.items() if k != CSRF}
    return repr(payload)[:800]


def sqlite_admin_overflow(where: str, error: BaseException) -> bool:
    """Django's admin passes a typed id of more than 64 bits to the database unchecked: on
    SQLite the driver raises, on PostgreSQL (production) the id is an invalid choice. Not the
    portal's code, and not a failure in production."""
    return (
        " /admin/" in where
        and connection.vendor == "sqlite"
        and isinstance(error, OverflowError)
        and "SQLite INTEGER" in str(error)
    )


def app_frames(error: BaseException) -> str:
    """Where the portal's own code met the failure, and the failure."""
    frames = [
        f for f in traceback.extract_tb(error.__traceback__) if "site-packages" not in f.filename
    ]
    lines = traceback.format_list(frames[-4:]) + traceback.format_exception_only(error)
    return "".join(lines)


class Fuzzer:
    """Sends requests as one visitor and keeps every answer that breaks the rules above."""

    def __init__(self, client: Client, visitor: str, user: User | None) -> None:
        self.client = client
        self.visitor = visitor
        self.user = user
        self.requests = 0
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self.landings: set[str] = set()
        self.state = fingerprint()

    def signed_in(self) -> None:
        """Back in as the visitor if a form (sign out, password) changed who is signed in."""
        wanted = str(self.user.pk) if self.user else None
        if self.client.session.get("_auth_user_id") != wanted:
            sign_in(self.client, self.user)
        self.state = fingerprint()

    def send(self, form: Form, data: dict[str, Any], note: str) -> None:
        payload = {k: v for k, v in data.items() if v is not MISSING}
        where = f"{self.visitor} {form.method.upper()} {form.action} [{note}]"
        if form.method == "get":
            self._request(where, payload, self.client.get, urlsplit(form.action).path, payload)
        else:
            self._request(where, payload, self.client.post, form.action, payload)

    def send_raw(self, form: Form, body: bytes, content_type: str, note: str) -> None:
        where = f"{self.visitor} POST {form.action} [{note}]"
        self._request(where, body, self.client.generic, "POST", form.action, body, content_type)

    def _request(self, where: str, payload: Any, method: Any, *args: Any) -> None:
        cache.clear()  # rate limits would refuse the requests before the forms see them
        self.requests += 1
        watch = WriteWatch()
        try:
            # A savepoint: on PostgreSQL a failed statement would abort the test's
            # transaction, and every later request would fail with it.
            with connection.execute_wrapper(watch), transaction.atomic():
                response = method(*args)
        except Exception as error:
            if not sqlite_admin_overflow(where, error):
                self.failures.append(f"{where} raised with {summary(payload)}\n{app_frames(error)}")
            return  # the savepoint took back what it wrote
        self.check(response, where, payload, wrote=watch.wrote)

    def check(self, response: HttpResponse, where: str, payload: Any, *, wrote: bool) -> None:
        status = response.status_code
        self.statuses[status] += 1
        problems = unescaped(response)
        after = fingerprint() if wrote else self.state
        if status in (301, 302, 303, 307, 308):
            location = response["Location"]
            if urlsplit(location).netloc not in ("", "testserver"):
                problems.append(f"redirected off the site to {location}")
            elif location.startswith(REFUSAL_REDIRECTS):
                if touched := changed(self.state, after):
                    problems.append(f"refused (to {location}) but changed {touched}")
            elif local_path(location):
                self.landings.add(location)
        elif status not in REFUSALS:
            problems.append(f"answered {status}")
        elif status == 200 and not is_html(response):
            pass  # a file sent back (an export, which is logged): the request was accepted
        elif touched := changed(self.state, after):
            problems.append(f"refused with {status} but changed {touched}")
        self.failures += [f"{where} {p}, with {summary(payload)}" for p in problems]
        self.state = after

    def visit_landings(self, limit: int = 3) -> None:
        """The pages the form sent the visitor to, now showing what was stored."""
        for location in sorted(self.landings)[:limit]:
            response = self.client.get(location)
            if response.status_code >= 500:
                self.failures.append(f"{self.visitor} GET {location} answered 500")
            self.failures += [f"{self.visitor} GET {location} {p}" for p in unescaped(response)]
        self.landings.clear()
        self.state = fingerprint()


def unescaped(response: Any) -> list[str]:
    if not is_html(response) or getattr(response, "streaming", False):
        return []
    body = response.content.decode(errors="replace")
    return [f"shows {markup!r} unescaped" for markup in RAW_MARKUP if markup in body]


# The row number in a repeated field's name: form-0-text, a lesson's q1_text.
FORMSET_ROW = re.compile(r"\d+(?=[_-])")


def send_edges(fuzzer: Fuzzer, form: Form, plain: dict[str, Any], fields: dict[str, Field]) -> None:
    # The rows of a formset are one field drawn again: its first row gets the edges. The
    # table rounds and hypothesis still reach every row.
    rows_seen: set[str] = set()
    for name, item in sorted(fields.items()):
        row = FORMSET_ROW.sub("N", name)
        if row != name and row in rows_seen:
            continue
        rows_seen.add(row)
        for value in edges(item):
            fuzzer.send(form, {**plain, name: value}, f"{name} at an edge")


def fuzz(fuzzer: Fuzzer, form: Form) -> int:
    """Send `form` every kind of hostile value; returns how many fields it has."""
    fuzzer.signed_in()
    plain = baseline(form)
    fields = fuzzable(form)
    typed = sorted(n for n, f in fields.items() if f.kind != "submit")
    # The admin's forms are Django's own: fewer rounds, and no edges one field at a time.
    djangos = urlsplit(form.action).path.startswith("/admin/")
    rounds, examples = (ADMIN_TABLE_ROUNDS, ADMIN_EXAMPLES) if djangos else (TABLE_ROUNDS, EXAMPLES)
    fuzzer.send(form, plain, "as filled in")
    if typed:
        fuzzer.send(form, {**plain, **dict.fromkeys(typed, "")}, "every field empty")
    if form.method == "post":
        fuzzer.send(form, {}, "nothing sent")
    # From round 1: round 0 would give the first field the table's empty value, sent above.
    for round_ in range(1, rounds if typed else 0):
        data = dict(plain)
        for j, name in enumerate(typed):
            data[name] = table_value(fields[name], round_ + j * rounds)
        fuzzer.send(form, data, f"table round {round_}")
    if not djangos:
        send_edges(fuzzer, form, plain, fields)
    if form.method == "post":
        token = form.fields[CSRF].values[0] if CSRF in form.fields else ""
        raw = "".join(f"&{n}=%FF%FE%00%C0%AF" for n in fields)
        fuzzer.send_raw(
            form, f"{CSRF}={token}{raw}".encode(), "application/x-www-form-urlencoded", "bytes"
        )
    if form.multipart:
        broken = b'--x\r\nContent-Disposition: form-data; name="a\x00"; filename="\x00"\r\n\r\nb'
        fuzzer.send_raw(form, broken, "multipart/form-data; boundary=x", "broken multipart")
    if fields:

        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(data=st.data())
        def some_fields_hostile(data: st.DataObject) -> None:
            names = data.draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=3))
            payload = dict(plain)
            for name in names:
                payload[name] = data.draw(hostile_value(fields[name]), label=name)
            fuzzer.send(form, payload, f"hypothesis {sorted(set(names))}")

        some_fields_hostile()
    fuzzer.visit_landings()
    return len(fields)


def distinct(forms: list[Form]) -> dict[tuple[str, str, tuple[str, ...]], Form]:
    unique: dict[tuple[str, str, tuple[str, ...]], Form] = {}
    for form in forms:
        unique.setdefault(form.key(), form)
    return unique


def account_forms_last(form: Form) -> tuple[bool, str]:
    # Signing out or changing a password changes the session: those go after the rest.
    return ("/accounts/" in form.action, form.action)


def part_of(key: tuple[str, str, tuple[str, ...]]) -> int:
    """The part a form belongs to: by its method and url name, which carry no ids, through a
    checksum that is the same in every process (str's hash() is not)."""
    return zlib.crc32(f"{key[0]} {key[1]}".encode()) % PARTS


@pytest.fixture
def templates_not_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test client copies the context of every template it renders (dozens a page) for
    `response.context`, which the fuzz never reads: rendered plainly, a request costs about
    a tenth less."""
    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))


@pytest.mark.slow
@pytest.mark.parametrize("part", range(PARTS))
def test_every_form_survives_hostile_values(world, capsys, part, templates_not_recorded):
    started = time.monotonic()
    client = Client(raise_request_exception=True)
    crawls: dict[str, Crawl] = {}
    for visitor in VISITORS:
        sign_in(client, person(world, visitor))
        crawls[visitor] = crawl(client, seeds(world))
    crawled = time.monotonic()

    reached = set().union(*(c.reached for c in crawls.values()))
    reached |= {f.key()[1] for c in crawls.values() for f in c.forms}
    assert project_url_names() - reached - set(NOT_CRAWLED) == set()
    found = {v: len(distinct(c.forms)) for v, c in crawls.items()}
    assert all(found[v] >= MINIMUM_FORMS[v] for v in VISITORS), found

    owned: set[tuple[str, str, tuple[str, ...]]] = set()  # by the first visitor who has them
    fuzzed: set[tuple[str, str, tuple[str, ...]]] = set()  # those of this part
    again: set[tuple[str, str, tuple[str, ...]]] = set()
    fuzzers: dict[str, Fuzzer] = {}
    fields = 0
    for visitor in VISITORS:
        user = person(world, visitor)
        sign_in(client, user)
        fuzzer = fuzzers[visitor] = Fuzzer(client, visitor, user)
        unique = distinct(crawls[visitor].forms)
        # A form another kind of visitor already had is sent once: staff share most forms.
        for key, form in sorted(unique.items(), key=lambda kv: account_forms_last(kv[1])):
            if part_of(key) != part:
                owned.add(key)
            elif key not in owned:
                owned.add(key)
                fuzzed.add(key)
                fields += fuzz(fuzzer, form)
            elif visitor == "admin" and form.method == "get" and key not in again:
                # An admin's lists span every province, by another path through the same
                # views: their search and filter fields get the edge values once more.
                again.add(key)
                fuzzer.signed_in()
                send_edges(fuzzer, form, baseline(form), fuzzable(form))
    fuzzed_at = time.monotonic()
    # Every kind of page again, after all the forms: a value one form stored may be shown on
    # another page. Staff pages show what workers and the public send, and the reverse.
    for visitor in ("anonymous", "worker", "counsellor"):
        fuzzer = fuzzers[visitor]
        fuzzer.signed_in()
        shown = {page_kind(p): p for p in reversed(crawls[visitor].pages)}
        fuzzer.landings.update(shown.values())
        fuzzer.visit_landings(limit=len(shown))

    failures = [f for fuzzer in fuzzers.values() for f in fuzzer.failures]
    statuses = sum((fuzzer.statuses for fuzzer in fuzzers.values()), Counter[int]())
    with capsys.disabled():
        print(
            f"\nform fuzz, part {part + 1} of {PARTS}: distinct forms found {found};"
            f" {len(fuzzed)} of {len(owned)} fuzzed here (and"
            f" {len(again)} lists again as the admin), {fields} fields,"
            f" {statuses.total()} requests {dict(sorted(statuses.items()))},"
            f" {len(failures)} failures; crawl {crawled - started:.1f} s, forms"
            f" {fuzzed_at - crawled:.1f} s, pages again {time.monotonic() - fuzzed_at:.1f} s"
        )
    assert len(owned) >= MINIMUM_FUZZED
    # Each part has its share: a part left empty would mean the split no longer spreads.
    assert len(fuzzed) >= MINIMUM_FUZZED // (2 * PARTS), len(fuzzed)
    assert failures == [], "\n\n".join(failures)


# --- The harness itself ------------------------------------------------------------------


def test_the_page_reader_sees_fields_choices_and_the_pressed_button():
    parser = PageParser("/staff/cases/1/")
    parser.feed(
        '<form method="post" enctype="multipart/form-data"><input type="hidden" name="v" value="3">'
        '<select name="to"><option value="">Choose</option><option value="7" selected>A</option>'
        '</select><textarea name="note">hi</textarea><input type="checkbox" name="t" value="a">'
        '<input type="file" name="f"><button name="go" value="save">Save</button>'
        '<button name="go" value="send">Send</button></form><a href="?page=2">2</a>'
    )

    [form] = parser.forms
    assert (form.method, form.action, form.multipart) == ("post", "/staff/cases/1/", True)
    assert form.fields["to"].options == ["", "7"] and form.fields["go"].options == ["save", "send"]
    plain = baseline(form)
    assert {k: v for k, v in plain.items() if k != "f"} == {
        "v": "3",
        "to": "7",
        "note": "hi",
        "go": "save",
    }
    assert parser.links == ["/staff/cases/1/?page=2"]


def test_the_fingerprint_sees_a_row_changed_in_place(worker):
    before = fingerprint()
    User.objects.filter(pk=worker.pk).update(name="Lò Văn Páo")

    assert changed(before, fingerprint()) == ["accounts_user"]


def test_the_write_watch_sees_writes_to_the_tables_fingerprinted_and_no_other(worker):
    def wrote(action: Any) -> bool:
        watch = WriteWatch()
        with connection.execute_wrapper(watch):
            action()
        return watch.wrote

    assert wrote(lambda: User.objects.filter(pk=worker.pk).update(name="Lò Văn Páo"))
    assert wrote(lambda: StaffFactory())
    assert wrote(lambda: User.objects.filter(pk=worker.pk).delete())
    assert not wrote(lambda: list(User.objects.all()))
    assert not wrote(lambda: Client().get("/"))
    # A session saved is not a change a refused form is kept from making.
    assert not wrote(lambda: Client().session.save())


def test_the_edges_go_to_the_first_row_of_a_repeated_field_and_to_every_other_field():
    class Recorder:
        def __init__(self) -> None:
            self.sent: list[str] = []

        def send(self, form: Form, data: dict[str, Any], note: str) -> None:
            self.sent.append(note.removesuffix(" at an edge"))

    form = Form("/staff/lessons/1/", "post", "/staff/lessons/1/", False)
    for name in ("title", "q1_text", "q2_text", "q1_choice1", "q1_choice2", "form-0-x", "form-1-x"):
        form.fields[name] = Field(name, "text")
    recorder = Recorder()

    send_edges(recorder, form, baseline(form), fuzzable(form))

    edged = set(recorder.sent)
    assert edged == {"title", "q1_text", "q1_choice1", "q1_choice2", "form-0-x"}
    assert recorder.sent.count("title") == len(EDGES["text"])
