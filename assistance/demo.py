"""Demo help requests: one closed with wages recovered, one taken by phone from a relative
and past its first-contact deadline (so the staff home shows it). No real phone number."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assistance import services
from assistance.models import HelpRequest, HelpRequestEvent, Outcome, Source
from workers.models import WorkerProfile


@transaction.atomic
def seed_help() -> None:
    counsellor = User.objects.filter(email="tuvan.laocai@mrc.demo").first()
    an = WorkerProfile.all_objects.filter(user__phone="+84912345001").select_related("case").first()
    if counsellor is None or an is None or an.case.stage not in services.ABROAD:
        return
    if (
        HelpRequest.objects.unscoped("demo data: one named worker's requests")
        .filter(profile=an)
        .exists()
    ):
        return
    now = timezone.now()
    wages = services.help_request_create(
        profile=an,
        actor=an.user,
        kind="wages",
        what_happened="Công ty nợ lương hai tháng, nói chờ thêm.",
        zalo="Zalo của An (số Việt Nam trên hồ sơ)",
    )
    services.help_request_contact(request_id=wages.pk, actor=counsellor, note="Gọi Zalo với An")
    services.help_request_start(
        request_id=wages.pk, actor=counsellor, note="Báo Ban Quản lý lao động và công ty phái cử"
    )
    services.help_request_close(
        request_id=wages.pk,
        actor=counsellor,
        outcome=Outcome.RECOVERED,
        amount=Decimal("8000000"),
        note="Công ty đã trả đủ hai tháng lương",
    )
    # Dated as it happened: sent 40 days ago, reached after 5 hours, closed 12 days later.
    sent = now - datetime.timedelta(days=40)
    HelpRequest.objects.unscoped("demo data: one named worker's requests").filter(
        pk=wages.pk
    ).update(
        created_at=sent,
        first_contact_due=sent + datetime.timedelta(hours=services.first_contact_hours()),
        first_contact_at=sent + datetime.timedelta(hours=5),
        closed_at=sent + datetime.timedelta(days=12),
        updated_at=sent + datetime.timedelta(days=12),
    )
    for action, delta in [("create", 0), ("contact", 5), ("start", 30), ("close", 288)]:
        HelpRequestEvent.objects.filter(request=wages, action=action).update(
            at=sent + datetime.timedelta(hours=delta)
        )
    papers = services.help_request_create(
        profile=an,
        actor=counsellor,
        kind="papers",
        what_happened="Bố của An gọi: chủ giữ hộ chiếu của An, An không liên lạc được.",
        relative_contact="Bố của An, ở nhà tại Lào Cai (số máy ghi trong sổ của văn phòng)",
        source=Source.RELATIVE_PHONE,
    )
    called = now - datetime.timedelta(hours=30)
    HelpRequest.objects.unscoped("demo data: one named worker's requests").filter(
        pk=papers.pk
    ).update(
        created_at=called,
        first_contact_due=called + datetime.timedelta(hours=services.first_contact_hours()),
        updated_at=called,
    )
    HelpRequestEvent.objects.filter(request=papers).update(at=called)
