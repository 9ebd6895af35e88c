from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "assistance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # `workers` draws the worker's home and the counsellor's worker page and moves a
        # worker between provinces; it may not import this app, so this app registers.
        from assistance import panels
        from assistance.my_data import help_requests
        from assistance.services import help_requests_follow_worker
        from workers import my_data
        from workers.services import on_province_move

        panels.register()
        my_data.register(help_requests)
        on_province_move(help_requests_follow_worker)
