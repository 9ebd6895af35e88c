"""The report's help-request figures, checked against counts made by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance.models import HelpRequest, Outcome, Status
from assistance.selectors import figures
from tests.assistance.factories import abroad_profile
from tests.conftest import login_staff

pytestmark = pytest.mark.django_db

NOW = timezone.now()
H = datetime.timedelta(hours=1)


def _request(profile, *, kind, hours_ago, contact_after=None, outcome="", amount=None, closed=None):
    created = NOW - hours_ago * H
    return HelpRequest.all_objects.create(
        profile=profile,
        province_id=profile.user.province_id,
        kind=kind,
        phone_abroad="x",
        created_by=profile.user,
        created_at=created,
        first_contact_due=created + 24 * H,
        first_contact_at=created + contact_after * H if contact_after is not None else None,
        status=Status.CLOSED if outcome else (Status.CONTACTED if contact_after else Status.NEW),
        outcome=outcome,
        amount_recovered=amount,
        closed_at=NOW - closed * H if closed is not None else None,
    )


@pytest.fixture
def made(lao_cai, dong_thap):
    mai = abroad_profile(lao_cai)
    _request(
        mai,
        kind="wages",
        hours_ago=100,
        contact_after=2,
        outcome=Outcome.RECOVERED,
        amount=Decimal("12500000"),
        closed=10,
    )
    _request(
        mai,
        kind="wages",
        hours_ago=90,
        contact_after=30,
        outcome=Outcome.RECOVERED,
        amount=Decimal("3000000"),
        closed=5,
    )
    _request(mai, kind="papers", hours_ago=80, contact_after=6, outcome=Outcome.REFERRED, closed=1)
    _request(mai, kind="abuse", hours_ago=50, contact_after=10)
    _request(mai, kind="health", hours_ago=30)  # past its 24 h, never contacted
    _request(mai, kind="come_home", hours_ago=3)  # still within its 24 h
    # Before the period: closed in it, but not received in it.
    _request(
        mai, kind="other", hours_ago=24 * 40, contact_after=1, outcome=Outcome.RESOLVED, closed=2
    )
    # Another province: counted only for the nation.
    _request(
        abroad_profile(dong_thap, market=mai.case.market),
        kind="wages",
        hours_ago=20,
        contact_after=1,
    )
    return mai  # fmt: skip


def test_the_figures_match_counts_made_by_hand(made, lao_cai):
    start, end = NOW - datetime.timedelta(days=30), NOW + H
    f = figures(lao_cai.pk, start, end, hours=24, now=NOW)

    # Received in the last 30 days in Lào Cai: 6 (the 40-day-old one is before the period).
    assert f.received == 6
    assert f.by_kind == [
        ("Không được trả lương", 2), ("Bị giữ hộ chiếu hoặc giấy tờ", 1),
        ("Bị ngược đãi hoặc bạo lực", 1), ("Ốm đau hoặc tai nạn", 1), ("Muốn về nước", 1),
    ]  # fmt: skip
    # Contacted after 2, 30, 6 and 10 hours: median (6 + 10) / 2 = 8.
    assert (f.contacted, f.median_hours) == (4, 8.0)
    # Counted for the deadline: the 4 contacted and the health one past 24 h (5); within
    # 24 h: 2, 6 and 10 hours (3). The come_home one still has time: not counted.
    assert (f.within_deadline, f.deadline_counted, f.within_deadline_percent) == (3, 5, 60.0)
    assert f.waiting == 2
    # Closed in the period: 2 recovered, 1 referred, and the old one resolved.
    assert f.by_outcome == [
        ("Đã giải quyết xong", 1), ("Đã chuyển cho cơ quan khác", 1),
        ("Đã đòi được tiền bồi thường hoặc tiền lương", 2),
    ]  # fmt: skip
    assert (f.closed, f.amount_recovered) == (4, Decimal("15500000"))
    assert figures(None, start, end, hours=24, now=NOW).received == 7


def test_the_report_page_shows_them_with_a_flat_query_count(
    client, made, counsellor, lao_cai, django_assert_max_num_queries
):
    login_staff(client, counsellor)
    params = {
        "start": (timezone.localdate() - datetime.timedelta(days=30)).isoformat(),
        "end": timezone.localdate().isoformat(),
    }
    with django_assert_max_num_queries(200) as few:
        page = client.get(reverse("reports:dashboard"), params).text
    queries = len(few.captured_queries)  # read now: the next request empties the log
    assert '<li id="help-received"><strong>6</strong>' in page
    assert '<li id="help-within"><strong>60,0%</strong>' in page or (
        '<li id="help-within"><strong>60.0%</strong>' in page
    )
    assert "15.500.000" in page
    printed = client.get(reverse("reports:print"), params).text
    assert (
        '<th scope="row">Yêu cầu trợ giúp từ nước ngoài nhận trong kỳ</th>'
        '<td class="num">6</td>' in printed
    )
    assert "Thời gian đến lần liên hệ đầu, trung vị (giờ)" in printed
    for hours_ago in (5, 6, 7):
        _request(made, kind="wages", hours_ago=hours_ago, contact_after=1,
                 outcome=Outcome.RESOLVED, closed=0)  # fmt: skip
    with django_assert_max_num_queries(queries):
        client.get(reverse("reports:dashboard"), params)
