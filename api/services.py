"""The only writers of API clients and their request log."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Province
from api.models import ApiClient, ApiRequest, Scope

# Marks a string as this portal's token (secret scanners and people can tell it apart).
TOKEN_PREFIX = "mrc_"  # noqa: S105 (a prefix, not a secret)


class UnknownScope(ValueError):
    pass


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_client_create(
    *, name: str, province: Province | None, scopes: list[str]
) -> tuple[ApiClient, str]:
    """Make a client and its token; the token is returned once and stored only hashed."""
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise UnknownScope(", ".join(unknown))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        name=name,
        province=province,
        scopes=[s for s in Scope.values if s in scopes],
        token_digest=token_digest(token),
        token_prefix=token[:10],
    )
    return client, token


def api_client_deactivate(*, client_id: int) -> bool:
    """Refuse the client's token from the next request on."""
    return bool(ApiClient.objects.filter(pk=client_id, is_active=True).update(is_active=False))


def api_client_authenticate(*, token: str) -> ApiClient | None:
    """The active client whose token this is, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    return (
        ApiClient.objects.filter(token_digest=token_digest(token), is_active=True)
        .select_related("province")
        .first()
    )


def api_request_log(*, client: ApiClient, request: HttpRequest) -> ApiRequest:
    """Write down the call (who, what, when) and when the client was last seen."""
    now = timezone.now()
    with transaction.atomic():
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return ApiRequest.objects.create(
            client=client, method=request.method or "", path=request.path[:300], at=now
        )


def api_request_cases_read(*, entry: ApiRequest, case_ids: list[int]) -> None:
    """Add to the call's log which workers' files it read."""
    if case_ids:
        ApiRequest.objects.filter(pk=entry.pk).update(case_ids=case_ids)
