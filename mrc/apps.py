from django.apps import AppConfig


class MrcConfig(AppConfig):
    """The project package as an app, for commands that span every app (seed_demo)."""

    name = "mrc"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connects the Celery signals that carry a request's id into the tasks it queues,
        # and the one that records each scheduled job's last success.
        from mrc import metrics, request_log  # noqa: F401
