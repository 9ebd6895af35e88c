from typing import Any

from django.core.management.base import BaseCommand

from accounts.demo import demo_data_present, remove_demo_data


class Command(BaseCommand):
    help = (
        "Remove the demo accounts and every use of the published authenticator secret "
        "(needed before a portal with DEBUG off will start). Safe to run twice."
    )
    # It must run exactly when the demo-data check fails.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        counts = remove_demo_data()
        self.stdout.write(
            f"Demo accounts deleted: {counts['deleted']}; disabled and renamed (kept as "
            f"history): {counts['disabled']}; authenticators with the published secret "
            f"removed: {counts['authenticators']}."
        )
        left = demo_data_present()
        if left:
            self.stderr.write("Still present: " + "; ".join(left))
        else:
            self.stdout.write(self.style.SUCCESS("No demo data is left."))
