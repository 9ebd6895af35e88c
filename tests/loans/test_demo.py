"""The demo: the programmes of DOMAIN.md as data, and applications in several states."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from loans.models import Application, Kind, Status, SupportProgramme

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", force=True)


def test_the_2021_2025_grants_carry_their_caps_and_legal_basis(demo):
    poverty = SupportProgramme.objects.get(code="poverty-reduction-2021-2025")
    caps = {item.code: (item.unit, item.cap) for item in poverty.cost_items.all()}

    assert "90/QĐ-TTg" in poverty.legal_basis_vi
    assert caps["language_training"] == ("course", Decimal(4_000_000))
    assert caps["meals"] == ("day", Decimal(50_000))
    assert caps["lodging"] == ("month", Decimal(400_000))
    assert caps["personal_items"] == ("once", Decimal(600_000))
    assert caps["orientation"] == ("course", Decimal(530_000))
    assert caps["passport"] == ("once", None)  # the statutory fee, on the receipt


def test_the_loans_change_on_1_january_2026(demo):
    before = SupportProgramme.objects.get(code="vbsp-loan-decree-61")
    after = SupportProgramme.objects.get(code="employment-loan-2026")

    assert str(before.valid_to) == "2025-12-31"
    assert set(before.eligible_groups) == {"poor", "ethnic_minority", "land_recovered"}
    assert str(after.valid_from) == "2026-01-01" and after.eligible_groups == []
    assert after.collateral_threshold == Decimal(200_000_000)
    assert after.deduct_state_support and after.term_within_contract


def test_the_old_regime_takes_late_applications_for_contracts_signed_before_2026(demo):
    for code in ["vbsp-loan-decree-61", "nef-loan-decree-61", "poverty-reduction-2021-2025"]:
        programme = SupportProgramme.objects.get(code=code)
        assert programme.accepts_until is not None
        assert programme.accepts_until > programme.valid_to


def test_the_2026_loan_rates_are_dated_with_their_source_and_unconfirmed_ones_say_so(demo):
    loan = SupportProgramme.objects.get(code="employment-loan-2026")
    rates = {r.group: r for r in loan.interest_rates.all()}

    assert rates[""].percent_of_poor_rate == Decimal("127.0") and rates[""].confirmed
    assert {"poor", "near_poor", "ethnic_minority"} <= set(rates)
    assert all("338/2025" in r.legal_basis for r in rates.values())
    assert all(not r.confirmed for group, r in rates.items() if group)
    # fixed by the decree, not "as the bank decides"
    assert "quyết định của ngân hàng" not in loan.interest_vi.lower()
    assert "bank decides" not in loan.interest_en
    assert "Nghị định 338/2025" in loan.interest_vi


def test_households_just_out_of_poverty_are_in_the_poverty_reduction_grant(demo):
    poverty = SupportProgramme.objects.get(code="poverty-reduction-2021-2025")
    [rule] = poverty.group_rules.all()

    assert "out_of_poverty" in rule.groups and not rule.confirmed
    assert "Tiểu dự án 3" in rule.legal_basis


def test_no_programme_name_or_lender_uses_an_abbreviation_a_worker_cannot_read(demo):
    for programme in SupportProgramme.objects.all():
        for text in [programme.name_vi, programme.lender_vi, programme.summary_vi]:
            assert "NHCSXH" not in text and "MTQG" not in text and "KT-XH" not in text
            assert "bồi dưỡng kiến thức" not in text


def test_the_eps_deposit_loan_is_for_eps_contracts_within_35_days(demo):
    eps = SupportProgramme.objects.get(code="eps-deposit-loan")

    assert eps.kind == Kind.LOAN
    assert eps.loan_max == Decimal(100_000_000) and eps.term_max_months == 64
    assert eps.contract_deadline_days == 35 and eps.deposit_loan
    assert eps.collateral_threshold is None
    assert [(p.market.code, p.code) for p in eps.programmes.all()] == [("korea", "eps")]
    # permanent residence where the bank branch is, not the commune the worker lives in
    assert eps.requires_permanent_residence and not eps.requires_residence
    # its groups follow the rules in force: a dated list, Decree 338/2025 from 2026
    periods = [(str(r.valid_from), str(r.valid_to)) for r in eps.group_rules.all()]
    assert periods == [("2023-07-20", "2025-12-31"), ("2026-01-01", "None")]
    assert "338/2025" in eps.group_rules.get(valid_from="2026-01-01").legal_basis
    assert "không phải hạn làm đơn" in eps.summary_vi


def test_the_demo_workers_have_applications_in_several_states(demo):
    statuses = set(
        Application.all_objects.filter(
            profile__user__phone__in=["+84912345001", "+84912345002"]
        ).values_list("status", flat=True)
    )

    assert statuses == {Status.WITHDRAWN, Status.PAID, Status.NEEDS_INFO, Status.IN_REVIEW}
    assert all(a.events.exists() for a in Application.all_objects.all())
