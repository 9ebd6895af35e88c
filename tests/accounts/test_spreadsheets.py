"""Excel exports show dates as the pages do: dd/mm/yyyy, hh:mm where there is a time, in
the portal's local time."""

from __future__ import annotations

import datetime
import io
from typing import Any

from openpyxl import load_workbook

from accounts.spreadsheets import workbook_bytes

UTC = datetime.UTC


def cells(*values: object) -> tuple[Any, ...]:
    data = workbook_bytes("T", ["a"] * len(values), [list(values)])
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return next(iter(sheet.iter_rows(min_row=2, max_row=2)))


def test_a_moment_is_written_in_local_time_day_first_with_hours_and_minutes(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    # 23:30 UTC on the 5th is 06:30 on the 6th in Vietnam.
    [cell] = cells(datetime.datetime(2026, 12, 5, 23, 30, tzinfo=UTC))

    assert cell.value == datetime.datetime(2026, 12, 6, 6, 30)
    assert cell.number_format == "dd/mm/yyyy hh:mm"


def test_a_date_is_written_day_first_without_a_time():
    [cell] = cells(datetime.date(2001, 3, 9))

    assert cell.value.date() == datetime.date(2001, 3, 9)
    assert cell.number_format == "dd/mm/yyyy"


def test_text_that_looks_like_a_formula_is_still_kept_as_text():
    [cell] = cells("=HYPERLINK(1)")
    assert cell.value == "'=HYPERLINK(1)"
