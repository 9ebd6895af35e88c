"""The lines of the counselling sessions list, written in Python.

The list shows 50 sessions a page. Drawn by the template, its lines were more than half
of the page's time in Python (docs/performance.md, seventh round); written here, the page
costs little more than its two queries. The HTML is the template's.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from workers.models import CounsellingSession

register = template.Library()


@register.simple_tag
def session_lines(sessions: Iterable[CounsellingSession]) -> SafeString:
    """The <tr> of each session: when (linked to it), who (a registered worker, or a
    visitor by the name they gave), the channel and the counsellor."""
    visitor = format_html(' <span class="muted">({})</span>', _("visitor"))
    lines = []
    for session in sessions:
        when = date_format(template_localtime(session.held_at), "SHORT_DATETIME_FORMAT")
        if session.case_id is not None:
            who = escape(session.case.profile.user.name)
        else:
            who = escape(session.contact_name) + visitor
        lines.append(
            f'<tr><td><a href="{escape(reverse("workers:session", args=[session.pk]))}">'
            f"{escape(when)}</a></td><td>{who}</td>"
            f"<td>{escape(session.get_channel_display())}</td>"
            f"<td>{escape(session.counsellor)}</td></tr>"
        )
    # Every value is escaped above.
    return mark_safe("\n".join(lines))  # noqa: S308
