import datetime
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Consent, Role, User
from tests.factories import WorkerFactory
from tests.workers.factories import (
    VALID_ID,
    ProfileFactory,
    identity_values,
    jpeg_upload,
)
from workers import services
from workers.models import (
    Case,
    DeletionRequest,
    Document,
    DocumentEvent,
    DocumentType,
    DuplicateIdAttempt,
    WorkerProfile,
)
from workers.tasks import anonymise_due_deletions
from workers.uploads import clean_upload

pytestmark = pytest.mark.django_db


def save_identity(profile: WorkerProfile, actor: User, **overrides: object) -> WorkerProfile:
    return services.profile_save_step(
        profile_id=profile.pk,
        step="identity",
        values=identity_values(**overrides),
        expected_version=profile.version,
        actor=actor,
    )


def test_a_step_saves_its_fields_marks_it_done_and_bumps_the_version():
    profile = ProfileFactory()

    saved = save_identity(profile, profile.user)

    assert saved.personal_id == VALID_ID
    assert saved.date_of_birth == datetime.date(1990, 5, 17)
    assert saved.steps_done == ["identity"]
    assert saved.version == profile.version + 1
    assert User.objects.get(pk=profile.user_id).name == "Giàng Thị Mai"


def test_a_step_touches_no_other_step_fields():
    profile = ProfileFactory(contact_note="Zalo: Mai", ethnicity="mong")

    save_identity(profile, profile.user)

    profile.refresh_from_db()
    assert profile.contact_note == "Zalo: Mai"
    assert profile.ethnicity == "mong"


def test_a_stale_form_is_refused_and_nothing_is_written():
    profile = ProfileFactory()
    save_identity(profile, profile.user)  # another tab saved first; version moved on

    with pytest.raises(services.StaleProfile):
        services.profile_save_step(
            profile_id=profile.pk,
            step="contact",
            values={"contact_note": "late tab"},
            expected_version=profile.version,
            actor=profile.user,
        )

    profile.refresh_from_db()
    assert profile.contact_note == ""
    assert profile.steps_done == ["identity"]


def test_a_personal_id_already_registered_is_refused_and_the_attempt_recorded():
    holder = ProfileFactory()
    save_identity(holder, holder.user)
    newcomer = ProfileFactory()

    with pytest.raises(services.DuplicatePersonalId):
        save_identity(newcomer, newcomer.user)

    newcomer.refresh_from_db()
    assert newcomer.personal_id is None
    [attempt] = DuplicateIdAttempt.all_objects.all()
    assert attempt.existing_id == holder.pk
    assert attempt.attempted_by == newcomer.user
    assert attempt.personal_id == VALID_ID


def test_saving_ones_own_personal_id_again_is_not_a_duplicate():
    profile = ProfileFactory()
    profile = save_identity(profile, profile.user)

    save_identity(profile, profile.user)

    assert not DuplicateIdAttempt.all_objects.exists()


def test_the_address_step_moves_the_account_to_the_communes_province(lao_cai, dong_thap):
    profile = ProfileFactory(user=WorkerFactory(province=lao_cai))
    commune = dong_thap.communes.first()

    services.profile_save_step(
        profile_id=profile.pk,
        step="address",
        values={"commune": commune, "address_line": "Ấp 3", "old_address": ""},
        expected_version=profile.version,
        actor=profile.user,
    )

    assert User.objects.get(pk=profile.user_id).province == dong_thap


def test_the_case_follows_the_sex_and_commune_the_worker_saves(lao_cai, counsellor):
    from workers import selectors
    from workers.selectors import CaseloadFilters

    profile = ProfileFactory(user=WorkerFactory(province=lao_cai), sex="male")
    commune = lao_cai.communes.order_by("name").first()

    def found(**filters: Any) -> bool:
        cases = selectors.caseload(counsellor, CaseloadFilters(**filters), timezone.localdate())
        return cases.filter(profile=profile).exists()

    save_identity(profile, profile.user, sex="female")
    profile.refresh_from_db()
    services.profile_save_step(
        profile_id=profile.pk,
        step="address",
        values={"commune": commune, "address_line": "Thôn 2", "old_address": ""},
        expected_version=profile.version,
        actor=profile.user,
    )

    assert found(sex="female", commune=commune.pk)
    assert not found(sex="male")
    case = Case.all_objects.get(profile=profile)
    assert (case.sex, case.commune_id) == ("female", commune.pk)


def test_assisted_registration_records_paper_consent_and_who_took_it(counsellor):
    profile = services.worker_register_assisted(
        counsellor=counsellor, name="Vàng A Páo", phone="+84912000111", email=None
    )

    user = profile.user
    assert user.role == Role.WORKER
    assert user.province == counsellor.province
    assert not user.has_usable_password()
    consent = Consent.objects.get(user=user)
    assert consent.method == Consent.Method.PAPER
    assert consent.recorded_by == counsellor
    assert profile.created_by == counsellor


def upload(profile, actor, code="passport"):
    return services.document_upload(
        profile=profile,
        doc_type=DocumentType.objects.get(code=code),
        clean=clean_upload(jpeg_upload()),
        original_name="p.jpg",
        expires_on=datetime.date(2030, 1, 1),
        priority_group="",
        actor=actor,
    )


def test_verify_and_return_write_an_event_with_who_and_why(counsellor):
    profile = ProfileFactory(user=WorkerFactory(province=counsellor.province))
    document = upload(profile, profile.user)

    services.document_return(document_id=document.pk, actor=counsellor, reason="Ảnh mờ")
    services.document_verify(document_id=document.pk, actor=counsellor)

    document.refresh_from_db()
    assert document.status == Document.Status.VERIFIED
    events = list(
        DocumentEvent.objects.filter(document=document).values_list(
            "from_status", "to_status", "actor", "reason"
        )
    )
    assert events == [
        ("", "uploaded", profile.user_id, ""),
        ("uploaded", "returned", counsellor.pk, "Ảnh mờ"),
        ("returned", "verified", counsellor.pk, ""),
    ]


def test_verifying_a_verified_document_is_refused(counsellor):
    profile = ProfileFactory(user=WorkerFactory(province=counsellor.province))
    document = upload(profile, profile.user)
    services.document_verify(document_id=document.pk, actor=counsellor)

    with pytest.raises(services.InvalidTransition):
        services.document_verify(document_id=document.pk, actor=counsellor)

    assert DocumentEvent.objects.filter(document=document).count() == 2


def test_returning_needs_a_reason(counsellor):
    profile = ProfileFactory(user=WorkerFactory(province=counsellor.province))
    document = upload(profile, profile.user)

    with pytest.raises(services.InvalidTransition):
        services.document_return(document_id=document.pk, actor=counsellor, reason="  ")

    document.refresh_from_db()
    assert document.status == Document.Status.UPLOADED


def test_anonymising_erases_personal_data_and_files_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    profile = ProfileFactory()
    profile = save_identity(profile, profile.user)
    document = upload(profile, profile.user)
    path = document.file.path
    request = services.deletion_request_create(profile=profile, reason="")
    DeletionRequest.all_objects.filter(pk=request.pk).update(
        requested_at=timezone.now()
        - datetime.timedelta(days=settings.WORKER_DATA_RETENTION_DAYS + 1)
    )

    assert anonymise_due_deletions() == 1
    assert anonymise_due_deletions() == 0

    profile.refresh_from_db()
    user = User.objects.get(pk=profile.user_id)
    assert profile.personal_id is None and profile.date_of_birth is None
    assert profile.anonymised_at is not None
    assert user.phone is None and not user.is_active
    assert "Giàng" not in user.name
    assert not Document.all_objects.filter(profile=profile).exists()
    # Nothing left on the case that a counsellor's search or filter would find.
    case = Case.all_objects.get(profile=profile)
    assert "giang" not in case.search_name and (case.sex, case.commune_id) == ("", None)
    import os

    assert not os.path.exists(path)


def test_a_deletion_request_younger_than_the_retention_period_waits(settings):
    profile = ProfileFactory()
    services.deletion_request_create(profile=profile, reason="")

    assert anonymise_due_deletions() == 0
    assert User.objects.get(pk=profile.user_id).is_active


def test_staff_reads_of_sensitive_fields_are_logged(counsellor):
    profile = ProfileFactory(user=WorkerFactory(province=counsellor.province))

    services.sensitive_read_record(staff=counsellor, profile=profile, context="worker_page")

    [read] = profile.reads.all()
    assert read.staff == counsellor
    assert read.context == "worker_page"
