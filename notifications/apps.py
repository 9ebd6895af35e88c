from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class NotificationsConfig(AppConfig):
    name = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app registers the kinds it sends in its own `notification_kinds` module.
        autodiscover_modules("notification_kinds")
