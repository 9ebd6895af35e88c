"""The table of an application's moves (loans.transitions), tested like the case table:
the table is the documented one, and every action outside it is refused by its service."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from accounts.transitions import TransitionRefused
from loans import services, transitions
from loans.models import Application, ApplicationEvent, Status
from tests.loans.factories import draft_grant

pytestmark = pytest.mark.django_db

Action = ApplicationEvent.Action
S = Status

DOCUMENTED = {
    (S.DRAFT, S.SUBMITTED), (S.NEEDS_INFO, S.RESUBMITTED),
    (S.SUBMITTED, S.IN_REVIEW), (S.RESUBMITTED, S.IN_REVIEW),
    (S.IN_REVIEW, S.NEEDS_INFO), (S.RESUBMITTED, S.NEEDS_INFO),
    (S.IN_REVIEW, S.APPROVED), (S.RESUBMITTED, S.APPROVED),
    *{(s, S.REJECTED) for s in (S.SUBMITTED, S.IN_REVIEW, S.RESUBMITTED)},
    *{(s, S.WITHDRAWN) for s in (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.NEEDS_INFO, S.RESUBMITTED)},
    (S.APPROVED, S.PAID), (S.APPROVED, S.REFERRED),
    (S.REFERRED, S.LOAN_GRANTED), (S.REFERRED, S.LOAN_DECLINED),
}  # fmt: skip

Call = Callable[[Application, Any], Any]
CALLS: dict[str, Call] = {
    Action.SUBMIT: lambda a, u: services.application_submit(application_id=a.pk, actor=u),
    Action.RESUBMIT: lambda a, u: services.application_resubmit(application_id=a.pk, actor=u),
    Action.WITHDRAW: lambda a, u: services.application_withdraw(application_id=a.pk, actor=u),
    Action.REVIEW: lambda a, u: services.application_review(application_id=a.pk, actor=u),
    Action.REQUEST_INFO: lambda a, u: services.application_request_info(
        application_id=a.pk, actor=u, reason="x"
    ),
    Action.APPROVE: lambda a, u: services.application_approve(
        application_id=a.pk, actor=u, amount=Decimal(1)
    ),
    Action.REJECT: lambda a, u: services.application_reject(
        application_id=a.pk, actor=u, reason="x"
    ),
    Action.PAY: lambda a, u: services.application_mark_paid(application_id=a.pk, actor=u),
    Action.REFER: lambda a, u: services.application_refer(application_id=a.pk, actor=u),
    Action.BANK_GRANT: lambda a, u: services.application_bank_grant(
        application_id=a.pk, actor=u, lent_amount=Decimal(1), decided_on=datetime.date(2026, 1, 2)
    ),
    Action.BANK_DECLINE: lambda a, u: services.application_bank_decline(
        application_id=a.pk, actor=u, reason="x"
    ),
}


def test_the_table_in_code_is_the_documented_one():
    table = {(s, t) for s in Status.values for t in transitions.allowed_moves(s)}

    assert table == DOCUMENTED
    assert set(CALLS) == set(transitions.MOVES)


def test_every_action_outside_the_table_is_refused_naming_the_status(profile, grant, manager):
    application = draft_grant(profile, grant)
    refused = 0
    with translation.override("en"):
        for status in Status.values:
            for action, call in CALLS.items():
                if status in transitions.sources(action):
                    continue
                Application.all_objects.filter(pk=application.pk).update(status=status)
                events = ApplicationEvent.objects.count()

                with pytest.raises(TransitionRefused) as error:
                    call(application, manager)

                assert isinstance(error.value, services.InvalidTransition)
                assert str(Status(status).label) in str(error.value), (status, action)
                application.refresh_from_db()
                assert application.status == status
                assert ApplicationEvent.objects.count() == events
                refused += 1
    assert refused == len(Status.values) * len(CALLS) - sum(
        len(transitions.sources(a)) for a in CALLS
    )


def test_a_move_the_table_does_not_know_is_refused_even_from_inside_the_service(profile, grant):
    application = draft_grant(profile, grant)

    with pytest.raises(TransitionRefused):
        services._move(application, to=Status.PAID, action=Action.SUBMIT, actor=profile.user)

    application.refresh_from_db()
    assert application.status == Status.DRAFT
