"""The migration that made legal figures data keeps each programme's old figures, marked
unconfirmed, and records the national rules of Law 69/2020 once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("markets", "0001_initial")]
AFTER = [("markets", "0002_legal_figures_with_history")]


@contextmanager
def an_empty_database(tmp_path: Path) -> Iterator[BaseDatabaseWrapper]:
    """An empty database of the same kind, as the default connection for a while.

    Migrated forward from nothing, only markets 0001 and what it depends on are applied:
    taking the test database back to markets 0001 and forward again unapplied and reapplied
    every app's migrations (30 s of the suite's time).
    """
    test_db = connections["default"]
    settings = {**test_db.settings_dict}
    postgres = test_db.vendor == "postgresql"
    if postgres:
        settings["NAME"] = f"{settings['NAME']}_empty"[:63]
        with test_db.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    else:
        settings["NAME"] = str(tmp_path / "empty.sqlite3")
    empty = test_db.__class__(settings, alias="default")
    connections["default"] = empty
    try:
        yield empty
    finally:
        empty.close()
        connections["default"] = test_db
        if postgres:
            with test_db.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')


def test_old_programme_figures_become_unconfirmed_rows_and_ages_without_source_are_dropped(
    tmp_path,
):
    with an_empty_database(tmp_path) as connection:
        migrate_the_old_figures(connection)


def migrate_the_old_figures(connection: BaseDatabaseWrapper) -> None:
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
    # Only what markets 0002 needs was applied: the workers' tables were never made.
    assert "workers_case" not in connection.introspection.table_names()
