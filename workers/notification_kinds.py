"""The notification kinds this app sends (notifications.kinds); the settings page lists them."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import Audience, Kind, register

register(
    Kind(
        "document-expiring",
        _("Documents that expire before your departure"),
        Audience.WORKERS,
    ),
    Kind(
        "document-reviewed",
        _("A counsellor checked a document you sent (verified or returned)"),
        Audience.WORKERS,
    ),
    Kind(
        "personal-id-removed",
        _("A counsellor took a personal ID number off your file"),
        Audience.WORKERS,
    ),
    Kind("eps-deposit-deadline", _("Korea EPS deposit deadlines"), Audience.WORKERS),
    Kind("follow-up-due", _("Follow-ups due and overdue"), Audience.STAFF),
    Kind("contract-ending", _("Contracts ending: return follow-up"), Audience.STAFF),
    Kind("return-overdue", _("Returns overdue in your province"), Audience.STAFF),
    Kind(
        "province-transfer-asked",
        _("An office asks to take over your file because you moved"),
        Audience.WORKERS,
    ),
    Kind("weekly-summary", _("Weekly summary for managers"), Audience.STAFF),
    Kind(
        "province-transfer",
        _("Files handed between provinces: asked, moved, declined"),
        Audience.STAFF,
    ),
)
