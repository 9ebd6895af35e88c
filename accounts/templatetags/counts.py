from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def up_to(count: int, cap: int) -> str:
    """A count that was counted no further than `cap` + 1: "1.234", or "hơn 1.000"."""
    if count > cap:
        return _("more than %(count)s") % {"count": intcomma(cap)}
    return str(intcomma(count))
