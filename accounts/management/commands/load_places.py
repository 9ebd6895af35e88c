from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Commune, Province
from accounts.places import sync_places


class Command(BaseCommand):
    help = "Load or refresh the 34 provinces and 3,321 communes from vietnam-provinces."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            provinces, communes = sync_places(Province, Commune)
        self.stdout.write(f"{provinces} provinces, {communes} communes and wards.")
