"""Findings 6 and 7 of the security review: active PDFs, image and spreadsheet bombs.

Every upload path runs the same checks: a worker's documents, support receipts and the
fraud report's files.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.spreadsheets import SpreadsheetRefused, read_rows, workbook_bytes
from accounts.uploads import RejectedUpload, clean_bytes
from markets.models import FraudReport, FraudReportAttachment
from tests.workers.factories import PDF_BYTES, jpeg_upload

pytestmark = pytest.mark.django_db

# Messages are in the portal's language, Vietnamese.
PROGRAM = "chứa chương trình"


def pdf_with(build, *, object_streams: bool = False) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    build(pdf)
    out = io.BytesIO()
    pdf.save(
        out,
        compress_streams=object_streams,
        object_stream_mode=(
            pikepdf.ObjectStreamMode.generate
            if object_streams
            else pikepdf.ObjectStreamMode.disable
        ),
    )
    return out.getvalue()


def open_action(subtype: str, **extra):
    def build(pdf):
        action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name(subtype), **extra))
        pdf.Root.OpenAction = action

    return build


JAVASCRIPT = pdf_with(open_action("/JavaScript", JS=pikepdf.String("app.alert(1)")))
LAUNCH = pdf_with(open_action("/Launch", F=pikepdf.String("cmd.exe")))


def test_name_encoded_javascript_is_refused():
    # /J#61vaScript is /JavaScript to a PDF reader, and not to a byte search.
    data = JAVASCRIPT.replace(b"/JavaScript", b"/J#61vaScript")
    assert b"/JavaScript" not in data

    with pytest.raises(RejectedUpload, match=PROGRAM):
        clean_bytes(data)


def test_name_encoded_launch_is_refused():
    data = LAUNCH.replace(b"/Launch", b"/L#61unch")

    with pytest.raises(RejectedUpload, match=PROGRAM):
        clean_bytes(data)


def test_javascript_inside_a_compressed_object_stream_is_refused():
    data = pdf_with(
        open_action("/JavaScript", JS=pikepdf.String("app.alert(1)")), object_streams=True
    )
    assert b"JavaScript" not in data and b"app.alert" not in data

    with pytest.raises(RejectedUpload, match=PROGRAM):
        clean_bytes(data)


def test_an_embedded_file_is_refused():
    def build(pdf):
        pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00")

    with pytest.raises(RejectedUpload, match=PROGRAM):
        clean_bytes(pdf_with(build))


@pytest.mark.parametrize("subtype", ["/URI", "/SubmitForm", "/GoToR", "/Named", "/ImportData"])
def test_any_other_action_is_refused(subtype):
    with pytest.raises(RejectedUpload, match=PROGRAM):
        clean_bytes(pdf_with(open_action(subtype)))


def test_a_plain_scan_and_a_pdf_that_opens_on_its_first_page_are_kept():
    def open_on_page_one(pdf):
        pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])

    assert clean_bytes(PDF_BYTES).content_type == "application/pdf"
    assert clean_bytes(pdf_with(open_on_page_one)).content_type == "application/pdf"


# --- The fraud report runs the same checks ----------------------------------------------


def fraud_report(client, upload):
    return client.post(
        reverse("markets:report_fraud"),
        {
            "name_used": "Công ty Việc Nhẹ",
            "phone": "0999 888 777",
            "province": "15",
            "commune": "",
            "what_was_asked": "Đòi 80 triệu",
            "amount_paid": "",
            "reporter_name": "",
            "reporter_contact": "",
            "attachments": [upload],
        },
    )


def test_the_fraud_report_refuses_a_pdf_with_a_script(client, lao_cai, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = JAVASCRIPT.replace(b"/JavaScript", b"/J#61vaScript")

    response = fraud_report(client, SimpleUploadedFile("proof.pdf", data))

    assert response.status_code == 400
    assert not FraudReport.all_objects.exists()


def test_the_fraud_report_strips_a_photos_metadata(client, lao_cai, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    response = fraud_report(client, jpeg_upload(exif=True))

    assert response.status_code == 302
    stored = FraudReportAttachment.objects.get().file.read()
    assert stored.startswith(b"\xff\xd8\xff")
    assert b"Secret Phone Model" not in stored


# --- Finding 7: bombs --------------------------------------------------------------------


def png_bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (8900, 8900)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def test_a_huge_picture_is_refused_from_its_header_without_decoding():
    data = png_bomb()
    assert len(data) < 400_000  # small on disk, 79 million pixels

    tracemalloc.start()
    with pytest.raises(RejectedUpload, match="25"):
        clean_bytes(data)
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert peak < 20 * 1024 * 1024  # decoding it would take ~80 MB (~240 MB as RGB)


def xlsx_bomb(megabytes: int = 40) -> bytes:
    """A valid workbook with one cell whose shared string expands to `megabytes`."""
    book = io.BytesIO(workbook_bytes("Danh sách", ["Họ và tên"], [["A"]]))
    out = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        bomb.writestr("xl/padding.xml", b" " * (megabytes * 1024 * 1024))
    return out.getvalue()


def test_a_spreadsheet_that_expands_too_far_is_refused_before_parsing():
    data = xlsx_bomb()
    assert len(data) < 1024 * 1024

    started = time.perf_counter()
    with pytest.raises(SpreadsheetRefused, match="quá lớn"):
        read_rows(data)
    assert time.perf_counter() - started < 1


def test_a_spreadsheet_with_too_many_rows_is_refused_before_parsing():
    # Written without a <dimension> (as openpyxl's streaming writer does): rows are counted.
    data = workbook_bytes("Danh sách", ["Họ và tên"], [[f"Người {n}"] for n in range(30)])
    with pytest.raises(SpreadsheetRefused, match="30 dòng"):
        read_rows(data, max_rows=10)


def test_the_import_page_says_the_spreadsheet_is_too_large(client, counsellor):
    from tests.conftest import login_staff

    login_staff(client, counsellor)
    client.cookies["mrc_language"] = "en"

    response = client.post(
        reverse("workers:import"), {"file": SimpleUploadedFile("ds.xlsx", xlsx_bomb())}
    )

    assert "too large to read" in response.text


def test_openpyxl_reads_xml_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def test_a_spreadsheet_declaring_too_many_rows_is_refused_before_parsing():
    data = workbook_bytes("Danh sách", ["Họ và tên"], [["A"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as changed:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content = content.replace(b"<sheetPr>", b'<dimension ref="A1:F90001"/><sheetPr>', 1)
            changed.writestr(item, content)

    with pytest.raises(SpreadsheetRefused, match="90000"):
        read_rows(out.getvalue())
