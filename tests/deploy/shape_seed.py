"""The people tests/deploy/test_two_instances.py needs, written into its private database.

    python -m tests.deploy.shape_seed

Prints one JSON object: the session cookies of a Lào Cai worker (profile and consent done)
and of a Lào Cai counsellor (signed in with both factors, as the fault tests do it).
"""

from __future__ import annotations

import json
import os


def seed() -> dict[str, str]:
    from django.conf import settings
    from django.test import Client

    from accounts.models import Role
    from tests.factories import StaffFactory, WorkerFactory, province
    from tests.workers.factories import ProfileFactory

    lao_cai = province(15)
    worker = WorkerFactory(province=lao_cai)
    ProfileFactory(user=worker)
    counsellor = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    sessions = {}
    for name, user in [("worker", worker), ("counsellor", counsellor)]:
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrc.settings")
    import django

    django.setup()
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        print(json.dumps(seed()))


if __name__ == "__main__":
    main()
