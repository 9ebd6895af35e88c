"""Help requests from abroad: creation and every transition through the one service."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from assistance import services
from assistance.models import HelpRequestEvent, Kind, Outcome, Source, Status
from notifications.models import Notification
from tests.assistance.factories import abroad_profile, help_request
from tests.factories import StaffFactory
from tests.workers.factories import ProfileFactory
from workers.models import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(lao_cai):
    return abroad_profile(lao_cai)


def test_a_request_with_nothing_but_a_phone_number_is_accepted(profile, counsellor, settings):
    settings.HELP_FIRST_CONTACT_HOURS = 24
    request = services.help_request_create(
        profile=profile, actor=profile.user, phone_abroad="+82 10 0000 0000"
    )

    assert (request.status, request.kind, request.source) == (Status.NEW, Kind.OTHER, Source.WORKER)
    assert request.first_contact_due - request.created_at == datetime.timedelta(hours=24)
    assert request.market.code == "korea"
    event = HelpRequestEvent.objects.get(request=request)
    assert (event.action, event.actor, event.to_status) == ("create", profile.user, Status.NEW)
    # The province's counsellor is told at once.
    assert Notification.objects.filter(recipient=counsellor, kind="help-request-new").exists()


def test_a_request_without_any_way_to_reach_the_worker_is_refused(profile):
    with pytest.raises(services.HelpError):
        services.help_request_create(profile=profile, actor=profile.user, what_happened="Cứu")


def test_a_worker_who_is_not_abroad_cannot_send_one(lao_cai):
    profile = ProfileFactory()
    with pytest.raises(services.HelpError):
        help_request(profile)


def test_a_worker_who_left_the_contract_can_still_ask_for_help(lao_cai):
    profile = abroad_profile(lao_cai, stage=Stage.LEFT_CONTRACT)
    assert help_request(profile, kind="come_home").status == Status.NEW


def test_a_counsellor_records_a_relatives_call_for_the_worker(
    profile, counsellor, other_counsellor
):
    request = help_request(profile, actor=counsellor, relative_contact="Mẹ: 0900 000 000")
    assert request.source == Source.RELATIVE_PHONE and request.created_by == counsellor
    with pytest.raises(services.HelpError):
        help_request(profile, actor=other_counsellor)


def test_first_contact_then_handling_then_an_outcome_with_the_amount(profile, counsellor):
    request = help_request(profile)

    contacted = services.help_request_contact(request_id=request.pk, actor=counsellor, note="Gọi")
    assert contacted.status == Status.CONTACTED and contacted.first_contact_by == counsellor
    assert contacted.assigned_to == counsellor  # nobody had it: the first caller takes it
    services.help_request_start(request_id=request.pk, actor=counsellor)
    closed = services.help_request_close(
        request_id=request.pk, actor=counsellor, outcome=Outcome.RECOVERED,
        amount=Decimal("12500000"), note="Chủ trả lương",
    )  # fmt: skip

    assert (closed.status, closed.outcome, closed.amount_recovered) == (
        Status.CLOSED, Outcome.RECOVERED, Decimal("12500000"),
    )  # fmt: skip
    moves = list(request.events.values_list("action", "from_status", "to_status", "actor"))
    assert moves == [
        ("create", "", "new", profile.user.pk),
        ("contact", "new", "contacted", counsellor.pk),
        ("start", "contacted", "in_progress", counsellor.pk),
        ("close", "in_progress", "closed", counsellor.pk),
    ]
    # The worker heard of each step once.
    told = Notification.objects.filter(recipient=profile.user, kind="help-request-update")
    assert sorted({n.key.split(":")[2] for n in told}) == ["closed", "contacted", "in_progress"]


def test_the_state_is_checked_on_every_move(profile, counsellor):
    request = help_request(profile)
    with pytest.raises(services.HelpError):  # no outcome before anyone reached the worker
        services.help_request_close(request_id=request.pk, actor=counsellor, outcome="resolved")
    with pytest.raises(services.HelpError):
        services.help_request_start(request_id=request.pk, actor=counsellor)
    services.help_request_contact(request_id=request.pk, actor=counsellor)
    with pytest.raises(services.HelpError):  # first contact is recorded once
        services.help_request_contact(request_id=request.pk, actor=counsellor)
    with pytest.raises(services.HelpError):
        services.help_request_close(request_id=request.pk, actor=counsellor, outcome="referred")
    with pytest.raises(services.HelpError):
        services.help_request_close(request_id=request.pk, actor=counsellor, outcome="recovered")
    closed = services.help_request_close(
        request_id=request.pk, actor=counsellor, outcome="referred", referred_to="Ban QLLĐ"
    )
    assert closed.referred_to == "Ban QLLĐ"
    with pytest.raises(services.HelpError):
        services.help_request_assign(request_id=request.pk, actor=counsellor, to=counsellor)


def test_staff_of_another_province_cannot_act(profile, other_counsellor, counsellor):
    request = help_request(profile)
    with pytest.raises(services.HelpError):
        services.help_request_contact(request_id=request.pk, actor=other_counsellor)
    with pytest.raises(services.HelpError):
        services.help_request_assign(request_id=request.pk, actor=counsellor, to=other_counsellor)


def test_the_overdue_reminder_is_sent_once_even_when_the_job_runs_twice(
    profile, counsellor, manager, lao_cai
):
    late = help_request(profile)
    on_time = help_request(abroad_profile(lao_cai))
    contacted = help_request(abroad_profile(lao_cai))
    services.help_request_contact(request_id=contacted.pk, actor=counsellor)
    later = timezone.now() + datetime.timedelta(hours=25)
    on_time.first_contact_due = later + datetime.timedelta(hours=1)
    on_time.save(update_fields=["first_contact_due"])

    assert services.first_contact_overdue_remind(later) == 1
    # The job runs again at once (a second worker), and a quarter of an hour later.
    assert services.first_contact_overdue_remind(later) == 1
    assert services.first_contact_overdue_remind(later + datetime.timedelta(minutes=15)) == 1

    reminded = Notification.objects.filter(kind="help-request-overdue")
    # One message per person and channel, about the late request only.
    assert sorted(set(reminded.values_list("recipient", flat=True))) == sorted(
        [counsellor.pk, manager.pk]
    )
    assert reminded.count() == len(set(reminded.values_list("recipient", "channel")))
    assert {n.key for n in reminded} <= {
        f"help-request-overdue:{late.pk}:{c}" for c in ("in_app", "email", "sms")
    }


def test_the_reminder_goes_to_the_assigned_counsellor_only(profile, counsellor, manager):
    request = help_request(profile)
    services.help_request_assign(request_id=request.pk, actor=manager, to=counsellor)
    services.first_contact_overdue_remind(timezone.now() + datetime.timedelta(days=2))
    assert set(
        Notification.objects.filter(kind="help-request-overdue").values_list("recipient", flat=True)
    ) == {counsellor.pk}


def test_a_closed_account_of_the_province_is_not_told(profile, lao_cai):
    gone = StaffFactory(role=Role.COUNSELLOR, province=lao_cai, is_active=False)
    help_request(profile)
    assert not Notification.objects.filter(recipient=gone).exists()
