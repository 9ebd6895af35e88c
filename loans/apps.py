from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "loans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from loans.my_data import support_applications
        from loans.services import applications_follow_worker
        from workers import my_data
        from workers.services import on_province_move

        on_province_move(applications_follow_worker)
        my_data.register(support_applications)
