"""The lines of a case's timeline, written in Python.

A case page draws up to twenty of them (workers.selectors.TIMELINE_PAGE). Drawn by the
template's chain of conditions, a line cost about 0.1 ms; written here, a long history
costs the page little more than a short one. The sentences and their translations are the
ones the template had.

A stage or a channel is named through its choices' enum, not `get_..._display()`: Django's
builds a dict of every choice on each call, translating each label to hash it (eleven
stages, two a line: 440 translations for a page of moves, 1 ms of the case page).
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from workers.models import (
    Assignment,
    CaseEvent,
    CaseNote,
    Channel,
    CheckIn,
    CounsellingSession,
    Stage,
)

register = template.Library()

NONE = "—"


def _sentence(text: str, **values: object) -> SafeString:
    """A translated sentence with its values escaped into it."""
    escaped = {name: conditional_escape(str(value)) for name, value in values.items()}
    return mark_safe(text % escaped)  # noqa: S308 - the values are escaped, the text is ours


def _label(choices: type[Stage] | type[Channel], value: str) -> str:
    """The choice's name in the current language; a value no longer among the choices as it
    is stored, and none as a dash (as `get_..._display()` would, with the dash)."""
    if not value:
        return NONE
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _why(line: SafeString, reason: str) -> SafeString:
    return format_html("{}: {}", line, reason) if reason else line


@register.filter
def timeline_line(item: CaseEvent | CounsellingSession | CaseNote | CheckIn | Assignment) -> str:
    """What happened and who did it, as one line of the case page's timeline."""
    match item:
        case CaseEvent(to_province_id=int()):
            moved = _sentence(
                _("Moved from %(a)s to %(b)s by %(who)s"),
                a=item.from_province.name if item.from_province else NONE,
                b=item.to_province.name if item.to_province else NONE,
                who=item.actor,
            )
            return _why(moved, item.reason)
        case CaseEvent() if item.from_stage == item.to_stage:
            return format_html("{} · {}", item.reason, item.actor)
        case CaseEvent():
            line = _sentence(
                _("%(a)s → %(b)s by %(who)s"),
                a=_label(Stage, item.from_stage),
                b=_label(Stage, item.to_stage),
                who=item.actor,
            )
            return _why(line, item.reason)
        case CounsellingSession():
            session = format_html(
                '<a href="{}">{}</a> ({}, {}\u2032) · {}',  # the minutes' prime
                reverse("workers:session", args=[item.pk]),
                _("Session"),
                _label(Channel, item.channel),
                localize(item.duration_minutes),
                item.counsellor,
            )
            return _why(session, item.outcome)
        case CaseNote():
            return format_html("{} · {}: {}", _("Note"), item.author, item.text)
        case CheckIn():
            line = format_html(
                "{} · {}: {}",
                _("Check-in"),
                item.by,
                item.situation if item.contact_made else _("no contact"),
            )
            return format_html("{} — {}", line, item.problems) if item.problems else line
        case Assignment():
            line = _sentence(
                _("Assigned to %(to)s by %(by)s"), to=item.assigned_to or NONE, by=item.assigned_by
            )
            return _why(line, item.reason)
    return ""
