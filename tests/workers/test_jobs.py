"""Who gets what, when; nothing for the wrong day or province; nothing twice."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from notifications.models import Notification
from tests.factories import StaffFactory, WorkerFactory
from tests.markets.factories import ProgrammeFactory
from tests.workers.factories import ProfileFactory
from workers import jobs, services
from workers.models import Case, Document, DocumentType, FollowUp, Stage

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def sent(kind: str) -> list[tuple[int, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient", "channel"))


def test_follow_up_digest_goes_once_a_day_to_counsellors_with_something_due(counsellor, lao_cai):
    idle = StaffFactory(province=lao_cai)
    case = ProfileFactory(user=WorkerFactory(province=lao_cai)).case
    for days in (-3, 0, 5):
        services.follow_up_create(
            case=case,
            title="x",
            assignee=counsellor,
            actor=counsellor,
            due_on=TODAY + datetime.timedelta(days=days),
        )

    assert jobs.follow_up_digest(TODAY) == 1
    jobs.follow_up_digest(TODAY)  # a second run the same day

    assert sent("follow-up-due") == [(counsellor.pk, "email"), (counsellor.pk, "in_app")]
    assert idle.notifications.count() == 0
    body = Notification.objects.get(kind="follow-up-due", channel="in_app").body
    assert "2" in body and "1" in body
    jobs.follow_up_digest(TODAY + datetime.timedelta(days=1))
    assert Notification.objects.filter(kind="follow-up-due").count() == 4


def expiring(profile, code, expires_on):
    return Document.objects.create(
        profile=profile,
        type=DocumentType.objects.get(code=code),
        file="x",
        content_type="image/jpeg",
        size=1,
        original_name="x",
        uploaded_by=profile.user,
        expires_on=expires_on,
    )


def test_documents_expiring_within_six_months_or_before_departure_are_told_once(lao_cai):
    soon = ProfileFactory(user=WorkerFactory(province=lao_cai))
    expiring(soon.user.worker_profile, "passport", TODAY + datetime.timedelta(days=90))
    later = ProfileFactory(user=WorkerFactory(province=lao_cai))
    expiring(later, "passport", TODAY + datetime.timedelta(days=400))
    leaving = ProfileFactory(user=WorkerFactory(province=lao_cai))
    Case.all_objects.filter(profile=leaving).update(
        departure_date=TODAY + datetime.timedelta(days=300)
    )
    expiring(leaving, "health_certificate", TODAY + datetime.timedelta(days=250))
    diploma = ProfileFactory(user=WorkerFactory(province=lao_cai))
    expiring(diploma, "diploma", TODAY + datetime.timedelta(days=30))

    jobs.documents_expiring(TODAY)
    jobs.documents_expiring(TODAY)

    told = {r for r, _c in sent("document-expiring")}
    assert told == {soon.user_id, leaving.user_id}
    assert Notification.objects.filter(kind="document-expiring", recipient=soon.user).count() == 2


def test_messages_are_written_in_the_recipients_language(lao_cai):
    english = ProfileFactory(user=WorkerFactory(province=lao_cai, language="en"))
    vietnamese = ProfileFactory(user=WorkerFactory(province=lao_cai, language="vi"))
    for profile in (english, vietnamese):
        expiring(profile, "passport", TODAY + datetime.timedelta(days=30))

    jobs.documents_expiring(TODAY)

    subjects = dict(
        Notification.objects.filter(kind="document-expiring", channel="in_app").values_list(
            "recipient", "subject"
        )
    )
    assert "Passport" in subjects[english.user_id]
    assert "Hộ chiếu" in subjects[vietnamese.user_id]


def test_eps_deposit_reminder_a_week_before_the_35_day_deadline(lao_cai):
    eps = ProgrammeFactory(code="eps")
    due_in_5 = ProfileFactory(user=WorkerFactory(province=lao_cai)).case
    signed_yesterday = ProfileFactory(user=WorkerFactory(province=lao_cai)).case
    for case, signed_days_ago in ((due_in_5, 30), (signed_yesterday, 1)):
        Case.all_objects.filter(pk=case.pk).update(
            stage=Stage.CONTRACTED,
            programme=eps,
            market=eps.market,
            contract_start=TODAY - datetime.timedelta(days=signed_days_ago),
        )

    jobs.eps_deposit_deadlines(TODAY)
    jobs.eps_deposit_deadlines(TODAY + datetime.timedelta(days=1))

    told = {r for r, _c in sent("eps-deposit-deadline")}
    assert told == {due_in_5.profile.user_id}
    assert Notification.objects.filter(kind="eps-deposit-deadline").count() == 2  # in-app, SMS


def test_a_contract_ending_within_30_days_becomes_one_return_follow_up(counsellor, lao_cai):
    ending = ProfileFactory(user=WorkerFactory(province=lao_cai)).case
    far = ProfileFactory(user=WorkerFactory(province=lao_cai)).case
    Case.all_objects.filter(pk=ending.pk).update(
        stage=Stage.DEPARTED,
        assigned_to=counsellor,
        contract_end=TODAY + datetime.timedelta(days=20),
    )
    Case.all_objects.filter(pk=far.pk).update(
        stage=Stage.DEPARTED,
        assigned_to=counsellor,
        contract_end=TODAY + datetime.timedelta(days=90),
    )

    assert jobs.contracts_ending(TODAY) == 1
    assert jobs.contracts_ending(TODAY) == 0

    [task] = FollowUp.all_objects.all()
    assert task.case == ending and task.assignee == counsellor
    assert task.due_on == TODAY + datetime.timedelta(days=20)
    assert {r for r, _c in sent("contract-ending")} == {counsellor.pk}


def test_a_return_follow_up_goes_to_the_manager_when_the_counsellor_moved_away(
    counsellor, manager, lao_cai, dong_thap
):
    ending = ProfileFactory(user=WorkerFactory(province=lao_cai)).case
    Case.all_objects.filter(pk=ending.pk).update(
        stage=Stage.DEPARTED,
        assigned_to=counsellor,
        contract_end=TODAY + datetime.timedelta(days=20),
    )
    counsellor.province = dong_thap
    counsellor.save(update_fields=["province"])

    assert jobs.contracts_ending(TODAY) == 1

    [task] = FollowUp.all_objects.all()
    assert task.assignee == manager  # the follow-up is written through follow_up_create,
    assert task.created_by == manager  # which refuses an assignee of another province


def test_an_overdue_return_is_reported_once_to_the_provinces_managers(manager, lao_cai, dong_thap):
    other_manager = StaffFactory(role=Role.MANAGER, province=dong_thap)
    case = ProfileFactory(user=WorkerFactory(province=lao_cai)).case
    Case.all_objects.filter(pk=case.pk).update(
        stage=Stage.DEPARTED, contract_end=TODAY - datetime.timedelta(days=45)
    )

    jobs.returns_overdue(TODAY)
    jobs.returns_overdue(TODAY + datetime.timedelta(days=1))

    assert {r for r, _c in sent("return-overdue")} == {manager.pk}
    assert other_manager.notifications.count() == 0


def test_the_weekly_summary_counts_the_managers_province_once_a_week(manager, lao_cai, dong_thap):
    ProfileFactory.create_batch(2, user__province=lao_cai)
    ProfileFactory(user__province=dong_thap)

    jobs.weekly_summary(TODAY)
    jobs.weekly_summary(TODAY)

    [message] = Notification.objects.filter(kind="weekly-summary", channel="in_app")
    assert message.recipient == manager
    assert ": 2" in message.body  # two new registrations in Lào Cai, not three
