"""Interviews and offers at the fair, linked to the workers' cases."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fairs import services
from fairs.models import FairEvent, Interview
from tests.fairs.factories import fair_today, participation, register, walk_in
from workers.models import FollowUp

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_fair(counsellor):
    return fair_today(created_by=counsellor)


@pytest.fixture
def came(today_fair, counsellor, profile):
    """A worker with a file who registered and came to the fair."""
    registration = register(today_fair, profile.user).registration
    return services.check_in(fair_id=today_fair.pk, actor=counsellor, code=registration.code)


def test_an_interview_is_linked_to_the_workers_case(today_fair, counsellor, came, profile):
    joined = participation(today_fair, counsellor)

    interview = services.interview_record(
        participation_id=joined.pk, registration_id=came.pk, actor=counsellor
    )

    assert interview.case == profile.case
    assert interview.result == Interview.Result.INTERVIEWED
    assert FairEvent.objects.get(action="interview").registration_id == came.pk


def test_an_interview_needs_the_person_checked_in(today_fair, counsellor, worker):
    joined = participation(today_fair, counsellor)
    registration = register(today_fair, worker).registration

    with pytest.raises(services.FairError, match="not checked in"):
        services.interview_record(
            participation_id=joined.pk, registration_id=registration.pk, actor=counsellor
        )


def test_an_enterprise_interviews_a_person_once(today_fair, counsellor, came):
    joined = participation(today_fair, counsellor)
    services.interview_record(participation_id=joined.pk, registration_id=came.pk, actor=counsellor)

    with pytest.raises(services.FairError, match="already interviewed"):
        services.interview_record(
            participation_id=joined.pk, registration_id=came.pk, actor=counsellor
        )


def test_an_offer_becomes_a_follow_up_for_the_workers_counsellor(
    today_fair, counsellor, manager, came, profile
):
    profile.case.assigned_to = counsellor
    profile.case.save()
    joined = participation(today_fair, counsellor, short_name="HOANG LIEN")
    due = timezone.localdate() + datetime.timedelta(days=7)
    interview = services.interview_record(
        participation_id=joined.pk, registration_id=came.pk, actor=manager
    )

    offered = services.offer_make(interview_id=interview.pk, actor=manager, follow_up_on=due)

    assert offered.result == Interview.Result.OFFERED and offered.offered_by == manager
    task = FollowUp.all_objects.get(case=profile.case)
    assert (task.assignee, task.created_by, task.due_on, task.source) == (
        counsellor,
        manager,
        due,
        "fair-offer",
    )
    assert "HOANG LIEN" in task.title
    offered.refresh_from_db()
    assert offered.follow_up == task
    assert FairEvent.objects.filter(action="offer", to_status="offered").count() == 1


def test_an_offer_is_recorded_once(today_fair, counsellor, came):
    joined = participation(today_fair, counsellor)
    interview = services.interview_record(
        participation_id=joined.pk, registration_id=came.pk, actor=counsellor, offered=True
    )

    with pytest.raises(services.InvalidTransition):
        services.offer_make(interview_id=interview.pk, actor=counsellor)


def test_an_offer_becomes_a_follow_up_only_once(today_fair, counsellor, came):
    joined = participation(today_fair, counsellor)
    interview = services.interview_record(
        participation_id=joined.pk, registration_id=came.pk, actor=counsellor, offered=True
    )
    day = timezone.localdate()
    services.offer_follow_up(interview_id=interview.pk, actor=counsellor, due_on=day)

    with pytest.raises(services.InvalidTransition, match="already"):
        services.offer_follow_up(interview_id=interview.pk, actor=counsellor, due_on=day)
    assert FollowUp.all_objects.count() == 1


def test_someone_without_a_file_cannot_get_a_follow_up_and_nothing_is_recorded(
    today_fair, counsellor
):
    joined = participation(today_fair, counsellor)
    person = walk_in(today_fair, counsellor, "Ly Seo Chứ", check_in=True, now=None)

    with pytest.raises(services.FairError, match="no file"):
        services.interview_record(
            participation_id=joined.pk,
            registration_id=person.pk,
            actor=counsellor,
            offered=True,
            follow_up_on=timezone.localdate(),
        )
    # One transaction per action: the interview is not kept without its follow-up.
    assert not Interview.all_objects.exists()


def test_the_outcomes_page_records_an_interview_with_an_offer_and_a_follow_up(
    client, today_fair, counsellor, came, profile
):
    joined = participation(today_fair, counsellor)
    client.force_login(counsellor)
    due = timezone.localdate() + datetime.timedelta(days=3)

    response = client.post(
        reverse("fairs:outcomes", args=[today_fair.pk]),
        {
            "participation": joined.pk,
            "registration": came.pk,
            "offered": "on",
            "follow_up": "on",
            "follow_up_on": due.isoformat(),
        },
    )

    assert response.status_code == 302
    interview = Interview.all_objects.get()
    assert interview.result == Interview.Result.OFFERED
    assert interview.follow_up.due_on == due
    page = client.get(reverse("fairs:outcomes", args=[today_fair.pk]))
    assert 'data-interviews="1" data-offers="1"' in page.text


def test_the_outcomes_page_makes_an_offer_from_an_interview(client, today_fair, counsellor, came):
    joined = participation(today_fair, counsellor)
    interview = services.interview_record(
        participation_id=joined.pk, registration_id=came.pk, actor=counsellor
    )
    client.force_login(counsellor)

    client.post(
        reverse("fairs:offer", args=[today_fair.pk, interview.pk]),
        {"follow_up": "1", "due_on": timezone.localdate().isoformat()},
    )

    interview.refresh_from_db()
    assert interview.result == Interview.Result.OFFERED and interview.follow_up is not None


def test_another_provinces_counsellor_gets_404_on_outcomes(
    client, today_fair, counsellor, came, other_counsellor
):
    joined = participation(today_fair, counsellor)
    interview = services.interview_record(
        participation_id=joined.pk, registration_id=came.pk, actor=counsellor
    )
    client.force_login(other_counsellor)

    assert client.get(reverse("fairs:outcomes", args=[today_fair.pk])).status_code == 404
    assert (
        client.post(reverse("fairs:offer", args=[today_fair.pk, interview.pk])).status_code == 404
    )
    interview.refresh_from_db()
    assert interview.result == Interview.Result.INTERVIEWED
