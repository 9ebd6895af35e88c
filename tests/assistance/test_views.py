"""The pages of help from abroad: the worker's phone, the counsellor's request and home."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import HelpRequest, HelpRequestPhoto, Status
from tests.assistance.factories import abroad_profile, contacts, help_request
from tests.conftest import login_staff
from tests.workers.factories import ProfileFactory, jpeg_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(lao_cai, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return abroad_profile(lao_cai, name="Giàng Thị Mai")


def test_a_worker_abroad_sends_a_request_with_a_photo_and_sees_its_status(client, profile):
    client.force_login(profile.user)
    assert "Gửi yêu cầu trợ giúp" in client.get("/").text  # the home offers it

    response = client.post(
        reverse("assistance:new"),
        {"kind": "papers", "what_happened": "Chủ giữ hộ chiếu", "zalo": "mai.zalo",
         "photos": [jpeg_upload(exif=True)]},
    )  # fmt: skip

    request = HelpRequest.all_objects.get()
    assert response.status_code == 302 and response["Location"] == f"/me/help/{request.pk}/"
    photo = HelpRequestPhoto.all_objects.get()
    assert photo.content_type == "image/jpeg"
    stored = photo.file.read()
    assert b"Secret Phone Model" not in stored  # drawn again without its metadata
    page = client.get(response["Location"]).text
    assert "Chờ liên hệ lần đầu" in page and "trong vòng 24 giờ" in page
    assert client.get(reverse("assistance:photo", args=[photo.pk])).status_code == 200


def test_a_worker_abroad_finds_the_way_to_ask_for_help_before_anything_else(client, profile):
    client.force_login(profile.user)
    page = client.get("/").text

    # Someone in trouble abroad should not scroll past their papers to find it.
    assert page.index('id="help-abroad"') < page.index('id="next"')
    assert page.count('id="help-abroad"') == 1


def test_a_phone_number_alone_is_enough(client, profile):
    client.force_login(profile.user)
    response = client.post(reverse("assistance:new"), {"phone_abroad": "+82 10 0000 0000"})
    assert response.status_code == 302
    assert HelpRequest.all_objects.get().kind == "other"


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_kept(client, profile):
    client.force_login(profile.user)
    fake = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not a picture", "image/jpeg")
    response = client.post(reverse("assistance:new"), {"zalo": "mai", "photos": [fake]})
    assert response.status_code == 400
    assert "anh.jpg" in response.text
    assert not HelpRequest.all_objects.exists() and not HelpRequestPhoto.all_objects.exists()


def test_nothing_to_reach_the_worker_by_is_explained(client, profile):
    client.force_login(profile.user)
    response = client.post(reverse("assistance:new"), {"what_happened": "Cứu tôi"})
    assert response.status_code == 400
    assert "Hãy ghi ít nhất một cách để liên lạc" in response.text
    assert "Cứu tôi" in response.text  # what was typed stays


def test_a_worker_at_home_is_told_to_call_the_centre_and_nothing_is_created(client, lao_cai):
    profile = ProfileFactory()
    client.force_login(profile.user)
    response = client.post(reverse("assistance:new"), {"phone_abroad": "0900"})
    assert "dành cho người lao động đang ở nước ngoài" in response.text
    assert not HelpRequest.all_objects.exists()


def test_the_staff_home_shows_an_overdue_request_first(client, profile, counsellor, lao_cai):
    late = help_request(profile, kind="abuse")
    HelpRequest.all_objects.filter(pk=late.pk).update(
        first_contact_due=timezone.now() - datetime.timedelta(hours=2)
    )
    help_request(abroad_profile(lao_cai, name="Lò Văn Páo"))
    login_staff(client, counsellor)

    page = client.get("/").text
    section = page[page.index("data-help-home") :]
    assert "2 đang mở, 1 chờ liên hệ lần đầu đã quá hạn" in section
    assert section.index("Giàng Thị Mai") < section.index("Lò Văn Páo")
    assert "Quá hạn liên hệ lần đầu từ" in section


def test_the_counsellor_sees_the_markets_contacts_without_a_guessed_number(
    client, profile, counsellor
):
    request = help_request(profile)
    contacts(request.market)
    login_staff(client, counsellor)

    page = client.get(reverse("assistance:staff_request", args=[request.pk])).text
    assert 'href="tel:1350"' in page
    assert "Ban Quản lý lao động, Đại sứ quán Việt Nam tại Hàn Quốc" in page
    assert "chưa có số đã xác minh" in page
    # The case's own status for leaving the contract is one link away, not a copy.
    assert reverse("workers:case_move", args=[profile.case.pk]) in page


def test_the_counsellor_records_first_contact_and_an_outcome_the_worker_then_reads(
    client, profile, counsellor
):
    request = help_request(profile)
    login_staff(client, counsellor)
    url = lambda action: reverse("assistance:staff_action", args=[request.pk, action])  # noqa: E731

    assert client.post(url("contact"), {"contact-note": "Gọi Zalo"}).status_code == 302
    refused = client.post(url("close"), {"close-outcome": "recovered"})
    assert refused.status_code == 400 and "Hãy ghi số tiền đã đòi được" in refused.text
    done = client.post(url("close"), {"close-outcome": "recovered", "close-amount": "12.500.000"})
    assert done.status_code == 302

    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.amount_recovered == 12_500_000
    client.force_login(profile.user)
    page = client.get(reverse("assistance:request", args=[request.pk])).text
    assert "Đã đòi được tiền bồi thường hoặc tiền lương" in page
    assert "12.500.000" in page


def test_a_counsellor_records_a_relatives_call_from_the_workers_page(client, profile, counsellor):
    login_staff(client, counsellor)
    assert (
        "Ghi yêu cầu trợ giúp nhận qua điện thoại"
        in client.get(reverse("workers:staff_worker", args=[profile.pk])).text
    )
    response = client.post(
        reverse("assistance:staff_new", args=[profile.pk]),
        {"source": "relative_phone", "kind": "health", "relative_contact": "Mẹ: 0900 000 000"},
    )
    request = HelpRequest.all_objects.get()
    assert response.status_code == 302 and request.source == "relative_phone"


def test_the_staff_list_and_home_read_the_same_few_queries_for_many_requests(
    client, profile, counsellor, lao_cai, django_assert_max_num_queries
):
    help_request(profile)
    login_staff(client, counsellor)
    pages = [reverse("assistance:staff_list"), "/"]
    counts = []
    for url in pages:  # one request per block: each request empties the query log
        with django_assert_max_num_queries(40) as few:
            client.get(url)
        counts.append(len(few.captured_queries))
    for _ in range(4):
        help_request(abroad_profile(lao_cai))
    for url, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert "Không được trả lương" in client.get(url).text


def test_the_staff_list_goes_page_by_page_with_the_same_few_queries(
    client, profile, counsellor, lao_cai, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("assistance.views.HELP_PER_PAGE", 2)
    made = [help_request(profile, what_happened=f"Yêu cầu số {n}") for n in range(5)]
    login_staff(client, counsellor)
    url = reverse("assistance:staff_list")

    def shown(response) -> list[int]:
        return [int(pk) for pk in re.findall(r'data-help-request="(\d+)"', response.text)]

    with django_assert_max_num_queries(40) as first:  # one request per block
        page_1 = client.get(url, {"status": "all"})
    with django_assert_max_num_queries(len(first.captured_queries)):
        page_3 = client.get(url, {"status": "all", "page": 3})

    newest_first = [r.pk for r in reversed(made)]
    assert shown(page_1) == newest_first[:2] and shown(page_3) == newest_first[4:]
    assert 'rel="next"' in page_1.text and "status=all&amp;page=2" in page_1.text
    assert "Trang 1 / 3" in page_1.text
    assert 'rel="next"' not in page_3.text
    assert shown(client.get(url, {"status": "all", "page": 99})) == newest_first[4:]


def test_services_refuse_what_the_page_would_not_offer(profile, counsellor):
    request = help_request(profile)
    with pytest.raises(services.HelpError):
        services.help_request_note(request_id=request.pk, actor=counsellor, text="  ")
