"""The kinds of message the portal sends, with the label people read on the settings page.

A kind is the slug passed to ``notify(kind=...)`` and the folder of its templates
(``templates/notifications/<kind>/subject.txt``, ``body.txt`` and, optionally, a short
``sms.txt``). The app that sends a kind registers it, in a ``notification_kinds`` module
of its own that the notifications app imports at start-up (like ``admin`` modules)::

    # fairs/notification_kinds.py
    from notifications.kinds import Audience, Kind, register

    register(Kind("fair-reminder", _("Job fairs, the day before"), Audience.WORKERS))

so this lower app never names a higher app's kinds. Register only a kind that is sent:
the settings page lists every kind that can reach the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class Audience(StrEnum):
    EVERYONE = "everyone"
    WORKERS = "workers"
    STAFF = "staff"


@dataclass(frozen=True)
class Kind:
    slug: str
    label: Promise
    audience: Audience = Audience.EVERYONE

    def concerns(self, user: User) -> bool:
        if self.audience == Audience.STAFF:
            return user.is_staff_member
        if self.audience == Audience.WORKERS:
            return not user.is_staff_member
        return True


# Every kind, by slug, in the order registered: the notifications app's own first, then
# each app's `notification_kinds` module in the order of INSTALLED_APPS (NotificationsConfig).
KINDS: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    """Add kinds to the registry; an app calls it from its `notification_kinds` module."""
    for kind in kinds:
        known = KINDS.get(kind.slug)
        if known is not None and known != kind:
            raise ImproperlyConfigured(f"Two notification kinds are called {kind.slug!r}.")
        KINDS[kind.slug] = kind


register(Kind("welcome", _("Welcome, when your account is opened")))


def kinds_for(user: User) -> list[Kind]:
    """The kinds that can reach this person, in the order they were registered."""
    return [kind for kind in KINDS.values() if kind.concerns(user)]
