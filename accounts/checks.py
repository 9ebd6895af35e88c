"""System checks of the accounts app."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register


# Tagged "database": Django runs it only when an alias is named (`--database default`), so
# `make check-deploy` checks the settings without reading a local development database.
@register(Tags.security, Tags.database, deploy=True)
def demo_data_in_production(app_configs: Any, databases: Any = None, **kwargs: Any) -> list[Error]:
    """`check --deploy --database default` fails while demo data exists with DEBUG off."""
    from django.conf import settings
    from django.db import DatabaseError

    from accounts.demo import demo_data_present

    if settings.DEMO_ACCOUNTS_ALLOWED or not databases:
        return []
    try:
        found = demo_data_present()
    except DatabaseError:
        return []
    if not found:
        return []
    return [
        Error(
            "Demo data exists with DEBUG off: " + "; ".join(found) + ".",
            hint="Run `python manage.py remove_demo_data`.",
            id="accounts.E001",
        )
    ]
