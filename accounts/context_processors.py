from typing import Any

from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Which menu the base template draws: public, worker or staff."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        area = "public"
    elif user.is_staff_member:
        area = "staff"
    else:
        area = "worker"
    # AGPL section 13: people using the portal over the network are offered its source.
    return {"nav_area": area, "source_code_url": settings.SOURCE_CODE_URL}
