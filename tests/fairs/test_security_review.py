"""Findings 3 and 8 of the security review: the fair's door and outcomes stay inside the
fair's province."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fairs import services
from fairs.models import Registration
from tests.conftest import login_staff
from tests.factories import WorkerFactory
from tests.fairs.factories import fair_today, participation, register, walk_in
from tests.workers.factories import ProfileFactory
from workers.models import FollowUp

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_fair(counsellor):
    return fair_today(created_by=counsellor)


@pytest.fixture
def elsewhere(dong_thap):
    """A worker of another province, with a file and a commune there."""
    user = WorkerFactory(province=dong_thap, phone="+84918000111")
    return ProfileFactory(user=user, commune=dong_thap.communes.order_by("code").first())


def test_a_walk_in_with_another_provinces_workers_phone_is_a_new_contact(
    today_fair, counsellor, elsewhere
):
    registration = walk_in(today_fair, counsellor, "Người lạ", phone=elsewhere.user.phone)

    assert registration.worker is None
    assert registration.commune is None  # not the other worker's commune
    assert not Registration.all_objects.filter(worker=elsewhere.user).exists()


def test_the_door_shows_nothing_of_another_provinces_worker(client, today_fair, helper, elsewhere):
    client.force_login(helper)
    door = reverse("fairs:check_in", args=[today_fair.pk])

    client.post(
        door,
        {"action": "walk_in", "walkin-name": "Người lạ", "walkin-phone": "0918000111"},
    )
    page = client.get(door, {"q": "nguoi la"}).text

    assert elsewhere.commune.name not in page
    assert not Registration.all_objects.filter(worker=elsewhere.user).exists()


def test_a_walk_in_of_the_fairs_own_province_still_joins_their_account(
    today_fair, counsellor, worker
):
    assert walk_in(today_fair, counsellor, "Lan", phone=worker.phone).worker == worker


def test_an_offer_never_writes_into_another_provinces_case(today_fair, counsellor, elsewhere):
    registration = register(today_fair, elsewhere.user).registration
    services.check_in(fair_id=today_fair.pk, actor=counsellor, code=registration.code)
    interview = services.interview_record(
        participation_id=participation(today_fair, counsellor).pk,
        registration_id=registration.pk,
        actor=counsellor,
    )
    assert interview.case is None

    with pytest.raises(services.FairError, match="another province"):
        services.offer_make(
            interview_id=interview.pk,
            actor=counsellor,
            follow_up_on=timezone.localdate() + datetime.timedelta(days=3),
        )
    assert not FollowUp.all_objects.filter(case=elsewhere.case).exists()


# --- Finding 8 ---------------------------------------------------------------------------


def test_picking_another_fairs_registration_id_answers_without_its_code(
    client, today_fair, helper, other_counsellor
):
    other = fair_today(province=other_counsellor.province, created_by=other_counsellor)
    theirs = register(other, WorkerFactory(province=other_counsellor.province)).registration
    client.force_login(helper)
    door = reverse("fairs:check_in", args=[today_fair.pk])

    page = client.post(door, {"action": "pick", "registration": theirs.pk}, follow=True).text

    assert theirs.code not in page
    assert "not on this fair" in page
    theirs.refresh_from_db()
    assert theirs.checked_in_at is None


def test_a_code_of_a_fair_the_door_keeper_cannot_see_is_unknown(
    today_fair, counsellor, other_counsellor
):
    other = fair_today(province=other_counsellor.province, created_by=other_counsellor)
    theirs = register(other, WorkerFactory(province=other_counsellor.province)).registration

    with pytest.raises(services.CheckInRefused) as refused:
        services.check_in(fair_id=today_fair.pk, actor=counsellor, code=theirs.code)

    assert refused.value.outcome == services.CheckInRefused.UNKNOWN


def test_a_staff_member_checking_in_gets_the_same_answer(client, today_fair, counsellor):
    login_staff(client, counsellor)
    other = fair_today(created_by=counsellor)
    theirs = register(other, WorkerFactory()).registration

    page = client.post(
        reverse("fairs:check_in", args=[today_fair.pk]),
        {"action": "pick", "registration": theirs.pk},
        follow=True,
    ).text

    assert theirs.code not in page


# --- Finding 13: the door helper sees names and ticket codes only -----------------------


def test_a_door_helper_sees_names_and_ticket_codes_only(client, today_fair, helper, lao_cai):
    commune = lao_cai.communes.order_by("code").first()
    registration = walk_in(
        today_fair, helper, "Hầu Thị Chua", phone="+84987000444", commune=commune
    )
    client.force_login(helper)

    page = client.get(reverse("fairs:check_in", args=[today_fair.pk]), {"q": "hau thi chua"})

    results = page.text.split('class="door-list"', 1)[1].split("</ul>", 1)[0]
    assert "Hầu Thị Chua" in results and registration.code in results
    assert commune.name not in results
    assert registration.masked_phone not in results
    assert "no-store" in page["Cache-Control"]


def test_the_centres_staff_at_the_door_also_see_what_tells_namesakes_apart(
    client, today_fair, counsellor, lao_cai
):
    commune = lao_cai.communes.order_by("code").first()
    walk_in(today_fair, counsellor, "Hầu Thị Chua", phone="+84987000444", commune=commune)
    login_staff(client, counsellor)

    page = client.get(reverse("fairs:check_in", args=[today_fair.pk]), {"q": "hau thi chua"})

    assert commune.name in page.text.split('class="door-list"', 1)[1]
