"""The migration that made legal figures data keeps each programme's old figures, marked
unconfirmed, and records the national rules of Law 69/2020 once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("markets", "0001_initial")]
AFTER = [("markets", "0002_legal_figures_with_history")]


@pytest.mark.slow  # 18 s: every app's migrations back to markets 0001 and forward again
def test_old_programme_figures_become_unconfirmed_rows_and_ages_without_source_are_dropped():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    market = old.get_model("markets", "Market").objects.create(
        code="japan", name_vi="Nhật Bản", currency="JPY"
    )
    old.get_model("markets", "Programme").objects.create(
        market=market,
        code="technical-intern",
        name_vi="Thực tập sinh kỹ năng",
        age_min=18,
        age_max=35,
        wage_min=Decimal("160000"),
        wage_max=Decimal("200000"),
        service_fee_cap=Decimal("3600"),
        service_fee_cap_currency="USD",
        service_fee_cap_months=36,
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    figures = new.get_model("markets", "LegalFigure").objects

    cap = figures.get(kind="service_fee_cap")
    assert (cap.amount, cap.currency, cap.per_months) == (Decimal("3600"), "USD", 36)
    assert cap.status == "unconfirmed" and cap.programme.code == "technical-intern"
    wage = figures.get(kind="usual_wage")
    assert (wage.amount, wage.amount_max, wage.currency) == (
        Decimal("160000"),
        Decimal("200000"),
        "JPY",
    )
    assert not figures.filter(kind="age_limit").exists()
    national = figures.filter(market__isnull=True, programme__isnull=True)
    assert set(national.values_list("kind", flat=True)) == {
        "no_brokerage",
        "service_fee_months_per_year",
        "service_fee_long_contract",
    }
    assert national.get(kind="service_fee_long_contract").amount == 3

    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
