from decimal import Decimal

import pytest
from django.apps import apps
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from accounts.demo import seed_accounts
from markets import demo
from markets.charts import bar_chart
from markets.context_processors import fraud_reports
from markets.demo import seed_markets
from markets.models import DepartureStat, DepartureTotal, Enterprise, Notice, NoticeStatus
from tests.markets.factories import MarketFactory, ProgrammeFactory, fraud_report
from tests.mrc.test_pages import assert_self_contained

pytestmark = pytest.mark.django_db


@pytest.fixture
def japan(japan_intern):
    market = japan_intern.market
    DepartureStat.objects.create(market=market, year=2023, departures=80010)
    DepartureStat.objects.create(market=market, year=2024, departures=69188, period_en="Jan-Nov")
    DepartureTotal.objects.create(year=2023, total=159986, women=55804)
    return market


def test_the_market_list_shows_markets_programmes_and_a_chart_without_script(client, japan):
    response = client.get(reverse("markets:market_list"))

    assert response.status_code == 200
    assert "Nhật Bản" in response.text
    assert "Thực tập sinh kỹ năng" in response.text
    assert "<svg" in response.text and "159.986" in response.text
    assert_self_contained(response.text)


def test_a_market_page_shows_conditions_fees_and_departures(english, japan):
    response = english.get(reverse("markets:market", args=["japan"]))

    assert response.status_code == 200
    assert "Japan" in response.text
    assert "Technical intern" in response.text
    assert "3.600 USD for a 36-month contract" in response.text
    assert "Source: Luật 69/2020/QH14, Điều 23" in response.text
    assert "Checked against the official text" in response.text
    assert "80.010" in response.text and "69.188" in response.text
    assert response.text.count('<rect class="bar"') == 2
    assert f"?programme={japan.programmes.get().pk}" in response.text
    assert_self_contained(response.text)


def test_content_falls_back_to_vietnamese_when_english_is_missing(english, rates):
    market = MarketFactory(code="laos", name_vi="Lào", name_en="", currency="USD")
    ProgrammeFactory(market=market, name_vi="Lao động phổ thông", name_en="")

    response = english.get(reverse("markets:market", args=["laos"]))

    assert "Lào" in response.text
    assert "Lao động phổ thông" in response.text


def test_translatable_fields_follow_the_active_language(japan):
    with translation.override("en"):
        assert japan.name == "Japan"
    with translation.override("vi"):
        assert japan.name == "Nhật Bản"


def test_an_unpublished_market_is_a_404(client, japan):
    japan.is_published = False
    japan.save()

    assert client.get(reverse("markets:market", args=["japan"])).status_code == 404


def test_bars_are_scaled_to_the_largest_value():
    chart = bar_chart([("2023", 100), ("2024", 50)], width=200, height=126)

    assert chart is not None
    assert [bar.height for bar in chart.bars] == [78.0, 39.0]
    assert chart.bars[0].y + chart.bars[0].height == chart.baseline
    assert bar_chart([]) is None


@pytest.mark.parametrize(
    "name",
    [
        "markets:market_list",
        "markets:fee_check",
        "markets:notice_list",
        "markets:enterprise_list",
        "markets:report_fraud",
        "markets:fraud_report_sent",
    ],
)
def test_every_public_page_is_self_contained_with_demo_data(client, name):
    seed_accounts("x-demo-password-2026")
    seed_markets()

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert_self_contained(response.text)


def test_detail_pages_of_the_demo_data_are_self_contained(client):
    seed_accounts("x-demo-password-2026")
    seed_markets()
    pages = [reverse("markets:market", args=[code]) for code in ("japan", "korea", "taiwan")]
    pages += [reverse("markets:enterprise", args=[e.pk]) for e in Enterprise.objects.all()[:3]]
    pages += [
        reverse("markets:notice", args=[n.pk])
        for n in Notice.all_objects.filter(status=NoticeStatus.SCHEDULED)
    ]

    for url in pages:
        response = client.get(url)
        if "/notices/" in url and response.status_code == 404:
            continue  # the demo notice scheduled for later
        assert response.status_code == 200, url
        assert_self_contained(response.text)


def test_the_demo_data_has_what_the_brief_asks_and_a_second_run_adds_nothing():
    seed_accounts("x-demo-password-2026")
    seed_markets()
    counts = {
        m._meta.label: m._default_manager.count()
        for m in apps.get_app_config("markets").get_models()
    }
    seed_markets()

    assert counts == {
        m._meta.label: m._default_manager.count()
        for m in apps.get_app_config("markets").get_models()
    }
    assert Enterprise.objects.count() == 12
    assert Enterprise.objects.filter(is_demo=False).count() == 0
    assert set(Enterprise.objects.values_list("status", flat=True)) == {
        "active",
        "suspended",
        "revoked",
    }
    assert {n.category for n in Notice.all_objects.all()} == {
        "market_update",
        "fraud_warning",
        "job_fair",
        "policy",
    }
    assert Notice.all_objects.filter(province__code=15).exists()
    assert Notice.all_objects.filter(province__isnull=True).exists()
    future = (
        Notice.all_objects.filter(status=NoticeStatus.SCHEDULED).order_by("-publish_at").first()
    )
    assert future is not None and future.publish_at > timezone.now()
    # Every departure figure of the demo data is stored as the source gives it, with the source.
    stored = {
        (s.market.code, s.year): (s.departures, s.source)
        for s in DepartureStat.objects.select_related("market")
    }
    assert stored == {
        (code, year): (departures, demo.SOURCE)
        for year, counts in demo.DEPARTURES.items()
        for code, departures in counts.items()
    }
    totals = {t.year: (t.total, t.women, t.plan, t.source) for t in DepartureTotal.objects.all()}
    assert totals == {year: (*rest, demo.SOURCE) for year, *rest in demo.TOTALS}
    # What can be checked without the source: no market sends more than the whole country.
    for (code, year), (departures, _source) in stored.items():
        assert year not in totals or departures <= totals[year][0], (code, year)


def test_the_staff_home_count_is_offered_lazily_to_staff_only(counsellor, worker):
    fraud_report(15)
    request = RequestFactory().get("/")

    request.user = worker
    assert fraud_reports(request) == {}
    request.user = counsellor
    count = fraud_reports(request)["fraud_reports_open_count"]
    assert count() == 1


def test_amounts_are_written_the_vietnamese_way():
    from markets.money import format_money

    assert format_money(Decimal("4000000")) == "4.000.000 ₫"
    assert format_money(Decimal("3600"), "USD") == "3.600 USD"
    assert format_money(Decimal("1234.5"), "USD") == "1.234,50 USD"
