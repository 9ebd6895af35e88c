"""The rows tests/mrc/test_faults.py needs, written into the private database it migrated.

Run in a process of its own with DATABASE_URL pointing there::

    python -m tests.mrc.faults_seed CASES FAIRS PEOPLE_PER_FAIR

It prints one JSON object: a counsellor's session cookie (signed in with both factors, as
tests/ and the benchmark sign staff in), the cases to move as (id, version) and the ids of
published fairs with people registered to them.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def seed(cases: int, fairs: int, per_fair: int) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    from accounts.models import Role
    from tests.factories import StaffFactory, WorkerFactory, province
    from tests.fairs.factories import FairFactory, register
    from tests.workers.factories import ProfileFactory
    from workers.models import Case

    lao_cai = province(15)
    counsellor = StaffFactory(role=Role.COUNSELLOR, province=lao_cai)
    profiles = [ProfileFactory(user__province=lao_cai) for _ in range(cases)]
    moves = list(
        Case.all_objects.filter(profile__in=profiles).order_by("pk").values_list("pk", "version")
    )
    fair_ids = []
    for _ in range(fairs):
        fair = FairFactory(province=lao_cai, created_by=counsellor)
        for _ in range(per_fair):
            register(fair, WorkerFactory(province=lao_cai))
        fair_ids.append(fair.pk)
    client = Client()
    client.force_login(counsellor)
    return {
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "cases": moves,
        "fairs": fair_ids,
    }


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrc.settings")
    import django

    django.setup()
    from django.test.utils import override_settings

    cases, fairs, per_fair = (int(value) for value in argv)
    # The production hasher costs ~0.3 s per person made here; nobody signs in by password.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        print(json.dumps(seed(cases, fairs, per_fair)))


if __name__ == "__main__":
    main(sys.argv[1:])
