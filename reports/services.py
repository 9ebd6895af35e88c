from django.db import transaction

from accounts.models import Province, User
from reports.models import Target


@transaction.atomic
def target_set(*, province: Province, year: int, half: int, departures: int, by: User) -> Target:
    """The plan for a province and period; setting it again replaces the figure."""
    target, _created = Target.objects.update_or_create(
        province=province,
        year=year,
        half=half,
        defaults={"departures": departures, "set_by": by},
    )
    return target
