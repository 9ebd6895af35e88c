"""Notices whose time has come are published, and those past their end are expired.

Visibility already follows the times at query time; these jobs bring the stored status
(and its event rows) in line, so the staff lists and the history say what happened.
Running them twice, or twice at once, changes nothing more: each transition locks its
notice and checks its state.
"""

from __future__ import annotations

from celery import shared_task
from django.core.exceptions import ValidationError
from django.utils import timezone

from markets import services
from markets.models import Notice, NoticeStatus


@shared_task
def publish_due_notices() -> int:
    now = timezone.now()
    done = 0
    due = Notice.objects.unscoped("publishing job, every province").filter(
        status=NoticeStatus.SCHEDULED, publish_at__lte=now
    )
    for notice in due:
        try:
            services.notice_publish(notice=notice, by=None, now=now)
        except ValidationError:
            continue  # another run got there first
        done += 1
    return done


@shared_task
def expire_due_notices() -> int:
    now = timezone.now()
    done = 0
    for notice in Notice.objects.unscoped("expiry job, every province").filter(
        status=NoticeStatus.PUBLISHED, expires_at__lte=now
    ):
        try:
            services.notice_expire(notice=notice, now=now)
        except ValidationError:
            continue
        done += 1
    return done
