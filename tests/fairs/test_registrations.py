import datetime

import pytest
from django.utils import timezone

from fairs import selectors, services
from fairs.models import CODE_ALPHABET, Fair, FairEvent, Registration
from notifications.models import Notification
from tests.factories import WorkerFactory
from tests.fairs.factories import FairFactory, before, register, walk_in

pytestmark = pytest.mark.django_db

Status = Registration.Status


def test_a_worker_gets_a_ticket_with_a_short_unambiguous_code(fair, worker):
    result = register(fair, worker)

    registration = result.registration
    assert result.created
    assert registration.status == Status.REGISTERED
    assert len(registration.code) == 6
    assert set(registration.code) <= set(CODE_ALPHABET)
    assert not set(registration.code) & set("01ILO")
    assert registration.name == worker.name and registration.phone == worker.phone
    event = FairEvent.objects.get(registration=registration)
    assert (event.actor, event.to_status) == (worker, Status.REGISTERED)


def test_registering_twice_returns_the_same_ticket(fair, worker):
    first = register(fair, worker).registration
    again = register(fair, worker)

    assert not again.created
    assert again.registration.pk == first.pk
    assert Registration.all_objects.count() == 1


def test_a_full_fair_puts_the_worker_on_the_waitlist(lao_cai, counsellor):
    fair = FairFactory(capacity=1, created_by=counsellor)
    register(fair, WorkerFactory())

    late = register(fair, WorkerFactory()).registration

    assert late.status == Status.WAITLISTED
    assert selectors.waitlist_position(late) == 1
    assert selectors.places_taken(fair) == 1


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Fair.Status.CLOSED, "closed"),
        (Fair.Status.CANCELLED, "cancelled"),
        (Fair.Status.DRAFT, "not open"),
    ],
)
def test_registering_for_a_closed_cancelled_or_draft_fair_says_so(
    counsellor, worker, status, words
):
    fair = FairFactory(status=status, cancel_reason="Bão", created_by=counsellor)

    with pytest.raises(services.RegistrationRefused, match=words):
        register(fair, worker)
    assert not Registration.all_objects.exists()


def test_after_the_deadline_workers_are_refused_but_the_centre_registers_walk_ins(
    counsellor, worker
):
    fair = FairFactory(created_by=counsellor)
    fair.registration_deadline = fair.starts_at - datetime.timedelta(days=1)
    fair.save()
    late = fair.starts_at - datetime.timedelta(hours=2)

    with pytest.raises(services.RegistrationRefused, match="Registration closed"):
        register(fair, worker, now=late)
    assert walk_in(fair, counsellor, "Vàng Văn Sử", now=late).status == Status.REGISTERED


def test_cancelling_promotes_the_waitlist_in_order_and_tells_the_promoted(counsellor):
    fair = FairFactory(capacity=2, created_by=counsellor)
    holders = [register(fair, WorkerFactory()).registration for _ in range(2)]
    waiting = [register(fair, WorkerFactory()).registration for _ in range(3)]
    assert [r.status for r in waiting] == [Status.WAITLISTED] * 3

    services.registration_cancel(
        registration_id=holders[0].pk, actor=holders[0].worker, now=before(fair)
    )
    services.registration_cancel(registration_id=holders[1].pk, actor=counsellor, now=before(fair))

    statuses = {r.pk: r.status for r in Registration.all_objects.all()}
    assert statuses[waiting[0].pk] == Status.REGISTERED
    assert statuses[waiting[1].pk] == Status.REGISTERED
    assert statuses[waiting[2].pk] == Status.WAITLISTED
    told = Notification.objects.filter(kind="fair-promoted")
    assert {n.recipient_id for n in told} == {waiting[0].worker_id, waiting[1].worker_id}
    assert {n.key.rsplit(":", 1)[0] for n in told} == {
        f"fair-promoted:{waiting[0].pk}",
        f"fair-promoted:{waiting[1].pk}",
    }
    assert selectors.waitlist_position(Registration.all_objects.get(pk=waiting[2].pk)) == 1


def test_promotion_follows_the_order_of_joining_not_of_ids(counsellor):
    fair = FairFactory(capacity=1, created_by=counsellor)
    holder = register(fair, WorkerFactory()).registration
    later = register(fair, WorkerFactory(), now=before(fair)).registration
    earlier = register(
        fair, WorkerFactory(), now=before(fair) - datetime.timedelta(hours=1)
    ).registration

    services.registration_cancel(registration_id=holder.pk, actor=counsellor, now=before(fair))

    earlier.refresh_from_db()
    later.refresh_from_db()
    assert earlier.status == Status.REGISTERED
    assert later.status == Status.WAITLISTED


def test_cancelling_a_waitlist_place_promotes_nobody(counsellor):
    fair = FairFactory(capacity=1, created_by=counsellor)
    register(fair, WorkerFactory())
    first = register(fair, WorkerFactory()).registration
    second = register(fair, WorkerFactory()).registration

    services.registration_cancel(registration_id=first.pk, actor=counsellor, now=before(fair))

    second.refresh_from_db()
    assert second.status == Status.WAITLISTED
    assert selectors.waitlist_position(second) == 1
    assert not Notification.objects.filter(kind="fair-promoted").exists()


def test_cancelling_after_the_start_is_refused(fair, worker):
    registration = register(fair, worker).registration

    with pytest.raises(services.InvalidTransition, match="started"):
        services.registration_cancel(
            registration_id=registration.pk,
            actor=worker,
            now=fair.starts_at + datetime.timedelta(minutes=1),
        )
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED


def test_cancelling_twice_is_refused(fair, worker):
    registration = register(fair, worker).registration
    services.registration_cancel(registration_id=registration.pk, actor=worker, now=before(fair))

    with pytest.raises(services.InvalidTransition):
        services.registration_cancel(
            registration_id=registration.pk, actor=worker, now=before(fair)
        )
    assert FairEvent.objects.filter(to_status=Status.CANCELLED).count() == 1


def test_a_cancelled_worker_may_register_again_at_the_end_of_the_queue(counsellor, worker):
    fair = FairFactory(capacity=1, created_by=counsellor)
    first = register(fair, worker).registration
    services.registration_cancel(registration_id=first.pk, actor=worker, now=before(fair))
    register(fair, WorkerFactory())

    again = register(fair, worker)

    assert again.created and again.registration.pk != first.pk
    assert again.registration.status == Status.WAITLISTED


def test_a_walk_in_with_the_phone_of_an_account_joins_that_account(fair, counsellor, worker):
    registration = walk_in(fair, counsellor, "Lan", phone=worker.phone)

    assert registration.worker == worker
    assert registration.source == Registration.Source.WALK_IN
    assert registration.registered_by == counsellor
    # The worker registering online afterwards finds the same ticket.
    assert register(fair, worker).registration.pk == registration.pk


def test_a_walk_in_without_an_account_keeps_name_phone_and_commune(fair, counsellor, lao_cai):
    commune = lao_cai.communes.order_by("name").first()

    registration = walk_in(fair, counsellor, "Giàng Thị Sua", phone="+84987000111", commune=commune)

    assert registration.worker is None
    assert (registration.name, registration.phone, registration.commune) == (
        "Giàng Thị Sua",
        "+84987000111",
        commune,
    )
    assert registration.search_name == "giang thi sua"
    assert walk_in(fair, counsellor, "Sua", phone="+84987000111").pk == registration.pk


def test_a_worker_registered_at_the_door_before_having_an_account_gets_the_ticket(fair, counsellor):
    at_the_door = walk_in(fair, counsellor, "Lù Thị Dín", phone="+84987000222")
    account = WorkerFactory(phone="+84987000222")

    result = register(fair, account)

    assert not result.created and result.registration.pk == at_the_door.pk
    at_the_door.refresh_from_db()
    assert at_the_door.worker == account


def test_registration_closes_when_the_fair_starts_even_without_a_deadline(fair, worker):
    with pytest.raises(services.RegistrationRefused):
        register(fair, worker, now=fair.starts_at)
    assert fair.closes_at == fair.starts_at
    assert timezone.is_aware(fair.closes_at)
