from typing import Any

from django.http import HttpRequest

from markets.selectors import fraud_reports_open_count


def fraud_reports(request: HttpRequest) -> dict[str, Any]:
    """The number of reports not yet closed, for the staff home. A callable, so the count
    query runs only on the pages whose template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff_member:
        return {}
    return {"fraud_reports_open_count": lambda: fraud_reports_open_count(user)}
