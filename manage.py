#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrc.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    from mrc.env import ConfigError

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading it loads the settings now
    except ConfigError as exc:
        # One clear line naming the variable, not a traceback.
        sys.exit(f"Configuration error: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
