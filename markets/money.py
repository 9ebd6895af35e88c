"""Amounts written the Vietnamese way in both languages: 4.000.000 ₫, 3.600 USD."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from markets.rules import VND, Money


def group(amount: Decimal, *, decimals: int = 0) -> str:
    """Digits grouped by "." with "," before any decimals (1.234.567,5)."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _dot, fraction = f"{abs(rounded):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    if fraction and int(fraction):
        return f"{sign}{grouped},{fraction}"
    return f"{sign}{grouped}"


def format_money(amount: Decimal | int | None, currency: str = VND) -> str:
    if amount is None:
        return ""
    value = Decimal(amount)
    if currency == VND:
        return f"{group(value)} ₫"
    return f"{group(value, decimals=2)} {currency}"


def format_amount(money: Money) -> str:
    return format_money(money.amount, money.currency)
