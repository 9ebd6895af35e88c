"""Each province's centre is data; its page, the worker's home and the footer show it, and
every "call the centre" message links to it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Centre, Commune, Province
from accounts.text import vietnamese_sort_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def lao_cai_centre(lao_cai) -> Centre:
    return Centre.objects.create(
        province=lao_cai,
        name="Trung tâm Dịch vụ việc làm tỉnh Lào Cai",
        address="Số 1 đường Hoàng Liên",
        phones="0214 3800 001, 0987 000 111",
        opening_hours="Thứ Hai đến Thứ Sáu: 7:30 - 17:00",
        map_url="https://www.openstreetmap.org/search?query=Lao%20Cai",
        zalo="0987 000 111",
        is_demo=True,
    )


def test_a_worker_sees_their_own_centre_s_contact(client, worker, lao_cai_centre):
    client.force_login(worker)

    text = client.get(reverse("accounts:centre")).content.decode()

    assert "Số 1 đường Hoàng Liên" in text
    assert 'href="tel:02143800001"' in text and 'href="tel:0987000111"' in text
    assert "Thứ Hai đến Thứ Sáu: 7:30 - 17:00" in text
    assert "Zalo" in text and "openstreetmap.org" in text
    assert "Dữ liệu minh họa" in text  # demo data says so


def test_a_visitor_chooses_a_province(client, lao_cai_centre, dong_thap):
    chooser = client.get(reverse("accounts:centre")).content.decode()
    assert '<select id="province" name="province">' in chooser
    assert "Số 1 đường Hoàng Liên" not in chooser

    chosen = client.get(reverse("accounts:centre"), {"province": "15"}).content.decode()
    assert "Số 1 đường Hoàng Liên" in chosen

    missing = client.get(reverse("accounts:centre_of", args=[dong_thap.code]))
    assert 'id="no-centre"' in missing.content.decode()


def test_the_worker_s_home_and_every_footer_show_the_centre(client, worker, lao_cai_centre):
    client.force_login(worker)

    home = client.get(reverse("home")).content.decode()
    fairs = client.get(reverse("fairs:list")).content.decode()

    assert 'id="centre-contact"' in home and "0214 3800 001" in home
    assert (
        'id="footer-centre" href="/centre/"' in fairs
        or 'href="/centre/" id="footer-centre"' in fairs
    )


@pytest.mark.parametrize(
    "url",
    ["/fairs/", "/markets/nowhere-yet/"],
)
def test_a_page_that_says_ask_the_centre_links_to_its_contact(client, url, lao_cai):
    if url.startswith("/markets/"):
        from tests.markets.factories import MarketFactory

        MarketFactory(code="nowhere-yet", name_vi="Nơi mới", name_en="New place")
    text = client.get(url).content.decode()

    assert "hỏi văn phòng" in text.lower()
    assert 'class="centre-link" href="/centre/"' in text


def test_provinces_and_communes_are_in_vietnamese_alphabetical_order(db):
    names = list(Province.objects.values_list("short_name", flat=True))

    assert names.index("Hà Nội") < names.index("Hải Phòng") < names.index("Huế")
    assert names.index("Cao Bằng") < names.index("Cần Thơ") < names.index("Đà Nẵng")
    assert names.index("Đồng Tháp") < names.index("Gia Lai")
    communes = list(Commune.objects.filter(province__code=15).values_list("name", flat=True))
    assert communes == sorted(communes, key=vietnamese_sort_key)


def test_the_sort_key_follows_the_vietnamese_alphabet_then_tones():
    words = ["Huế", "Hà Nội", "Âu", "Ăn", "An", "Đà", "Da", "Hạ", "Há", "Hà", "Ha"]

    assert sorted(words, key=vietnamese_sort_key) == [
        "An",
        "Ăn",
        "Âu",
        "Da",
        "Đà",
        "Ha",
        "Hà",
        "Há",
        "Hạ",
        "Hà Nội",
        "Huế",
    ]


def test_a_form_error_that_says_come_and_see_us_links_to_the_centre():
    from workers.forms import IdentityForm

    form = IdentityForm(data={"date_of_birth": "2015-01-01"})
    form.is_valid()

    assert 'class="centre-link" href="/centre/"' in str(form.errors["date_of_birth"])


@pytest.mark.parametrize("typed", ["²", "9" * 30, "abc", "-1"])
def test_a_strange_province_in_the_address_is_a_chooser_or_a_404_never_an_error(client, typed):
    assert client.get(reverse("accounts:centre"), {"province": typed}).status_code in (200, 404)
