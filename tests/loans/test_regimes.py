"""Which rules apply: the day the contract was signed or the costs arose, not the day the
worker applies (Decree 61/2015 as amended by Decree 74/2019 until 31/12/2025; Employment Law
74/2025/QH15 and Decree 338/2025/ND-CP from 01/01/2026). Also the EPS deposit loan's
permanent residence and dated groups (Decision 16/2023/QD-TTg), and the households just out
of poverty (Decision 90/QD-TTg, sub-project 3; secondary source)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from loans import rules, selectors, services
from loans.models import GroupRule, Status
from loans.rules import Facts, GroupPeriod, Terms
from tests.loans.factories import grant_programme, loan_programme, worker_profile
from tests.loans.test_services import contracted

LAO_CAI = 15
BOUNDARY = datetime.date(2026, 1, 1)
APPLIED = datetime.date(2026, 1, 10)  # the worker applies in January 2026
SIGNED_OLD = datetime.date(2025, 12, 15)  # ... for a contract signed in December 2025
SIGNED_NEW = datetime.date(2026, 1, 5)

# Decree 61/2015 (as amended by Decree 74/2019): ended 31/12/2025, late applications taken.
DECREE_61 = Terms(
    kind="loan",
    valid_from=datetime.date(2015, 7, 9),
    valid_to=datetime.date(2025, 12, 31),
    accepts_until=datetime.date(2026, 12, 31),
    legal_basis="Decree 61/2015/ND-CP as amended by Decree 74/2019/ND-CP.",
)
# Employment Law 74/2025/QH15 and Decree 338/2025/ND-CP, from 01/01/2026.
DECREE_338 = Terms(
    kind="loan",
    valid_from=BOUNDARY,
    legal_basis="Employment Law 74/2025/QH15; Decree 338/2025/ND-CP.",
)


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
        "contract_signed": True,
    }
    values.update(overrides)
    return Facts(**values)  # type: ignore[arg-type]  # the test builds the keywords from a dict of defaults


# --- across 01/01/2026 ----------------------------------------------------------------


def test_a_december_contract_applied_for_in_january_keeps_the_old_loan():
    assert rules.unmet_conditions(facts(contract_signed_on=SIGNED_OLD), DECREE_61, APPLIED) == []


def test_a_december_contract_is_not_under_the_2026_loan_and_is_told_why():
    [reason] = rules.unmet_conditions(facts(contract_signed_on=SIGNED_OLD), DECREE_338, APPLIED)
    assert "from 01/01/2026" in reason and "15/12/2025" in reason
    assert "ended" not in reason


def test_a_january_contract_is_under_the_2026_loan():
    assert rules.unmet_conditions(facts(contract_signed_on=SIGNED_NEW), DECREE_338, APPLIED) == []


def test_a_january_contract_is_not_under_the_old_loan_and_is_told_why():
    [reason] = rules.unmet_conditions(facts(contract_signed_on=SIGNED_NEW), DECREE_61, APPLIED)
    assert "until 31/12/2025" in reason and "05/01/2026" in reason


@pytest.mark.parametrize(
    ("signed", "old_ok", "new_ok"),
    [
        (datetime.date(2025, 12, 31), True, False),  # the last day of the old rules
        (datetime.date(2026, 1, 1), False, True),  # the first day of the new ones
    ],
)
def test_the_boundary_days_fall_on_the_right_side(signed, old_ok, new_ok):
    assert (rules.unmet_conditions(facts(contract_signed_on=signed), DECREE_61, APPLIED) == []) is (
        old_ok
    )
    assert (
        rules.unmet_conditions(facts(contract_signed_on=signed), DECREE_338, APPLIED) == []
    ) is new_ok


def test_an_ended_programme_no_longer_taking_applications_says_it_ended():
    late = datetime.date(2027, 1, 1)
    [reason] = rules.unmet_conditions(facts(contract_signed_on=SIGNED_OLD), DECREE_61, late)
    assert "ended on 31/12/2025" in reason


def test_a_programme_that_ended_without_late_applications_is_closed_in_january():
    terms = Terms(
        kind="loan", valid_from=datetime.date(2015, 7, 9), valid_to=datetime.date(2025, 12, 31)
    )
    [reason] = rules.unmet_conditions(facts(contract_signed_on=SIGNED_OLD), terms, APPLIED)
    assert "ended on 31/12/2025" in reason


def test_a_grant_is_judged_on_the_day_its_costs_arose():
    old_grant = Terms(
        kind="grant",
        valid_from=datetime.date(2022, 1, 18),
        valid_to=datetime.date(2025, 12, 31),
        accepts_until=datetime.date(2026, 6, 30),
    )
    assert rules.unmet_conditions(facts(costs_arose_on=SIGNED_OLD), old_grant, APPLIED) == []
    [reason] = rules.unmet_conditions(facts(costs_arose_on=SIGNED_NEW), old_grant, APPLIED)
    assert "until 31/12/2025" in reason


def test_a_late_grant_application_must_say_when_its_costs_arose():
    old_grant = Terms(
        kind="grant",
        valid_from=datetime.date(2022, 1, 18),
        valid_to=datetime.date(2025, 12, 31),
        accepts_until=datetime.date(2026, 6, 30),
    )
    [finding] = rules.date_findings(old_grant, facts(), APPLIED)
    assert finding.field == "costs_arose_on" and finding.missing
    # While the programme is valid, the date is not asked (today's rules are its own).
    assert rules.date_findings(Terms(kind="grant"), facts(), APPLIED) == []


@pytest.mark.parametrize(
    ("signed", "side"),
    [(SIGNED_OLD, "before 01/01/2026"), (SIGNED_NEW, "from 01/01/2026")],
)
def test_the_page_says_which_regime_applied_and_why_that_day(signed, side):
    terms = DECREE_61 if signed < BOUNDARY else DECREE_338
    note = rules.regime_note(facts(contract_signed_on=signed), terms, APPLIED)
    assert side in note
    assert f"{signed:%d/%m/%Y}, the day you signed your contract" in note
    assert terms.legal_basis in note


# --- the EPS deposit loan: groups by date, permanent residence -------------------------

EPS_GROUPS = (
    GroupPeriod(
        datetime.date(2023, 7, 20),
        datetime.date(2025, 12, 31),
        ("poor", "near_poor"),
        "Decision 16/2023/QD-TTg; Decree 61/2015",
    ),
    GroupPeriod(BOUNDARY, None, ("poor", "near_poor", "out_of_poverty"), "Decree 338/2025"),
)
EPS = Terms(
    kind="loan",
    valid_from=datetime.date(2023, 7, 20),
    group_periods=EPS_GROUPS,
    requires_permanent_residence=True,
    contract_deadline_days=35,
)


def test_eps_groups_follow_the_list_in_force_when_the_contract_was_signed():
    def just_out_of_poverty(signed: datetime.date) -> Facts:
        return facts(
            priority_groups=frozenset({"out_of_poverty"}),
            permanent_residence_here=True,
            contract_signed_on=signed,
        )

    [reason] = rules.rule_groups(just_out_of_poverty(SIGNED_OLD), EPS, APPLIED)
    assert "Near-poor household" in reason and "just out of poverty" not in reason
    assert rules.rule_groups(just_out_of_poverty(SIGNED_NEW), EPS, APPLIED) == []


def test_eps_needs_permanent_residence_declared():
    [reason] = rules.rule_permanent_residence(facts(permanent_residence_here=None), EPS, APPLIED)
    assert "permanent residence" in reason and "thường trú" in reason


def test_eps_is_refused_when_permanent_residence_is_elsewhere_even_living_here():
    [reason] = rules.rule_permanent_residence(facts(permanent_residence_here=False), EPS, APPLIED)
    assert "province of your permanent residence" in reason


def test_eps_accepts_permanent_residence_in_the_branchs_province():
    assert rules.rule_permanent_residence(facts(permanent_residence_here=True), EPS, APPLIED) == []
    elsewhere = facts(permanent_residence_here=True, commune_province_id=82)
    [reason] = rules.rule_permanent_residence(elsewhere, EPS, APPLIED)
    assert "not in the province of this bank branch" in reason


def test_the_35_days_are_a_deposit_deadline_not_an_application_deadline():
    worker = facts(permanent_residence_here=True, contract_signed_on=datetime.date(2026, 1, 1))
    much_later = datetime.date(2026, 4, 1)
    assert rules.unmet_conditions(worker, EPS, much_later) == []
    assert rules.deposit_due_on(EPS, datetime.date(2026, 1, 1)) == datetime.date(2026, 2, 5)


# --- through the services, with the database -----------------------------------------


@pytest.mark.django_db
def test_a_worker_applies_this_year_for_the_old_loan_with_a_contract_signed_before_2026(
    lao_cai,
):
    today = timezone.localdate()
    old_loan = loan_programme(
        valid_from=datetime.date(2015, 7, 9),
        valid_to=datetime.date(2025, 12, 31),
        accepts_until=today + datetime.timedelta(days=30),
        eligible_groups=["poor"],
        deduct_state_support=False,
        collateral_threshold=None,
    )
    profile = worker_profile(lao_cai, groups=["poor"])
    contracted(profile)
    # Still offered to the worker after its end: late applications are taken.
    assert old_loan.pk in [o.programme.pk for o in selectors.support_overview(profile, today)]
    application = services.application_start(
        profile=profile, programme=old_loan, actor=profile.user
    )
    services.application_save(
        application_id=application.pk,
        actor=profile.user,
        values={
            "costs_before_departure": Decimal(100_000_000),
            "loan_term_months": 24,
            "contract_signed_on": SIGNED_OLD,
        },
        loan_amount=Decimal(100_000_000),
    )

    sent = services.application_submit(application_id=application.pk, actor=profile.user)

    assert sent.status == Status.SUBMITTED


@pytest.mark.django_db
def test_the_2026_loan_refuses_a_contract_signed_in_2025_when_sent(lao_cai):
    new_loan = loan_programme(valid_from=BOUNDARY)
    profile = worker_profile(lao_cai, groups=["poor"])
    contracted(profile)
    application = services.application_start(
        profile=profile, programme=new_loan, actor=profile.user
    )
    services.application_save(
        application_id=application.pk,
        actor=profile.user,
        values={
            "costs_before_departure": Decimal(100_000_000),
            "loan_term_months": 24,
            "contract_signed_on": SIGNED_OLD,
        },
        loan_amount=Decimal(100_000_000),
    )

    with pytest.raises(services.NotEligible) as refused:
        services.application_submit(application_id=application.pk, actor=profile.user)

    assert "from 01/01/2026" in refused.value.messages[0]


@pytest.mark.django_db
def test_the_dated_groups_of_a_programme_are_read_from_its_rows(lao_cai):
    programme = grant_programme(province=lao_cai, groups=["poor"])
    GroupRule.objects.create(
        programme=programme,
        valid_from=datetime.date(2020, 1, 1),
        groups=["poor", "out_of_poverty"],
        legal_basis="Quyết định 90/QĐ-TTg, Tiểu dự án 3",
        confirmed=False,
    )
    profile = worker_profile(lao_cai, groups=["out_of_poverty"])

    [option] = [
        o
        for o in selectors.support_overview(profile, timezone.localdate())
        if o.programme.pk == programme.pk
    ]

    assert option.can_apply
