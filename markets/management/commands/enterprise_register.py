"""Apply the national register of licensed enterprises from a CSV or .xlsx file.

    manage.py enterprise_register register.xlsx [--dry-run]

Row by row: every good row is created or updated through markets.services (licence events,
look-alike index), every bad row is listed with its line and reason and left out. The same
file twice changes nothing the second time (docs/api.md, "Bulk update of the register").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.importing import is_spreadsheet
from markets import importing, services
from markets.models import Market


class Command(BaseCommand):
    help = "Create or update licensed enterprises from the national register (CSV or .xlsx)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        codes = set(Market.objects.values_list("code", flat=True))
        try:
            preview = importing.parse_enterprise_file(
                content, market_codes=codes, spreadsheet=is_spreadsheet(path.name)
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        rows, refused = importing.register_rows(preview)
        with transaction.atomic():
            result = services.enterprise_register_apply(
                by=None, rows=rows, reason=f"National register file {path.name}"
            )
            if options["dry_run"]:
                transaction.set_rollback(True)
        for line, reason in sorted(refused + result.refused):
            self.stderr.write(f"line {line}: {reason}")
        prefix = "Would apply" if options["dry_run"] else "Applied"
        self.stdout.write(
            f"{prefix}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {len(refused) + len(result.refused)} refused."
        )
