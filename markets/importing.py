"""Reading the register of licensed enterprises from a CSV or .xlsx file: every row checked,
every problem named with its row number, nothing written (services.enterprise_import
writes)."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.importing import (
    MAX_ROWS,
    cell,
    cell_text,
    map_columns,
    parse_date,
    read_table,
)
from markets import rules
from markets.models import ENTERPRISE_COLUMNS, LicenceStatus
from markets.services import EnterpriseRow, RegisterRow

MAX_BYTES = 2 * 1024 * 1024

COLUMNS = ENTERPRISE_COLUMNS
REQUIRED = ("licence_number", "name")
DATE_COLUMNS = ("licence_issued_on", "suspended_from", "suspended_until", "revoked_on")
# The register's headings are its field names, in any case.
_HEADINGS = {column: (column,) for column in COLUMNS}

# The register is often kept in Vietnamese: accept the words people write there too.
_STATUS_WORDS = {
    "active": LicenceStatus.ACTIVE,
    "hoat dong": LicenceStatus.ACTIVE,
    "dang hoat dong": LicenceStatus.ACTIVE,
    "suspended": LicenceStatus.SUSPENDED,
    "dinh chi": LicenceStatus.SUSPENDED,
    "tam dinh chi": LicenceStatus.SUSPENDED,
    "revoked": LicenceStatus.REVOKED,
    "thu hoi": LicenceStatus.REVOKED,
    "bi thu hoi": LicenceStatus.REVOKED,
}


@dataclass
class RowProblem:
    line: int
    message: str


@dataclass
class ImportPreview:
    rows: list[EnterpriseRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    # The columns the file's header named (those it may change).
    columns: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems


def parse_enterprise_file(
    content: bytes, *, market_codes: set[str], spreadsheet: bool = False
) -> ImportPreview:
    """Check a whole CSV or .xlsx file; raises ValidationError only when the file itself is
    unreadable (the rows' problems are in the preview)."""
    table = read_table(content, spreadsheet=spreadsheet, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    positions, missing = map_columns(table.header, _HEADINGS, REQUIRED)
    if missing:
        raise ValidationError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )

    preview = ImportPreview(columns=frozenset(positions))
    seen: dict[str, list[int]] = defaultdict(list)
    for line, cells in table.lines():
        values = {
            column: cell_text(cell(cells, position)).strip()
            for column, position in positions.items()
        }
        if not any(values.values()):
            continue  # only columns the register does not know
        row, problems = _check_row(line, values, market_codes)
        preview.problems.extend(problems)
        if row is not None:
            seen[row.licence_number].append(line)
            preview.rows.append(row)

    for licence, lines in seen.items():
        if len(lines) > 1:
            preview.problems.append(
                RowProblem(
                    lines[0],
                    _("Licence number %(licence)s appears on rows %(rows)s.")
                    % {"licence": licence, "rows": ", ".join(str(n) for n in lines)},
                )
            )
    preview.problems.sort(key=lambda problem: problem.line)
    return preview


def _check_row(
    line: int, values: dict[str, str], market_codes: set[str]
) -> tuple[EnterpriseRow | None, list[RowProblem]]:
    problems: list[RowProblem] = []

    def problem(message: str) -> None:
        problems.append(RowProblem(line, message))

    licence = rules.canonical_licence(values.get("licence_number", ""))
    name = values.get("name", "")
    if not licence:
        problem(_("The licence number is missing."))
    if not name:
        problem(_("The name is missing."))

    status_text = rules.normalise(values.get("status", "")) or LicenceStatus.ACTIVE
    status = _STATUS_WORDS.get(status_text)
    if status is None:
        problem(
            _("Unknown status “%(status)s”: write active, suspended or revoked.")
            % {"status": values.get("status", "")}
        )

    dates: dict[str, datetime.date | None] = {}
    for column in DATE_COLUMNS:
        text = values.get(column, "")
        try:
            dates[column] = parse_date(text) if text else None
        except ValueError:
            dates[column] = None
            problem(
                _("“%(value)s” in %(column)s is not a date (write dd/mm/yyyy).")
                % {"value": text, "column": column}
            )

    codes = tuple(c for c in re.split(r"[;|,\s]+", values.get("markets", "").lower()) if c)
    unknown = [c for c in codes if c not in market_codes]
    if unknown:
        problem(_("Unknown market codes: %(codes)s.") % {"codes": ", ".join(unknown)})

    email = values.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problem(_("“%(email)s” is not an email address.") % {"email": email})

    for column, limit in (("name", 255), ("short_name", 120), ("address", 300), ("phone", 60)):
        if len(values.get(column, "")) > limit:
            problem(_("%(column)s is too long.") % {"column": column})

    if problems or status is None:
        return (
            EnterpriseRow(line, licence, name, "", "", "", None, None, None, None, "", (), "", "")
            if licence
            else None,
            problems,
        )
    return (
        EnterpriseRow(
            line=line,
            licence_number=licence,
            name=name,
            short_name=values.get("short_name", ""),
            address=values.get("address", ""),
            status=status,
            licence_issued_on=dates["licence_issued_on"],
            suspended_from=dates["suspended_from"],
            suspended_until=dates["suspended_until"],
            revoked_on=dates["revoked_on"],
            decision_reference=values.get("decision_reference", ""),
            market_codes=codes,
            phone=values.get("phone", ""),
            email=email,
        ),
        problems,
    )


def check_row(
    line: int, values: dict[str, str], market_codes: set[str]
) -> tuple[EnterpriseRow | None, list[RowProblem]]:
    """One row's checks, as for a file: for rows that do not come in a file (the API)."""
    return _check_row(line, values, market_codes)


def register_rows(
    preview: ImportPreview,
) -> tuple[list[RegisterRow], list[tuple[int, str]]]:
    """The rows of a register file to apply, and those refused with their line and reason.

    Per row, not all-or-nothing: the national register is applied as it comes, and a bad
    row (or every row of a licence number the file lists twice) waits for its correction.
    """
    bad: dict[int, list[str]] = defaultdict(list)
    for problem in preview.problems:
        bad[problem.line].append(problem.message)
    lines: dict[str, list[int]] = defaultdict(list)
    for row in preview.rows:
        lines[row.licence_number].append(row.line)
    for licence, found in lines.items():
        if len(found) > 1:
            for line in found[1:]:
                bad[line].append(
                    _("Licence number %(licence)s appears on rows %(rows)s.")
                    % {"licence": licence, "rows": ", ".join(str(n) for n in found)}
                )
    apply = [
        RegisterRow(row, preview.columns | {"licence_number", "name"})
        for row in preview.rows
        if row.line not in bad
    ]
    refused = [(line, " ".join(messages)) for line, messages in sorted(bad.items())]
    return apply, refused
