"""The fair's own moves: create, change, publish, close, cancel; enterprises and job orders."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from fairs import services
from fairs.models import Fair, FairEvent, JobOrder, Participation, Registration
from markets.models import LicenceStatus
from notifications.models import Notification
from tests.factories import WorkerFactory
from tests.fairs.factories import FairFactory, participation, register
from tests.markets.factories import ProgrammeFactory, enterprise

pytestmark = pytest.mark.django_db

Status = Fair.Status


def _values(**overrides):
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=14)
    values = {
        "title": "Phiên giao dịch việc làm tháng 12",
        "description": "",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=3),
        "commune": None,
        "address": "Trung tâm Dịch vụ việc làm",
        "online_url": "",
        "capacity": 100,
        "registration_deadline": None,
    }
    values.update(overrides)
    return values


def test_a_new_fair_is_a_draft_with_its_first_event(counsellor, lao_cai):
    fair = services.fair_create(actor=counsellor, province=lao_cai, values=_values())

    assert fair.status == Status.DRAFT and fair.province == lao_cai
    event = FairEvent.objects.get(fair=fair)
    assert (event.action, event.to_status, event.actor) == ("fair", Status.DRAFT, counsellor)


def test_publishing_opens_a_draft_and_records_who_and_when(counsellor):
    fair = FairFactory(status=Status.DRAFT, created_by=counsellor)
    participation(fair, counsellor, name="Công ty Có Phép")

    services.fair_publish(fair_id=fair.pk, actor=counsellor)

    fair.refresh_from_db()
    assert fair.status == Status.PUBLISHED and fair.version == 1
    event = fair.events.get()
    assert (event.from_status, event.to_status, event.actor) == (
        Status.DRAFT,
        Status.PUBLISHED,
        counsellor,
    )


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.CLOSED, Status.CANCELLED])
def test_only_a_draft_is_published(counsellor, status):
    fair = FairFactory(status=status, created_by=counsellor)

    with pytest.raises(services.InvalidTransition):
        services.fair_publish(fair_id=fair.pk, actor=counsellor)
    fair.refresh_from_db()
    assert fair.status == status and not fair.events.exists()


def test_a_fair_that_is_over_is_not_published(counsellor):
    fair = FairFactory(status=Status.DRAFT, created_by=counsellor)

    with pytest.raises(services.InvalidTransition, match="over"):
        services.fair_publish(
            fair_id=fair.pk, actor=counsellor, now=fair.ends_at + datetime.timedelta(minutes=1)
        )


def test_publishing_a_fair_without_enterprise_or_already_started_asks_for_confirmation(
    counsellor,
):
    fair = FairFactory(status=Status.DRAFT, created_by=counsellor)
    started = fair.starts_at + datetime.timedelta(minutes=5)

    with pytest.raises(services.NeedsConfirmation) as refused:
        services.fair_publish(fair_id=fair.pk, actor=counsellor, now=started)

    assert len(refused.value.warnings) == 2
    fair.refresh_from_db()
    assert fair.status == Status.DRAFT and not fair.events.exists()
    services.fair_publish(fair_id=fair.pk, actor=counsellor, now=started, confirmed=True)
    fair.refresh_from_db()
    assert fair.status == Status.PUBLISHED


def test_publishing_refuses_an_enterprise_that_lost_its_licence_since_it_was_added(counsellor):
    fair = FairFactory(status=Status.DRAFT, created_by=counsellor)
    joined = participation(fair, counsellor, name="Công ty Cũ")
    joined.enterprise.status = LicenceStatus.REVOKED
    joined.enterprise.revoked_on = fair.day - datetime.timedelta(days=1)
    joined.enterprise.save()

    with pytest.raises(services.NotLicensed, match="Công ty Cũ"):
        services.fair_publish(fair_id=fair.pk, actor=counsellor)
    fair.refresh_from_db()
    assert fair.status == Status.DRAFT


def test_closing_ends_a_published_fair(fair, counsellor):
    services.fair_close(fair_id=fair.pk, actor=counsellor)

    fair.refresh_from_db()
    assert fair.status == Status.CLOSED
    assert fair.events.get().from_status == Status.PUBLISHED


@pytest.mark.parametrize("status", [Status.DRAFT, Status.CLOSED, Status.CANCELLED])
def test_only_a_published_fair_is_closed(counsellor, status):
    fair = FairFactory(status=status, created_by=counsellor)

    with pytest.raises(services.InvalidTransition):
        services.fair_close(fair_id=fair.pk, actor=counsellor)


def test_cancelling_needs_a_reason(fair, counsellor):
    with pytest.raises(services.FairError, match="why"):
        services.fair_cancel(fair_id=fair.pk, actor=counsellor, reason="  ")
    fair.refresh_from_db()
    assert fair.status == Status.PUBLISHED


def test_cancelling_tells_everyone_registered_or_waiting_at_once(
    counsellor, django_capture_on_commit_callbacks, sms_outbox
):
    fair = FairFactory(capacity=1, created_by=counsellor)
    registered = register(fair, WorkerFactory()).registration
    waiting = register(fair, WorkerFactory()).registration
    gone = register(fair, WorkerFactory()).registration
    Registration.all_objects.filter(pk=gone.pk).update(status=Registration.Status.CANCELLED)

    with django_capture_on_commit_callbacks() as callbacks:
        services.fair_cancel(fair_id=fair.pk, actor=counsellor, reason="Bão số 3 đổ bộ")
    assert sms_outbox == []  # nothing leaves before the cancellation commits
    for callback in callbacks:
        callback()

    fair.refresh_from_db()
    assert (fair.status, fair.cancel_reason) == (Status.CANCELLED, "Bão số 3 đổ bộ")
    event = fair.events.get(to_status=Status.CANCELLED)
    assert (event.from_status, event.actor, event.reason) == (
        Status.PUBLISHED,
        counsellor,
        "Bão số 3 đổ bộ",
    )
    told = Notification.objects.filter(kind="fair-cancelled")
    assert {n.recipient_id for n in told} == {registered.worker_id, waiting.worker_id}
    assert all("Bão số 3 đổ bộ" in n.body for n in told if n.channel == "in_app")
    assert sorted(m.to for m in sms_outbox) == sorted(
        [registered.worker.phone, waiting.worker.phone]
    )


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
def test_a_closed_or_cancelled_fair_cannot_be_cancelled(counsellor, status):
    fair = FairFactory(status=status, created_by=counsellor)

    with pytest.raises(services.InvalidTransition):
        services.fair_cancel(fair_id=fair.pk, actor=counsellor, reason="x")


def test_changing_a_fair_refuses_fewer_places_than_tickets(counsellor):
    fair = FairFactory(capacity=3, created_by=counsellor)
    for _ in range(2):
        register(fair, WorkerFactory())

    with pytest.raises(services.FairError, match="at least 2 places"):
        services.fair_update(
            fair_id=fair.pk, actor=counsellor, expected_version=0, values={"capacity": 1}
        )


def test_more_places_serve_the_waitlist_in_order(counsellor):
    fair = FairFactory(capacity=1, created_by=counsellor)
    register(fair, WorkerFactory())
    first, second, third = (register(fair, WorkerFactory()).registration for _ in range(3))

    services.fair_update(
        fair_id=fair.pk, actor=counsellor, expected_version=0, values={"capacity": 3}
    )

    statuses = dict(Registration.all_objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == Registration.Status.REGISTERED
    assert statuses[third.pk] == Registration.Status.WAITLISTED
    assert Notification.objects.filter(kind="fair-promoted").count() >= 2


def test_a_change_made_from_a_stale_form_is_refused(fair, counsellor):
    services.fair_update(fair_id=fair.pk, actor=counsellor, expected_version=0, values={})

    with pytest.raises(services.StaleFair):
        services.fair_update(
            fair_id=fair.pk, actor=counsellor, expected_version=0, values={"title": "Khác"}
        )


# --- Enterprises ----------------------------------------------------------------------


def test_a_licensed_enterprise_joins_the_fair(fair, counsellor):
    company = enterprise(name="Công ty CP Nhân lực Hoàng Liên")

    joined = services.participation_add(fair_id=fair.pk, enterprise=company, actor=counsellor)

    assert joined.enterprise == company and joined.added_by == counsellor
    assert fair.events.get(action="enterprise").reason == company.name


def test_a_suspended_enterprise_is_refused_and_the_message_says_until_when(fair, counsellor):
    company = enterprise(
        name="Công ty Tạm Dừng",
        status=LicenceStatus.SUSPENDED,
        suspended_from=fair.day - datetime.timedelta(days=10),
        suspended_until=datetime.date(2031, 3, 31),
    )

    with pytest.raises(services.NotLicensed) as refused:
        services.participation_add(fair_id=fair.pk, enterprise=company, actor=counsellor)
    assert "suspended" in str(refused.value) and "31/03/2031" in str(refused.value)
    assert not Participation.all_objects.exists()


def test_a_revoked_enterprise_is_refused_and_the_message_says_since_when(fair, counsellor):
    company = enterprise(status=LicenceStatus.REVOKED, revoked_on=datetime.date(2024, 5, 2))

    with pytest.raises(services.NotLicensed, match="revoked on 02/05/2024"):
        services.participation_add(fair_id=fair.pk, enterprise=company, actor=counsellor)


def test_an_enterprise_licensed_only_after_the_fair_is_refused(fair, counsellor):
    company = enterprise(licence_issued_on=fair.day + datetime.timedelta(days=1))

    with pytest.raises(services.NotLicensed, match="starts on"):
        services.participation_add(fair_id=fair.pk, enterprise=company, actor=counsellor)


def test_the_licence_is_judged_on_the_day_of_the_fair_not_today(fair, counsellor):
    # Suspended today, but the suspension ends before the fair.
    company = enterprise(
        status=LicenceStatus.SUSPENDED,
        suspended_from=timezone.localdate() - datetime.timedelta(days=5),
        suspended_until=fair.day - datetime.timedelta(days=1),
    )

    assert services.participation_add(fair_id=fair.pk, enterprise=company, actor=counsellor)


def test_an_enterprise_joins_a_fair_once(fair, counsellor):
    company = enterprise()
    services.participation_add(fair_id=fair.pk, enterprise=company, actor=counsellor)

    with pytest.raises(services.FairError, match="already takes part"):
        services.participation_add(fair_id=fair.pk, enterprise=company, actor=counsellor)


def test_moving_a_fair_to_a_day_an_enterprise_may_not_recruit_is_refused(fair, counsellor):
    company = enterprise(revoked_on=fair.day + datetime.timedelta(days=3))
    services.participation_add(fair_id=fair.pk, enterprise=company, actor=counsellor)
    later = fair.starts_at + datetime.timedelta(days=7)

    with pytest.raises(services.NotLicensed):
        services.fair_update(
            fair_id=fair.pk,
            actor=counsellor,
            expected_version=0,
            values={"starts_at": later, "ends_at": later + datetime.timedelta(hours=2)},
        )


def test_a_job_order_is_paid_in_its_markets_currency(fair, counsellor):
    joined = participation(fair, counsellor)
    programme = ProgrammeFactory()

    order = services.job_order_add(
        participation_id=joined.pk,
        actor=counsellor,
        values={
            "market": programme.market,
            "programme": programme,
            "occupation": "Chế biến thực phẩm",
            "vacancies": 20,
            "wage_min": Decimal("160000"),
            "wage_max": Decimal("190000"),
            "requirements": "Nam 18-30 tuổi",
        },
    )

    assert order.wage_currency == programme.market.currency == "JPY"
    assert JobOrder.objects.get().participation == joined


def test_a_job_order_with_a_programme_of_another_market_is_refused(fair, counsellor):
    joined = participation(fair, counsellor)
    programme = ProgrammeFactory()

    with pytest.raises(services.FairError, match="another market"):
        services.job_order_add(
            participation_id=joined.pk,
            actor=counsellor,
            values={
                "market": ProgrammeFactory().market,
                "programme": programme,
                "occupation": "x",
                "vacancies": 1,
            },
        )


def test_an_enterprise_that_interviewed_someone_stays_on_the_fair(counsellor, worker):
    from tests.fairs.factories import fair_today

    fair = fair_today(created_by=counsellor)
    joined = participation(fair, counsellor)
    registration = register(fair, worker).registration
    services.check_in(fair_id=fair.pk, actor=counsellor, code=registration.code)
    services.interview_record(
        participation_id=joined.pk, registration_id=registration.pk, actor=counsellor
    )

    with pytest.raises(services.FairError, match="interviews"):
        services.participation_remove(participation_id=joined.pk, actor=counsellor)


def test_moving_a_published_fair_tells_the_people_registered(counsellor):
    fair = FairFactory(capacity=1, created_by=counsellor)
    holder = register(fair, WorkerFactory()).registration
    waiting = register(fair, WorkerFactory()).registration
    later = fair.starts_at + datetime.timedelta(hours=2)

    services.fair_update(
        fair_id=fair.pk,
        actor=counsellor,
        expected_version=0,
        values={"starts_at": later, "ends_at": later + datetime.timedelta(hours=2)},
    )
    services.fair_update(
        fair_id=fair.pk, actor=counsellor, expected_version=1, values={"title": "Tên mới"}
    )

    told = Notification.objects.filter(kind="fair-changed", channel="in_app")
    assert {n.recipient_id for n in told} == {holder.worker_id, waiting.worker_id}
    assert told.count() == 2  # a new title is not news worth a message
