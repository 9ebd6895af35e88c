"""What the portal's importers share (the worker lists of workers.importing, the register of
enterprises of markets.importing): an upload read safely within its limits, its header
matched to fields, and values read as people type them in Excel.

Each importer keeps its own checks of a row and its own way to write; the problems it
finds are named by the line the person sees in the spreadsheet (the header is line 1).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.spreadsheets import SpreadsheetRefused, read_rows
from accounts.text import fold

MAX_ROWS = 5000
FIRST_LINE = 2  # the line of the first row under the header, as a spreadsheet numbers it
DATE_PATTERNS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d")


@dataclass(frozen=True)
class Table:
    header: list[str]  # the first row's cells, trimmed
    rows: list[list[Any]]  # the rows under it, blank ones kept: rows[i] is line i + 2

    def lines(self) -> Iterator[tuple[int, list[Any]]]:
        """(line, cells) of every row that is not blank."""
        for offset, cells in enumerate(self.rows):
            if not is_blank(cells):
                yield offset + FIRST_LINE, cells


def is_spreadsheet(name: str) -> bool:
    return name.lower().endswith(".xlsx")


def is_blank(cells: Sequence[Any]) -> bool:
    return all(value is None or str(value).strip() == "" for value in cells)


def read_table(
    content: bytes, *, spreadsheet: bool, max_bytes: int, max_rows: int = MAX_ROWS
) -> Table:
    """The header and rows of a CSV (UTF-8, comma, semicolon or tab) or .xlsx upload; raises
    ValidationError, with a message for the person who sent it, for a file too large, too
    long, empty or unreadable. A workbook is checked before it is parsed."""
    if len(content) > max_bytes:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}
        )
    header, rows = _xlsx(content, max_rows) if spreadsheet else _csv(content, max_rows)
    if not header and not rows:
        raise ValidationError(_("The file is empty."))
    if len(rows) > max_rows:
        raise ValidationError(_("The file has more than %(n)s rows.") % {"n": max_rows})
    return Table(header=header, rows=rows)


def _xlsx(content: bytes, max_rows: int) -> tuple[list[str], list[list[Any]]]:
    try:
        return read_rows(content, max_rows=max_rows)
    except SpreadsheetRefused as refused:
        raise ValidationError(str(refused)) from None
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise ValidationError(
            _("The spreadsheet cannot be read. Save it again as .xlsx.")
        ) from error


def _csv(content: bytes, max_rows: int) -> tuple[list[str], list[list[Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not UTF-8 text. In Excel, save it as 'CSV UTF-8'.")
        ) from error
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect=dialect)
    header = [name.strip() for name in next(reader, [])]
    # One row past the limit, so that read_table can say the file is too long.
    rows: list[list[Any]] = [row for _line, row in zip(range(max_rows + 1), reader, strict=False)]
    return header, rows


def map_columns(
    header: Sequence[str], columns: Mapping[str, Sequence[str]], required: Sequence[str]
) -> tuple[dict[str, int], list[str]]:
    """Which position holds which field, and the required fields no heading named.

    `columns` gives each field the headings accepted for it, folded (lower case, no
    diacritics): "Họ và tên" and "ho va ten" both match "ho va ten". The first matching
    heading wins."""
    found: dict[str, int] = {}
    for position, heading in enumerate(header):
        key = fold(str(heading or ""))
        for name, headings in columns.items():
            if key in headings and name not in found:
                found[name] = position
    return found, [name for name in required if name not in found]


def cell(cells: Sequence[Any], position: int | None) -> Any:
    """The value at `position`, None past the end of a short row or for a missing column."""
    return cells[position] if position is not None and position < len(cells) else None


def cell_text(value: Any) -> str:
    """A cell as the person typed it: a date as dd/mm/yyyy, 12.0 as 12, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_date(value: Any) -> datetime.date:
    """A date cell, or text written dd/mm/yyyy, dd-mm-yyyy or yyyy-mm-dd; ValueError if not."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for pattern in DATE_PATTERNS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)
