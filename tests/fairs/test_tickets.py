"""The ticket's parts, without a database: code, QR drawing, calendar file."""

import datetime
import re

import qrcode
import qrcode.constants

from fairs.models import CODE_ALPHABET
from fairs.tickets import ics_calendar, looks_like_code, new_code, normalise_code, qr_svg


def test_codes_are_six_unambiguous_characters():
    codes = {new_code() for _ in range(500)}

    assert len(codes) == 500
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("".join(codes)) & set("01IOL")


def test_a_typed_or_scanned_code_is_read_as_stored():
    assert normalise_code(" k7m-2qx\n") == "K7M2QX"
    assert normalise_code("https://mrc.example/t/K7M2QX") == "K7M2QX"
    assert looks_like_code("k7m 2qx")
    assert not looks_like_code("lo van") and not looks_like_code("0912345001")


def _drawn_modules(svg: str) -> set[tuple[int, int]]:
    dark = set()
    for x, y, n in re.findall(r"M(\d+),(\d+)h(\d+)v1h-\d+z", svg):
        dark |= {(int(x) + i, int(y)) for i in range(int(n))}
    return dark


def test_the_qr_svg_draws_exactly_the_modules_of_the_code():
    svg = str(qr_svg("K7M2QX", label="Vé K7M2QX"))
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data("K7M2QX")
    code.make(fit=True)
    matrix = code.get_matrix()

    expected = {(x, y) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark}
    assert _drawn_modules(svg) == expected
    assert f'viewBox="0 0 {len(matrix)} {len(matrix)}"' in svg
    assert "style" not in svg and "<script" not in svg and "href" not in svg
    assert len(svg) < 3000


def test_the_qr_label_is_escaped():
    assert '"><script>' not in str(qr_svg("ABCDEF", label='"><script>'))


def test_the_calendar_file_is_valid_icalendar():
    zone = datetime.timezone(datetime.timedelta(hours=7))
    body = ics_calendar(
        uid="fair-1-ticket-2@mrc",
        title="Phiên giao dịch việc làm; Lào Cai, tháng 12 " + "rất dài " * 10,
        starts_at=datetime.datetime(2026, 12, 20, 8, 0, tzinfo=zone),
        ends_at=datetime.datetime(2026, 12, 20, 11, 30, tzinfo=zone),
        location="Trung tâm, Lào Cai",
        description="Vé K7M2QX",
        url="https://mrc.example/fairs/1/",
        stamp=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
    )

    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "DTSTART:20261220T010000Z" in lines and "DTEND:20261220T043000Z" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:Phiên giao dịch việc làm\\; Lào Cai\\, tháng 12" in unfolded
