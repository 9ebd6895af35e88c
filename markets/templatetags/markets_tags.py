from __future__ import annotations

from decimal import Decimal

from django import template

from markets.money import format_money, group

register = template.Library()


@register.filter
def vnd(amount: Decimal | int | None) -> str:
    """4000000 -> 4.000.000 ₫"""
    return format_money(amount)


@register.filter
def money(amount: Decimal | int | None, currency: str) -> str:
    """3600, "USD" -> 3.600 USD; VND -> 4.000.000 ₫"""
    return format_money(amount, currency)


@register.filter
def grouped(amount: Decimal | int | None) -> str:
    """160000 -> 160.000"""
    return "" if amount is None else group(Decimal(amount))
