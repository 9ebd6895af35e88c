"""Text messages leave through one adapter; a provider plugs in as another backend.

SMS_BACKEND names the class. The console backend prints (the embedded default: nothing
goes on the network); the memory backend keeps messages in ``outbox`` for tests; the HTTP
gateway backend posts each message to SMS_GATEWAY_URL; the eSMS backend speaks the API of
eSMS.vn, a Vietnamese provider (docs/deployment.md).

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


def _post_json(url: str, payload: dict[str, str], headers: dict[str, str]) -> bytes:
    """POST `payload` as JSON; the answer's body, or SmsError saying whether to try again."""
    request = urllib.request.Request(  # noqa: S310 - the URL is checked in settings
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "User-Agent": "mrc-portal",
            **headers,
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.SMS_GATEWAY_TIMEOUT
        ) as response:
            return bytes(response.read(64 * 1024))
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
        _post_json(
            settings.SMS_GATEWAY_URL,  # type: ignore[arg-type]  # this backend is chosen only when SMS_GATEWAY_URL is set (settings)
            payload,
            {
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
                "Idempotency-Key": message.reference,
            },
        )
        log.info("SMS %s to %s accepted by the gateway", message.reference, message.to)


# eSMS.vn (ViHAT), a Vietnamese SMS brandname provider: its customer-care message API
# (SmsType 2), SendMultipleMessage_V4_post_json, and its table of result codes, as its
# developer documentation gives them (read 6 December 2026; not yet tried against the live
# service). Every answer is HTTP 200 with a CodeResult. The URL is ESMS_URL in settings.
ESMS_SENT = "100"
# 124: "Duplicate RequestId": an earlier attempt at this very message was taken (its
# answer was lost): the message is on its way, once.
ESMS_ALREADY_SENT = "124"
# 103: not enough balance. Once the centre tops the account up, the same message goes.
ESMS_TRANSIENT = {"103"}
ESMS_REASONS = {
    "99": "the phone number is blocked",
    "101": "wrong ApiKey or SecretKey",
    "102": "no price list for this account",
    "103": "not enough balance in the eSMS account",
    "104": "the brandname is not registered",
    "108": "the phone number is not in a valid format",
    "140": "this server's IP address is not on the account's whitelist",
    "146": "the text does not match a registered customer-care template",
    "177": "the recipient's mobile network is not registered for this brandname",
    "300": "the message type is missing",
}


def _domestic(phone: str) -> str:
    """+84912345678 -> 0912345678, as eSMS's examples write numbers."""
    return "0" + phone.removeprefix("+84") if phone.startswith("+84") else phone


class EsmsBackend(BaseBackend):
    """eSMS.vn customer-care messages (ESMS_API_KEY, ESMS_SECRET_KEY, SMS_GATEWAY_SENDER as
    the registered brandname). RequestId is the message's reference, so a retry after a
    lost answer is refused by eSMS as a duplicate (124) instead of sent twice."""

    def send(self, message: TextMessage) -> None:
        payload = {
            "ApiKey": settings.ESMS_API_KEY,
            "SecretKey": settings.ESMS_SECRET_KEY,
            "Phone": _domestic(message.to),
            "Content": message.body,
            "Brandname": settings.SMS_GATEWAY_SENDER,
            "SmsType": "2",
            # Vietnamese with its marks needs Unicode; plain ASCII is cheaper without.
            "IsUnicode": "0" if message.body.isascii() else "1",
            "RequestId": message.reference,
            "Sandbox": "1" if settings.ESMS_SANDBOX else "0",
        }
        body = _post_json(settings.ESMS_URL, payload, {})
        try:
            answer = json.loads(body)
            code = str(answer.get("CodeResult", ""))
        except (ValueError, AttributeError):
            raise SmsError(
                f"eSMS answered something unreadable: {body[:200]!r}", transient=True
            ) from None
        if code in {ESMS_SENT, ESMS_ALREADY_SENT}:
            log.info("SMS %s to %s taken by eSMS (%s)", message.reference, message.to, code)
            return
        reason = ESMS_REASONS.get(code) or answer.get("ErrorMessage") or "unknown code"
        raise SmsError(f"eSMS refused it ({code}): {reason}", transient=code in ESMS_TRANSIENT)


def send_sms(to: str, body: str, *, reference: str | None = None) -> None:
    """Send one text message; raises SmsError when the backend could not."""
    backend: BaseBackend = import_string(settings.SMS_BACKEND)()
    message = TextMessage(to=to, body=body)
    if reference:
        message = TextMessage(to=to, body=body, reference=reference)
    backend.send(message)
