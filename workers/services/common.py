"""What the worker services share: the refusal of a change the current state does not allow."""

from __future__ import annotations

from accounts.transitions import TransitionRefused


class InvalidTransition(TransitionRefused):
    """A status change that the current status does not allow."""
