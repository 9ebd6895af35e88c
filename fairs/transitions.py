"""A fair's moves as data. Pure: no database access. The services in fairs.services read
it; each one still locks the fair, checks this table and records the move as a FairEvent."""

from __future__ import annotations

from fairs.models import Fair

Status = Fair.Status

# status: where it may go next
MOVES: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.PUBLISHED, Status.CANCELLED}),
    Status.PUBLISHED: frozenset({Status.CLOSED, Status.CANCELLED}),
    Status.CLOSED: frozenset(),
    Status.CANCELLED: frozenset(),
}
# Details, enterprises and job orders may change until the fair is closed or cancelled.
EDITABLE = (Status.DRAFT, Status.PUBLISHED)
# Interviews and offers are written during the fair and after it closes.
OUTCOMES_OPEN = (Status.PUBLISHED, Status.CLOSED)


def allowed_moves(status: str) -> list[str]:
    """Where a fair in `status` may go next, in the order of Fair.Status."""
    return [s for s in Status.values if s in MOVES[status]]


def sources(target: str) -> tuple[str, ...]:
    """The statuses from which a fair may move to `target`, in the order of Fair.Status."""
    return tuple(s for s in Status.values if target in MOVES[s])
