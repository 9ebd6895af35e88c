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
