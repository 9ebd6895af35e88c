"""Reading the register of licensed enterprises from a CSV or .xlsx file: every row checked,
every problem named with its row number, nothing written (services.enterprise_import
writes)."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from markets import rules
from markets.models import ENTERPRISE_COLUMNS, LicenceStatus
from markets.services import EnterpriseRow, RegisterRow

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

COLUMNS = ENTERPRISE_COLUMNS
REQUIRED = ("licence_number", "name")
DATE_COLUMNS = ("licence_issued_on", "suspended_from", "suspended_until", "revoked_on")

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


def _parse_date(text: str) -> datetime.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not UTF-8 text. In Excel, save it as 'CSV UTF-8'.")
        ) from error


def _csv_rows(content: bytes) -> list[list[str]]:
    text = _decode(content)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect=dialect))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # only needed for spreadsheets

    from accounts.spreadsheets import SpreadsheetRefused, check_xlsx

    try:
        check_xlsx(content, max_rows=MAX_ROWS)
    except SpreadsheetRefused as refused:
        raise ValidationError(str(refused)) from None
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken file
        raise ValidationError(
            _("The spreadsheet cannot be read. Save it again as .xlsx.")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        return [
            [_cell_text(value) for value in row]
            for _index, row in zip(
                range(MAX_ROWS + 2), sheet.iter_rows(values_only=True), strict=False
            )
        ]
    finally:
        workbook.close()


def is_spreadsheet(name: str) -> bool:
    return name.lower().endswith(".xlsx")


def parse_enterprise_file(
    content: bytes, *, market_codes: set[str], spreadsheet: bool = False
) -> ImportPreview:
    """Check a whole CSV or .xlsx file; raises ValidationError only when the file itself is
    unreadable (the rows' problems are in the preview)."""
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."))
    rows = _xlsx_rows(content) if spreadsheet else _csv_rows(content)
    if not rows:
        raise ValidationError(_("The file is empty."))
    header = [(name or "").strip().lower() for name in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})

    preview = ImportPreview(columns=frozenset(name for name in header if name in COLUMNS))
    seen: dict[str, list[int]] = defaultdict(list)
    for index, cells in enumerate(rows[1:]):
        line = index + 2  # the header is line 1, as in a spreadsheet
        values = {
            column: (cells[position] if position < len(cells) else "").strip()
            for position, column in enumerate(header)
            if column in COLUMNS
        }
        if not any(values.values()):
            continue
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
            dates[column] = _parse_date(text) if text else None
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
