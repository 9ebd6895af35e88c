from django.apps import AppConfig


class FairsConfig(AppConfig):
    name = "fairs"
    default_auto_field = "django.db.models.BigAutoField"
