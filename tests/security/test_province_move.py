"""Finding 2 of the security review: a worker who moves province takes their data along.

The worker changes their address to a commune of another province. Every row that is
scoped by a province is either moved with them (and then the old province's staff get 404
and the new province's staff see it) or stays on purpose with something else's province
(a fair's registrations stay with the province that runs the fair). A scoped model that is
not classified here fails `test_every_scoped_model_is_classified`.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import ScopedQuerySet
from assistance import services as assistance_services
from assistance.models import HelpRequest, HelpRequestPhoto
from assistance.services import help_request_create
from loans.models import Application, Attachment
from tests.conftest import login_staff
from tests.factories import StaffFactory
from tests.fairs.factories import FairFactory, register
from tests.loans.factories import attach, grant_programme, submitted_grant, worker_profile
from tests.workers.factories import jpeg_upload
from workers import services
from workers.models import (
    Case,
    CaseEvent,
    CounsellingSession,
    DeletionRequest,
    Document,
    DocumentType,
    FollowUp,
    ProfileStep,
    WorkerProfile,
)
from workers.uploads import clean_upload

pytestmark = pytest.mark.django_db

#: Scoped models whose rows follow the worker to the new province.
MOVES = {
    "accounts.User",
    "workers.WorkerProfile",
    "workers.Case",
    "workers.CounsellingSession",
    "workers.FollowUp",
    "workers.Document",
    "workers.DeletionRequest",
    "workers.DuplicateIdAttempt",
    "loans.Application",
    "loans.Attachment",
    "assistance.HelpRequest",
    "assistance.HelpRequestPhoto",
}
#: Scoped models that are not a worker's, or stay with another thing's province on purpose.
STAYS = {
    "fairs.Fair": "a fair belongs to the province that runs it",
    "fairs.Participation": "an enterprise at a fair: the fair's province",
    "fairs.Registration": "the fair's attendee list stays with the fair's organisers",
    "fairs.Interview": "an interview at a fair: the fair's province",
    "markets.Notice": "not a worker's data",
    "orientation.Module": "a province's lesson stays with the province that wrote it",
    "markets.FraudReport": "not a worker's data",
    "markets.Complaint": "handled by the province where it was lodged (where the enterprise "
    "or broker dealt with her, and whose inspectorate acts); she still follows it under "
    "her account",
    "reports.Target": "not a worker's data",
    "loans.KeptSupportRecord": "the old province's accounting minimum of support it paid "
    "(docs/data-integrity.md): no file, the name reduced",
    "workers.ProvinceTransfer": "the record of the handover, seen by both provinces "
    "(the worker's name and the two provinces, nothing of the file)",
}


def scoped_models() -> set[str]:
    return {
        m._meta.label
        for m in apps.get_models()
        if isinstance(m._default_manager.all(), ScopedQuerySet)
    }


def test_every_scoped_model_is_classified():
    assert scoped_models() - MOVES - set(STAYS) == set()


@pytest.fixture
def moved(lao_cai, dong_thap, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old_counsellor = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    old_manager = StaffFactory(role=Role.MANAGER, province=lao_cai)
    new_counsellor = StaffFactory(role=Role.COUNSELLOR, province=dong_thap)
    profile = worker_profile(lao_cai, groups=["poor"])
    worker = profile.user
    case = Case.all_objects.get(profile=profile)
    services.case_assign(case_ids=[case.pk], to=old_counsellor, actor=old_manager)
    document = services.document_upload(
        profile=profile,
        doc_type=DocumentType.objects.get(code="passport"),
        clean=clean_upload(jpeg_upload()),
        original_name="p.jpg",
        expires_on=None,
        priority_group="",
        actor=worker,
    )
    session = services.session_log(
        counsellor=old_counsellor,
        case=case,
        channel="phone",
        topics=["fees"],
        held_at=timezone.now(),
        duration_minutes=5,
        outcome="",
        next_step="",
    )
    follow_up = services.follow_up_create(
        case=case, title="Gọi lại", due_on=timezone.localdate(), assignee=old_counsellor,
        actor=old_counsellor,
    )  # fmt: skip
    application = submitted_grant(profile, grant_programme(province=None))
    attachment = application.attachments.first() or attach(application, worker)
    fair = FairFactory(province=lao_cai, created_by=old_counsellor)
    registration = register(fair, worker).registration
    DeletionRequest.all_objects.create(profile=profile)
    Case.all_objects.filter(pk=case.pk).update(stage="departed")
    help_request = help_request_create(
        profile=profile, actor=worker, phone_abroad="+82 10 0000 0000",
        photos=[(clean_upload(jpeg_upload()), "a.jpg")],
    )  # fmt: skip
    assistance_services.help_request_contact(request_id=help_request.pk, actor=old_counsellor)

    profile.refresh_from_db()
    services.profile_save_step(
        profile_id=profile.pk,
        step=ProfileStep.ADDRESS,
        values={"commune": dong_thap.communes.order_by("code").first(), "address_line": "Ấp 3"},
        expected_version=profile.version,
        actor=worker,
    )
    return {
        "old": old_counsellor,
        "old_manager": old_manager,
        "new": new_counsellor,
        "worker": worker,
        "profile": profile,
        "case": case,
        "document": document,
        "session": session,
        "follow_up": follow_up,
        "application": application,
        "attachment": attachment,
        "registration": registration,
        "fair": fair,
        "help": help_request,
        "help_photo": help_request.photos.get(),
    }


def test_each_moved_row_is_seen_by_the_new_province_and_not_the_old(moved, dong_thap):
    rows = {
        WorkerProfile: moved["profile"].pk,
        Case: moved["case"].pk,
        CounsellingSession: moved["session"].pk,
        FollowUp: moved["follow_up"].pk,
        Document: moved["document"].pk,
        Application: moved["application"].pk,
        Attachment: moved["attachment"].pk,
        DeletionRequest: DeletionRequest.all_objects.get(profile=moved["profile"]).pk,
        HelpRequest: moved["help"].pk,
        HelpRequestPhoto: moved["help_photo"].pk,
    }
    wrong = []
    for model, pk in rows.items():
        if model.objects.for_user(moved["old"]).filter(pk=pk).exists():
            wrong.append((model.__name__, "old province still sees it"))
        if not model.objects.for_user(moved["new"]).filter(pk=pk).exists():
            wrong.append((model.__name__, "new province does not see it"))
    assert wrong == []
    assert moved["worker"].__class__.objects.get(pk=moved["worker"].pk).province == dong_thap


def staff_pages(moved) -> list[str]:
    application, attachment = moved["application"], moved["attachment"]
    return [
        reverse("workers:staff_worker", args=[moved["profile"].pk]),
        reverse("workers:session", args=[moved["session"].pk]),
        reverse("workers:document_file", args=[moved["document"].pk]),
        reverse("loans:staff_application", args=[application.pk]),
        reverse("loans:print", args=[application.pk]),
        reverse("loans:attachment_file", args=[attachment.pk]),
        reverse("assistance:staff_request", args=[moved["help"].pk]),
        reverse("assistance:photo", args=[moved["help_photo"].pk]),
    ]


def test_the_old_provinces_counsellor_gets_404_on_every_page(client, moved):
    login_staff(client, moved["old"])

    assert {url: client.get(url).status_code for url in staff_pages(moved)} == dict.fromkeys(
        staff_pages(moved), 404
    )


def test_the_old_provinces_manager_can_no_longer_decide_the_application(client, moved):
    login_staff(client, moved["old_manager"])

    response = client.post(reverse("loans:decide", args=[moved["application"].pk, "review"]), {})

    assert response.status_code == 404


def test_the_new_provinces_counsellor_opens_every_page(client, moved):
    login_staff(client, moved["new"])

    assert {url: client.get(url).status_code for url in staff_pages(moved)} == dict.fromkeys(
        staff_pages(moved), 200
    )


def test_the_move_is_on_the_case_with_who_when_from_and_to(client, moved, lao_cai, dong_thap):
    event = CaseEvent.objects.filter(case=moved["case"], to_province__isnull=False).get()

    assert (event.actor, event.from_province, event.to_province) == (
        moved["worker"], lao_cai, dong_thap,
    )  # fmt: skip
    assert event.at is not None
    moved["case"].refresh_from_db()
    assert moved["case"].assigned_to is None  # the old counsellor lets go of it
    moved["help"].refresh_from_db()
    assert moved["help"].assigned_to is None  # and of the help request
    login_staff(client, moved["new"])
    client.cookies["mrc_language"] = "en"
    page = client.get(reverse("workers:staff_worker", args=[moved["profile"].pk])).text
    assert f"Moved from {lao_cai.name} to {dong_thap.name}" in page


def test_the_old_counsellors_follow_up_list_drops_the_moved_case(moved):
    from workers.selectors import follow_ups_due

    assert list(follow_ups_due(moved["old"], timezone.localdate())) == []


def test_the_fair_registration_stays_with_the_fair_that_runs_it(moved):
    from fairs.models import Registration

    assert Registration.objects.for_user(moved["old"]).filter(pk=moved["registration"].pk).exists()


def test_a_move_that_fails_half_way_moves_nothing(moved, lao_cai, monkeypatch):
    def broken(*args):
        raise RuntimeError("disk full")

    # The hooks are read where the move is written (workers.services.transfers).
    hooks = [*services.PROVINCE_MOVE_HOOKS, broken]
    monkeypatch.setattr(services.transfers, "PROVINCE_MOVE_HOOKS", hooks)
    profile = WorkerProfile.all_objects.get(pk=moved["profile"].pk)
    with pytest.raises(RuntimeError):
        services.profile_save_step(
            profile_id=profile.pk,
            step=ProfileStep.ADDRESS,
            values={"commune": lao_cai.communes.order_by("code").first()},
            expected_version=profile.version,
            actor=moved["worker"],
        )

    moved["case"].refresh_from_db()
    moved["application"].refresh_from_db()
    assert moved["case"].province_id != lao_cai.pk
    assert moved["application"].province_id != lao_cai.pk


def test_the_admin_cannot_change_a_workers_province_around_the_move(rf, lao_cai):
    # Changing it in the admin would skip worker_province_move and leave the case,
    # sessions and applications with the old province: the field is read-only there.
    from django.contrib.admin import site

    from accounts.models import User
    from tests.factories import WorkerFactory

    admin_user = StaffFactory(role=Role.ADMIN, province=None, is_superuser=True)
    worker = WorkerFactory(province=lao_cai)
    request = rf.get("/admin/")
    request.user = admin_user
    model_admin = site._registry[User]

    assert "province" in model_admin.get_readonly_fields(request, worker)
    assert "province" not in model_admin.get_form(request, worker).base_fields
    counsellor = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    assert "province" in model_admin.get_form(request, counsellor).base_fields
