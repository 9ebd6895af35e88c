"""The pure rules: fees, licences, names. No database."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest

from markets import rules
from markets.rules import FeeRequest, FeeRules, Finding, Money

RATES = {"VND": Decimal(1), "USD": Decimal("25000"), "JPY": Decimal("170")}
LAW_69 = rules.Basis("Luật 69/2020/QH14", "Điều 23")
CONFIRMED = rules.Basis(
    "Văn bản thử", "Điều 1", confirmed=True, checked_on=datetime.date(2026, 1, 5)
)
NO_CAP = FeeRules(
    wage_rule_months_per_year=Decimal("1"),
    wage_rule_basis=LAW_69,
    long_contract_from_months=36,
    long_contract_max_months=Decimal("3"),
    long_contract_basis=LAW_69,
)
JAPAN_INTERN = replace(
    NO_CAP,
    service_fee_cap=Money(Decimal("3600"), "USD"),
    service_fee_cap_months=36,
    service_fee_cap_basis=CONFIRMED,
)


def vnd(amount: int | str) -> Money:
    return Money(Decimal(amount), "VND")


ZERO = Money(Decimal(0), "VND")
WAGE = Money(Decimal("200000"), "JPY")  # 34.000.000 ₫ a month


def asking(
    *,
    months: int = 36,
    wage: Money = WAGE,
    service_fee: Money = ZERO,
    brokerage: Money = ZERO,
    deposit: Money = ZERO,
) -> FeeRequest:
    return FeeRequest(
        contract_months=months,
        monthly_wage=wage,
        service_fee=service_fee,
        brokerage=brokerage,
        deposit=deposit,
        other=ZERO,
    )


def test_a_brokerage_fee_charged_to_the_worker_is_always_illegal():
    verdict = rules.check_fees(asking(brokerage=vnd(1)), NO_CAP, RATES)

    assert verdict.has(Finding.BROKERAGE_CHARGED)
    assert not verdict.ok


def test_a_service_fee_above_one_month_of_wage_per_year_of_contract_is_over():
    # 100.000 JPY = 17.000.000 ₫ a month; 24 months allow 34.000.000 ₫.
    request = asking(months=24, wage=Money(Decimal("100000"), "JPY"), service_fee=vnd(34_000_001))

    verdict = rules.check_fees(request, NO_CAP, RATES)

    assert verdict.wage_rule_limit == vnd(34_000_000)
    assert [over.finding for over in verdict.overs] == [Finding.SERVICE_FEE_OVER_WAGE_RULE]
    assert verdict.deciding_basis == LAW_69


def test_a_service_fee_above_the_programme_cap_is_over_even_within_the_wage_rule():
    # The wage rule allows 102.000.000 ₫; the confirmed cap is USD 3,600 = 90.000.000 ₫.
    verdict = rules.check_fees(asking(service_fee=vnd(95_000_000)), JAPAN_INTERN, RATES)

    assert [over.finding for over in verdict.overs] == [Finding.SERVICE_FEE_OVER_CAP]
    assert verdict.overs[0].allowed == Money(Decimal("3600"), "USD")
    assert verdict.service_fee_limit == vnd(90_000_000)
    assert verdict.limit == rules.Limit.CAP


def test_an_unconfirmed_cap_is_reported_but_never_used_to_judge():
    unconfirmed = replace(JAPAN_INTERN, service_fee_cap_basis=LAW_69)

    verdict = rules.check_fees(asking(service_fee=vnd(95_000_000)), unconfirmed, RATES)

    assert verdict.ok
    assert not verdict.cap_confirmed
    assert verdict.cap_limit == Money(Decimal("3600"), "USD")
    assert verdict.service_fee_limit == vnd(102_000_000)
    assert verdict.limit == rules.Limit.LONG_CONTRACT


def test_amounts_within_the_limits_are_fine():
    verdict = rules.check_fees(asking(service_fee=vnd(90_000_000)), JAPAN_INTERN, RATES)

    assert verdict.ok
    assert verdict.overs == []


def test_a_fee_asked_in_dollars_is_compared_with_a_cap_in_dollars():
    over = rules.check_fees(asking(service_fee=Money(Decimal("3601"), "USD")), JAPAN_INTERN, RATES)
    within = rules.check_fees(
        asking(service_fee=Money(Decimal("3600"), "USD")), JAPAN_INTERN, RATES
    )

    assert over.has(Finding.SERVICE_FEE_OVER_CAP)
    assert within.ok


def test_the_cap_is_pro_rata_for_a_shorter_contract_and_not_raised_for_a_longer_one():
    short = rules.check_fees(asking(months=12), JAPAN_INTERN, RATES)
    long = rules.check_fees(asking(months=60), JAPAN_INTERN, RATES)

    assert short.cap_limit == Money(Decimal("1200"), "USD")
    assert long.cap_limit == Money(Decimal("3600"), "USD")


def test_from_36_months_the_wage_rule_stops_growing_at_three_months_of_wage():
    # Law 69/2020 Art. 23: 60 months at 200.000 JPY no longer allows 5 months' wage.
    verdict = rules.check_fees(asking(months=60, service_fee=vnd(102_000_001)), NO_CAP, RATES)

    assert verdict.wage_rule_limit == vnd(102_000_000)
    assert verdict.has(Finding.SERVICE_FEE_OVER_LONG_CONTRACT)


def test_seafarers_may_be_charged_one_and_a_half_months_per_year():
    seafarer = replace(
        NO_CAP, wage_rule_months_per_year=Decimal("1.5"), long_contract_max_months=Decimal("4.5")
    )
    request = asking(months=12, wage=vnd(10_000_000), service_fee=vnd(15_000_000))

    assert rules.check_fees(request, seafarer, RATES).ok
    assert rules.check_fees(request, NO_CAP, RATES).has(Finding.SERVICE_FEE_OVER_WAGE_RULE)
    long = asking(months=60, wage=vnd(10_000_000), service_fee=vnd(45_000_000))
    assert rules.check_fees(long, seafarer, RATES).ok
    assert not rules.check_fees(replace(long, service_fee=vnd(45_000_001)), seafarer, RATES).ok


def test_a_confirmed_deposit_ceiling_is_applied():
    eps = replace(NO_CAP, deposit_cap=vnd(100_000_000), deposit_cap_basis=CONFIRMED)

    assert rules.check_fees(asking(deposit=vnd(120_000_000)), eps, RATES).has(
        Finding.DEPOSIT_OVER_CAP
    )
    assert rules.check_fees(asking(deposit=vnd(100_000_000)), eps, RATES).ok


def test_a_currency_without_an_exchange_rate_cannot_be_checked():
    with pytest.raises(rules.MissingRate) as missing:
        rules.check_fees(asking(wage=Money(Decimal("30000"), "TWD")), NO_CAP, RATES)

    assert missing.value.currency == "TWD"


@pytest.mark.parametrize(
    ("field", "typed", "problem"),
    [
        ("monthly_wage", Money(Decimal("500"), "VND"), rules.Implausible.WAGE_TOO_LOW),
        ("monthly_wage", Money(Decimal("34000000"), "JPY"), rules.Implausible.WAGE_TOO_HIGH),
        ("service_fee", vnd(90_000_000_000), rules.Implausible.AMOUNT_TOO_HIGH),
        ("other", Money(Decimal("3600000"), "USD"), rules.Implausible.AMOUNT_TOO_HIGH),
    ],
)
def test_a_wage_or_amount_that_makes_no_sense_is_named(field, typed, problem):
    request = replace(asking(), **{field: typed})

    assert rules.implausible(request, RATES) == {field: problem}
    assert rules.implausible(asking(service_fee=vnd(90_000_000)), RATES) == {}


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("4.000.000", Decimal("4000000")),
        ("4,000,000", Decimal("4000000")),
        ("4 000 000 ₫", Decimal("4000000")),
        ("4000000đ", Decimal("4000000")),
        ("3600", Decimal("3600")),
        ("1.234,5", Decimal("1234.5")),
        ("2500.50", Decimal("2500.50")),
        ("0", Decimal("0")),
    ],
)
def test_amounts_are_read_the_way_people_write_them(typed, amount):
    assert rules.parse_amount(typed) == amount


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("abc", "invalid"), ("-5", "negative"), ("", "invalid"), ("1.2.3x", "invalid")],
)
def test_text_that_is_not_an_amount_or_is_negative_is_refused(typed, reason):
    with pytest.raises(rules.AmountError) as error:
        rules.parse_amount(typed)

    assert error.value.reason == reason


DAY = datetime.date(2026, 3, 1)


def licence(**fields):
    values = {
        "status": "active",
        "issued_on": datetime.date(2020, 1, 1),
        "suspended_from": None,
        "suspended_until": None,
        "revoked_on": None,
        "on": DAY,
    }
    values.update(fields)
    return rules.may_recruit(**values)


def test_an_active_licence_may_recruit_from_the_day_it_is_issued():
    assert licence()
    assert licence(issued_on=DAY)
    assert not licence(issued_on=DAY + datetime.timedelta(days=1))


def test_a_suspended_licence_may_not_recruit_during_the_suspension_only():
    suspension = {
        "status": "suspended",
        "suspended_from": datetime.date(2026, 2, 1),
        "suspended_until": datetime.date(2026, 4, 1),
    }

    assert not licence(**suspension)
    assert licence(**suspension, on=datetime.date(2026, 4, 2))
    assert licence(**suspension, on=datetime.date(2026, 1, 31))
    assert not licence(status="suspended")  # no dates on file: never


def test_a_revoked_licence_may_not_recruit_from_the_revocation():
    assert not licence(status="revoked", revoked_on=DAY)
    assert licence(status="revoked", revoked_on=DAY + datetime.timedelta(days=1))
    assert not licence(status="revoked")


def test_names_are_compared_without_case_or_diacritics_and_d_bar_becomes_d():
    assert rules.normalise("Công ty ĐÔNG Á  Xanh!") == "cong ty dong a xanh"
    assert rules.normalise("đào tạo") == "dao tao"


def test_a_name_close_to_a_licensed_one_is_a_look_alike():
    candidates = [
        (1, "Công ty CP Nhân lực Hoàng Liên", rules.normalise("Công ty CP Nhân lực Hoàng Liên")),
        (2, "Công ty TNHH Sen Hồng", rules.normalise("Công ty TNHH Sen Hồng")),
    ]

    found = rules.look_alikes("Cong ty TNHH Nhan Luc Hoang Lien Xanh", candidates)

    assert [item.key for item in found] == [1]


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Công ty CP Nhân lực Hoàng Liên", ["hoang", "lien"]),
        ("Cong ty TNHH Nhan luc Hoang Lien", ["hoang", "lien"]),
        ("Hoang Lien Group", ["hoang", "lien"]),
        ("CÔNG TY CỔ PHẦN XUẤT KHẨU LAO ĐỘNG QUỐC TẾ HOÀNG LIÊN JSC", ["hoang", "lien"]),
        ("Hoàng Liên Co., Ltd", ["hoang", "lien"]),
        ("Tập đoàn Hoàng Liên", ["hoang", "lien"]),
        ("Cty TNHH Thương mại và Dịch vụ Đầu tư Phát triển Sao Mai", ["sao", "mai"]),
    ],
)
def test_a_name_s_distinctive_words_leave_out_legal_forms_and_trade_filler(name, tokens):
    assert rules.name_tokens(rules.normalise(name)) == tokens


def test_a_changed_legal_form_or_an_added_suffix_is_a_look_alike():
    candidates = [(1, "Công ty CP Nhân lực Hoàng Liên", "cong ty cp nhan luc hoang lien")]

    assert [f.key for f in rules.look_alikes("cong ty tnhh nhan luc hoang lien", candidates)] == [1]
    assert [f.key for f in rules.look_alikes("Hoang Lien Group", candidates)] == [1]


def test_one_shared_common_word_is_not_a_look_alike():
    candidates = [(1, "Công ty TNHH Hồng Hà", "cong ty tnhh hong ha")]

    assert rules.look_alikes("Công ty TNHH Hồng Phúc Thịnh", candidates) == []
