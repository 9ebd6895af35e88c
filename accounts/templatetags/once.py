from django import template
from django.utils.html import format_html

from accounts.once import FIELD, new_key

register = template.Library()


@register.simple_tag
def once_field() -> str:
    """The hidden one-time submission key of a form that creates something (accounts.once)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
