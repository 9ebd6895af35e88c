from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

CHECKED_IN = Path(settings.BASE_DIR) / "docs" / "openapi-v1.json"


def openapi_text() -> str:
    """The document /api/v1/openapi.json serves, as it is checked into docs/."""
    from api.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to docs/openapi-v1.json (or --check it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if it differs")

    def handle(self, *args: Any, **options: Any) -> None:
        text = openapi_text()
        if options["check"]:
            if not CHECKED_IN.exists() or CHECKED_IN.read_text() != text:
                self.stderr.write("docs/openapi-v1.json is out of date: run make openapi.")
                raise SystemExit(1)
            return
        CHECKED_IN.write_text(text)
        self.stdout.write(f"Wrote {CHECKED_IN.relative_to(settings.BASE_DIR)}")
