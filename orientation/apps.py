from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "orientation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The worker's home and the counsellor's worker page are drawn by `workers`, which
        # may not import this app: it offers panel registries, and this app fills them.
        from orientation import panels

        panels.register()
