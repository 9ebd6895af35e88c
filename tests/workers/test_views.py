import datetime
import json

import pytest
from django.urls import reverse

from accounts.models import Consent, ConsentText, Role, User
from tests.conftest import login_staff
from tests.factories import StaffFactory, WorkerFactory
from tests.workers.factories import (
    VALID_ID,
    ProfileFactory,
    heic_upload,
    jpeg_upload,
    pdf_upload,
    png_upload,
)
from workers.models import Document, DuplicateIdAttempt, SensitiveRead, WorkerProfile

pytestmark = pytest.mark.django_db


def step_url(step: str) -> str:
    return reverse("workers:profile_step", args=[step])


def identity_post(profile: WorkerProfile, **overrides: str) -> dict[str, str]:
    data = {
        "version": str(profile.version),
        "name": "Giàng Thị Mai",
        "date_of_birth": "1990-05-17",
        "sex": "female",
        "personal_id": VALID_ID,
        "id_issued_on": "2021-06-01",
    }
    data.update(overrides)
    return data


@pytest.fixture
def signed_in(client, worker):
    ProfileFactory(user=worker)
    client.force_login(worker)
    return worker


# --- consent ---------------------------------------------------------------------------


def test_a_worker_must_accept_the_consent_text_before_the_file_opens(client, worker):
    client.force_login(worker)

    response = client.get(reverse("workers:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workers:consent"))
    assert not WorkerProfile.all_objects.filter(user=worker).exists()

    response = client.post(reverse("workers:consent"), {"accept": "yes"})

    assert response.status_code == 302
    consent = Consent.objects.get(user=worker)
    assert consent.text.version == 1
    assert consent.method == Consent.Method.ONLINE
    assert WorkerProfile.all_objects.filter(user=worker).exists()


def test_a_new_consent_version_asks_again(client, signed_in):
    assert client.get(step_url("identity")).status_code == 200

    ConsentText.objects.create(version=2, body_vi="Mới", body_en="New")

    response = client.get(step_url("identity"))
    assert response["Location"].startswith(reverse("workers:consent"))
    page = client.get(reverse("workers:consent"))
    assert page.context["renewal"] is True
    client.post(reverse("workers:consent"), {"accept": "yes"})
    assert set(signed_in.consents.values_list("text__version", flat=True)) == {1, 2}
    assert client.get(step_url("identity")).status_code == 200


# --- the wizard -------------------------------------------------------------------------


def test_each_step_saves_on_its_own_and_leads_to_the_next(client, signed_in):
    profile = signed_in.worker_profile

    response = client.post(step_url("identity"), identity_post(profile))

    assert response.status_code == 302
    assert response["Location"] == step_url("contact")
    profile.refresh_from_db()
    assert profile.personal_id == VALID_ID
    assert profile.steps_done == ["identity"]


def test_coming_back_resumes_at_the_first_unfinished_step(client, signed_in):
    client.post(step_url("identity"), identity_post(signed_in.worker_profile))

    response = client.get(reverse("workers:profile"))

    assert response["Location"] == step_url("contact")


def test_an_interrupted_step_loses_only_itself(client, signed_in):
    profile = signed_in.worker_profile
    client.post(step_url("identity"), identity_post(profile))
    profile.refresh_from_db()

    # The connection drops: the contact step's POST never arrives. The next visit:
    response = client.get(step_url("contact"))

    assert response.status_code == 200
    profile.refresh_from_db()
    assert profile.personal_id == VALID_ID
    assert profile.next_step == "contact"


def test_a_bad_step_says_what_is_wrong_and_keeps_what_was_typed(client, signed_in):
    profile = signed_in.worker_profile

    response = client.post(
        step_url("identity"), identity_post(profile, personal_id="01519012", date_of_birth="")
    )

    assert response.status_code == 200
    assert "12 chữ số" in response.text
    assert 'value="01519012"' in response.text
    assert 'value="Giàng Thị Mai"' in response.text
    profile.refresh_from_db()
    assert profile.personal_id is None and profile.steps_done == []


def test_under_18_is_refused(client, signed_in):
    response = client.post(
        step_url("identity"), identity_post(signed_in.worker_profile, date_of_birth="2010-01-01")
    )

    assert response.status_code == 200
    assert "từ 18 tuổi" in response.text
    # The age rule is Law 69/2020 Art. 44(1); an earlier text cited Art. 3, which is wrong.
    assert "Điều 44, khoản 1" in response.text
    assert "Điều 3)" not in response.text
    assert not WorkerProfile.all_objects.filter(personal_id=VALID_ID).exists()


def test_an_id_that_disagrees_is_explained_then_saved_and_flagged_when_confirmed(client, signed_in):
    profile = signed_in.worker_profile
    wrong_year = "015191123456"

    first = client.post(step_url("identity"), identity_post(profile, personal_id=wrong_year))
    assert first.status_code == 200
    assert "năm sinh" in first.text
    assert 'name="confirm_id"' in first.text

    second = client.post(
        step_url("identity"), identity_post(profile, personal_id=wrong_year, confirm_id="on")
    )
    assert second.status_code == 302
    profile.refresh_from_db()
    assert profile.personal_id == wrong_year
    assert profile.id_problems == ["year"]


def test_a_second_registration_with_the_same_id_is_stopped_and_recorded(client, signed_in):
    holder = ProfileFactory()
    holder.personal_id = VALID_ID
    holder.save()

    response = client.post(step_url("identity"), identity_post(signed_in.worker_profile))

    assert response.status_code == 200
    assert "mang thẻ" in response.text
    attempt = DuplicateIdAttempt.all_objects.get()
    assert attempt.existing == holder
    assert attempt.attempted_by == signed_in


def test_two_tabs_saving_the_same_step_cannot_overwrite_each_other(client, signed_in):
    profile = signed_in.worker_profile
    opened_at = profile.version
    client.post(step_url("contact"), {"version": opened_at, "contact_note": "tab one"})

    response = client.post(step_url("contact"), {"version": opened_at, "contact_note": "tab two"})

    assert response.status_code == 302  # back to the form, with the latest values
    profile.refresh_from_db()
    assert profile.contact_note == "tab one"
    page = client.get(response["Location"])
    assert "tab one" in page.text


def test_the_address_step_lists_the_communes_of_the_chosen_province(client, signed_in, dong_thap):
    profile = signed_in.worker_profile

    refreshed = client.post(
        step_url("address"), {"version": profile.version, "province": dong_thap.pk, "refresh": "1"}
    )
    commune = dong_thap.communes.first()

    assert refreshed.status_code == 200
    assert commune.name in refreshed.text
    saved = client.post(
        step_url("address"),
        {
            "version": profile.version,
            "province": dong_thap.pk,
            "commune": commune.pk,
            "address_line": "Ấp 3",
        },
    )
    assert saved.status_code == 302
    profile.refresh_from_db()
    assert profile.commune == commune


def test_a_commune_of_another_province_is_refused(client, signed_in, lao_cai, dong_thap):
    profile = signed_in.worker_profile
    response = client.post(
        step_url("address"),
        {
            "version": profile.version,
            "province": lao_cai.pk,
            "commune": dong_thap.communes.first().pk,
        },
    )

    assert response.status_code == 200
    profile.refresh_from_db()
    assert profile.commune is None


def test_completing_every_step_shows_a_complete_file(client, signed_in, lao_cai):
    profile = signed_in.worker_profile
    commune = lao_cai.communes.first()
    posts = [
        ("identity", identity_post(profile)),
        ("contact", {"contact_note": "Zalo: Mai"}),
        ("address", {"province": lao_cai.pk, "commune": commune.pk, "address_line": "Bản Lầu"}),
        ("background", {"ethnicity": "mong", "priority_groups": ["poor", "ethnic_minority"]}),
        ("education", {"education": "lower_secondary", "jlpt_level": "N4"}),
        ("plans", {"desired_markets": ["JP", "KR"], "desired_occupations": "Nông nghiệp"}),
        ("health", {"health_fit": "True", "has_criminal_record": "False"}),
    ]
    for step, data in posts:
        profile.refresh_from_db()
        response = client.post(step_url(step), {"version": profile.version, **data})
        assert response.status_code == 302, (
            step,
            response.context and response.context["form"].errors,
        )

    profile.refresh_from_db()
    assert profile.percent_complete == 100
    assert profile.priority_groups == ["poor", "ethnic_minority"]
    assert profile.desired_markets == ["JP", "KR"]
    assert profile.health_fit is True and profile.has_criminal_record is False
    home = client.get(reverse("home"))
    progress = home.context["progress"]
    assert progress.profile_complete
    # Said as what it is: the profile is filled in, documents are still to send; never
    # "100% complete" beside a list of missing papers.
    assert "%" not in home.text.split('id="next"')[1].split("</section>")[0]
    # Claimed priority groups and a language level add documents to the checklist, and a
    # group's proof names its group.
    labels = [m.label for m in progress.unsent]
    assert any("Hộ nghèo" in label for label in labels)
    assert any("dân tộc thiểu số" in label for label in labels)
    assert "passport" in [m.code for m in progress.unsent]


# --- documents --------------------------------------------------------------------------


def post_document(client, code, upload, **extra):
    return client.post(
        reverse("workers:documents"), {"type": code, "priority_group": "", "file": upload, **extra}
    )


@pytest.mark.parametrize(
    ("upload", "stored_type"),
    [
        (jpeg_upload, "image/jpeg"),
        (png_upload, "image/png"),
        (heic_upload, "image/jpeg"),
        (pdf_upload, "application/pdf"),
    ],
)
def test_accepted_kinds_are_stored_privately(
    client, signed_in, settings, tmp_path, upload, stored_type
):
    settings.MEDIA_ROOT = tmp_path

    response = post_document(client, "passport", upload(), expires_on="2031-01-01")

    assert response.status_code == 302
    document = Document.all_objects.get()
    assert document.content_type == stored_type
    assert document.status == Document.Status.UPLOADED
    assert str(document.expires_on) == "2031-01-01"
    assert document.file.name.startswith(f"documents/{signed_in.worker_profile.pk}/")
    assert "passport" not in document.file.name and "photo" not in document.file.name


def test_images_are_reencoded_without_their_metadata(client, signed_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    post_document(client, "id_card", jpeg_upload(exif=True))

    stored = Document.all_objects.get().file.read()
    assert b"Secret Phone Model" not in stored
    assert stored.startswith(b"\xff\xd8\xff")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", b"MZ\x90\x00 this is a windows program", "Chỉ nhận ảnh"),
        ("notes.pdf", b"<html><script>alert(1)</script></html>", "Chỉ nhận ảnh"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 truncated", "không đọc được"),
        (
            "doc.pdf",
            b"%PDF-1.4\n/OpenAction<</S/JavaScript/JS(app.alert(1))>>\n%%EOF",
            "chương trình",
        ),
    ],
)
def test_disguised_or_broken_files_are_refused_with_the_reason(
    client, signed_in, settings, tmp_path, name, content, message
):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = post_document(client, "passport", SimpleUploadedFile(name, content))

    assert response.status_code == 200
    assert message in response.text
    assert not Document.all_objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused(client, signed_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = pdf_upload(content=b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"\n%%EOF")

    response = post_document(client, "passport", big)

    assert response.status_code == 200
    assert "10 MB" in response.text
    assert not Document.all_objects.exists()


def test_a_refused_upload_keeps_the_rest_of_the_file(client, signed_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    post_document(client, "passport", jpeg_upload())
    from django.core.files.uploadedfile import SimpleUploadedFile

    post_document(client, "id_card", SimpleUploadedFile("x.jpg", b"not an image at all"))

    assert list(Document.all_objects.values_list("type__code", flat=True)) == ["passport"]


# --- who may see a document -------------------------------------------------------------


@pytest.fixture
def stored_document(settings, tmp_path, lao_cai):
    settings.MEDIA_ROOT = tmp_path
    from workers import services
    from workers.models import DocumentType
    from workers.uploads import clean_upload

    profile = ProfileFactory(user=WorkerFactory(province=lao_cai))
    return services.document_upload(
        profile=profile,
        doc_type=DocumentType.objects.get(code="passport"),
        clean=clean_upload(jpeg_upload()),
        original_name="p.jpg",
        expires_on=None,
        priority_group="",
        actor=profile.user,
    )


def test_the_owner_can_open_their_document(client, stored_document):
    client.force_login(stored_document.profile.user)

    response = client.get(reverse("workers:document_file", args=[stored_document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")


def test_a_counsellor_of_the_province_can_open_it_and_the_read_is_logged(
    client, stored_document, counsellor
):
    login_staff(client, counsellor)

    response = client.get(reverse("workers:document_file", args=[stored_document.pk]))

    assert response.status_code == 200
    read = SensitiveRead.objects.get()
    assert (read.staff, read.profile, read.context) == (
        counsellor,
        stored_document.profile,
        "document:passport",
    )


def test_a_counsellor_of_another_province_gets_404(client, stored_document, other_counsellor):
    login_staff(client, other_counsellor)

    response = client.get(reverse("workers:document_file", args=[stored_document.pk]))

    assert response.status_code == 404
    assert not SensitiveRead.objects.exists()


def test_another_worker_gets_404(client, stored_document):
    client.force_login(WorkerFactory())

    assert (
        client.get(reverse("workers:document_file", args=[stored_document.pk])).status_code == 404
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, stored_document):
    response = client.get(reverse("workers:document_file", args=[stored_document.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_uploaded_files_have_no_public_url(client, stored_document):
    assert client.get("/media/" + stored_document.file.name).status_code == 404


# --- staff pages ------------------------------------------------------------------------


def test_the_staff_worker_page_shows_sensitive_fields_and_logs_the_read(client, counsellor):
    profile = ProfileFactory(user=WorkerFactory(province=counsellor.province), ethnicity="mong")
    profile.claims.create(group="poor")
    login_staff(client, counsellor)

    response = client.get(reverse("workers:staff_worker", args=[profile.pk]))

    assert response.status_code == 200
    assert "Mông" in response.text
    assert SensitiveRead.objects.filter(staff=counsellor, profile=profile).count() == 1


def test_the_case_page_warns_of_someone_else_using_the_worker_s_id(client, counsellor):
    holder = ProfileFactory(user=WorkerFactory(province=counsellor.province))
    other = ProfileFactory(user=WorkerFactory(province=counsellor.province, name="Lò Văn Sử"))
    warning = "Đã có người khác đăng ký bằng số định danh cá nhân này"
    login_staff(client, counsellor)
    page = reverse("workers:staff_worker", args=[holder.pk])

    before = client.get(page).text
    DuplicateIdAttempt.all_objects.create(
        personal_id=VALID_ID, existing=holder, profile=other, attempted_by=other.user
    )
    after = client.get(page).text

    assert warning not in before
    assert warning in after and "Lò Văn Sử" in after
    assert reverse("workers:staff_worker", args=[other.pk]) in after


def test_sensitive_reads_are_logged_once_a_day_per_staff_worker_and_place(
    client, counsellor, stored_document
):
    profile = stored_document.profile
    colleague = StaffFactory(role=Role.COUNSELLOR, province=counsellor.province)
    page = reverse("workers:staff_worker", args=[profile.pk])
    login_staff(client, counsellor)

    for _ in range(3):
        client.get(page)
    client.get(reverse("workers:document_file", args=[stored_document.pk]))
    first = SensitiveRead.objects.get(staff=counsellor, context="worker_page")
    SensitiveRead.objects.filter(pk=first.pk).update(day=first.day - datetime.timedelta(days=1))
    client.get(page)  # a new day: a new row
    login_staff(client, colleague)
    client.get(page)

    reads = SensitiveRead.objects.filter(profile=profile)
    assert sorted(reads.values_list("staff_id", "context")) == sorted([
        (counsellor.pk, "worker_page"),
        (counsellor.pk, "worker_page"),
        (counsellor.pk, "document:passport"),
        (colleague.pk, "worker_page"),
    ])  # fmt: skip
    assert SensitiveRead.objects.get(pk=first.pk).read_at == first.read_at  # the first read


def test_the_case_page_says_when_no_document_is_uploaded_and_lists_those_that_are(
    client, counsellor, stored_document
):
    empty = ProfileFactory(user=WorkerFactory(province=counsellor.province))
    login_staff(client, counsellor)

    nothing = client.get(reverse("workers:staff_worker", args=[empty.pk])).text
    one = client.get(reverse("workers:staff_worker", args=[stored_document.profile_id])).text

    assert "Chưa có giấy tờ nào được tải lên." in nothing
    assert "Chưa có giấy tờ nào được tải lên." not in one
    assert reverse("workers:document_file", args=[stored_document.pk]) in one


@pytest.mark.parametrize("name", ["workers:staff_worker", "workers:staff_step"])
def test_staff_worker_pages_of_another_province_are_404(client, other_counsellor, name):
    profile = ProfileFactory()
    login_staff(client, other_counsellor)
    args = [profile.pk] if name == "workers:staff_worker" else [profile.pk, "identity"]

    assert client.get(reverse(name, args=args)).status_code == 404
    assert not SensitiveRead.objects.exists()


def test_other_workers_and_anonymous_visitors_cannot_open_staff_worker_pages(client):
    profile = ProfileFactory()
    url = reverse("workers:staff_worker", args=[profile.pk])

    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(WorkerFactory())
    assert client.get(url).status_code == 404


def test_document_review_of_another_province_is_404(client, stored_document, other_counsellor):
    login_staff(client, other_counsellor)

    response = client.post(reverse("workers:document_review", args=[stored_document.pk, "verify"]))

    assert response.status_code == 404
    stored_document.refresh_from_db()
    assert stored_document.status == Document.Status.UPLOADED


def test_a_counsellor_verifies_and_returns_documents_from_the_worker_page(
    client, stored_document, counsellor
):
    login_staff(client, counsellor)
    url = reverse("workers:document_review", args=[stored_document.pk, "return"])

    client.post(url, {"reason": "Ảnh bị mờ, chụp lại"})
    stored_document.refresh_from_db()
    assert stored_document.status == Document.Status.RETURNED
    assert stored_document.return_reason == "Ảnh bị mờ, chụp lại"

    client.post(reverse("workers:document_review", args=[stored_document.pk, "verify"]))
    stored_document.refresh_from_db()
    assert stored_document.status == Document.Status.VERIFIED
    assert stored_document.reviewed_by == counsellor


def test_a_counsellor_registers_a_walk_in_and_fills_the_file_on_their_behalf(client, counsellor):
    login_staff(client, counsellor)

    response = client.post(
        reverse("workers:staff_new"),
        {"name": "Vàng A Páo", "phone": "0912 000 111", "consent_on_paper": "on"},
    )

    user = User.objects.get(phone="+84912000111")
    profile = user.worker_profile
    assert response["Location"] == reverse("workers:staff_step", args=[profile.pk, "identity"])
    assert Consent.objects.get(user=user).recorded_by == counsellor
    saved = client.post(
        response["Location"],
        identity_post(profile, name="Vàng A Páo", sex="male", personal_id="015090123456"),
    )
    assert saved.status_code == 302
    profile.refresh_from_db()
    assert profile.personal_id == "015090123456"


def test_walk_in_registration_without_paper_consent_is_refused(client, counsellor):
    login_staff(client, counsellor)

    response = client.post(reverse("workers:staff_new"), {"name": "A", "phone": "0912000111"})

    assert response.status_code == 200
    assert not User.objects.filter(phone="+84912000111").exists()


def test_staff_worker_list_is_scoped_and_its_query_count_does_not_grow(
    client, counsellor, lao_cai, dong_thap, django_assert_max_num_queries
):
    ProfileFactory.create_batch(3, user__province=lao_cai)
    hidden = ProfileFactory(user__province=dong_thap)
    login_staff(client, counsellor)
    with django_assert_max_num_queries(20) as few:
        first = client.get(reverse("workers:staff_workers"))

    ProfileFactory.create_batch(30, user__province=lao_cai)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("workers:staff_workers"))

    assert response.context["page"].paginator.count == 33
    assert hidden.user.name not in first.text + response.text


def test_staff_worker_list_searches_like_the_caseload_and_lists_id_problems_apart(
    client, counsellor, lao_cai, dong_thap
):
    flagged = ProfileFactory(
        user=WorkerFactory(province=lao_cai, name="Nguyễn Thị Hoà"),
        id_problems=["The sex digit does not match."],
    )
    plain = ProfileFactory(user=WorkerFactory(province=lao_cai, name="Lò Văn Sáng"))
    ProfileFactory(
        user=WorkerFactory(province=dong_thap, name="Nguyễn Thị Hoa"),
        id_problems=["The sex digit does not match."],
    )
    login_staff(client, counsellor)

    def listed(**params: str) -> list[str]:
        page = client.get(reverse("workers:staff_workers"), params).context["page"]
        return [profile.user.name for profile in page]

    assert listed(q="nguyen thi hoa") == ["Nguyễn Thị Hoà"]  # typed without diacritics
    assert listed(flag="id") == ["Nguyễn Thị Hoà"]  # not the other province's
    assert listed() == ["Lò Văn Sáng", "Nguyễn Thị Hoà"]  # newest first
    assert (
        reverse("workers:staff_worker", args=[plain.pk])
        in client.get(reverse("workers:staff_workers")).text
    )
    assert flagged.case.province == lao_cai


# --- the worker's own data --------------------------------------------------------------


def test_download_my_data_gives_everything_as_json(client, signed_in):
    client.post(step_url("identity"), identity_post(signed_in.worker_profile))

    response = client.get(reverse("workers:my_data"), {"format": "json"})

    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(response.content)
    assert data["profile"]["personal_id"] == VALID_ID
    assert data["account"]["name"] == "Giàng Thị Mai"
    assert data["consents"][0]["version"] == 1
    printable = client.get(reverse("workers:my_data"))
    assert VALID_ID in printable.text


def test_a_worker_asks_to_delete_their_account_and_counsellors_see_it(
    client, signed_in, counsellor
):
    response = client.post(reverse("workers:delete"), {"confirm": "on", "reason": "Đổi ý"})
    assert response.status_code == 302
    assert signed_in.worker_profile.deletion_request.reason == "Đổi ý"

    login_staff(client, counsellor)
    page = client.get(reverse("workers:staff_deletions"))
    assert signed_in.name in page.text


def test_staff_are_not_sent_to_the_worker_wizard(client, counsellor):
    login_staff(client, counsellor)

    assert client.get(reverse("workers:profile")).status_code == 404


def test_the_worker_home_shows_the_case_stages_reached_and_the_next_step(client, signed_in):
    from workers.models import Case, CaseEvent

    case = signed_in.worker_profile.case
    CaseEvent.objects.create(
        case=case, from_stage="registered", to_stage="counselled", actor=signed_in
    )
    Case.all_objects.filter(pk=case.pk).update(stage="counselled")

    response = client.get(reverse("home"))

    states = [(s.label, s.state) for s in response.context["timeline"]]
    assert states[:3] == [
        ("Đã đăng ký", "done"),
        ("Đã được tư vấn", "current"),
        (states[2][0], "todo"),
    ]
    assert "ngoại ngữ" in response.text  # the next step after counselling


@pytest.mark.django_db(transaction=True)
def test_a_read_committed_today_is_not_written_again_and_a_new_day_is(
    client, counsellor, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workers.services import profiles

    profile = ProfileFactory(user=WorkerFactory(province=counsellor.province))
    page = reverse("workers:staff_worker", args=[profile.pk])
    login_staff(client, counsellor)

    def inserts() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200
        return sum("INSERT" in q["sql"] and "sensitiveread" in q["sql"] for q in queries)

    assert [inserts(), inserts(), inserts()] == [1, 0, 0]
    today = profiles.timezone.localdate()
    monkeypatch.setattr(
        profiles.timezone, "localdate", lambda *a: today + datetime.timedelta(days=1)
    )
    assert [inserts(), inserts()] == [1, 0]
    assert SensitiveRead.objects.filter(staff=counsellor, profile=profile).count() == 2


def test_a_read_whose_page_failed_is_logged_again(counsellor):
    from django.db import transaction

    from workers.services import profiles

    profile = ProfileFactory(user=WorkerFactory(province=counsellor.province))
    with pytest.raises(RuntimeError), transaction.atomic():
        profiles.sensitive_read_record(staff=counsellor, profile=profile, context="worker_page")
        raise RuntimeError("the page failed after logging the read")

    assert not SensitiveRead.objects.exists()
    profiles.sensitive_read_record(staff=counsellor, profile=profile, context="worker_page")
    assert SensitiveRead.objects.filter(staff=counsellor, profile=profile).count() == 1
