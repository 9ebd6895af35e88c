"""Excel files in and out, safe to open: no cell of ours ever runs as a formula."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

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


# An .xlsx is a zip of XML: 0.6 MB on disk can be 165 MB to parse. A list of 5,000 people
# is ~3 MB of XML; the register of enterprises far less.
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 200
MAX_RATIO = 200  # uncompressed / compressed, per part: XML compresses ~10-30 times
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")


_ROW = re.compile(rb"<(?:\w+:)?row[\s>]")


class SpreadsheetRefused(ValueError):
    """The file is refused before it is parsed; the message says why, for the user."""


def check_xlsx(data: bytes, *, max_rows: int) -> None:
    """Refuse, before any parsing, a workbook that would expand too far or has too many rows
    (read from the zip's directory and the sheets' declared dimensions)."""
    too_big = SpreadsheetRefused(
        _("This spreadsheet is too large to read. Keep only the rows to import and save it again.")
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SpreadsheetRefused(_("This is not an Excel file (.xlsx).")) from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_ENTRIES or sum(p.file_size for p in parts) > MAX_UNCOMPRESSED_BYTES:
            raise too_big
        for part in parts:
            if part.file_size > MAX_RATIO * max(part.compress_size, 1) and part.file_size > 1 << 20:
                raise too_big
        for part in parts:
            if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                rows = _declared_or_counted_rows(archive, part)
                if rows > max_rows + 1:
                    raise SpreadsheetRefused(
                        _(
                            "This spreadsheet has %(n)s rows; at most %(max)s can be read at "
                            "once. Split it into smaller files."
                        )
                        % {"n": rows - 1, "max": max_rows}
                    )


def _declared_or_counted_rows(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """The sheet's last row as Excel declares it (<dimension ref="A1:F5001">), or, from
    writers that leave it out, its <row> tags counted in the raw bytes (no XML parsing;
    the size is already bounded)."""
    with archive.open(part) as sheet:
        head = sheet.read(4096)
        match = _DIMENSION.search(head)
        if match and match.group(1):
            return int(match.group(1))
        count, tail, chunk = 0, b"", head
        while chunk:
            window = tail + chunk
            count += len(_ROW.findall(window)) - len(_ROW.findall(tail))
            tail = window[-8:]
            chunk = sheet.read(1 << 16)
        return count


def read_rows(data: bytes, max_rows: int = 5000) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the first sheet; values as Excel stores them (no formulas run).
    Blank rows are kept, so the row at index i is line i + 2 of the sheet. Raises
    SpreadsheetRefused, before parsing, for a workbook too large to read."""
    check_xlsx(data, max_rows=max_rows)
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, [])]
        # One row past the limit, so that the caller can say the file is too long.
        body = [list(row) for _line, row in zip(range(max_rows + 1), rows, strict=False)]
    finally:
        book.close()
    return header, body
