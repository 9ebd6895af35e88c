"""The ministry's exchange file: the departures and returns of a period, one line a worker,
in the layout the provinces report in (docs/api.md, "Exchange file"). The staff download and
the API's /exchange/departures both build it from workers.selectors.exchange_rows."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from accounts.exports import export_record_create
from accounts.models import User
from accounts.spreadsheets import workbook_bytes
from workers.selectors import ExchangeRow, exchange_departures_returns, exchange_rows

# The file is the ministry's, in Vietnamese whatever the reader's language.
HEADER = [
    "STT", "Họ và tên", "Số định danh cá nhân", "Giới tính", "Ngày sinh", "Xã/phường",
    "Tỉnh/thành phố", "Thị trường", "Doanh nghiệp đưa đi", "Ngày xuất cảnh",
    "Thời hạn hợp đồng (tháng)", "Ngày về nước",
]  # fmt: skip
SEX = {"male": "Nam", "female": "Nữ"}
# What one request builds (10,000 lines: ~5 s on a loaded 2-core machine with SQLite); the
# country's year is ~160,000 departures, asked for by month or by province instead.
MAX_ROWS = 50_000


class TooManyRows(Exception):
    """The period has more lines than one file holds: a shorter period, or one province."""


def rows_for(
    *, province_id: int | None, first: datetime.date, last: datetime.date
) -> list[ExchangeRow]:
    """The lines of one province's (or every province's: None) departures and returns."""
    cases = exchange_departures_returns(province_id=province_id, first=first, last=last)
    rows = exchange_rows(cases[: MAX_ROWS + 1])
    if len(rows) > MAX_ROWS:
        raise TooManyRows
    return rows


def exchange_export(
    *,
    user: User,
    province_id: int | None,
    first: datetime.date,
    last: datetime.date,
    query: Mapping[str, str],
) -> list[ExchangeRow]:
    """The lines of the file, recorded in the export log (who took what, when) like every
    export of personal data, whether a person downloads it or a system reads it."""
    rows = rows_for(province_id=province_id, first=first, last=last)
    export_record_create(user=user, what="exchange", rows=len(rows), query=query)
    return rows


def sheet_rows(rows: Sequence[ExchangeRow]) -> list[list[Any]]:
    return [
        [
            number,
            row.name,
            row.personal_id,
            SEX.get(row.sex, ""),
            row.date_of_birth,
            row.commune,
            row.province,
            row.market,
            row.enterprise,
            row.departure_date,
            row.contract_months,
            row.return_date,
        ]
        for number, row in enumerate(rows, start=1)
    ]


def workbook(rows: Sequence[ExchangeRow]) -> bytes:
    return workbook_bytes("Xuat canh - ve nuoc", HEADER, sheet_rows(rows))


def filename(code: str, first: datetime.date, last: datetime.date) -> str:
    return f"exchange-{code}-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"
