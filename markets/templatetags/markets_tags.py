from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from markets.models import FigureKind, LegalFigure
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


def _months(value: Decimal) -> str:
    """1.00 -> 1, 4.50 -> 4,5"""
    return format(value.normalize(), "f").replace(".", ",")


@register.simple_tag
def figure_value(figure: LegalFigure) -> str:
    """A figure's value in plain words: its text when set, else its amount (or range), with
    the contract length a cap is stated for."""
    if figure.value:
        return str(figure.value)
    if figure.amount is None:
        return ""

    def one(amount: Decimal) -> str:
        return format_money(amount, figure.currency) if figure.currency else group(amount)

    if figure.kind == FigureKind.SERVICE_FEE_MONTHS_PER_YEAR:
        return _("%(months)s month of basic wage for each 12 months of contract") % {
            "months": _months(figure.amount)
        }
    if figure.kind == FigureKind.SERVICE_FEE_LONG_CONTRACT:
        return _(
            "At most %(months)s months of basic wage for a contract of %(from)s months or more"
        ) % {"months": _months(figure.amount), "from": figure.per_months}
    text = one(figure.amount)
    if figure.amount_max is not None:
        text = f"{text} \u2013 {one(figure.amount_max)}"
    if figure.kind == FigureKind.SERVICE_FEE_CAP and figure.per_months:
        text = _("%(amount)s for a %(months)s-month contract") % {
            "amount": text,
            "months": figure.per_months,
        }
    return text
