"""Django's database sessions, except when the database is away.

Django turns any database error met while saving a changed session into "the session was
deleted in the meantime" (UpdateError), which the session middleware answers with a bare
400. While the database restarts or fails over, a signed-in person whose request changed
the session (a staff member's once-a-minute "last seen") would see that 400 instead of the
portal's page asking to come back in a moment (503, mrc.views.server_error). Here the
database's own error goes on, and is answered as the outage it is.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import InterfaceError, OperationalError


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create=must_create)
        except UpdateError as error:
            cause = error.__context__
            if isinstance(cause, OperationalError | InterfaceError):
                raise cause from None
            raise
