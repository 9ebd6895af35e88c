"""Every figure on a published market or programme page shows its source and the date it
holds from, and an unconfirmed one says so in words (issue 15, points 4, 5, 11, 12)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role, User
from markets import services
from markets.demo import seed_reference_data
from markets.models import FigureKind, FigureStatus, LegalFigure, LegalFigureChange, Market
from tests.conftest import login_staff
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")
FIGURE = re.compile(r'<div class="figure" data-kind="(\w+)" data-status="(\w+)">(.*?)</div>', re.S)
UNCONFIRMED_WORDS = "Chưa được xác nhận"
CONFIRMED_WORDS = "Đã đối chiếu với văn bản chính thức ngày"


def figures_on(html: str) -> list[tuple[str, str, str]]:
    return FIGURE.findall(html)


def test_every_figure_of_every_published_market_shows_source_date_and_status(client):
    seed_reference_data()
    markets = list(Market.objects.published())
    assert {"japan", "taiwan", "korea", "germany", "china"} <= {m.code for m in markets}

    for market in markets:
        response = client.get(reverse("markets:market", args=[market.code]))
        assert response.status_code == 200
        html = response.text
        shown = figures_on(html)
        in_force = (
            LegalFigure.objects.in_force_on(datetime.date.today()).filter(market=market).count()
            + LegalFigure.objects.in_force_on(datetime.date.today())
            .filter(programme__market=market, programme__is_published=True)
            .count()
            + LegalFigure.objects.in_force_on(datetime.date.today())
            .filter(market__isnull=True, programme__isnull=True)
            .count()
        )
        assert len(shown) == in_force, market.code
        for kind, status, block in shown:
            source = block.split('class="source">', 1)[1]
            assert "Nguồn: " in source, (market.code, kind)
            assert DATE.search(source), (market.code, kind, "no date it holds from")
            if status == FigureStatus.UNCONFIRMED:
                assert UNCONFIRMED_WORDS in source, (market.code, kind)
                assert CONFIRMED_WORDS not in source
            else:
                assert CONFIRMED_WORDS in source, (market.code, kind)
        # Departures carry their source too.
        for row in re.findall(r'<tr class="figure-row">(.*?)</tr>', html, re.S):
            assert "Cục Quản lý lao động ngoài nước" in row
        # An unconfirmed cap is never a promise.
        assert "không bao giờ quá" not in html.lower()
        assert "never more than" not in html.lower()


def test_no_age_limit_is_shown_without_a_source(client):
    seed_reference_data()

    for market in Market.objects.published():
        html = client.get(reverse("markets:market", args=[market.code])).text
        assert "<dt>Tuổi</dt>" not in html
        assert not LegalFigure.objects.filter(kind=FigureKind.AGE_LIMIT, document="").exists()


def test_market_figures_are_the_2026_ones(client):
    seed_reference_data()

    taiwan = client.get(reverse("markets:market", args=["taiwan"])).text
    korea = client.get(reverse("markets:market", args=["korea"])).text
    japan = client.get(reverse("markets:market", args=["japan"])).text

    assert "29.500 TWD" in taiwan and "Áp dụng từ 01/01/2026" in taiwan
    assert "28.590 TWD" not in taiwan.replace("Năm 2025: 28.590 TWD", "")
    assert "2.156.880 KRW" in korea and "10.320 KRW" in korea
    assert "Điểm đỗ EPS-TOPIK năm 2025" in korea and "COLAB" in korea
    assert "Chưa có số điện thoại được xác nhận" in japan


def test_taiwan_separates_home_and_institutional_caregivers_and_never_calls_a_fee_brokerage(
    client,
):
    seed_reference_data()

    html = client.get(reverse("markets:market", args=["taiwan"])).text

    assert "Khán hộ công gia đình" in html
    assert "Hộ lý (chăm sóc tại cơ sở)" in html
    assert "400 USD cho hợp đồng 36 tháng" in html and "800 USD cho hợp đồng 36 tháng" in html
    assert "Phí dịch vụ hằng tháng của công ty dịch vụ phía Đài Loan (không phải tiền" in html
    assert "môi giới hợp pháp" not in html.lower()
    assert "là hợp pháp" not in html


def test_china_has_the_lao_cai_ha_khau_cross_border_programme_marked_unconfirmed(client):
    seed_reference_data()

    html = client.get(reverse("markets:market", args=["china"])).text

    assert "Lào Cai - Hà Khẩu (Vân Nam)" in html
    assert "1.051 người" in html and "Huệ" in html
    shown = figures_on(html)
    programme_figures = [f for f in shown if f[0] in ("places", "other")]
    assert programme_figures and all(s == "unconfirmed" for _, s, _ in programme_figures)


def test_an_admin_change_to_a_figure_is_kept_with_who_when_and_what():
    seed_reference_data()
    admin = User.objects.create_superuser(email="boss@mrc.test", password="x-long-password-1")
    figure = LegalFigure.objects.get(
        market__code="taiwan", kind=FigureKind.MINIMUM_WAGE, valid_from=datetime.date(2026, 1, 1)
    )

    figure.amount = Decimal("30000")
    services.legal_figure_save(figure=figure, by=admin, reason="Thông báo mới")

    change = LegalFigureChange.objects.filter(figure=figure).first()
    assert change is not None
    assert change.by == admin and change.action == "changed"
    assert change.changes == {"amount": ["29500.00", "30000.00"]}
    assert change.reason == "Thông báo mới"


def test_a_confirmed_figure_needs_the_day_it_was_checked():
    seed_reference_data()
    figure = LegalFigure.objects.filter(status=FigureStatus.UNCONFIRMED).first()
    assert figure is not None

    figure.status = FigureStatus.CONFIRMED
    with pytest.raises(ValidationError):
        services.legal_figure_save(figure=figure, by=None)


def test_the_admin_saves_a_figure_through_the_service(client):
    seed_reference_data()
    admin = StaffFactory(role=Role.ADMIN, province=None, is_superuser=True)
    login_staff(client, admin)
    admin_client = client
    figure = LegalFigure.objects.get(market__code="korea", kind=FigureKind.MINIMUM_WAGE)
    url = reverse("admin:markets_legalfigure_change", args=[figure.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = {
        name: ("" if value is None else value)
        for name, value in page.context["adminform"].form.initial.items()
    }
    data.update(
        {
            "kind": figure.kind,
            "market": figure.market_id,
            "programme": "",
            "amount": "2200000",
            "amount_max": "",
            "per_months": "",
            "valid_to": "2026-12-31",
            "checked_on": "2026-12-06",
            "change_reason": "Sửa thử",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    change = LegalFigureChange.objects.get(figure=figure, reason="Sửa thử")
    assert change.by == admin
    assert change.changes["amount"] == ["2156880.00", "2200000.00"]


def test_the_market_page_reads_the_same_number_of_queries_however_many_figures(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.markets.factories import LegalFigureFactory

    seed_reference_data()
    url = reverse("markets:market", args=["japan"])
    client.get(url)  # warm the session and translations
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    programme = Market.objects.get(code="japan").programmes.first()
    LegalFigureFactory.create_batch(10, programme=programme)
    LegalFigureFactory.create_batch(5, programme=None, market=programme.market)

    with CaptureQueriesContext(connection) as after:
        response = client.get(url)

    assert len(figures_on(response.text)) >= 15
    assert len(after) == len(before)


def test_the_national_rules_come_back_once_into_an_emptied_table():
    LegalFigure.objects.all().delete()

    assert services.national_rules_ensure() == 3
    assert services.national_rules_ensure() == 0
    assert set(
        LegalFigure.objects.filter(market=None, programme=None).values_list("kind", flat=True)
    ) == {"no_brokerage", "service_fee_months_per_year", "service_fee_long_contract"}


def test_demo_texts_in_words_carry_no_figures_the_figures_table_does():
    """A number in a free text would have no source or date: it belongs in LegalFigure.
    (Visa names such as E-10 are names, not figures.)"""
    from markets.models import Programme

    seed_reference_data()
    texts = ["summary", "language", "health", "other_conditions", "deposit_rules", "costs"]
    texts += ["risks", "hotlines"]
    for programme in Programme.objects.filter(is_published=True):
        for name in texts:
            value = re.sub(r"\bE-\d+", "", getattr(programme, f"{name}_vi"))
            assert not re.search(r"\d{2,}", value), (programme.code, name, value)
    for market in Market.objects.published():
        for name in ("summary", "risks", "hotlines"):
            value = getattr(market, f"{name}_vi")
            assert not re.search(r"\d{2,}", value), (market.code, name, value)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": FigureKind.SERVICE_FEE_LONG_CONTRACT, "amount": Decimal(3)}, "per_months"),
        ({"kind": FigureKind.SERVICE_FEE_CAP, "amount": Decimal(400)}, "currency"),
        ({"kind": FigureKind.SERVICE_FEE_MONTHS_PER_YEAR}, "amount"),
        ({"kind": FigureKind.MINIMUM_WAGE}, "value_vi"),
        (
            {"kind": FigureKind.USUAL_WAGE, "amount": Decimal(10), "amount_max": Decimal(5)},
            "amount_max",
        ),
    ],
)
def test_a_figure_that_would_mean_nothing_is_refused_with_the_field_to_fix(fields, field):
    figure = LegalFigure(
        label_vi="Thử", document="Luật 69/2020/QH14", valid_from=datetime.date(2022, 1, 1), **fields
    )

    with pytest.raises(ValidationError) as refused:
        services.legal_figure_save(figure=figure, by=None)

    assert field in refused.value.message_dict
    assert not LegalFigure.objects.filter(label_vi="Thử").exists()
