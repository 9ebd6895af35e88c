"""A worker's file handed to another province's office, only with the worker's consent.

The request is a transition model (workers.ProvinceTransfer) written by one service per
transition; an accepted one moves the file through worker_province_move and its hooks,
writes the case event, and tells both centres once. The old province keeps only the
accounting minimum of support it paid (loans.KeptSupportRecord).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from loans import services as loan_services
from loans.models import Application, KeptSupportRecord
from notifications.models import Notification
from tests.conftest import login_staff
from tests.factories import StaffFactory
from tests.loans.factories import attach, grant_programme, submitted_grant, worker_profile
from tests.workers.factories import jpeg_upload
from workers import services
from workers.models import (
    Case,
    CaseEvent,
    CounsellingSession,
    DocumentType,
    ProfileStep,
    ProvinceTransfer,
    WorkerProfile,
)
from workers.uploads import clean_upload

pytestmark = pytest.mark.django_db

Status = ProvinceTransfer.Status
Consent = ProvinceTransfer.Consent


@pytest.fixture
def people(lao_cai, dong_thap):
    profile = worker_profile(lao_cai, born=datetime.date(1999, 4, 1))
    WorkerProfile.all_objects.filter(pk=profile.pk).update(personal_id="015199123456")
    return {
        "profile": profile,
        "worker": profile.user,
        "old": StaffFactory(role=Role.COUNSELLOR, province=lao_cai),
        "old_manager": StaffFactory(role=Role.MANAGER, province=lao_cai),
        "new": StaffFactory(role=Role.COUNSELLOR, province=dong_thap),
        "new_manager": StaffFactory(role=Role.MANAGER, province=dong_thap),
    }


def ask(people, dong_thap, **kw):
    return services.transfer_request(
        profile_id=people["profile"].pk,
        to_province_id=dong_thap.pk,
        actor=kw.pop("actor", people["old"]),
        reason="Gọi điện báo đã chuyển vào Đồng Tháp",
        **kw,
    )


def province_of(people) -> int | None:
    return Case.all_objects.get(profile=people["profile"]).province_id


def notices(key_part: str) -> set[int]:
    return set(
        Notification.objects.filter(key__contains=key_part, channel="in_app").values_list(
            "recipient_id", flat=True
        )
    )


# --- Transitions ------------------------------------------------------------------------


def test_a_request_moves_nothing_and_asks_the_worker(people, lao_cai, dong_thap):
    transfer = ask(people, dong_thap)

    assert transfer.status == Status.REQUESTED
    assert transfer.expires_at > timezone.now() + datetime.timedelta(days=29)
    assert province_of(people) == lao_cai.pk
    assert notices(f"province-transfer-asked:{transfer.pk}") == {people["worker"].pk}
    # Both centres' managers hear of it (the requester made it, and is told too).
    assert notices(f"province-transfer:{transfer.pk}:requested") == {
        people["old_manager"].pk, people["new_manager"].pk, people["old"].pk,
    }  # fmt: skip


def test_the_case_page_says_a_transfer_waits_until_the_worker_answers(client, people, dong_thap):
    page = reverse("workers:staff_worker", args=[people["profile"].pk])
    login_staff(client, people["old"])
    hand_over = reverse("workers:transfer_new", args=[people["profile"].pk])

    before = client.get(page).text
    transfer = ask(people, dong_thap)
    waiting = client.get(page).text
    services.transfer_decline(transfer_id=transfer.pk, actor=people["worker"], consent="online")
    declined = client.get(page).text

    assert "đã xin chuyển hồ sơ này sang" not in before and hand_over in before
    assert f"đã xin chuyển hồ sơ này sang {dong_thap}" in waiting and hand_over not in waiting
    assert "đã xin chuyển hồ sơ này sang" not in declined and hand_over in declined


def test_the_worker_says_yes_and_the_file_moves_with_an_event(people, lao_cai, dong_thap):
    transfer = ask(people, dong_thap)

    done = services.transfer_accept(
        transfer_id=transfer.pk, actor=people["worker"], consent=Consent.ONLINE
    )

    assert (done.status, done.consent, done.closed_by) == (
        Status.ACCEPTED, Consent.ONLINE, people["worker"],
    )  # fmt: skip
    assert province_of(people) == dong_thap.pk
    event = CaseEvent.objects.get(case__profile=people["profile"], to_province=dong_thap)
    assert (event.from_province, event.actor, done.event) == (lao_cai, people["worker"], event)
    profile = WorkerProfile.all_objects.get(pk=people["profile"].pk)
    # No commune was given: the old one (in the old province) goes, the address step reopens.
    assert profile.commune is None and ProfileStep.ADDRESS not in profile.steps_done
    assert notices(f"province-transfer:{transfer.pk}:accepted") == {
        people["old_manager"].pk, people["new_manager"].pk, people["old"].pk,
    }  # fmt: skip


def test_a_request_with_the_commune_puts_it_on_the_file(people, dong_thap):
    commune = dong_thap.communes.order_by("code").first()
    transfer = ask(people, dong_thap, commune_id=commune.pk)

    services.transfer_accept(transfer_id=transfer.pk, actor=people["worker"], consent="online")

    profile = WorkerProfile.all_objects.get(pk=people["profile"].pk)
    assert profile.commune == commune
    assert Case.all_objects.get(profile=profile).commune == commune


def test_consent_in_person_needs_the_paper_and_moves_the_file(people, dong_thap):
    transfer = ask(people, dong_thap, actor=people["new"])

    with pytest.raises(services.InvalidTransition):
        services.transfer_accept(transfer_id=transfer.pk, actor=people["new"], consent="in_person")
    done = services.transfer_accept(
        transfer_id=transfer.pk,
        actor=people["new"],
        consent=Consent.IN_PERSON,
        note="Phiếu đồng ý ký ngày 06/12, lưu hồ sơ giấy",
    )

    assert (done.consent, done.closed_by, done.close_reason) == (
        Consent.IN_PERSON, people["new"], "Phiếu đồng ý ký ngày 06/12, lưu hồ sơ giấy",
    )  # fmt: skip
    assert province_of(people) == dong_thap.pk
    event = CaseEvent.objects.get(case__profile=people["profile"], to_province=dong_thap)
    assert event.reason == "Trực tiếp, bằng giấy đã ký, cán bộ ghi lại"


def test_a_request_with_the_signed_paper_moves_at_once(people, dong_thap):
    transfer = ask(people, dong_thap, actor=people["new"], consent_note="Phiếu ký tại văn phòng")

    assert transfer.status == Status.ACCEPTED
    assert province_of(people) == dong_thap.pk


def test_the_worker_says_no_and_nothing_moves(people, lao_cai, dong_thap):
    transfer = ask(people, dong_thap)

    done = services.transfer_decline(
        transfer_id=transfer.pk, actor=people["worker"], consent=Consent.ONLINE
    )

    assert done.status == Status.DECLINED
    assert province_of(people) == lao_cai.pk
    assert people["new_manager"].pk in notices(f"province-transfer:{transfer.pk}:declined")


def test_a_counsellor_cancels_with_a_reason(people, lao_cai, dong_thap):
    transfer = ask(people, dong_thap)

    with pytest.raises(services.InvalidTransition):
        services.transfer_cancel(transfer_id=transfer.pk, actor=people["old"], reason=" ")
    done = services.transfer_cancel(
        transfer_id=transfer.pk, actor=people["new"], reason="Nhầm người"
    )

    assert (done.status, done.closed_by) == (Status.CANCELLED, people["new"])
    assert province_of(people) == lao_cai.pk


def close(transfer, people, to: str) -> None:
    if to == Status.ACCEPTED:
        services.transfer_accept(transfer_id=transfer.pk, actor=people["worker"], consent="online")
    elif to == Status.DECLINED:
        services.transfer_decline(transfer_id=transfer.pk, actor=people["worker"], consent="online")
    elif to == Status.CANCELLED:
        services.transfer_cancel(transfer_id=transfer.pk, actor=people["old"], reason="x")
    else:
        services.transfers_expire(now=transfer.expires_at)


@pytest.mark.parametrize(
    "state", [Status.ACCEPTED, Status.DECLINED, Status.CANCELLED, Status.EXPIRED]
)
def test_a_closed_request_refuses_every_transition(people, dong_thap, state):
    transfer = ask(people, dong_thap)
    close(transfer, people, state)
    transfer.refresh_from_db()
    assert transfer.status == state
    events = CaseEvent.objects.count()

    refused = []
    for attempt in [
        lambda: services.transfer_accept(
            transfer_id=transfer.pk, actor=people["worker"], consent="online"
        ),
        lambda: services.transfer_accept(
            transfer_id=transfer.pk, actor=people["old"], consent="in_person", note="phiếu"
        ),
        lambda: services.transfer_decline(
            transfer_id=transfer.pk, actor=people["worker"], consent="online"
        ),
        lambda: services.transfer_cancel(transfer_id=transfer.pk, actor=people["old"], reason="x"),
    ]:
        with pytest.raises(services.InvalidTransition):
            attempt()
        refused.append(True)

    assert services.transfers_expire(now=timezone.now() + datetime.timedelta(days=400)) == 0
    transfer.refresh_from_db()
    assert (transfer.status, len(refused), CaseEvent.objects.count()) == (state, 4, events)


def test_only_the_worker_answers_online_and_only_the_two_offices_in_person(people, dong_thap):
    transfer = ask(people, dong_thap)
    stranger = StaffFactory(role=Role.COUNSELLOR, province=people["profile"].commune.province)
    third = StaffFactory(role=Role.MANAGER, province_id=dong_thap.pk + 0)
    elsewhere = StaffFactory(
        role=Role.COUNSELLOR,
        province=type(dong_thap)
        .objects.exclude(pk__in=[dong_thap.pk, stranger.province_id])
        .first(),
    )

    with pytest.raises(services.InvalidTransition):
        services.transfer_accept(transfer_id=transfer.pk, actor=third, consent="online")
    with pytest.raises(services.InvalidTransition):
        services.transfer_accept(
            transfer_id=transfer.pk, actor=elsewhere, consent="in_person", note="phiếu"
        )
    with pytest.raises(services.InvalidTransition):
        services.transfer_cancel(transfer_id=transfer.pk, actor=elsewhere, reason="x")
    transfer.refresh_from_db()
    assert transfer.status == Status.REQUESTED


def test_requests_that_cannot_be_made(people, lao_cai, dong_thap):
    elsewhere = StaffFactory(role=Role.COUNSELLOR, province=dong_thap)
    with pytest.raises(services.InvalidTransition):  # already there
        ask(people, lao_cai)
    with pytest.raises(services.InvalidTransition):  # no reason
        services.transfer_request(
            profile_id=people["profile"].pk, to_province_id=dong_thap.pk, actor=elsewhere,
            reason="",
        )  # fmt: skip
    with pytest.raises(services.InvalidTransition):  # a commune of another province
        ask(people, dong_thap, commune_id=lao_cai.communes.first().pk)
    with pytest.raises(services.InvalidTransition):  # a third province's counsellor
        services.transfer_request(
            profile_id=people["profile"].pk,
            to_province_id=dong_thap.pk,
            actor=StaffFactory(
                role=Role.COUNSELLOR,
                province=type(dong_thap).objects.exclude(pk__in=[lao_cai.pk, dong_thap.pk]).first(),
            ),
            reason="x",
        )
    ask(people, dong_thap)
    with pytest.raises(services.InvalidTransition):  # one open request at a time
        ask(people, dong_thap, actor=people["new"])
    assert ProvinceTransfer.all_objects.count() == 1


def test_a_request_past_its_date_cannot_be_accepted_before_the_job_runs(people, dong_thap):
    transfer = ask(people, dong_thap)
    ProvinceTransfer.all_objects.filter(pk=transfer.pk).update(expires_at=timezone.now())

    with pytest.raises(services.InvalidTransition):
        services.transfer_accept(transfer_id=transfer.pk, actor=people["worker"], consent="online")


def test_the_expiry_job_run_twice_closes_once_and_tells_each_person_once(people, dong_thap):
    transfer = ask(people, dong_thap)
    later = transfer.expires_at + datetime.timedelta(minutes=1)

    assert services.transfers_expire(now=later) == 1
    assert services.transfers_expire(now=later) == 0
    # The notice itself sent again (a retried job): the outbox keeps one per person.
    transfer.refresh_from_db()
    services.transfers._transfer_notify(transfer)

    rows = Notification.objects.filter(
        key__startswith=f"province-transfer:{transfer.pk}:expired", channel="in_app"
    )
    assert transfer.status == Status.EXPIRED
    # Both managers and the counsellor who asked: one message each.
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(
        [people["old_manager"].pk, people["new_manager"].pk, people["old"].pk]
    )


# --- The address step -------------------------------------------------------------------


def test_the_worker_moving_themself_is_recorded_as_their_consent(people, dong_thap):
    profile = WorkerProfile.all_objects.get(pk=people["profile"].pk)
    commune = dong_thap.communes.order_by("code").first()

    services.profile_save_step(
        profile_id=profile.pk,
        step=ProfileStep.ADDRESS,
        values={"commune": commune},
        expected_version=profile.version,
        actor=people["worker"],
    )

    transfer = ProvinceTransfer.all_objects.get(profile=profile)
    assert (transfer.status, transfer.consent, transfer.requested_by) == (
        Status.ACCEPTED, Consent.ADDRESS, people["worker"],
    )  # fmt: skip
    assert transfer.event is not None and province_of(people) == dong_thap.pk
    assert WorkerProfile.all_objects.get(pk=profile.pk).commune == commune


def test_moving_themself_elsewhere_cancels_a_waiting_request(people, dong_thap):
    from tests.factories import province

    waiting = ask(people, province(1))
    profile = WorkerProfile.all_objects.get(pk=people["profile"].pk)

    services.profile_save_step(
        profile_id=profile.pk,
        step=ProfileStep.ADDRESS,
        values={"commune": dong_thap.communes.order_by("code").first()},
        expected_version=profile.version,
        actor=people["worker"],
    )

    waiting.refresh_from_db()
    assert waiting.status == Status.CANCELLED
    assert province_of(people) == dong_thap.pk


def test_a_counsellor_typing_an_address_elsewhere_saves_nothing_and_asks(
    client, people, lao_cai, dong_thap
):
    profile = WorkerProfile.all_objects.get(pk=people["profile"].pk)
    commune = dong_thap.communes.order_by("code").first()
    login_staff(client, people["old"])

    response = client.post(
        reverse("workers:staff_step", args=[profile.pk, "address"]),
        {"province": dong_thap.pk, "commune": commune.pk, "version": profile.version,
         "permanent_residence_here": "yes"},
    )  # fmt: skip

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workers:transfer_new", args=[profile.pk]))
    assert f"commune={commune.pk}" in response["Location"]
    assert province_of(people) == lao_cai.pk
    assert WorkerProfile.all_objects.get(pk=profile.pk).commune != commune
    assert not ProvinceTransfer.all_objects.exists()


# --- Pages -------------------------------------------------------------------------------


def test_the_new_office_finds_the_file_by_the_card_and_asks_for_it(client, people, dong_thap):
    login_staff(client, people["new"])
    url = reverse("workers:transfer_find")

    wrong = client.post(url, {"personal_id": "015199123456", "date_of_birth": "1999-04-02"})
    assert "Lê" not in wrong.text and not ProvinceTransfer.all_objects.exists()
    found = client.post(url, {"personal_id": "015199123456", "date_of_birth": "1999-04-01"})
    assert people["worker"].name in found.text
    assert people["profile"].reads.filter(staff=people["new"], context="transfer_find").count() == 1
    response = client.post(
        url,
        {"personal_id": "015199123456", "date_of_birth": "1999-04-01", "commune": "",
         "reason": "Đến văn phòng, mang theo căn cước", "consent_note": ""},
    )  # fmt: skip

    assert response.status_code == 302
    transfer = ProvinceTransfer.all_objects.get()
    assert (transfer.to_province, transfer.requested_by) == (dong_thap, people["new"])


def test_both_offices_see_the_transfer_on_their_list(client, people, dong_thap):
    transfer = ask(people, dong_thap)
    for who, heading in [("new", "Coming to your office"), ("old", "Leaving your office")]:
        login_staff(client, people[who])
        client.cookies["mrc_language"] = "en"
        page = client.get(reverse("workers:transfers")).text
        assert heading in page and people["worker"].name in page
    login_staff(client, StaffFactory(role=Role.COUNSELLOR, province_id=transfer.pk and 1))
    assert people["worker"].name not in client.get(reverse("workers:transfers")).text


def test_the_worker_answers_on_their_home_page(client, people, dong_thap):
    transfer = ask(people, dong_thap)
    client.force_login(people["worker"])

    home = client.get("/").text
    assert "Chuyển hồ sơ sang văn phòng tỉnh Đồng Tháp?" in home
    client.post(reverse("workers:transfer_answer", args=[transfer.pk]), {"answer": "yes"})

    transfer.refresh_from_db()
    assert (transfer.status, transfer.consent) == (Status.ACCEPTED, Consent.ONLINE)
    assert "Chuyển hồ sơ sang" not in client.get("/").text
    [mine] = client.get(reverse("workers:my_data") + "?format=json").json()["province_transfers"]
    assert (mine["to"], mine["status"], mine["consent"]) == ("Đồng Tháp", "accepted", "online")


# --- What the old province keeps ----------------------------------------------------------


@pytest.fixture
def paid_and_moved(people, lao_cai, dong_thap, settings, tmp_path):
    from tests.fairs.factories import FairFactory, register

    settings.MEDIA_ROOT = tmp_path
    profile, worker, old = people["profile"], people["worker"], people["old"]
    programme = grant_programme(province=None)
    application = submitted_grant(profile, programme)
    loan_services.application_review(application_id=application.pk, actor=old)
    loan_services.application_approve(
        application_id=application.pk, actor=people["old_manager"], amount=Decimal(3_000_000)
    )
    loan_services.application_mark_paid(application_id=application.pk, actor=old, reference="PC-12")
    attachment = application.attachments.first() or attach(application, worker)
    document = services.document_upload(
        profile=profile, doc_type=DocumentType.objects.get(code="passport"),
        clean=clean_upload(jpeg_upload()), original_name="p.jpg", expires_on=None,
        priority_group="", actor=worker,
    )  # fmt: skip
    session = services.session_log(
        counsellor=old, case=profile.case, channel="phone", topics=["fees"],
        held_at=timezone.now(), duration_minutes=5, outcome="", next_step="",
    )  # fmt: skip
    fair = FairFactory(province=lao_cai, created_by=old)
    ticket = register(fair, worker)
    transfer = ask(people, dong_thap, actor=people["new"])
    services.transfer_accept(transfer_id=transfer.pk, actor=worker, consent="online")
    return {
        "application": application, "attachment": attachment, "document": document,
        "session": session, "fair": fair, "ticket": ticket,
    }  # fmt: skip


def test_the_old_office_gets_404_on_every_part_of_the_file(client, people, paid_and_moved):
    moved = paid_and_moved
    urls = [
        reverse("workers:staff_worker", args=[people["profile"].pk]),
        reverse("workers:staff_step", args=[people["profile"].pk, "identity"]),
        reverse("workers:case_move", args=[people["profile"].case.pk]),
        reverse("workers:document_file", args=[moved["document"].pk]),
        reverse("workers:session", args=[moved["session"].pk]),
        reverse("loans:staff_application", args=[moved["application"].pk]),
        reverse("loans:print", args=[moved["application"].pk]),
        reverse("loans:attachment_file", args=[moved["attachment"].pk]),
        reverse("loans:staff_worker", args=[people["profile"].pk]),
    ]
    for who, expected in [("old", 404), ("old_manager", 404), ("new", 200)]:
        login_staff(client, people[who])
        assert {u: client.get(u).status_code for u in urls} == dict.fromkeys(urls, expected), who


def test_the_fair_ticket_stays_with_the_fair_that_runs_it(people, paid_and_moved):
    from fairs.models import Registration

    # The attendee list of the old province's fair keeps the name and ticket code (the fair
    # is theirs to run); nothing of the file comes with it.
    assert Registration.objects.for_user(people["old"]).filter(worker=people["worker"]).exists()


def test_the_old_office_keeps_only_its_paid_grant_with_the_name_reduced(
    client, people, paid_and_moved, lao_cai, dong_thap
):
    [kept] = KeptSupportRecord.all_objects.all()
    name = people["worker"].name
    assert (kept.province, kept.moved_to, kept.amount, kept.payment_reference) == (
        lao_cai, dong_thap, Decimal(3_000_000), "PC-12",
    )  # fmt: skip
    assert kept.worker_name == loan_services.reduced_name(name) != name
    assert kept.keep_until.year == kept.closed_on.year + 10
    assert Application.all_objects.get(pk=paid_and_moved["application"].pk).province == dong_thap

    login_staff(client, people["old"])
    page = client.get(reverse("loans:kept_records")).text
    assert kept.worker_name in page and "PC-12" in page and name not in page
    login_staff(client, people["new"])
    assert "PC-12" not in client.get(reverse("loans:kept_records")).text


def test_the_name_is_reduced_to_the_family_name_and_initials():
    assert loan_services.reduced_name("Nguyễn Văn Anh") == "Nguyễn V. A."
    assert loan_services.reduced_name("Lò Thị Mai") == "Lò T. M."


def test_sessions_documents_and_applications_all_follow(people, paid_and_moved, dong_thap):
    assert CounsellingSession.all_objects.get(pk=paid_and_moved["session"].pk).province == dong_thap
    assert Application.all_objects.get(pk=paid_and_moved["application"].pk).province == dong_thap


# --- At the same instant (PostgreSQL) ------------------------------------------------------


@pytest.mark.skipif(
    __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"]
    != "django.db.backends.postgresql",
    reason="two connections writing at once need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_the_worker_and_a_counsellor_answering_at_once_move_the_file_once(lao_cai, dong_thap):
    import threading

    from django.db import connection

    profile = worker_profile(lao_cai)
    counsellor = StaffFactory(role=Role.COUNSELLOR, province=dong_thap)
    transfer = services.transfer_request(
        profile_id=profile.pk, to_province_id=dong_thap.pk, actor=counsellor, reason="Đến"
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(actor, consent, note) -> None:
        try:
            start.wait(5)
            services.transfer_accept(
                transfer_id=transfer.pk, actor=actor, consent=consent, note=note
            )
            outcomes.append("moved")
        except services.InvalidTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer, args=(profile.user, "online", "")),
        threading.Thread(target=answer, args=(counsellor, "in_person", "Phiếu ký")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert sorted(outcomes) == ["moved", "refused"]
    assert CaseEvent.objects.filter(case__profile=profile, to_province=dong_thap).count() == 1
    assert Case.all_objects.get(profile=profile).province == dong_thap


def test_the_transfers_list_reads_the_same_queries_for_one_or_many(
    client, people, lao_cai, dong_thap, django_assert_max_num_queries
):
    def one_more() -> None:
        profile = worker_profile(lao_cai)
        services.transfer_request(
            profile_id=profile.pk, to_province_id=dong_thap.pk, actor=people["new"], reason="x"
        )

    one_more()
    login_staff(client, people["new"])
    url = reverse("workers:transfers")
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for _ in range(4):
        one_more()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).text.count("transfer-act") == 5


def test_erasing_the_worker_empties_the_kept_name_and_the_transfer_texts(people, paid_and_moved):
    from workers.models import DeletionRequest

    request = DeletionRequest.all_objects.create(profile=people["profile"])
    services.profile_anonymise(
        deletion_request_id=request.pk, now=timezone.now() + datetime.timedelta(days=400)
    )

    kept = KeptSupportRecord.all_objects.get()
    transfer = ProvinceTransfer.all_objects.get()
    assert (kept.worker_name, kept.amount) == ("", Decimal(3_000_000))
    assert transfer.reason == "[đã xoá]" and transfer.status == Status.ACCEPTED
