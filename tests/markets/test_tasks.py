import datetime

import pytest
from django.utils import timezone

from markets.models import NoticeEvent, NoticeStatus
from markets.tasks import expire_due_notices, publish_due_notices
from tests.markets.factories import notice

pytestmark = pytest.mark.django_db


def test_scheduled_notices_are_published_when_due_and_only_once(admin_user):
    now = timezone.now()
    due = notice(
        admin_user, status=NoticeStatus.SCHEDULED, publish_at=now - datetime.timedelta(minutes=1)
    )
    later = notice(
        admin_user, status=NoticeStatus.SCHEDULED, publish_at=now + datetime.timedelta(hours=1)
    )

    assert publish_due_notices() == 1
    assert publish_due_notices() == 0

    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (NoticeStatus.PUBLISHED, NoticeStatus.SCHEDULED)
    assert NoticeEvent.objects.filter(notice=due, to_status=NoticeStatus.PUBLISHED).count() == 1


def test_published_notices_past_their_end_are_expired(admin_user):
    now = timezone.now()
    old = notice(
        admin_user,
        status=NoticeStatus.PUBLISHED,
        publish_at=now - datetime.timedelta(days=10),
        expires_at=now - datetime.timedelta(minutes=5),
    )

    assert expire_due_notices() == 1
    assert expire_due_notices() == 0
    old.refresh_from_db()
    assert old.status == NoticeStatus.EXPIRED
