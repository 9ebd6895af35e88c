from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.demo import DEMO_TOTP_SECRET, seed_accounts
from assistance.demo import seed_help
from fairs.demo import seed_fairs
from loans.demo import seed_loans
from markets.demo import seed_markets
from orientation.demo import seed_orientation
from workers.demo import seed_cases, seed_workers


class Command(BaseCommand):
    help = "Create or refresh the demo data of every app (Lào Cai centre). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo creates known passwords; it runs only with DEBUG on.")
        password = settings.DEMO_PASSWORD
        # Lower apps first: each seeder may use what the ones before it made.
        accounts = seed_accounts(password)
        seed_markets()
        seed_workers()
        seed_cases()
        seed_loans()
        seed_fairs()
        seed_orientation()
        seed_help()

        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for demo, user in accounts:
            place = user.province.short_name if user.province else "national"
            self.stdout.write(f"  {user.get_role_display():<22} {demo.login:<28} {place}")
        self.stdout.write("")
        self.stdout.write(
            f"Staff sign in with a second factor: authenticator secret {DEMO_TOTP_SECRET},"
        )
        self.stdout.write("or print the current code with: make demo-code")
