"""The one error for a refused move of a status, shared by every app.

Each app's services keep their own `InvalidTransition` (so its message and its other
base classes stay theirs) but subclass `TransitionRefused`, so a view, the API or a job
that only needs to say "this cannot be done now" catches one class, whatever the app.
`str(error)` is the reason in the reader's language.

Where a move is written: the table of allowed moves in the app's pure module
(`workers.rules`, `loans.transitions`, `fairs.transitions`, `markets.services.
LICENCE_TRANSITIONS`), checked by the one service that locks the row, moves it and records
who, when and why (docs/architecture.md).
"""


class TransitionRefused(Exception):
    """The current status does not allow this move."""
