"""Folding Vietnamese text for search: "Nguyễn Văn Đức" and "nguyen van duc" meet."""

import unicodedata


def fold(text: str) -> str:
    """Lower case, no diacritics, đ as d, single spaces."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def search_text(value: str, limit: int = 200) -> str:
    """What a person typed in a search box, ready for a query: trimmed, bounded, no NUL.

    A NUL cannot be in any stored text, so it matches nothing; PostgreSQL's driver refuses a
    query that carries one, and the search was a server error.
    """
    return value.replace("\x00", "").strip()[:limit]


# The largest id the database holds (a bigint); a longer number would overflow the driver.
MAX_ID = 2**63 - 1


def as_id(value: object) -> int | None:
    """`value` (from a query string or a form's raw data) as an id or a code, else None.

    `str.isdigit()` alone is not enough: it accepts "²", which int() refuses, and a number
    of 30 digits, which overflows the database's integer; both were server errors.
    """
    text = "" if value is None else str(value)
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
