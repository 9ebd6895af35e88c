from typing import Any

from django.http import HttpRequest

from markets.selectors import complaints_open_count, fraud_reports_open_count


def fraud_reports(request: HttpRequest) -> dict[str, Any]:
    """The numbers of reports and complaints not yet closed, for the staff home. Callables,
    so the count queries run only on the pages whose template shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff_member:
        return {}
    return {
        "fraud_reports_open_count": lambda: fraud_reports_open_count(user),
        "complaints_open_count": lambda: complaints_open_count(user),
    }
