"""What a ticket is made of: its short code, the QR code drawn on the server, the .ics file.

Pure functions, no database: the QR is drawn as SVG markup from the `qrcode` package's
matrix, so no image library and no outside service is involved, and the page that shows
it needs nothing more once loaded.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Iterable

import qrcode
import qrcode.constants
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from fairs.models import CODE_ALPHABET, CODE_LENGTH

_NOT_CODE = re.compile(r"[^0-9A-Z]")


def new_code() -> str:
    """A random ticket code: 6 characters, 31 symbols, about 900 million codes."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """The code as stored, from what a scanner or a person typed ("k7m-2qx " -> "K7M2QX").

    A scanner may type a whole URL or a prefix: the last six code characters count.
    """
    cleaned = _NOT_CODE.sub("", text.upper())
    return cleaned[-CODE_LENGTH:] if len(cleaned) >= CODE_LENGTH else cleaned


def looks_like_code(text: str) -> bool:
    """Whether the text is a ticket code rather than a name to search for."""
    stripped = text.strip().upper().replace("-", "").replace(" ", "")
    return len(stripped) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in stripped)


def _runs(row: Iterable[bool]) -> Iterable[tuple[int, int]]:
    """(start, length) of each run of dark modules in a row."""
    start: int | None = None
    length = 0
    for x, dark in enumerate(row):
        if dark:
            if start is None:
                start, length = x, 0
            length += 1
        elif start is not None:
            yield start, length
            start = None
    if start is not None:
        yield start, length


def qr_svg(text: str, *, label: str) -> SafeString:
    """The QR code of `text` as inline SVG markup, one path, sized by CSS (class "qr")."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the quiet zone
    size = len(matrix)
    # One horizontal bar per run keeps the markup under 2 KB for a 6-character code.
    path = "".join(f"M{x},{y}h{n}v1h-{n}z" for y, row in enumerate(matrix) for x, n in _runs(row))
    return mark_safe(  # noqa: S308 - only numbers and the escaped label go in
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="{escape(label)}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )


def _ics_text(value: str) -> str:
    # RFC 5545, 3.3.11: backslash, semicolon, comma and newlines are escaped.
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _ics_fold(line: str) -> list[str]:
    # Lines longer than 75 octets are folded; never split a UTF-8 sequence.
    out: list[str] = []
    current = ""
    for ch in line:
        limit = 75 if not out else 74
        if len((current + ch).encode()) > limit:
            out.append(current)
            current = ch
        else:
            current += ch
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_calendar(
    *,
    uid: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    location: str,
    description: str,
    url: str,
    stamp: datetime.datetime,
) -> str:
    """One event as an iCalendar file (RFC 5545) that phone calendars import."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//MRC portal//Job fairs//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(starts_at)}",
        f"DTEND:{_utc(ends_at)}",
        f"SUMMARY:{_ics_text(title)}",
        f"LOCATION:{_ics_text(location)}",
        f"DESCRIPTION:{_ics_text(description)}",
    ]
    if url:
        lines.append(f"URL:{url}")
    lines += [
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT12H",
        f"DESCRIPTION:{_ics_text(title)}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    folded = [part for line in lines for part in _ics_fold(line)]
    return "\r\n".join(folded) + "\r\n"
