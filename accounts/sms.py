"""Text messages leave through one adapter; a provider plugs in as another backend.

SMS_BACKEND names the class. The console backend prints (the embedded default: nothing
goes on the network); the memory backend keeps messages in ``outbox`` for tests; the HTTP
gateway backend posts each message to SMS_GATEWAY_URL (docs/deployment.md).

A backend raises SmsError; ``transient`` says whether trying again later may succeed. The
outbox (notifications) retries transient failures with its own back-off, and gives up on
the others at once.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str
    # The same for every attempt at one message, so a gateway that already took it (and
    # whose answer was lost) can drop the repeat: each message reaches the phone once.
    reference: str = field(default_factory=lambda: uuid.uuid4().hex)


class SmsError(Exception):
    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.transient = transient


class BaseBackend:
    def send(self, message: TextMessage) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, message: TextMessage) -> None:
        log.info("SMS to %s: %s", message.to, message.body)
        print(f"SMS to {message.to}: {message.body}", flush=True)


outbox: list[TextMessage] = []


class MemoryBackend(BaseBackend):
    def send(self, message: TextMessage) -> None:
        outbox.append(message)


# Answers that mean "not now": the request timed out at the gateway, too many requests,
# or the gateway (or what stands behind it) is down. Every other 4xx is about the message
# or our account, and sending it again would fail the same way.
_TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504}


class HttpGatewayBackend(BaseBackend):
    """A generic JSON gateway: POST SMS_GATEWAY_URL with a bearer token.

    Request body: ``{"to": "+84912345678", "text": "...", "sender": "MRC",
    "reference": "..."}`` with the reference also in the Idempotency-Key header; any 2xx
    answer is success. No retry here: the outbox retries (notifications), and a person
    waiting for a sign-in code asks for another.
    """

    def send(self, message: TextMessage) -> None:
        payload = {
            "to": message.to,
            "text": message.body,
            "sender": settings.SMS_GATEWAY_SENDER,
            "reference": message.reference,
        }
        request = urllib.request.Request(  # noqa: S310 - the URL is checked in settings
            settings.SMS_GATEWAY_URL,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Idempotency-Key": message.reference,
                "User-Agent": "mrc-portal",
            },
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.SMS_GATEWAY_TIMEOUT
            ) as response:
                response.read(4096)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            raise SmsError(
                f"SMS gateway answered {exc.code}: {detail or exc.reason}",
                transient=exc.code in _TRANSIENT_STATUSES,
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            # Refused, reset, timed out, name not resolved, a garbled answer.
            reason = getattr(exc, "reason", None) or exc
            raise SmsError(f"SMS gateway unreachable: {reason}", transient=True) from None
        log.info("SMS %s to %s accepted by the gateway", message.reference, message.to)


def send_sms(to: str, body: str, *, reference: str | None = None) -> None:
    """Send one text message; raises SmsError when the backend could not."""
    backend: BaseBackend = import_string(settings.SMS_BACKEND)()
    message = TextMessage(to=to, body=body)
    if reference:
        message = TextMessage(to=to, body=body, reference=reference)
    backend.send(message)
