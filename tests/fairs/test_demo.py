import datetime

import pytest
from django.utils import timezone

from accounts.demo import seed_accounts
from accounts.models import User
from fairs.demo import seed_fairs
from fairs.models import Fair, Interview, Participation, Registration
from fairs.selectors import fair_figures
from markets.demo import seed_markets
from workers.demo import seed_cases, seed_workers
from workers.models import FollowUp

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(
        m._default_manager.count() for m in (Fair, Participation, Registration, Interview, FollowUp)
    )


def test_the_demo_has_past_fairs_with_results_and_a_coming_one_and_runs_twice(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_accounts("demo-password-2026")
    seed_markets()
    seed_workers()
    seed_cases()

    seed_fairs()
    first = _counts()
    seed_fairs()

    assert _counts() == first
    counsellor = User.objects.get(email="tuvan.laocai@mrc.demo")
    today = timezone.localdate()
    past = fair_figures(counsellor, today - datetime.timedelta(days=365), today)
    assert past.totals.sessions == 2
    assert past.totals.attendance > 0 and past.totals.interviews > 0 and past.totals.offers > 0
    assert Fair.all_objects.filter(status=Fair.Status.CLOSED).count() == 2
    coming = Fair.all_objects.get(status=Fair.Status.PUBLISHED)
    assert coming.starts_at > timezone.now()
    phones = set(coming.registrations.values_list("worker__phone", flat=True))
    assert {"+84912345001", "+84912345002"} <= phones
    for participation in Participation.all_objects.select_related("enterprise", "fair"):
        assert participation.enterprise.may_recruit_on(participation.fair.day)
    assert FollowUp.all_objects.filter(source="fair-offer").count() == 1
