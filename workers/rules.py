"""The case pipeline as data, and the guards of each move. Pure: no database access."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from workers.models import Stage

# Forward moves, one step at a time.
FORWARD: dict[str, str] = {
    Stage.REGISTERED: Stage.COUNSELLED,
    Stage.COUNSELLED: Stage.PREPARING,
    Stage.PREPARING: Stage.DOCUMENTS_READY,
    Stage.DOCUMENTS_READY: Stage.CONTRACTED,
    Stage.CONTRACTED: Stage.DEPARTED,
    Stage.DEPARTED: Stage.RETURNED,
    Stage.RETURNED: Stage.REINTEGRATED,
}
# Before departure a case can be put on hold or withdrawn; on hold goes back where it was.
OPEN_STAGES = frozenset(
    {Stage.REGISTERED, Stage.COUNSELLED, Stage.PREPARING, Stage.DOCUMENTS_READY, Stage.CONTRACTED}
)
NEEDS_REASON = frozenset({Stage.ON_HOLD, Stage.WITHDRAWN, Stage.LEFT_CONTRACT})
# Abroad, a worker may leave the contract or overstay; one who did can still come home.
SIDE_MOVES: dict[str, list[str]] = {
    Stage.DEPARTED: [Stage.LEFT_CONTRACT],
    Stage.LEFT_CONTRACT: [Stage.RETURNED],
}


def allowed_moves(stage: str, held_from: str = "") -> list[str]:
    """Where a case in `stage` may go next."""
    if stage == Stage.ON_HOLD:
        return [held_from or Stage.REGISTERED, Stage.WITHDRAWN]
    moves = [FORWARD[stage]] if stage in FORWARD else []
    moves += SIDE_MOVES.get(stage, [])
    if stage in OPEN_STAGES:
        moves += [Stage.ON_HOLD, Stage.WITHDRAWN]
    return moves


@dataclass
class CaseFacts:
    """What the guards look at, gathered by the service inside its transaction."""

    sessions: int = 0
    unverified_required_documents: list[str] = field(default_factory=list)
    # The ID, name, birth date and sex matched in the national population database.
    personal_id_verified: bool = True
    market: bool = False
    programme: bool = False
    programme_in_market: bool = True
    enterprise: bool = False
    enterprise_may_recruit: bool = False
    contract_start: datetime.date | None = None
    contract_end: datetime.date | None = None
    departure_date: datetime.date | None = None
    left_contract_on: datetime.date | None = None
    return_date: datetime.date | None = None
    reason: str = ""
    today: datetime.date = field(default_factory=datetime.date.today)


def missing_for(target: str, facts: CaseFacts) -> list[str | Promise]:
    """What stops the move to `target`, in words a counsellor can act on; empty when none."""
    missing: list[str | Promise] = []
    if target in NEEDS_REASON and not facts.reason.strip():
        missing.append(_("a reason"))
    if target == Stage.COUNSELLED and facts.sessions == 0:
        missing.append(_("a counselling session logged for this worker"))
    if target == Stage.DOCUMENTS_READY:
        missing += [
            _("verified: %(document)s") % {"document": name}
            for name in facts.unverified_required_documents
        ]
        if not facts.personal_id_verified:
            missing.append(_("the personal ID checked with the national population database"))
    if target == Stage.CONTRACTED:
        if not facts.market:
            missing.append(_("the market"))
        if not facts.programme:
            missing.append(_("the programme"))
        elif not facts.programme_in_market:
            missing.append(_("a programme of the chosen market"))
        if not facts.enterprise:
            missing.append(_("the enterprise"))
        elif not facts.enterprise_may_recruit:
            missing.append(_("an enterprise whose licence is active today"))
        if facts.contract_start is None:
            missing.append(_("the contract start date"))
        if facts.contract_end is None:
            missing.append(_("the contract end date"))
        if (
            facts.contract_start
            and facts.contract_end
            and facts.contract_end <= facts.contract_start
        ):
            missing.append(_("a contract end date after its start"))
    if target == Stage.DEPARTED:
        if facts.departure_date is None:
            missing.append(_("the departure date"))
        elif facts.departure_date > facts.today:
            missing.append(_("a departure date that is not in the future"))
    if target == Stage.LEFT_CONTRACT:
        if facts.left_contract_on is None:
            missing.append(_("the date the worker left the contract or overstayed"))
        elif facts.left_contract_on > facts.today:
            missing.append(_("a date the worker left the contract that is not in the future"))
        elif facts.departure_date and facts.left_contract_on < facts.departure_date:
            missing.append(_("a date the worker left the contract after the departure date"))
    if target == Stage.RETURNED:
        if facts.return_date is None:
            missing.append(_("the return date"))
        elif facts.departure_date and facts.return_date < facts.departure_date:
            missing.append(_("a return date after the departure date"))
        elif facts.return_date > facts.today:
            missing.append(_("a return date that is not in the future"))
    return missing
