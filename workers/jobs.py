"""The periodic jobs of the worker's file and case: who is told what, and when.

Each job reads what is due (``*_due(today)``: the ids of the people or rows it is about),
and tells about them, all of them or a chunk of ids at a time (``ids``): the task in
workers/tasks.py sends the ids in chunks, one Celery task each (notifications.jobs), so
several workers share a national run. Each chunk reads its rows again with the same
filter, so a row no longer due by then is left alone.

Each job is safe to run twice, or twice at once: a message goes through
`notifications.services.notify`, whose key names the occasion, so a second run finds the
message already in the outbox; a follow-up it creates is looked for by its `source` first,
inside a transaction that locks the case.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from notifications.services import notify
from workers import services
from workers.models import Case, CounsellingSession, Document, FollowUp, Stage, WorkerProfile

EXPIRY_TYPES = ("passport", "health_certificate", "judicial_record")
EXPIRY_HORIZON = datetime.timedelta(days=183)  # "within 6 months"
EPS_DEPOSIT_DAYS = 35
EPS_WARN_DAYS = 7
CONTRACT_ENDING_DAYS = 30


def _pks(rows: QuerySet) -> list[int]:
    return list(rows.order_by("pk").values_list("pk", flat=True).distinct())


def _follow_ups_due(today: datetime.date) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.unscoped("the daily digest: every province's due tasks")
        .open()
        .filter(due_on__lte=today)
        # A case that moved to another province is no longer this counsellor's to see.
        .filter(Q(case__province=F("assignee__province")) | Q(assignee__role=Role.ADMIN))
    )


def follow_up_digest_due(today: datetime.date) -> list[int]:
    """The staff members with a follow-up due today or overdue."""
    rows = _follow_ups_due(today).order_by("assignee").values_list("assignee", flat=True)
    return list(rows.distinct())


def follow_up_digest(today: datetime.date, ids: Sequence[int] | None = None) -> int:
    """Each counsellor with follow-ups due today or overdue gets one digest a day (of the
    staff members `ids` only, when given: a chunk)."""
    sent = 0
    due = _follow_ups_due(today)
    if ids is not None:
        due = due.filter(assignee__in=list(ids))
    rows = due.values("assignee").annotate(
        due=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
    staff = User.objects.in_bulk([row["assignee"] for row in rows])
    for row in rows:
        user = staff[row["assignee"]]
        notify(
            recipient=user,
            kind="follow-up-due",
            key=f"follow-up-due:{today:%Y-%m-%d}",
            context={"due": row["due"], "overdue": row["overdue"], "name": user.name},
            link="/staff/follow-ups/",
        )
        sent += 1
    return sent


def _documents_expiring(today: datetime.date) -> QuerySet[Document]:
    horizon = today + EXPIRY_HORIZON
    return (
        Document.objects.unscoped("daily expiry reminders, every province")
        .filter(type__code__in=EXPIRY_TYPES, expires_on__isnull=False)
        .exclude(status=Document.Status.RETURNED)
        .filter(Q(expires_on__lte=horizon) | Q(expires_on__lte=F("profile__case__departure_date")))
        .exclude(profile__case__stage__in=[Stage.WITHDRAWN, Stage.RETURNED, Stage.REINTEGRATED])
    )


def documents_expiring_due(today: datetime.date) -> list[int]:
    return _pks(_documents_expiring(today))


def documents_expiring(today: datetime.date, ids: Sequence[int] | None = None) -> int:
    """Workers whose passport, health certificate or judicial record expires within six
    months, or before their planned departure, are told once per document and date (of
    the documents `ids` only, when given)."""
    documents = _documents_expiring(today).select_related("type", "profile__user")
    if ids is not None:
        documents = documents.filter(pk__in=list(ids))
    sent = 0
    for document in documents:
        notify(
            recipient=document.profile.user,
            kind="document-expiring",
            key=f"document-expiring:{document.pk}:{document.expires_on:%Y-%m-%d}",
            context={"document": document.type, "expires_on": document.expires_on},
            link="/me/documents/",
        )
        sent += 1
    return sent


def _eps_deposit_cases(today: datetime.date) -> QuerySet[Case]:
    since = today - datetime.timedelta(days=EPS_DEPOSIT_DAYS)
    until = today - datetime.timedelta(days=EPS_DEPOSIT_DAYS - EPS_WARN_DAYS)
    return Case.objects.unscoped("the daily EPS reminder: every province's cases").filter(
        stage=Stage.CONTRACTED,
        programme__code="eps",
        contract_start__gte=since,
        contract_start__lte=until,
    )


def eps_deposit_deadlines_due(today: datetime.date) -> list[int]:
    return _pks(_eps_deposit_cases(today))


def eps_deposit_deadlines(today: datetime.date, ids: Sequence[int] | None = None) -> int:
    """Korea EPS workers who signed with COLAB are reminded a week before the 35-day
    deposit deadline (Decision 16/2023), once per case (of the cases `ids` only, when
    given)."""
    cases = _eps_deposit_cases(today).select_related("profile__user")
    if ids is not None:
        cases = cases.filter(pk__in=list(ids))
    sent = 0
    for case in cases:
        if case.contract_start is None:  # not reached: the filter asks for a start
            continue
        due = case.contract_start + datetime.timedelta(days=EPS_DEPOSIT_DAYS)
        notify(
            recipient=case.profile.user,
            kind="eps-deposit-deadline",
            key=f"eps-deposit-deadline:{case.pk}",
            context={"due": due},
            link="/",
        )
        sent += 1
    return sent


def _contracts_ending(today: datetime.date) -> QuerySet[Case]:
    return Case.objects.unscoped("the daily contract-end job: every province's cases").filter(
        stage=Stage.DEPARTED,
        contract_end__gte=today,
        contract_end__lte=today + datetime.timedelta(days=CONTRACT_ENDING_DAYS),
    )


def contracts_ending_due(today: datetime.date) -> list[int]:
    return _pks(_contracts_ending(today))


def contracts_ending(today: datetime.date, ids: Sequence[int] | None = None) -> int:
    """A case whose contract ends within 30 days gets a return follow-up for its counsellor
    (of the cases `ids` only, when given)."""
    made = 0
    ending = _contracts_ending(today)
    if ids is not None:
        ending = ending.filter(pk__in=list(ids))
    for case_id in ending.values_list("pk", flat=True):
        with transaction.atomic():
            case = (
                Case.objects.unscoped("the daily contract-end job: every province's cases")
                .select_for_update()
                .select_related("profile__user")
                .get(pk=case_id)
            )
            source = f"return:{case.contract_end:%Y-%m-%d}"
            if case.follow_ups.filter(source=source).exists():
                continue
            assignee = case.assigned_to
            if assignee is None or not (
                assignee.is_admin or assignee.province_id == case.province_id
            ):  # nobody, or a counsellor who has since moved: the province's manager
                assignee = _a_manager_of(case.province_id)
            if assignee is None:
                continue
            with translation.override(assignee.language):
                title = _("Prepare the return of %(name)s") % {"name": case.profile.user.name}
            services.follow_up_create(
                case=case,
                title=title,
                due_on=case.contract_end,
                assignee=assignee,
                actor=assignee,
                source=source,
            )
            notify(
                recipient=assignee,
                kind="contract-ending",
                key=f"contract-ending:{case.pk}",
                context={"name": case.profile.user.name, "ends": case.contract_end},
                link=f"/staff/workers/{case.profile_id}/",
            )
            made += 1
    return made


def returns_overdue_due(today: datetime.date) -> list[int]:
    return _pks(
        Case.objects.unscoped(
            "the daily overdue-return job: every province's cases"
        ).return_overdue(today)
    )


def returns_overdue(today: datetime.date, ids: Sequence[int] | None = None) -> int:
    """Each case 30 days past its expected return is reported once to the province's
    managers (of the cases `ids` only, when given)."""
    sent = 0
    overdue = Case.objects.unscoped(
        "the daily overdue-return job: every province's cases"
    ).return_overdue(today)
    if ids is not None:
        overdue = overdue.filter(pk__in=list(ids))
    for case in overdue.select_related("profile__user"):
        for manager in User.objects.filter(
            role=Role.MANAGER, province_id=case.province_id, is_active=True
        ):
            notify(
                recipient=manager,
                kind="return-overdue",
                key=f"return-overdue:{case.pk}",
                context={"name": case.profile.user.name, "ended": case.contract_end},
                link=f"/staff/workers/{case.profile_id}/",
            )
            sent += 1
    return sent


def _summary_managers() -> QuerySet[User]:
    return User.objects.filter(role=Role.MANAGER, is_active=True, province__isnull=False)


def weekly_summary_due(today: datetime.date) -> list[int]:
    return _pks(_summary_managers())


def weekly_summary(today: datetime.date, ids: Sequence[int] | None = None) -> int:
    """Centre managers get the week's figures of their province every Monday (the managers
    `ids` only, when given)."""
    week_ago = today - datetime.timedelta(days=7)
    iso_year, iso_week, _day = today.isocalendar()
    sent = 0
    managers = _summary_managers()
    if ids is not None:
        managers = managers.filter(pk__in=list(ids))
    for manager in managers.order_by("pk"):
        if manager.province_id is None:  # not reached: the managers have a province
            continue
        cases = Case.objects.for_user(manager)
        figures = {
            "registrations": WorkerProfile.objects.for_user(manager)
            .filter(created_at__date__gt=week_ago)
            .count(),
            "sessions": CounsellingSession.objects.unscoped(
                "weekly digest: filtered to the manager's province"
            )
            .filter(province_id=manager.province_id, held_at__date__gt=week_ago)
            .count(),
            "departures": cases.filter(
                departure_date__gt=week_ago, departure_date__lte=today
            ).count(),
            "returns": cases.filter(return_date__gt=week_ago, return_date__lte=today).count(),
            "overdue_follow_ups": FollowUp.objects.for_user(manager)
            .open()
            .filter(due_on__lt=today)
            .count(),
            "returns_overdue": cases.return_overdue(today).count(),
        }
        notify(
            recipient=manager,
            kind="weekly-summary",
            key=f"weekly-summary:{iso_year}-W{iso_week:02d}",
            context={"province": manager.province, **figures},
            link="/staff/reports/",
        )
        sent += 1
    return sent


def _a_manager_of(province_id: int | None) -> User | None:
    return (
        User.objects.filter(role=Role.MANAGER, province_id=province_id, is_active=True)
        .order_by("pk")
        .first()
    )
