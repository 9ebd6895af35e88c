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


# Vietnamese alphabetical order (TCVN 5712 / dictionary order): a ă â b c d đ e ê g h i k l
# m n o ô ơ p q r s t u ư v x y, letters first and tones only to break ties, in the order
# ngang, huyền, hỏi, ngã, sắc, nặng. Code point order puts "Huế" before "Hà Nội".
_LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_MODIFIERS = frozenset({"\u0306", "\u0302", "\u031b"})  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_RANK = {ch: f"{12 + i:02d}" for i, ch in enumerate(_LETTERS)}
_RANK.update({str(d): f"{2 + d:02d}" for d in range(10)})


def _with_modifier(base: str, mark: str) -> str:
    if mark == "\u0306":
        return "ă" if base == "a" else base
    if mark == "\u0302":
        return {"a": "â", "e": "ê", "o": "ô"}.get(base, base)
    if mark == "\u031b":
        return {"o": "ơ", "u": "ư"}.get(base, base)
    return base


def vietnamese_sort_key(text: str) -> str:
    """A string of digits whose plain (byte or C-locale) order is Vietnamese alphabetical
    order: store it in a column and ORDER BY it on SQLite and PostgreSQL alike."""
    primary: list[str] = []
    tones: list[str] = []
    for ch in unicodedata.normalize("NFD", text.lower().replace("đ", "\x00")):
        if ch == "\x00":
            primary.append(_RANK["đ"])
            tones.append("0")
        elif ch in _MODIFIERS and primary and int(primary[-1]) >= 12:
            primary[-1] = _RANK[_with_modifier(_LETTERS[int(primary[-1]) - 12], ch)]
        elif ch in _TONES and tones:
            tones[-1] = str(_TONES[ch])
        elif unicodedata.combining(ch):
            continue
        elif ch in _RANK:
            primary.append(_RANK[ch])
            tones.append("0")
        elif (ch.isspace() or not ch.isalnum()) and primary and primary[-1] != "01":
            primary.append("01")  # one word break, however many spaces or dashes
            tones.append("0")
    # "00" ends the letters, so a name sorts before every longer name it begins.
    return ("".join(primary) + "00" + "".join(tones))[:255]
