"""The notification kinds this app sends (notifications.kinds); the settings page lists them."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import Audience, Kind, register

register(
    Kind("support-decision", _("Decisions on your support applications"), Audience.WORKERS),
    Kind("application-waiting", _("Applications waiting too long"), Audience.STAFF),
)
