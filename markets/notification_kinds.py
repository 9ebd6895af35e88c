"""The notification kinds this app sends (notifications.kinds); the settings page lists them."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import Audience, Kind, register

register(
    Kind("complaint-outcome", _("The outcome of a complaint you made"), Audience.WORKERS),
)
