import datetime

import pytest
from django.utils import timezone

from loans.models import Application
from loans.tasks import remind_waiting
from notifications.models import Notification
from tests.loans.factories import grant_programme, in_review, submitted_grant, worker_profile

pytestmark = pytest.mark.django_db


def wait(application: Application, days: int) -> None:
    Application.all_objects.filter(pk=application.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=days)
    )


def told(kind: str = "application-waiting") -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))


def test_the_reviewer_is_told_after_a_week_and_the_managers_after_two(
    settings, counsellor, manager, lao_cai
):
    settings.SUPPORT_WAITING_DAYS = 7
    programme = grant_programme()
    reviewed = in_review(worker_profile(lao_cai), programme, counsellor)

    wait(reviewed, 3)
    remind_waiting(timezone.now())
    assert told() == set()

    wait(reviewed, 8)
    remind_waiting(timezone.now())
    remind_waiting(timezone.now())
    assert told() == {counsellor.pk}

    wait(reviewed, 15)
    remind_waiting(timezone.now())
    assert told() == {counsellor.pk, manager.pk}
    assert Notification.objects.filter(recipient=manager, channel="in_app").count() == 1


def test_an_application_nobody_picked_up_goes_to_the_managers(settings, manager, lao_cai):
    settings.SUPPORT_WAITING_DAYS = 7
    sent = submitted_grant(worker_profile(lao_cai), grant_programme())
    wait(sent, 8)

    remind_waiting(timezone.now())

    assert told() == {manager.pk}
