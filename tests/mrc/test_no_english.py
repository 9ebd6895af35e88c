"""No English on a Vietnamese page, for every role: a crawl of the demo portal, in
Vietnamese, that fails on any visible text, placeholder, label or button that is an
English source string (ours, Django's or allauth's) with a Vietnamese translation."""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import django
import polib
import pytest
from allauth import __file__ as allauth_file
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from tests.conftest import login_staff
from tests.factories import WorkerFactory, province

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DJANGO = Path(django.__file__).parent
# Proper names and codes that read the same in both languages.
SAME_IN_BOTH = {"English", "Email", "Zalo", "JSON", "PDF", "Excel", "Khmer"}
# Not pages a person reads: files, the switch of language, signing out, the admin.
SKIP = re.compile(
    r"^/(admin/|i18n/|accounts/logout|static/|media/|healthz)|\.xlsx|\.json|\.ics|format=|"
    r"/file$|/feed|\.atom|\.pdf|/print|/qr"
)
PAGES_PER_ROLE = 120


GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "_lazy", "pgettext", "pgettext_lazy",
                 "ngettext", "ngettext_lazy", "gettext_noop"}  # fmt: skip
APPS = [
    "accounts",
    "workers",
    "markets",
    "notifications",
    "loans",
    "fairs",
    "orientation",
    "reports",
    "mrc",
]


def _source_strings() -> set[str]:
    """Every string the portal's own code marks for translation, whether or not the
    catalogue has it yet: Python through its syntax tree (implicit concatenation joined),
    templates through their translate tags."""
    import ast

    found: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name not in GETTEXT_NAMES:
                    continue
                index = 1 if name.startswith("pgettext") and len(node.args) > 1 else 0
                arg = node.args[index]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    tag = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
    block = re.compile(r"{%\s*blocktrans(?:late)?(?:\s+trimmed)?\s*%}(.+?){%\s*endblocktrans")
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        found |= {m.group(2) for m in tag.finditer(text)}
        found |= {m.group(1).strip() for m in block.finditer(text) if "{{" not in m.group(1)}
    return found


@functools.cache
def english_source_strings() -> frozenset[str]:
    """English source strings (ours, Django's, allauth's) that a Vietnamese page must not
    show: all but those whose Vietnamese is the same word (a name, "Email")."""
    vi = polib.pofile(str(ROOT / "locale/vi/LC_MESSAGES/django.po"))
    same = {e.msgid for e in vi if e.msgstr == e.msgid}
    theirs: set[str] = set()
    for path in [
        DJANGO / "conf/locale/fr/LC_MESSAGES/django.po",
        DJANGO / "contrib/auth/locale/fr/LC_MESSAGES/django.po",
        Path(allauth_file).parent / "locale/fr/LC_MESSAGES/django.po",
    ]:
        theirs |= {e.msgid for e in polib.pofile(str(path)) if not e.msgid_plural}
    vietnamese = {e.msgstr for e in vi}
    return frozenset(
        s
        for s in {e.msgid for e in vi} | _source_strings() | theirs
        if len(s) >= 4
        and re.search(r"[A-Za-z]{3}", s)
        and "%" not in s
        and "{" not in s
        and s not in vietnamese
        and s not in same
        and s not in SAME_IN_BOTH
    )


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[tuple[str, str]] = []  # (where, text)
        self.links: list[str] = []
        self._skip = 0
        self._tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in {"script", "style", "template", "code", "pre"}:
            self._skip += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        for name in ("placeholder", "aria-label", "title", "alt"):
            if a.get(name):
                self.texts.append((f"{tag}[{name}]", a[name]))
        if tag == "input" and a.get("type") in {"submit", "button", "reset"} and a.get("value"):
            self.texts.append(("input[value]", a["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template", "code", "pre"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(("text", data))


def english_on(html: str, english: frozenset[str]) -> list[tuple[str, str]]:
    reader = _Reader()
    reader.feed(html)
    found = []
    for where, text in reader.texts:
        text = " ".join(text.split())
        for candidate in {text, text.rstrip(":*").strip(), text.strip("()").strip()}:
            if candidate in english:
                found.append((where, candidate))
                break
    return found


def links_on(html: str, path: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    out = []
    for href in reader.links:
        parts = urlsplit(urljoin(path, href))
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIP.search(url):
            out.append(url)
    return out


def crawl(client, start: list[str], english: frozenset[str]) -> tuple[dict[str, list], int]:
    """Pages reached from `start` by their links, breadth first, each shape of URL once.
    Links are followed before the remaining start pages, so every page's own links
    (a worker's wizard, a case's forms) are reached within the budget."""
    seen: set[str] = set()
    queue = list(start)
    problems: dict[str, list] = {}
    visited = 0
    while queue and visited < PAGES_PER_ROLE:
        url = queue.pop(0)
        # One page per pattern is enough: /staff/workers/12/ stands for every worker page.
        shape = re.sub(r"\d+", "N", url.split("?")[0])
        if shape in seen:
            continue
        seen.add(shape)
        response = client.get(url, follow=True)
        if response.redirect_chain:
            url = response.redirect_chain[-1][0]
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        visited += 1
        html = response.content.decode()
        found = english_on(html, english)
        if found:
            problems[url] = found
        queue[:0] = [link for link in links_on(html, url) if link not in queue]
    return problems, visited


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def door_helper() -> User:
    helper = WorkerFactory(province=province(15), name="Người giúp cửa")
    helper.user_permissions.add(Permission.objects.get(codename="check_in"))
    return helper


def test_the_check_finds_an_english_placeholder():
    english = english_source_strings()
    page = '<select><option value="">- Select an option -</option></select>'

    assert english_on(page, english) == [("text", "- Select an option -")]
    assert english_on('<input placeholder="Search">', english)
    assert english_on("<p>Chọn một mục</p>", english) == []
    # A label the catalogue does not have yet is English all the same.
    assert english_on("<label>Excel file (.xlsx):</label>", english)


ROLES = {
    "anonymous": None,
    "worker": "+84912345001",
    "counsellor": "tuvan.laocai@mrc.demo",
    "manager": "quanly.laocai@mrc.demo",
    "admin": "admin@mrc.demo",
    "door helper": "door",
}


# One test for every role: the demo data is written once (a test per role wrote it six
# times, 10 s more work than the crawls spread over two workers saved).
@pytest.mark.slow
def test_no_english_on_the_vietnamese_pages_of_any_role(demo):
    from tests.mrc.test_every_page import ROUTES

    english = english_source_strings()
    lines: set[str] = set()
    for role, login in ROLES.items():
        client = Client()
        if login == "door":
            client.force_login(door_helper())
        elif login and login.startswith("+"):
            client.force_login(User.objects.get(phone=login))
        elif login:
            login_staff(client, User.objects.get(email=login))
        problems, count = crawl(client, ["/", *ROUTES], english)

        print(f"pages read as {role}:", count)  # shown with -s; docs/worker-journeys.md quotes it
        assert count >= 10, (role, count)
        lines |= {
            f"{role}: {url}: {where}: {text!r}"
            for url, found in problems.items()
            for where, text in found
        }
    assert not lines, "English on Vietnamese pages:\n" + "\n".join(sorted(lines))
