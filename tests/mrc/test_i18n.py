import gettext
from pathlib import Path

import polib
import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("locale/**/LC_MESSAGES/django.po"))


def test_there_are_catalogues():
    names = {str(p.relative_to(ROOT)) for p in CATALOGUES}
    assert "locale/vi/LC_MESSAGES/django.po" in names
    assert "locale/_allauth/vi/LC_MESSAGES/django.po" in names


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_its_po_file(po_path):
    """The committed .mo is what `make messages` would compile from the .po."""
    po = polib.pofile(str(po_path))
    with po_path.with_suffix(".mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)

    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert mo._catalog.get(key) == entry.msgstr, entry.msgid
    translated = [e for e in po.translated_entries() if not e.msgid_plural]
    in_mo = [k for k in mo._catalog if k and not isinstance(k, tuple)]
    assert len(in_mo) == len(translated)


@pytest.mark.parametrize(
    "po_path", [p for p in CATALOGUES if "/vi/" in str(p)], ids=lambda p: str(p.relative_to(ROOT))
)
def test_vietnamese_catalogue_is_complete(po_path):
    po = polib.pofile(str(po_path))

    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


@pytest.mark.django_db
def test_pages_speak_vietnamese_first_whatever_the_browser_says(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.text
    assert "Đăng ký" in response.text


@pytest.mark.django_db
def test_the_language_switch_turns_the_portal_english_and_back(client):
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    english = client.get(reverse("home"))
    assert english["Content-Language"] == "en"
    assert "Sign up" in english.text

    client.post(reverse("accounts:set_language"), {"language": "vi", "next": "/"})
    assert client.get(reverse("home"))["Content-Language"] == "vi"


@pytest.mark.django_db
def test_the_language_switch_never_redirects_to_another_site(client):
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


@pytest.mark.django_db
def test_a_signed_in_user_keeps_their_language(client, worker):
    client.force_login(worker)
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    worker.refresh_from_db()
    assert worker.language == "en"

    client.cookies.clear()
    client.force_login(worker)
    assert client.get(reverse("home"))["Content-Language"] == "en"


def test_dates_and_money_are_written_the_vietnamese_way():
    import datetime

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.date_format(datetime.date(2026, 3, 9), "SHORT_DATE_FORMAT") == "09/03/2026"
        assert formats.number_format(48_000_000_000, use_l10n=True, force_grouping=True) == (
            "48.000.000.000"
        )
