"""The only writers of API clients and their request log."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Province, Role, User
from api.models import ApiClient, ApiRequest, ApiWrite, Scope
from markets import throttle
from workers.services import case_move

# Marks a string as this portal's token (secret scanners and people can tell it apart).
TOKEN_PREFIX = "mrc_"  # noqa: S105 (a prefix, not a secret)


class UnknownScope(ValueError):
    pass


class KeyReused(Exception):
    """The key was used before for another write (another case or another move)."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_client_create(
    *,
    name: str,
    province: Province | None,
    scopes: list[str],
    expires_at: datetime.datetime | None = None,
) -> tuple[ApiClient, str]:
    """Make a client and its token; the token is returned once and stored only hashed."""
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise UnknownScope(", ".join(unknown))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        # The actor its writes carry (a case event names who moved the case): an account that
        # cannot sign in (inactive, no usable password), with an address that cannot exist.
        user = User(
            name=name[:150],
            email=f"api-client-{uuid.uuid4().hex}@api.invalid",
            role=Role.WORKER,
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
        client = ApiClient.objects.create(
            name=name,
            province=province,
            scopes=[s for s in Scope.values if s in scopes],
            token_digest=token_digest(token),
            token_prefix=token[:10],
            expires_at=expires_at,
            user=user,
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
        .exclude(expires_at__lte=timezone.now())
        .select_related("province")
        .first()
    )


API_RATE_WINDOW = 60


def api_client_within_rate(*, client: ApiClient) -> bool:
    """Count the call in the client's minute; False past API_RATE_PER_MINUTE (the portal's
    one limiter, markets.throttle: increment, then check)."""
    return throttle.consume(
        "api",
        f"client:{client.pk}",
        limit=settings.API_RATE_PER_MINUTE,
        window_seconds=API_RATE_WINDOW,
    )


def api_client_retry_after(*, client: ApiClient) -> int:
    """Seconds until the client's minute ends."""
    return throttle.retry_after("api", f"client:{client.pk}", window_seconds=API_RATE_WINDOW)


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


def api_case_move(
    *,
    client: ApiClient,
    key: str,
    case_id: int,
    to: str,
    changes: dict[str, Any],
    reason: str,
    expected_version: int,
) -> tuple[int, bool]:
    """Move a case through workers.services.case_move, once per (client, key).

    Returns (case id, replayed). The key is claimed in the same transaction as the move: a
    move its guard refuses leaves no key behind (the client fixes the data and sends the same
    key again), and the same key sent twice at once waits on the unique index, then replays.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                ApiWrite.objects.create(client=client, key=key, case_id=case_id, to_stage=to)
        except IntegrityError:
            done = ApiWrite.objects.get(client=client, key=key)
            if (done.case_id, done.to_stage) != (case_id, to):
                raise KeyReused from None
            return case_id, True
        case_move(
            case_id=case_id,
            to=to,
            actor=client.user,  # type: ignore[arg-type]  # a client that writes has its user (api_client_create makes it)
            expected_version=expected_version,
            reason=reason,
            changes=changes,
        )
    return case_id, False
