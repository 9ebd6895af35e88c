from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import Province
from api.models import Scope
from api.services import UnknownScope, api_client_create


class Command(BaseCommand):
    help = "Make an API client and print its token once (it is stored only hashed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The system, e.g. 'Cục Quản lý lao động ngoài nước'")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--province", type=int, help="The province's official code")
        where.add_argument("--national", action="store_true", help="Sees every province")
        parser.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=Scope.values,
            help="Repeat for each scope",
        )
        parser.add_argument(
            "--days", type=int, default=365, help="The token expires after so many days (365)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        province = None
        if options["province"] is not None:
            province = Province.objects.filter(code=options["province"]).first()
            if province is None:
                raise CommandError(f"No province has the code {options['province']}.")
        try:
            client, token = api_client_create(
                name=options["name"],
                province=province,
                scopes=options["scope"],
                expires_at=timezone.now() + datetime.timedelta(days=options["days"]),
            )
        except UnknownScope as error:
            raise CommandError(f"Unknown scope: {error}") from None
        where = province.name if province else "national"
        self.stderr.write(
            f"Client {client.pk} ({client.name}, {where}: {', '.join(client.scopes)}), "
            f"valid until {client.expires_at:%d/%m/%Y}.\n"
            "The token below is shown this once; only its hash is kept."
        )
        self.stdout.write(token)
