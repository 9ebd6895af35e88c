"""An application's moves as data: which action takes it from which statuses to which.
Pure: no database access. The services in loans.services read it; each one still locks the
row, checks this table and records the move (who, when, why) as an ApplicationEvent."""

from __future__ import annotations

from loans.models import OPEN_STATUSES, WAITING_STATUSES, ApplicationEvent, Status

Action = ApplicationEvent.Action

# action: (the statuses it starts from, the status it leads to)
MOVES: dict[str, tuple[frozenset[str], str]] = {
    Action.SUBMIT: (frozenset({Status.DRAFT}), Status.SUBMITTED),
    Action.RESUBMIT: (frozenset({Status.NEEDS_INFO}), Status.RESUBMITTED),
    Action.WITHDRAW: (frozenset(OPEN_STATUSES), Status.WITHDRAWN),
    Action.REVIEW: (frozenset({Status.SUBMITTED, Status.RESUBMITTED}), Status.IN_REVIEW),
    Action.REQUEST_INFO: (frozenset({Status.IN_REVIEW, Status.RESUBMITTED}), Status.NEEDS_INFO),
    Action.APPROVE: (frozenset({Status.IN_REVIEW, Status.RESUBMITTED}), Status.APPROVED),
    Action.REJECT: (frozenset(WAITING_STATUSES), Status.REJECTED),
    Action.PAY: (frozenset({Status.APPROVED}), Status.PAID),  # grants
    Action.REFER: (frozenset({Status.APPROVED}), Status.REFERRED),  # loans
    Action.BANK_GRANT: (frozenset({Status.REFERRED}), Status.LOAN_GRANTED),
    Action.BANK_DECLINE: (frozenset({Status.REFERRED}), Status.LOAN_DECLINED),
}
# The worker may change the form and its attachments only while it is with them.
EDITABLE = frozenset({Status.DRAFT, Status.NEEDS_INFO})


def sources(action: str) -> frozenset[str]:
    """The statuses from which `action` may be taken."""
    return MOVES[action][0]


def allowed_moves(status: str) -> list[str]:
    """Where an application in `status` may go next (each target once)."""
    targets = [to for from_, to in MOVES.values() if status in from_]
    return list(dict.fromkeys(targets))


def is_allowed(status: str, action: str, to: str) -> bool:
    from_, target = MOVES[action]
    return status in from_ and to == target
