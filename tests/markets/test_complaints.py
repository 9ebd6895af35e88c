"""Complaints against an enterprise or a broker: lodged by a worker or anyone, handled by
the province's counsellors through one service, counted on the enterprise page and in
the reports."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from markets import selectors, services
from markets.models import (
    Complaint,
    ComplaintEvent,
    ComplaintKind,
    ComplaintOutcome,
    ComplaintStatus,
)
from markets.views import COMPLAINTS_PER_HOUR
from tests.conftest import DONG_THAP, LAO_CAI, login_staff
from tests.factories import WorkerFactory, province
from tests.markets.factories import enterprise, fraud_report
from tests.mrc.test_pages import assert_self_contained
from tests.workers.factories import jpeg_upload

pytestmark = pytest.mark.django_db

JPEG = jpeg_upload().read()


def complaint_data(**changes):
    data = {
        "enterprise_query": "",
        "broker_name": "Anh Tùng",
        "broker_phone": "0977 000 111",
        "kind": ComplaintKind.DEPOSIT_NOT_RETURNED,
        "what_happened": "Nộp 20 triệu tiền cọc, không đi được, không trả lại.",
        "amount_paid": "20.000.000",
        "amount_claimed": "20.000.000",
        "province": str(LAO_CAI),
        "complainant_name": "Vàng A Sử",
        "complainant_phone": "0987 654 321",
        "send": "1",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def lodge(client, *, files=(), remote="10.0.0.2", **changes):
    data = complaint_data(**changes)
    if files:
        data["attachments"] = list(files)
    return client.post(reverse("markets:complain"), data, REMOTE_ADDR=remote)


def make(province_code: int = LAO_CAI, **fields):
    defaults: dict[str, Any] = {
        "province": province(province_code),
        "kind": ComplaintKind.FEES_OVER_CAP,
        "what_happened": "Thu phí cao",
        "complainant_phone": "+84987654321",
        "broker_name": "Môi giới X",
    }
    defaults.update(fields)
    if defaults.get("enterprise"):
        defaults["broker_name"] = ""
    return services.complaint_lodge(**defaults)


# --- Lodging --------------------------------------------------------------------------


def test_a_visitor_lodges_a_complaint_against_a_broker_with_evidence(client, lao_cai):
    response = lodge(
        client,
        files=[SimpleUploadedFile("bien-lai.jpg", JPEG, content_type="application/octet-stream")],
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("markets:complaint_sent")
    complaint = Complaint.all_objects.get()
    assert (complaint.province, complaint.complainant) == (lao_cai, None)
    assert complaint.broker_name == "Anh Tùng" and complaint.enterprise is None
    assert complaint.complainant_phone == "+84987654321"
    assert complaint.amount_paid == 20_000_000
    assert complaint.status == ComplaintStatus.RECEIVED
    assert complaint.reference and complaint.reference.startswith("KN")
    assert complaint.attachments.get().content_type == "image/jpeg"
    assert ComplaintEvent.objects.get(complaint=complaint).to_status == "received"
    thanks = client.get(reverse("markets:complaint_sent")).text
    assert f">{complaint.reference}</strong>" in thanks
    assert_self_contained(thanks)


def test_a_signed_in_worker_chooses_the_enterprise_found_in_the_register_and_owns_it(
    client, worker
):
    licensed = enterprise(name="Công ty CP Nhân lực Hoàng Liên")
    client.force_login(worker)

    found = client.post(
        reverse("markets:complain"), complaint_data(enterprise_query="hoang lien", find="1")
    )
    assert found.status_code == 200
    assert "Hoàng Liên" in found.text and 'name="enterprise"' in found.text
    assert 'name="province"' not in found.text  # her complaint goes to her province
    assert "Nộp 20 triệu" in found.text  # the rest is kept
    response = lodge(
        client, enterprise_query="hoang lien", enterprise=str(licensed.pk), broker_name=""
    )

    assert response.status_code == 302
    complaint = Complaint.all_objects.get()
    assert (complaint.complainant, complaint.enterprise) == (worker, licensed)
    assert complaint.province == worker.province
    mine = client.get(reverse("markets:my_complaint", args=[complaint.pk]))
    assert mine.status_code == 200
    assert 'data-status="received"' in mine.text


def test_a_look_alike_name_is_warned_about_as_in_the_company_check(client, lao_cai):
    enterprise(name="Công ty CP Nhân lực Hoàng Liên")

    found = client.post(
        reverse("markets:complain"),
        complaint_data(enterprise_query="Hoàng Liên Group Việt Nam", find="1"),
    )

    assert 'id="look-alike"' in found.text
    assert "Công ty CP Nhân lực Hoàng Liên" in found.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"broker_name": ""}, "enterprise_query", "Viết tên công ty"),
        ({"complainant_phone": "12345"}, "complainant_phone", "Nhập số di động"),
        ({"complainant_phone": ""}, "complainant_phone", "Viết số điện thoại"),
        ({"kind": "bribes"}, "kind", "Hãy chọn bạn khiếu nại"),
        ({"amount_paid": "-5"}, "amount_paid", "không được là số âm"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_where_the_eye_is_and_kept(
    client, lao_cai, changes, field, message
):
    response = lodge(client, **changes)

    assert response.status_code == 400
    assert not Complaint.all_objects.exists()
    assert field in response.context["form"].errors
    assert message in response.text
    assert 'id="form-errors"' in response.text
    assert "Nộp 20 triệu tiền cọc" in response.text


def test_a_typed_name_with_no_choice_asks_to_choose_from_the_list(client, lao_cai):
    enterprise(name="Công ty CP Nhân lực Hoàng Liên")

    response = lodge(client, enterprise_query="hoang lien", broker_name="")

    assert response.status_code == 400
    assert "enterprise" in response.context["form"].errors
    assert 'id="enterprise-choices"' in response.text


def test_a_file_that_is_not_a_picture_or_pdf_is_refused(client, lao_cai):
    response = lodge(client, files=[SimpleUploadedFile("x.jpg", b"MZ\x90\x00evil")])

    assert response.status_code == 400
    assert "attachments" in response.context["form"].errors
    assert not Complaint.all_objects.exists()


def test_complaints_are_rate_limited_per_address(client, lao_cai):
    for _ in range(COMPLAINTS_PER_HOUR):
        assert lodge(client, remote="10.9.9.9").status_code == 302

    refused = lodge(client, remote="10.9.9.9")

    assert refused.status_code == 429
    assert "Nộp 20 triệu tiền cọc" in refused.text
    assert Complaint.all_objects.count() == COMPLAINTS_PER_HOUR


# --- Transitions ----------------------------------------------------------------------


def test_take_then_close_with_money_recovered_records_who_when_and_why(counsellor):
    complaint = make()

    services.complaint_take(complaint=complaint, by=counsellor, note="Đã gọi")
    closed = services.complaint_close(
        complaint=complaint,
        by=counsellor,
        outcome=ComplaintOutcome.RECOVERED,
        amount_recovered=Decimal(15_000_000),
        note="Công ty trả lại",
    )

    assert closed.status == ComplaintStatus.CLOSED
    assert closed.amount_recovered == 15_000_000 and closed.closed_at is not None
    events = list(closed.events.values_list("from_status", "to_status", "by", "note"))
    assert events == [
        ("", "received", None, ""),
        ("received", "in_progress", counsellor.pk, "Đã gọi"),
        ("in_progress", "closed", counsellor.pk, "Công ty trả lại"),
    ]


def test_closing_twice_or_taking_a_closed_complaint_is_refused(counsellor):
    complaint = make()
    services.complaint_close(
        complaint=complaint, by=counsellor, outcome="not_upheld", note="Không có căn cứ"
    )

    with pytest.raises(ValidationError):
        services.complaint_close(complaint=complaint, by=counsellor, outcome="resolved", note="x")
    with pytest.raises(ValidationError):
        services.complaint_take(complaint=complaint, by=counsellor)
    assert complaint.events.count() == 2


def test_taking_twice_is_refused(counsellor):
    complaint = make()
    services.complaint_take(complaint=complaint, by=counsellor)

    with pytest.raises(ValidationError):
        services.complaint_take(complaint=complaint, by=counsellor)


@pytest.mark.parametrize(
    ("outcome", "extra", "field"),
    [
        ("recovered", {}, "amount_recovered"),
        ("recovered", {"amount_recovered": Decimal(0)}, "amount_recovered"),
        ("referred", {}, "referred_to"),
        ("referred", {"referred_to": "mayor"}, "referred_to"),
        ("won", {}, "outcome"),
    ],
)
def test_an_outcome_needs_what_it_means(counsellor, outcome, extra, field):
    complaint = make()

    with pytest.raises(ValidationError) as refused:
        services.complaint_close(
            complaint=complaint, by=counsellor, outcome=outcome, note="x", **extra
        )

    assert field in refused.value.error_dict
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_staff_of_another_province_and_workers_cannot_move_a_complaint(other_counsellor, worker):
    complaint = make()

    for stranger in (other_counsellor, worker):
        with pytest.raises(PermissionDenied):
            services.complaint_take(complaint=complaint, by=stranger)


def test_the_staff_form_records_a_referral_and_refuses_a_missing_amount_in_place(
    client, counsellor
):
    complaint = make()
    login_staff(client, counsellor)
    url = reverse("markets:staff_complaint_close", args=[complaint.pk])

    refused = client.post(url, {"outcome": "recovered", "amount_recovered": "", "note": "Xong"})
    assert refused.status_code == 400
    assert "amount_recovered" in refused.context["close_form"].errors
    assert "Xong" in refused.text  # what was typed stays
    done = client.post(url, {"outcome": "referred", "referred_to": "police", "note": "Gửi CA"})

    assert done.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.outcome, complaint.referred_to) == ("referred", "police")


# --- Scope ----------------------------------------------------------------------------


def test_counsellors_see_their_provinces_complaints_and_another_province_gets_404(
    client, counsellor, other_counsellor, settings, tmp_path
):
    ours, theirs = make(LAO_CAI), make(DONG_THAP)
    login_staff(client, counsellor)

    listed = client.get(reverse("markets:staff_complaints"))
    assert [c.pk for c in listed.context["page"].object_list] == [ours.pk]
    assert client.get(reverse("markets:staff_complaint", args=[theirs.pk])).status_code == 404
    login_staff(client, other_counsellor)
    assert client.get(reverse("markets:staff_complaint", args=[ours.pk])).status_code == 404


def test_another_worker_gets_404_on_my_complaint(client, worker, lao_cai):
    complaint = make(complainant_phone=worker.phone, by=worker)
    client.force_login(WorkerFactory(province=lao_cai))

    assert client.get(reverse("markets:my_complaint", args=[complaint.pk])).status_code == 404
    assert client.get(reverse("markets:my_complaints")).context["complaints"].count() == 0


def test_staff_find_a_complaint_by_the_reference_the_complainant_quotes(client, counsellor):
    complaint = make()
    services.complaint_close(complaint=complaint, by=counsellor, outcome="resolved", note="ok")
    login_staff(client, counsellor)

    typed = complaint.reference.lower().replace("-", " ")
    found = client.get(reverse("markets:staff_complaints"), {"q": typed})

    assert [c.pk for c in found.context["page"].object_list] == [complaint.pk]


# --- The enterprise page for staff ----------------------------------------------------


def test_the_enterprise_page_counts_what_the_staff_member_may_see(
    client, counsellor, other_counsellor, admin_user
):
    company = enterprise()
    first = make(enterprise=company)
    services.complaint_close(
        complaint=first, by=counsellor, outcome="recovered", amount_recovered=Decimal(7_000_000),
        note="Trả lại",
    )  # fmt: skip
    make(enterprise=company)
    make(DONG_THAP, enterprise=company)
    fraud_report(LAO_CAI, enterprise=company)
    fraud_report(DONG_THAP, enterprise=company)
    url = reverse("markets:staff_enterprise", args=[company.pk])

    login_staff(client, counsellor)
    ours = client.get(url).context["cases"]
    login_staff(client, admin_user)
    nation = client.get(url).context["cases"]

    assert (ours.complaints_total, ours.complaints_open, ours.complaints_resolved) == (2, 1, 1)
    assert ours.amount_recovered == 7_000_000 and ours.fraud_reports_total == 1
    assert (nation.complaints_total, nation.fraud_reports_total) == (3, 2)


def test_the_enterprise_page_reads_the_same_number_of_queries_for_many_complaints(
    client, counsellor, django_assert_max_num_queries
):
    company = enterprise()
    make(enterprise=company)
    fraud_report(LAO_CAI, enterprise=company)
    login_staff(client, counsellor)
    url = reverse("markets:staff_enterprise", args=[company.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(15):
        make(enterprise=company)
        fraud_report(LAO_CAI, enterprise=company)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_workers_and_visitors_do_not_reach_the_staff_enterprise_page(client, worker):
    url = reverse("markets:staff_enterprise", args=[enterprise().pk])

    assert client.get(url).status_code == 302
    client.force_login(worker)
    assert client.get(url).status_code == 404


# --- Reports --------------------------------------------------------------------------


def test_complaints_by_enterprise_match_a_count_made_by_hand(counsellor):
    """Three enterprises and brokers, complaints inside and outside the period, in and out
    of the province: the figures are the ones counted below, one by one."""
    a, b = enterprise(name="Công ty A Nhân lực"), enterprise(name="Công ty B Nhân lực")
    now = timezone.now()
    old = now - datetime.timedelta(days=400)

    a1 = make(enterprise=a)  # lodged in the period, recovered 5m in the period
    services.complaint_close(
        complaint=a1, by=counsellor, outcome="recovered", amount_recovered=Decimal(5_000_000),
        note="x",
    )  # fmt: skip
    a2 = make(enterprise=a)  # lodged long ago, resolved in the period
    Complaint.all_objects.filter(pk=a2.pk).update(created_at=old)
    services.complaint_close(complaint=a2, by=counsellor, outcome="resolved", note="x")
    make(enterprise=a)  # lodged, still open
    b1 = make(enterprise=b)  # lodged, not upheld: not resolved
    services.complaint_close(complaint=b1, by=counsellor, outcome="not_upheld", note="x")
    b2 = make(enterprise=b)  # lodged and closed long ago: outside
    Complaint.all_objects.filter(pk=b2.pk).update(created_at=old, closed_at=old, outcome="resolved",
                                              status="closed")  # fmt: skip
    make(broker_name="Anh Tùng")  # a broker, lodged
    make(DONG_THAP, enterprise=a)  # another province

    start, end = now - datetime.timedelta(days=30), now + datetime.timedelta(days=1)
    rows = {r.name or "broker": r for r in selectors.complaints_by_enterprise(
        province(LAO_CAI).pk, start, end)}  # fmt: skip

    assert {k: (r.lodged, r.resolved, r.recovered) for k, r in rows.items()} == {
        "Công ty A Nhân lực": (2, 2, 5_000_000),
        "Công ty B Nhân lực": (1, 0, 0),
        "broker": (1, 0, 0),
    }
    nation = selectors.complaints_by_enterprise(None, start, end)
    assert sum(r.lodged for r in nation) == 5


def test_the_reports_page_shows_complaints_by_enterprise_in_flat_queries(
    client, counsellor, django_assert_max_num_queries, settings
):
    settings.DASHBOARD_CACHE_SECONDS = 0  # the figures counted on each visit
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login_staff(client, counsellor)
    url = reverse("reports:dashboard")
    company = enterprise(name="Công ty CP Khiếu Nại Nhiều")
    make(enterprise=company)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    assert "Công ty CP Khiếu Nại Nhiều" in page.text
    for index in range(10):
        other = enterprise(name=f"Công ty Số {index} Khác")
        make(enterprise=other)
        services.complaint_close(
            complaint=make(enterprise=other), by=counsellor, outcome="recovered",
            amount_recovered=Decimal(1_000_000), note="x",
        )  # fmt: skip

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert "10.000.000" in page.text  # the total recovered, written the Vietnamese way
    printed = client.get(reverse("reports:print")).text
    assert "Khiếu nại nhận được trong kỳ" in printed
    assert "Tiền lấy lại được cho người khiếu nại trong kỳ" in printed


def test_the_worker_hears_the_outcome_once(worker, counsellor, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    complaint = make(complainant_phone=worker.phone, by=worker)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_close(
            complaint=complaint, by=counsellor, outcome="recovered",
            amount_recovered=Decimal(2_500_000), note="Trả lại",
        )  # fmt: skip

    [message] = Notification.objects.filter(recipient=worker, channel="in_app")
    assert message.kind == "complaint-outcome"
    assert message.key == f"complaint-outcome:{complaint.pk}:in_app"
    assert "2.500.000" in message.body
    visitor = make()
    services.complaint_close(complaint=visitor, by=counsellor, outcome="resolved", note="ok")
    assert Notification.objects.count() == Notification.objects.filter(recipient=worker).count()


def test_a_complaint_stays_with_its_province_when_the_worker_moves_and_she_still_sees_it(
    client, counsellor, other_counsellor, dong_thap
):
    from tests.workers.factories import ProfileFactory
    from workers import services as worker_services

    profile = ProfileFactory(user=WorkerFactory(province=counsellor.province))
    worker = profile.user
    complaint = make(complainant_phone=worker.phone, by=worker)

    worker_services.profile_save_step(
        profile_id=profile.pk,
        step="address",
        values={"commune": dong_thap.communes.order_by("code").first()},
        expected_version=profile.version,
        actor=worker,
    )

    worker.refresh_from_db()
    assert worker.province == dong_thap
    assert Complaint.objects.for_user(counsellor).filter(pk=complaint.pk).exists()
    assert not Complaint.objects.for_user(other_counsellor).filter(pk=complaint.pk).exists()
    client.force_login(worker)
    assert client.get(reverse("markets:my_complaint", args=[complaint.pk])).status_code == 200


def test_erasing_a_worker_keeps_her_complaint_as_a_figure_without_her(settings, counsellor):
    """Her account, name, phone and files go; the enterprise, kind, amounts and outcome stay
    (the province's figures), and the reference."""
    from django.core.files.base import ContentFile

    from markets.models import ComplaintAttachment
    from tests.workers.factories import ProfileFactory
    from workers import services as worker_services
    from workers.models import DeletionRequest
    from workers.tasks import anonymise_due_deletions

    profile = ProfileFactory(user=WorkerFactory(province=counsellor.province))
    worker = profile.user
    company = enterprise()
    complaint = make(
        enterprise=company,
        complainant_name=worker.name,
        complainant_phone=worker.phone,
        what_happened=f"Tôi là {worker.name}, gọi {worker.phone}",
        amount_paid=Decimal(9_000_000),
        by=worker,
    )
    services.complaint_close(
        complaint=complaint, by=counsellor, outcome="recovered",
        amount_recovered=Decimal(4_000_000), note="Trả lại",
    )  # fmt: skip
    evidence = ComplaintAttachment(complaint=complaint, content_type="image/jpeg", size=3)
    evidence.file.save("c.jpg", ContentFile(b"abc"), save=True)
    request = worker_services.deletion_request_create(profile=profile, reason="")
    DeletionRequest.all_objects.filter(pk=request.pk).update(
        requested_at=timezone.now()
        - datetime.timedelta(days=settings.WORKER_DATA_RETENTION_DAYS + 1)
    )

    assert anonymise_due_deletions() == 1

    complaint.refresh_from_db()
    assert complaint.complainant is None
    assert (complaint.complainant_name, complaint.complainant_phone) == ("", "")
    assert worker.name not in complaint.what_happened
    assert not complaint.attachments.exists()
    assert (complaint.enterprise, complaint.outcome) == (company, "recovered")
    assert (complaint.amount_paid, complaint.amount_recovered) == (9_000_000, 4_000_000)
