"""The pure eligibility and amount rules: every condition and every limit, both ways."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import translation

from loans import rules
from loans.rules import Cap, Facts, LoanRequest, Terms

TODAY = datetime.date(2026, 6, 15)
LAO_CAI, DONG_THAP = 15, 82


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def facts(**overrides: object) -> Facts:
    values: dict[str, object] = {
        "age": 27,
        "priority_groups": frozenset({"poor"}),
        "province_id": LAO_CAI,
        "commune_province_id": LAO_CAI,
        "market_code": "korea",
        "programme_key": "korea/eps",
        "contract_signed": True,
    }
    values.update(overrides)
    return Facts(**values)  # type: ignore[arg-type]  # the test builds the keywords from a dict of defaults


# --- validity -------------------------------------------------------------------------


def test_a_programme_valid_today_has_no_date_condition():
    terms = Terms(valid_from=datetime.date(2026, 1, 1), valid_to=datetime.date(2026, 12, 31))
    assert rules.rule_open(facts(), terms, TODAY) == []


def test_a_programme_not_yet_open_says_when_it_opens():
    terms = Terms(valid_from=datetime.date(2026, 7, 1))
    assert rules.rule_open(facts(), terms, TODAY) == ["This programme opens on 01/07/2026."]


def test_a_programme_that_ended_says_when():
    terms = Terms(valid_from=datetime.date(2021, 1, 1), valid_to=datetime.date(2025, 12, 31))
    [reason] = rules.rule_open(facts(), terms, TODAY)
    assert "ended on 31/12/2025" in reason


def test_the_last_valid_day_is_still_open():
    terms = Terms(valid_from=datetime.date(2021, 1, 1), valid_to=TODAY)
    assert rules.rule_open(facts(), terms, TODAY) == []


# --- province and residence -----------------------------------------------------------


def test_a_national_programme_is_open_to_every_province():
    assert rules.rule_province(facts(province_id=DONG_THAP), Terms(), TODAY) == []


def test_a_provincial_programme_refuses_another_province_naming_it():
    terms = Terms(province_id=LAO_CAI, province_name="Lào Cai")
    [reason] = rules.rule_province(facts(province_id=DONG_THAP), terms, TODAY)
    assert "only for people who live in Lào Cai" in reason


def test_residence_needs_a_commune_in_the_file():
    terms = Terms(requires_residence=True)
    [reason] = rules.rule_residence(facts(commune_province_id=None), terms, TODAY)
    assert "commune or ward is not in your file" in reason


def test_residence_needs_the_commune_in_the_programmes_province():
    terms = Terms(requires_residence=True, province_id=LAO_CAI, province_name="Lào Cai")
    [reason] = rules.rule_residence(facts(commune_province_id=DONG_THAP), terms, TODAY)
    assert "not in Lào Cai" in reason


def test_residence_is_met_by_a_commune_in_the_province():
    terms = Terms(requires_residence=True, province_id=LAO_CAI, province_name="Lào Cai")
    assert rules.rule_residence(facts(), terms, TODAY) == []


def test_no_residence_condition_ignores_a_missing_commune():
    assert rules.rule_residence(facts(commune_province_id=None), Terms(), TODAY) == []


# --- age ------------------------------------------------------------------------------


def test_age_within_the_range_is_met():
    assert rules.rule_age(facts(age=39), Terms(age_min=18, age_max=39), TODAY) == []


def test_too_young_says_the_minimum_and_the_age():
    [reason] = rules.rule_age(facts(age=17), Terms(age_min=18), TODAY)
    assert "at least 18 years old" in reason and "you are 17" in reason


def test_too_old_says_the_maximum_and_the_age():
    [reason] = rules.rule_age(facts(age=40), Terms(age_max=39), TODAY)
    assert "up to 39 years old" in reason and "you are 40" in reason


def test_an_age_range_with_no_birth_date_asks_for_it():
    [reason] = rules.rule_age(facts(age=None), Terms(age_min=18), TODAY)
    assert "date of birth is not in your file" in reason


def test_no_age_range_needs_no_birth_date():
    assert rules.rule_age(facts(age=None), Terms(), TODAY) == []


# --- priority groups ------------------------------------------------------------------


def test_no_groups_means_everyone():
    assert rules.rule_groups(facts(priority_groups=frozenset()), Terms(), TODAY) == []


def test_one_matching_group_is_enough():
    terms = Terms(groups=("near_poor", "poor"))
    assert rules.rule_groups(facts(), terms, TODAY) == []


def test_no_matching_group_names_the_groups_and_says_what_to_do():
    terms = Terms(groups=("ethnic_minority", "land_recovered"))
    [reason] = rules.rule_groups(facts(), terms, TODAY)
    assert "Ethnic minority, Household whose farmland was recovered" in reason
    assert "add it to your file with a proof" in reason


# --- markets and work programmes ------------------------------------------------------


def test_any_market_when_none_is_listed():
    assert rules.rule_market(facts(market_code=None), Terms(), TODAY) == []


def test_a_listed_market_is_met():
    terms = Terms(markets=(("korea", "Korea"), ("japan", "Japan")))
    assert rules.rule_market(facts(), terms, TODAY) == []


def test_another_market_names_the_markets():
    terms = Terms(markets=(("japan", "Japan"),))
    [reason] = rules.rule_market(facts(), terms, TODAY)
    assert "work in: Japan" in reason


def test_a_listed_work_programme_is_met():
    terms = Terms(programmes=(("korea/eps", "Korea · EPS"),))
    assert rules.rule_programme(facts(), terms, TODAY) == []


def test_no_work_programme_in_the_file_names_the_one_needed():
    terms = Terms(programmes=(("korea/eps", "Korea · EPS"),))
    [reason] = rules.rule_programme(facts(programme_key=None), terms, TODAY)
    assert "This programme is for: Korea · EPS" in reason


# --- the contract ---------------------------------------------------------------------


def test_a_signed_contract_is_needed_when_the_programme_says_so():
    [reason] = rules.rule_contract(
        facts(contract_signed=False), Terms(requires_contract=True), TODAY
    )
    assert "signed work contract first" in reason


def test_a_signed_contract_meets_the_condition():
    assert rules.rule_contract(facts(), Terms(requires_contract=True), TODAY) == []


def test_the_deposit_is_due_35_days_after_signing_with_colab():
    terms = Terms(contract_deadline_days=35)
    assert rules.deposit_due_on(terms, datetime.date(2026, 5, 10)) == datetime.date(2026, 6, 14)
    assert rules.deposit_due_on(terms, None) is None
    assert rules.deposit_due_on(Terms(), datetime.date(2026, 5, 10)) is None


def test_36_days_after_signing_is_not_a_reason_to_refuse_the_loan():
    """Decision 16/2023/QD-TTg: the 35 days are for paying the deposit, not for applying."""
    terms = Terms(kind="loan", contract_deadline_days=35)
    signed = TODAY - datetime.timedelta(days=36)
    assert rules.unmet_conditions(facts(contract_signed_on=signed), terms, TODAY) == []


def test_a_signing_date_in_the_future_is_refused():
    terms = Terms(kind="loan", contract_deadline_days=35)
    signed = TODAY + datetime.timedelta(days=1)
    [finding] = rules.date_findings(terms, facts(contract_signed_on=signed), TODAY)
    assert "in the future" in finding.message and not finding.missing


def test_no_signing_date_yet_is_not_a_reason_on_the_support_page():
    terms = Terms(kind="loan", contract_deadline_days=35)
    assert rules.unmet_conditions(facts(contract_signed_on=None), terms, TODAY) == []


# --- all together ---------------------------------------------------------------------


def test_a_worker_who_meets_everything_has_no_unmet_condition():
    terms = Terms(
        valid_from=datetime.date(2026, 1, 1),
        province_id=LAO_CAI,
        province_name="Lào Cai",
        groups=("poor",),
        markets=(("korea", "Korea"),),
        programmes=(("korea/eps", "Korea · EPS"),),
        age_min=18,
        age_max=39,
        requires_residence=True,
        requires_contract=True,
        contract_deadline_days=35,
    )
    assert rules.unmet_conditions(facts(contract_signed_on=TODAY), terms, TODAY) == []


def test_every_unmet_condition_is_listed_not_only_the_first():
    terms = Terms(groups=("ethnic_minority",), age_max=30, requires_contract=True)
    reasons = rules.unmet_conditions(facts(age=35, contract_signed=False), terms, TODAY)
    assert len(reasons) == 3


# --- grant caps -----------------------------------------------------------------------

LANGUAGE = Cap(
    label="Language training",
    unit="course",
    amount=Decimal(4_000_000),
    unit_label="per course",
    legal_basis="Circular 55/2023/TT-BTC, Art. 25",
)
MEALS = Cap(label="Meals", unit="day", amount=Decimal(50_000), unit_label="per day")
ITEMS = Cap(label="Personal items", amount=Decimal(600_000))
PASSPORT = Cap(label="Passport", note="At the statutory fee")


def test_an_amount_at_the_cap_is_accepted():
    assert rules.cap_problem(LANGUAGE, 1, Decimal(4_000_000)) is None


def test_an_amount_over_a_per_course_cap_names_the_cap_and_its_basis():
    problem = rules.cap_problem(LANGUAGE, 1, Decimal(4_500_000))
    assert problem is not None
    assert "4.000.000 ₫ per course" in problem
    assert "Circular 55/2023/TT-BTC, Art. 25" in problem
    assert "4.500.000 ₫" in problem


def test_a_per_day_cap_multiplies_by_the_days():
    assert rules.cap_limit(MEALS, 30) == Decimal(1_500_000)
    assert rules.cap_problem(MEALS, 30, Decimal(1_500_000)) is None


def test_over_a_per_day_cap_says_the_limit_for_the_days():
    problem = rules.cap_problem(MEALS, 30, Decimal(1_500_001))
    assert problem is not None and "1.500.000 ₫ for 30" in problem and "50.000 ₫ per day" in problem


def test_a_once_cap_ignores_the_quantity():
    assert rules.cap_limit(ITEMS, 5) == Decimal(600_000)
    assert "600.000 ₫" in (rules.cap_problem(ITEMS, 1, Decimal(700_000)) or "")


def test_an_item_without_cap_takes_the_actual_cost():
    assert rules.cap_limit(PASSPORT, 1) is None
    assert rules.cap_problem(PASSPORT, 1, Decimal(10_000_000)) is None
    assert rules.describe_cap(PASSPORT) == "At the statutory fee"


def test_a_grant_without_any_cost_cannot_be_sent():
    problems = rules.grant_problems([], receipts=1, receipts_required=True)
    assert problems == ["Write at least one cost you ask support for."]


def test_a_grant_paid_on_receipts_needs_a_receipt():
    lines = [rules.Line(LANGUAGE, 1, Decimal(3_000_000))]
    [problem] = rules.grant_problems(lines, receipts=0, receipts_required=True)
    assert "receipt" in problem


def test_a_complete_grant_has_no_problem():
    lines = [rules.Line(LANGUAGE, 1, Decimal(3_000_000)), rules.Line(MEALS, 10, Decimal(500_000))]
    assert rules.grant_problems(lines, receipts=1, receipts_required=True) == []


def test_a_grant_over_a_cap_lists_the_cap_among_its_problems():
    lines = [rules.Line(MEALS, 10, Decimal(600_000))]
    [problem] = rules.grant_problems(lines, receipts=1, receipts_required=True)
    assert problem.startswith("Meals:")


# --- loans ----------------------------------------------------------------------------

LOAN_2026 = Terms(
    kind="loan",
    loan_share_percent=100,
    deduct_state_support=True,
    collateral_threshold=Decimal(200_000_000),
    term_within_contract=True,
)
EPS = Terms(
    kind="loan",
    deposit_loan=True,
    loan_max=Decimal(100_000_000),
    term_max_months=64,
    contract_deadline_days=35,
)


def loan(**overrides: object) -> LoanRequest:
    values: dict[str, object] = {
        "amount": Decimal(150_000_000),
        "term_months": 36,
        "costs_before_departure": Decimal(180_000_000),
        "other_state_support": Decimal(0),
        "contract_months": 36,
    }
    values.update(overrides)
    return LoanRequest(**values)  # type: ignore[arg-type]  # the test builds the keywords from a dict of defaults


def test_a_loan_within_all_limits_has_no_problem():
    assert rules.loan_problems(LOAN_2026, loan(), facts()) == []


def test_a_loan_may_be_all_of_the_costs_when_no_support_was_received():
    assert rules.loan_problems(LOAN_2026, loan(amount=Decimal(180_000_000)), facts()) == []


def test_grants_paid_through_the_portal_are_taken_off_the_costs():
    paid = facts(state_support_received=Decimal(4_000_000))
    [problem] = rules.loan_problems(LOAN_2026, loan(amount=Decimal(180_000_000)), paid)
    assert "176.000.000 ₫" in problem and "4.000.000 ₫" in problem


def test_declared_support_from_elsewhere_is_taken_off_too():
    request = loan(amount=Decimal(178_000_000), other_state_support=Decimal(3_000_000))
    [problem] = rules.loan_problems(LOAN_2026, request, facts())
    assert "177.000.000 ₫" in problem


def test_without_deduction_the_limit_is_the_contract_costs():
    terms = Terms(kind="loan", loan_share_percent=100)
    paid = facts(state_support_received=Decimal(4_000_000))
    assert rules.loan_problems(terms, loan(amount=Decimal(180_000_000)), paid) == []
    [problem] = rules.loan_problems(terms, loan(amount=Decimal(180_000_001)), paid)
    assert "costs in your contract (180.000.000 ₫)" in problem


def test_a_loan_needs_the_costs_to_be_worked_out_from():
    problems = rules.loan_problems(LOAN_2026, loan(costs_before_departure=None), facts())
    assert any("costs before departure" in p for p in problems)


def test_the_term_cannot_pass_the_contract():
    [problem] = rules.loan_problems(LOAN_2026, loan(term_months=37), facts())
    assert "longer than your contract (36 months)" in problem


def test_the_term_needs_the_contract_length():
    [problem] = rules.loan_problems(LOAN_2026, loan(contract_months=None), facts())
    assert "length of your contract" in problem


def test_a_loan_needs_a_term():
    [problem] = rules.loan_problems(LOAN_2026, loan(term_months=None), facts())
    assert "how many months" in problem


def test_a_loan_of_nothing_is_refused():
    problems = rules.loan_problems(LOAN_2026, loan(amount=Decimal(0)), facts())
    assert "Write the amount you want to borrow." in problems


def test_collateral_is_flagged_above_the_threshold_only():
    assert rules.needs_collateral(LOAN_2026, Decimal(200_000_000)) is False
    assert rules.needs_collateral(LOAN_2026, Decimal(200_000_001)) is True
    assert rules.needs_collateral(EPS, Decimal(100_000_000)) is False


def eps_loan(**overrides: object) -> LoanRequest:
    values: dict[str, object] = {
        "amount": Decimal(100_000_000),
        "term_months": 64,
        "agreed_deposit": Decimal(100_000_000),
        "contract_signed_on": TODAY,
    }
    values.update(overrides)
    return LoanRequest(**values)  # type: ignore[arg-type]  # the test builds the keywords from a dict of defaults


def test_an_eps_deposit_loan_at_the_deposit_and_the_cap_is_accepted():
    assert rules.loan_problems(EPS, eps_loan(), facts()) == []


def test_an_eps_deposit_loan_cannot_pass_the_agreed_deposit():
    request = eps_loan(amount=Decimal(90_000_000), agreed_deposit=Decimal(80_000_000))
    [problem] = rules.loan_problems(EPS, request, facts())
    assert "deposit agreed in your contract (80.000.000 ₫)" in problem


def test_an_eps_deposit_loan_cannot_pass_the_programme_cap():
    request = eps_loan(amount=Decimal(120_000_000), agreed_deposit=Decimal(120_000_000))
    [problem] = rules.loan_problems(EPS, request, facts())
    assert "at most 100.000.000 ₫" in problem


def test_an_eps_term_is_at_most_64_months():
    [problem] = rules.loan_problems(EPS, eps_loan(term_months=65), facts())
    assert "at most 64 months" in problem


def test_an_eps_deposit_loan_needs_the_agreed_deposit():
    [problem] = rules.loan_problems(EPS, eps_loan(agreed_deposit=None), facts())
    assert "deposit agreed" in problem


def test_an_eps_deposit_loan_needs_the_signing_date():
    [finding] = rules.date_findings(EPS, facts(contract_signed_on=None), TODAY)
    assert "date you signed the contract" in finding.message and finding.missing
