"""The request type of a view that only a signed-in user reaches.

Django types `request.user` as `User | AnonymousUser`. Behind `login_required`,
`staff_required` or `worker_required` it is always a `User`: annotate such a view's
request as `AuthenticatedHttpRequest` and mypy knows it, without a cast in every view.
"""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
