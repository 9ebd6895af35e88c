"""The fee checker against a table of cases written from the law, on the demo programmes.

Each case runs the real rules in force (the national rules of Law 69/2020 recorded by the
migration, the programme figures of the demo data) through the pure arithmetic, and names
its legal source. Demo exchange rates: JPY 172, KRW 18,3, TWD 820, EUR 30.400, USD 26.300 ₫.
Sources, cited by case:
  LAW69-7   Law 69/2020/QH14 Art. 7(8): no brokerage fee may be charged to a worker.
  LAW69-23  Law 69/2020/QH14 Art. 23: service fee at most 1 month's wage per 12 months of
            contract; from 36 months, at most 3 months' wage whatever the length.
  EPS       Korea EPS is state-to-state through COLAB: no enterprise may charge an EPS worker
            a service fee or brokerage (shared/DOMAIN.md, "Korea EPS").
  TITP      Japan's Technical Intern Training Act and the 2017 Japan-Vietnam memorandum:
            sending organisations may not take deposits or penalty money.
  DRAFT     The USD 3,600 / 400 / 800 caps come from a 2016-17 draft under the old law:
            unconfirmed, so never applied (issue 15, point 4).
  SEA       Law 69/2020/QH14 Art. 23: seafarers (officers and crew of merchant ships) at most
            1.5 months' wage per 12 months; from 36 months, at most 4.5 months' wage.
  OTHER     Law 69/2020 names what a worker pays (service fee, deposit, real costs with a
            receipt): any other charge has no legal basis.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from markets import rules, selectors
from markets.demo import seed_reference_data
from markets.models import Programme
from markets.rules import Finding, Limit, Money

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 6, 1)
OK: frozenset[Finding] = frozenset()


@dataclass(frozen=True)
class Case:
    programme: str  # "market/programme"
    months: int
    wage: Money
    expected: frozenset[Finding]
    source: str  # the citation the verdict must name
    service_fee: int = 0
    brokerage: int = 0
    deposit: int = 0
    other: int = 0
    limit: Limit | None = None


def vnd(amount: int) -> Money:
    return Money(Decimal(amount), "VND")


JP_WAGE = Money(Decimal("200000"), "JPY")  # 34.400.000 ₫ a month
KR_WAGE = Money(Decimal("2156880"), "KRW")  # the 2026 minimum: 39.470.904 ₫
TW_WAGE = Money(Decimal("29500"), "TWD")  # the 2026 minimum: 24.190.000 ₫
TW_HOME_WAGE = Money(Decimal("20000"), "TWD")  # 16.400.000 ₫
DE_WAGE = Money(Decimal("2300"), "EUR")  # 69.920.000 ₫
BORDER_WAGE = vnd(8_000_000)
SEA_WAGE = vnd(40_000_000)

CASES = {
    # --- Japan, technical intern
    "jp-intern-12-one-month": Case(  # LAW69-23: 12 months allow 1 month's wage.
        "japan/technical-intern", 12, JP_WAGE, OK, "Điều 23", service_fee=34_400_000,
        limit=Limit.WAGE_RULE,
    ),
    "jp-intern-12-one-dong-over": Case(  # LAW69-23
        "japan/technical-intern", 12, JP_WAGE, frozenset({Finding.SERVICE_FEE_OVER_WAGE_RULE}),
        "Điều 23", service_fee=34_400_001,
    ),
    "jp-intern-18-pro-rata": Case(  # LAW69-23: 18/12 x 34.400.000 = 51.600.000
        "japan/technical-intern", 18, JP_WAGE, OK, "Điều 23", service_fee=51_600_000,
    ),
    "jp-intern-36-three-months": Case(  # LAW69-23: 3 x 34.400.000
        "japan/technical-intern", 36, JP_WAGE, OK, "Điều 23", service_fee=103_200_000,
        limit=Limit.LONG_CONTRACT,
    ),
    "jp-intern-36-above-unconfirmed-cap": Case(  # DRAFT: USD 3,600 = 94.680.000 ₫ not applied
        "japan/technical-intern", 36, JP_WAGE, OK, "Điều 23", service_fee=100_000_000,
    ),
    "jp-intern-60-the-old-bug": Case(  # LAW69-23: 60 months still allow only 3 months' wage
        "japan/technical-intern", 60, JP_WAGE,
        frozenset({Finding.SERVICE_FEE_OVER_LONG_CONTRACT}), "Điều 23", service_fee=172_000_000,
    ),
    "jp-intern-deposit": Case(  # TITP: no deposit at all
        "japan/technical-intern", 36, JP_WAGE, frozenset({Finding.DEPOSIT_NOT_ALLOWED}),
        "Luật Thực tập kỹ năng", deposit=50_000_000,
    ),
    "jp-intern-brokerage": Case(  # LAW69-7
        "japan/technical-intern", 36, JP_WAGE, frozenset({Finding.BROKERAGE_CHARGED}),
        "Điều 7, khoản 8", brokerage=1_000_000,
    ),
    "jp-intern-anti-escape-money": Case(  # OTHER
        "japan/technical-intern", 36, JP_WAGE,
        frozenset({Finding.OTHER_CHARGE_WITHOUT_BASIS}), "", other=20_000_000,
    ),
    "jp-intern-48-everything-at-once": Case(  # LAW69-23, LAW69-7, TITP, OTHER
        "japan/technical-intern", 48, JP_WAGE,
        frozenset({
            Finding.SERVICE_FEE_OVER_LONG_CONTRACT,
            Finding.BROKERAGE_CHARGED,
            Finding.DEPOSIT_NOT_ALLOWED,
            Finding.OTHER_CHARGE_WITHOUT_BASIS,
        }),
        "Điều 7, khoản 8", service_fee=137_600_000, brokerage=5_000_000, deposit=30_000_000,
        other=1_000_000,
    ),
    # --- Japan, specified skilled worker
    "jp-ssw-48-three-months": Case(  # LAW69-23
        "japan/specified-skilled-worker", 48, JP_WAGE, OK, "Điều 23", service_fee=103_200_000,
        limit=Limit.LONG_CONTRACT,
    ),
    "jp-ssw-48-four-months": Case(  # LAW69-23: 48 months do not allow 4 months' wage
        "japan/specified-skilled-worker", 48, JP_WAGE,
        frozenset({Finding.SERVICE_FEE_OVER_LONG_CONTRACT}), "Điều 23", service_fee=137_600_000,
    ),
    "jp-ssw-60-deposit-allowed": Case(  # Deposits are not forbidden for SSW (escrow rules).
        "japan/specified-skilled-worker", 60, JP_WAGE, OK, "Điều 23", deposit=30_000_000,
    ),
    # --- Korea EPS
    "kr-eps-36-the-old-bug": Case(  # EPS: 100.000.000 ₫ "service fee" is a warning
        "korea/eps", 36, KR_WAGE, frozenset({Finding.SERVICE_FEE_NOT_ALLOWED}), "EPS",
        service_fee=100_000_000, limit=Limit.NO_SERVICE_FEE,
    ),
    "kr-eps-48-any-amount": Case(  # EPS: one dong is already a warning
        "korea/eps", 48, KR_WAGE, frozenset({Finding.SERVICE_FEE_NOT_ALLOWED}), "EPS",
        service_fee=1,
    ),
    "kr-eps-60-colab-deposit": Case(  # EPS: the deposit COLAB collects is not flagged
        "korea/eps", 60, KR_WAGE, OK, "EPS", deposit=100_000_000, limit=Limit.NO_SERVICE_FEE,
    ),
    "kr-eps-18-brokerage": Case(  # LAW69-7 and EPS
        "korea/eps", 18, KR_WAGE, frozenset({Finding.BROKERAGE_CHARGED}), "Điều 7, khoản 8",
        brokerage=5_000_000,
    ),
    "kr-eps-12-other": Case(  # OTHER: "guaranteed pass" money
        "korea/eps", 12, KR_WAGE, frozenset({Finding.OTHER_CHARGE_WITHOUT_BASIS}), "",
        other=3_000_000,
    ),
    # --- Taiwan, factory
    "tw-factory-36-three-months": Case(  # LAW69-23: 3 x 24.190.000
        "taiwan/factory", 36, TW_WAGE, OK, "Điều 23", service_fee=72_570_000,
    ),
    "tw-factory-36-one-dong-over": Case(  # LAW69-23
        "taiwan/factory", 36, TW_WAGE, frozenset({Finding.SERVICE_FEE_OVER_LONG_CONTRACT}),
        "Điều 23", service_fee=72_570_001,
    ),
    "tw-factory-12-brokerage": Case(  # LAW69-7: the Taiwan-side monthly fee is no brokerage
        "taiwan/factory", 12, TW_WAGE, frozenset({Finding.BROKERAGE_CHARGED}), "Điều 7, khoản 8",
        service_fee=24_190_000, brokerage=40_000_000,
    ),
    # --- Taiwan, home caregiver (khán hộ công gia đình)
    "tw-home-36-above-unconfirmed-400": Case(  # DRAFT: USD 400 = 10.520.000 ₫ not applied
        "taiwan/home-caregiver", 36, TW_HOME_WAGE, OK, "Điều 23", service_fee=20_000_000,
        limit=Limit.LONG_CONTRACT,
    ),
    "tw-home-48-over": Case(  # LAW69-23: 3 x 16.400.000 = 49.200.000
        "taiwan/home-caregiver", 48, TW_HOME_WAGE,
        frozenset({Finding.SERVICE_FEE_OVER_LONG_CONTRACT}), "Điều 23", service_fee=49_200_001,
    ),
    # --- Taiwan, institutional caregiver (hộ lý)
    "tw-institution-18-pro-rata": Case(  # LAW69-23: 1,5 x 24.190.000 = 36.285.000
        "taiwan/institutional-caregiver", 18, TW_WAGE, OK, "Điều 23", service_fee=36_285_000,
    ),
    "tw-institution-60-over": Case(  # LAW69-23; the USD 800 draft cap is not applied
        "taiwan/institutional-caregiver", 60, TW_WAGE,
        frozenset({Finding.SERVICE_FEE_OVER_LONG_CONTRACT}), "Điều 23", service_fee=80_000_000,
    ),
    # --- Germany, nursing
    "de-nursing-36-three-months": Case(  # LAW69-23: 3 x 69.920.000
        "germany/nursing", 36, DE_WAGE, OK, "Điều 23", service_fee=209_760_000,
    ),
    "de-nursing-60-five-months": Case(  # LAW69-23
        "germany/nursing", 60, DE_WAGE, frozenset({Finding.SERVICE_FEE_OVER_LONG_CONTRACT}),
        "Điều 23", service_fee=349_600_000,
    ),
    "de-nursing-12-other": Case(  # OTHER
        "germany/nursing", 12, DE_WAGE, frozenset({Finding.OTHER_CHARGE_WITHOUT_BASIS}), "",
        other=10_000_000,
    ),
    # --- China, the Lào Cai - Hà Khẩu cross-border programme (national rules only)
    "border-12-one-month": Case(  # LAW69-23
        "china/lao-cai-ha-khau", 12, BORDER_WAGE, OK, "Điều 23", service_fee=8_000_000,
    ),
    "border-18-over": Case(  # LAW69-23: 18/12 x 8.000.000 = 12.000.000
        "china/lao-cai-ha-khau", 18, BORDER_WAGE,
        frozenset({Finding.SERVICE_FEE_OVER_WAGE_RULE}), "Điều 23", service_fee=15_000_000,
    ),
    "border-12-brokerage-and-deposit": Case(  # LAW69-7; no deposit ban is recorded here
        "china/lao-cai-ha-khau", 12, BORDER_WAGE, frozenset({Finding.BROKERAGE_CHARGED}),
        "Điều 7, khoản 8", brokerage=2_000_000, deposit=5_000_000,
    ),
    # --- Seafarers (Singapore in the demo data): their own multiples of Art. 23
    "sea-12-one-and-a-half": Case(  # SEA: 1.5 x 40.000.000
        "singapore/seafarer", 12, SEA_WAGE, OK, "Điều 23", service_fee=60_000_000,
        limit=Limit.WAGE_RULE,
    ),
    "sea-24-over": Case(  # SEA: 24/12 x 1.5 x 40.000.000 = 120.000.000
        "singapore/seafarer", 24, SEA_WAGE, frozenset({Finding.SERVICE_FEE_OVER_WAGE_RULE}),
        "Điều 23", service_fee=120_000_001,
    ),
    "sea-48-four-and-a-half": Case(  # SEA: 4.5 x 40.000.000, not 48/12 x 1.5 = 6 months
        "singapore/seafarer", 48, SEA_WAGE, OK, "Điều 23", service_fee=180_000_000,
        limit=Limit.LONG_CONTRACT,
    ),
    "sea-48-over": Case(  # SEA
        "singapore/seafarer", 48, SEA_WAGE, frozenset({Finding.SERVICE_FEE_OVER_LONG_CONTRACT}),
        "Điều 23", service_fee=180_000_001,
    ),
}  # fmt: skip


@pytest.fixture
def demo() -> dict[str, Programme]:
    seed_reference_data()
    return {f"{p.market.code}/{p.code}": p for p in Programme.objects.select_related("market")}


def test_the_table_covers_every_programme_length_and_charge():
    assert len(CASES) >= 25
    assert {c.months for c in CASES.values()} >= {12, 18, 36, 48, 60}
    assert {c.programme for c in CASES.values()} >= {
        "japan/technical-intern",
        "japan/specified-skilled-worker",
        "korea/eps",
        "taiwan/factory",
        "taiwan/home-caregiver",
        "taiwan/institutional-caregiver",
        "germany/nursing",
        "china/lao-cai-ha-khau",
        "singapore/seafarer",
    }
    assert any(c.brokerage for c in CASES.values())
    assert any(c.deposit for c in CASES.values())
    assert any(c.other for c in CASES.values())


@pytest.mark.parametrize("name", list(CASES))
def test_fee_case(demo, name):
    case = CASES[name]
    request = rules.FeeRequest(
        contract_months=case.months,
        monthly_wage=case.wage,
        service_fee=vnd(case.service_fee),
        brokerage=vnd(case.brokerage),
        deposit=vnd(case.deposit),
        other=vnd(case.other),
    )
    fee_rules = selectors.fee_rules_for(demo[case.programme], on=ON)

    verdict = rules.check_fees(request, fee_rules, selectors.exchange_rates())

    assert {over.finding for over in verdict.overs} == case.expected
    assert verdict.ok == (not case.expected)
    if case.limit is not None:
        assert verdict.limit == case.limit
    basis = verdict.deciding_basis
    if case.source:
        assert basis is not None and case.source in basis.citation
    else:
        # An "other charge" is decided by the absence of any legal basis.
        assert basis is None
