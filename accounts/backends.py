"""Authentication backends: allauth's and Django's, refusing demo accounts in production.

``user_can_authenticate`` is asked at every password check and again on every request for
the signed-in user (``get_user``), so a demo session opened before DEBUG was turned off
ends too.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from accounts.demo import demo_sign_in_refused


class ModelBackend(DjangoModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not demo_sign_in_refused(
            user, check_secret=False
        )


class AuthenticationBackend(AllauthBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not demo_sign_in_refused(
            user, check_secret=False
        )
