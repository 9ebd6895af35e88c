"""The helper both importers read their uploads with (accounts.importing)."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.importing import (
    cell,
    cell_text,
    is_spreadsheet,
    map_columns,
    parse_date,
    read_table,
)
from tests.conftest import login_staff
from workers.models import WorkerProfile

MB = 1024 * 1024


def workbook(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refusal(content: bytes, **limits: object) -> str:
    options: dict = {"spreadsheet": False, "max_bytes": MB, **limits}
    with pytest.raises(ValidationError) as refused:
        read_table(content, **options)
    return " ".join(refused.value.messages)


def test_a_csv_is_read_with_its_delimiter_and_byte_order_mark():
    content = "\ufeffHọ và tên;Ngày sinh\nVàng A Páo;17/05/1990\n".encode()

    table = read_table(content, spreadsheet=False, max_bytes=MB)

    assert table.header == ["Họ và tên", "Ngày sinh"]
    assert list(table.lines()) == [(2, ["Vàng A Páo", "17/05/1990"])]


def test_blank_rows_are_skipped_but_the_rows_after_them_keep_their_line():
    content = workbook(["name", "n"], ["A", 1], [None, None], ["B", 2])

    table = read_table(content, spreadsheet=True, max_bytes=MB)

    assert [(line, cells[0]) for line, cells in table.lines()] == [(2, "A"), (4, "B")]


def test_a_workbook_keeps_the_values_excel_stores():
    born = datetime.datetime(1990, 5, 17)
    content = workbook(["id", "born"], [15090123456, born])

    table = read_table(content, spreadsheet=True, max_bytes=MB)

    assert table.rows[0] == [15090123456, born]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    assert refusal(b"x" * (2 * MB + 1), max_bytes=2 * MB) == "Tệp lớn hơn 2 MB."


def test_a_file_with_too_many_rows_is_refused():
    content = ("name\n" + "A\n" * 4).encode()

    assert refusal(content, max_rows=3) == "Tệp có hơn 3 dòng."
    assert len(read_table(content, spreadsheet=False, max_bytes=MB, max_rows=4).rows) == 4


def test_a_workbook_with_too_many_rows_is_refused_before_it_is_parsed():
    content = workbook(["name"], *[[f"Người {n}"] for n in range(5)])

    assert "5 dòng" in refusal(content, spreadsheet=True, max_rows=3)


def test_an_empty_file_is_refused():
    assert refusal(b"") == "Tệp trống."


def test_a_csv_that_is_not_utf8_says_how_to_save_it():
    assert "CSV UTF-8" in refusal("Tên\n".encode("latin-1"))


def test_a_file_that_is_not_a_workbook_is_refused():
    assert refusal(b"not a zip", spreadsheet=True) == "Đây không phải tệp Excel (.xlsx)."


def test_a_zip_that_is_not_a_workbook_cannot_be_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")

    assert refusal(out.getvalue(), spreadsheet=True).startswith("Không đọc được bảng tính")


def test_headings_match_without_case_or_diacritics_and_the_first_wins():
    columns = {"name": ("ho va ten", "name"), "phone": ("so dien thoai",), "sex": ("gioi tinh",)}

    found, missing = map_columns(
        ["  HỌ VÀ TÊN ", "Số  điện thoại", "Name"], columns, required=("name", "sex")
    )

    assert found == {"name": 0, "phone": 1}
    assert missing == ["sex"]


def test_cells_read_as_people_typed_them():
    assert cell(["a"], 3) is None
    assert cell(["a"], None) is None
    assert cell_text(None) == ""
    assert cell_text(12.0) == "12"
    assert cell_text(12.5) == "12.5"
    assert cell_text(datetime.date(2024, 5, 6)) == "06/05/2024"
    assert is_spreadsheet("DS.XLSX") and not is_spreadsheet("ds.csv")


@pytest.mark.parametrize("value", ["06/05/2024", "06-05-2024", "2024-05-06", " 06/05/2024 "])
def test_dates_are_read_day_first_or_iso(value):
    assert parse_date(value) == datetime.date(2024, 5, 6)


def test_a_date_cell_is_its_date_and_other_text_is_refused():
    assert parse_date(datetime.datetime(2024, 5, 6, 8, 30)) == datetime.date(2024, 5, 6)
    for text in ("31/02/2024", "05/06", "", None):
        with pytest.raises(ValueError):
            parse_date(text)


def test_the_worker_import_names_rows_by_their_line_even_after_a_blank_row(client, counsellor):
    login_staff(client, counsellor)
    content = workbook(
        ["Họ và tên", "Số điện thoại", "Số định danh", "Ngày sinh", "Giới tính", "Xã/phường"],
        ["Vàng A Páo", "0912000111", "015090123456", "17/05/1990", "Nam", ""],
        [],
        ["", "0912000222", "015301004567", "02/09/2001", "Nữ", ""],
    )

    response = client.post(
        reverse("workers:import"), {"file": SimpleUploadedFile("ds.xlsx", content)}
    )

    rows = {row.number: row for row in response.context["rows"]}
    assert sorted(rows) == [2, 4]
    assert rows[2].ok
    assert [column for column, _message in rows[4].errors] == ["Họ và tên"]
    assert not WorkerProfile.all_objects.exists()
