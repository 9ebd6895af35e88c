"""The notification kinds this app sends (notifications.kinds); the settings page lists them."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import Audience, Kind, register

register(
    Kind(
        "help-request-update",
        _("News of your help request from abroad"),
        Audience.WORKERS,
    ),
    Kind("help-request-new", _("Help requests from abroad"), Audience.STAFF),
    Kind(
        "help-request-overdue",
        _("Help requests from abroad past the first-contact deadline"),
        Audience.STAFF,
    ),
)
