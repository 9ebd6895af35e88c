import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Commune, Role
from markets import selectors, services
from markets.models import FraudOutcome, FraudReport, FraudReportEvent, FraudReportStatus
from markets.views import FRAUD_REPORTS_PER_HOUR
from tests.conftest import DONG_THAP, LAO_CAI, login_staff
from tests.factories import StaffFactory
from tests.markets.factories import enterprise, fraud_report
from tests.mrc.test_pages import assert_self_contained
from tests.workers.factories import PDF_BYTES, jpeg_upload, png_upload

pytestmark = pytest.mark.django_db

# Real files: every upload is parsed (PDFs) or drawn again (pictures) before it is kept.
PNG = png_upload().read()
PDF = PDF_BYTES
JPEG = jpeg_upload().read()


def report_data(**changes):
    data = {
        "name_used": "Công ty Việc Nhẹ Lương Cao",
        "phone": "0999 888 777",
        "province": str(LAO_CAI),
        "commune": "",
        "what_was_asked": "Đòi 80 triệu đồng 'phí đơn hàng' đi Nhật",
        "amount_paid": "20.000.000",
        "reporter_name": "",
        "reporter_contact": "",
    }
    data.update(changes)
    return data


def send(client, *, files=(), remote="10.0.0.1", **changes):
    data = report_data(**changes)
    if files:
        data["attachments"] = list(files)
    return client.post(reverse("markets:report_fraud"), data, REMOTE_ADDR=remote)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- Filing a report ------------------------------------------------------------------


def test_anyone_can_file_a_report_and_it_lands_in_the_chosen_province(client, lao_cai):
    commune = Commune.objects.filter(province=lao_cai).first()

    response = send(client, commune=str(commune.pk), files=[upload("a.png", PNG)])

    assert response.status_code == 302
    assert response["Location"] == reverse("markets:fraud_report_sent")
    report = FraudReport.all_objects.get()
    assert (report.province, report.commune) == (lao_cai, commune)
    assert report.amount_paid == 20_000_000
    assert report.status == FraudReportStatus.OPEN
    assert report.attachments.get().content_type == "image/png"
    assert FraudReportEvent.objects.get(report=report).to_status == "open"


def test_the_thank_you_page_gives_a_reference_number_staff_can_find(client, lao_cai, counsellor):
    send(client)
    report = FraudReport.all_objects.get()

    thanks = client.get(reverse("markets:fraud_report_sent")).content.decode()

    assert report.reference and report.reference.startswith("BC")
    assert f">{report.reference}</strong>" in thanks
    login_staff(client, counsellor)
    typed = report.reference.lower().replace("-", " ")
    found = client.get(reverse("markets:staff_fraud_reports"), {"q": typed, "status": "closed"})
    assert [r.pk for r in found.context["page"].object_list] == [report.pk]
    assert report.reference in found.content.decode()


def test_each_report_gets_its_own_reference(lao_cai):
    def submit():
        return services.fraud_report_submit(
            province=lao_cai,
            commune=None,
            name_used="Công ty Ma",
            phone="",
            what_was_asked="50 triệu",
            amount_paid=None,
        )

    first, second = submit(), submit()

    assert first.reference != second.reference
    assert FraudReport.all_objects.get(reference=second.reference) == second


def test_the_report_form_is_self_contained(client):
    response = client.get(reverse("markets:report_fraud"))

    assert response.status_code == 200
    assert_self_contained(response.text)
    assert_self_contained(client.get(reverse("markets:fraud_report_sent")).text)


def test_choosing_a_province_lists_its_communes_and_keeps_what_was_typed(client, lao_cai):
    response = client.post(
        reverse("markets:report_fraud"), report_data(show_communes="1"), REMOTE_ADDR="10.0.0.2"
    )

    communes = list(response.context["form"].fields["commune"].queryset)
    assert response.status_code == 200
    assert communes and all(c.province_id == lao_cai.pk for c in communes)
    assert "Công ty Việc Nhẹ Lương Cao" in response.text
    assert not FraudReport.all_objects.exists()


def test_a_commune_of_another_province_is_refused(client, dong_thap):
    elsewhere = Commune.objects.filter(province=dong_thap).first()

    response = send(client, commune=str(elsewhere.pk))

    assert response.status_code == 400
    assert not FraudReport.all_objects.exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("virus.pdf", b"MZ\x90\x00 not a pdf")], "is not a PDF, JPEG or PNG file"),
        ([upload(f"{i}.png", PNG) for i in range(4)], "Send at most 3 files."),
        ([upload("big.pdf", PDF + b"0" * (5 * 1024 * 1024))], "is larger than 5 MB"),
    ],
    ids=["not-by-magic-bytes", "too-many", "too-big"],
)
def test_attachments_are_checked_by_content_count_and_size(english, files, message):
    response = send(english, files=files)

    assert response.status_code == 400
    assert message in response.text
    assert 'value="Công ty Việc Nhẹ Lương Cao"' in response.text
    assert not FraudReport.all_objects.exists()


def test_a_negative_amount_is_refused_and_the_form_keeps_what_was_typed(english):
    response = send(english, amount_paid="-1")

    assert response.status_code == 400
    assert "The amount cannot be negative." in response.text
    assert 'value="-1"' in response.text


def test_reports_are_rate_limited_per_address_and_the_page_says_so(english):
    for _ in range(FRAUD_REPORTS_PER_HOUR):
        assert send(english).status_code == 302

    refused = send(english, name_used="Lần thứ sáu")
    other_address = send(english, remote="10.9.9.9")

    assert refused.status_code == 429
    assert 'id="rate-limited"' in refused.text
    assert "Please wait an hour" in refused.text
    assert 'value="Lần thứ sáu"' in refused.text
    assert other_address.status_code == 302
    assert FraudReport.all_objects.count() == FRAUD_REPORTS_PER_HOUR + 1


# --- Staff ----------------------------------------------------------------------------


def test_counsellors_see_the_reports_of_their_province_only(client, counsellor):
    ours = fraud_report(LAO_CAI, name_used="Lừa ở Lào Cai")
    fraud_report(DONG_THAP, name_used="Lừa ở Đồng Tháp")
    login_staff(client, counsellor)

    response = client.get(reverse("markets:staff_fraud_reports"))

    assert [r.pk for r in response.context["page"].object_list] == [ours.pk]
    assert "Lừa ở Đồng Tháp" not in response.text
    assert selectors.fraud_reports_open_count(counsellor) == 1


def test_a_counsellor_of_another_province_gets_404_on_a_report_and_its_file(
    client, other_counsellor
):
    send(client, files=[upload("proof.pdf", PDF)])
    report = FraudReport.all_objects.get()
    attachment = report.attachments.get()
    login_staff(client, other_counsellor)

    assert client.get(reverse("markets:staff_fraud_report", args=[report.pk])).status_code == 404
    assert (
        client.get(
            reverse("markets:staff_fraud_attachment", args=[report.pk, attachment.pk])
        ).status_code
        == 404
    )
    assert client.post(reverse("markets:staff_fraud_take", args=[report.pk])).status_code == 404


def test_a_counsellor_of_the_province_reads_the_attachment_through_the_portal(
    client, counsellor, settings
):
    send(client, files=[upload("proof.pdf", PDF)])
    report = FraudReport.all_objects.get()
    attachment = report.attachments.get()
    login_staff(client, counsellor)

    response = client.get(
        reverse("markets:staff_fraud_attachment", args=[report.pk, attachment.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF
    # Stored privately, under a name of our own, never at a public URL.
    assert str(settings.MEDIA_ROOT) in attachment.file.path
    assert "proof" not in attachment.file.name


def test_staff_report_pages_send_anonymous_visitors_to_sign_in(client):
    report = fraud_report(LAO_CAI)

    for url in (
        reverse("markets:staff_fraud_reports"),
        reverse("markets:staff_fraud_report", args=[report.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_workers_get_a_404_on_staff_report_pages(client, worker):
    client.force_login(worker)

    assert client.get(reverse("markets:staff_fraud_reports")).status_code == 404


def test_a_counsellor_takes_links_and_closes_a_report_with_events(client, counsellor):
    report = fraud_report(LAO_CAI)
    company = enterprise(licence_number="777/LĐTBXH-GP", name="Công ty Có Phép")
    login_staff(client, counsellor)

    client.post(reverse("markets:staff_fraud_take", args=[report.pk]))
    client.post(
        reverse("markets:staff_fraud_link", args=[report.pk]),
        {"licence_number": " 777/lđtbxh-gp ", "note": "Mạo danh"},
    )
    closed = client.post(
        reverse("markets:staff_fraud_close", args=[report.pk]),
        {"outcome": FraudOutcome.REFERRED, "note": "Chuyển công an"},
    )

    assert closed.status_code == 302
    report.refresh_from_db()
    assert report.status == FraudReportStatus.CLOSED
    assert report.enterprise == company
    assert report.handled_by == counsellor
    assert report.closed_at is not None
    moves = list(report.events.values_list("from_status", "to_status"))
    assert moves == [("open", "in_review"), ("in_review", "in_review"), ("in_review", "closed")]
    assert selectors.fraud_reports_open_count(counsellor) == 0


def test_a_closed_report_cannot_be_closed_again(counsellor):
    report = fraud_report(LAO_CAI)
    services.fraud_report_close(report=report, by=counsellor, outcome=FraudOutcome.DUPLICATE)

    with pytest.raises(ValidationError):
        services.fraud_report_close(report=report, by=counsellor, outcome=FraudOutcome.DUPLICATE)
    assert report.events.count() == 1


def test_closing_another_provinces_report_is_refused_by_the_service(other_counsellor):
    report = fraud_report(LAO_CAI)

    with pytest.raises(PermissionDenied):
        services.fraud_report_close(
            report=report, by=other_counsellor, outcome=FraudOutcome.NOT_ENOUGH
        )


def test_closing_without_an_outcome_keeps_what_was_typed(english, counsellor):
    report = fraud_report(LAO_CAI)
    login_staff(english, counsellor)

    response = english.post(
        reverse("markets:staff_fraud_close", args=[report.pk]), {"outcome": "", "note": "Đã gọi"}
    )

    assert response.status_code == 400
    assert "Đã gọi" in response.text
    report.refresh_from_db()
    assert report.status == FraudReportStatus.OPEN


def test_the_open_count_is_zero_for_anyone_but_staff(worker):
    fraud_report(LAO_CAI)
    manager = StaffFactory(role=Role.MANAGER, province=worker.province)
    admin = StaffFactory(role=Role.ADMIN, province=None)

    assert selectors.fraud_reports_open_count(worker) == 0
    assert selectors.fraud_reports_open_count(manager) == 1
    assert selectors.fraud_reports_open_count(admin) == 1
