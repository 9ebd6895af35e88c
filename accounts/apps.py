from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and places")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_removed

        from accounts import checks  # noqa: F401 - registers the system checks
        from accounts.middleware import forget_second_factor_check

        authenticator_removed.connect(forget_second_factor_check, dispatch_uid="mrc-mfa-seen")
