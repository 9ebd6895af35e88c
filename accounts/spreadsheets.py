"""Excel files in and out, safe to open: no cell of ours ever runs as a formula."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

# A cell starting with these is read as a formula (or DDE) by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# Dates as on the pages: day first, and the time where a time is stored.
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def _cell(sheet: Any, value: Any) -> Any:
    value = safe_cell(value)
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the wall time of the portal's zone, as the pages show.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def workbook_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(data: bytes, max_rows: int = 5000) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the first sheet; values as Excel stores them (no formulas run)."""
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, [])]
    body: list[list[Any]] = []
    for row in rows:
        if all(v in (None, "") for v in row):
            continue
        body.append(list(row))
        if len(body) > max_rows:
            break
    return header, body


def column_letter(index: int) -> str:
    return get_column_letter(index + 1)
