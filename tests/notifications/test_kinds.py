"""Each app registers the kinds it sends; the settings page lists exactly those."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _

from notifications import kinds as registry
from notifications.kinds import KINDS, Audience, Kind, kinds_for, register
from tests.conftest import login_staff

SETTINGS_PAGE = "/me/notifications/settings/"
APPS = ["accounts", "notifications", "markets", "workers", "loans", "fairs", "orientation"]


def _kinds_sent_in_code() -> set[str]:
    """Every literal slug passed as `kind=` (or held in a NOTIFICATION_KIND) by the apps."""
    root = Path(settings.BASE_DIR)
    pattern = re.compile(r'(?:\bkind=|NOTIFICATION_KIND = )"([a-z0-9-]+)"')
    found: set[str] = set()
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_kind_the_apps_send_is_registered():
    sent = _kinds_sent_in_code()

    assert "fair-reminder" in sent and "support-decision" in sent  # the scan finds them
    assert sent - set(KINDS) == set()


def test_every_kind_with_templates_is_registered_and_has_a_subject_and_body():
    folders = [p for p in (Path(settings.BASE_DIR) / "templates" / "notifications").iterdir()]
    slugs = {p.name for p in folders if p.is_dir()}

    assert "fair-reminder" in slugs
    assert slugs - set(KINDS) == set()
    for slug in slugs:
        get_template(f"notifications/{slug}/subject.txt")
        get_template(f"notifications/{slug}/body.txt")


def test_the_kinds_are_registered_by_the_app_that_sends_them():
    owners = {
        "fair-reminder": "fairs",
        "support-decision": "loans",
        "application-waiting": "loans",
        "follow-up-due": "workers",
        "document-reviewed": "workers",
    }
    for slug, app in owners.items():
        source = (Path(settings.BASE_DIR) / app / "notification_kinds.py").read_text()
        assert f'"{slug}"' in source
    # The lowest app names only its own kind.
    own = Path(registry.__file__).read_text().split('"""', 2)[2]  # the code, not the docstring
    assert set(re.findall(r'Kind\(\s*"([a-z0-9-]+)"', own)) == {"welcome"}


def test_the_notice_schedule_kind_that_was_never_sent_is_gone():
    assert "notice-schedule" not in KINDS


def test_registering_the_same_kind_twice_is_harmless_and_a_clash_is_refused():
    kind = KINDS["fair-reminder"]
    register(kind)
    assert KINDS["fair-reminder"] is kind

    with pytest.raises(ImproperlyConfigured):
        register(Kind("fair-reminder", _("Something else"), Audience.STAFF))
    assert KINDS["fair-reminder"] is kind


def test_the_settings_page_lists_a_workers_kinds_from_every_app(client, worker):
    client.force_login(worker)

    listed = {k.slug for k in client.get(SETTINGS_PAGE).context["kinds"]}

    assert listed == {k.slug for k in kinds_for(worker)}
    assert {"welcome", "fair-reminder", "document-expiring", "support-decision"} <= listed
    assert "follow-up-due" not in listed


def test_staff_no_longer_see_notices_to_publish_among_their_messages(client, counsellor):
    login_staff(client, counsellor)

    page = client.get(SETTINGS_PAGE)

    listed = {k.slug for k in page.context["kinds"]}
    assert {"follow-up-due", "application-waiting", "weekly-summary"} <= listed
    assert "fair-reminder" not in listed
    assert "Thông báo cần đăng hoặc sắp hết hạn" not in page.content.decode()
    assert "Tóm tắt hằng tuần cho quản lý văn phòng" in page.content.decode()
