"""The notification kinds this app sends (notifications.kinds); the settings page lists them."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import Audience, Kind, register

register(
    Kind("fair-reminder", _("Job fairs you registered for, the day before"), Audience.WORKERS),
    Kind("fair-promoted", _("A place at a job fair frees up for you"), Audience.WORKERS),
    Kind(
        "fair-changed",
        _("A job fair you registered for changes its time or place"),
        Audience.WORKERS,
    ),
    Kind("fair-cancelled", _("A job fair you registered for is cancelled"), Audience.WORKERS),
)
