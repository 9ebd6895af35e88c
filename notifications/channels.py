"""Sending one notification through its channel, and sorting failures into two kinds.

A permanent failure (no address, a malformed one, a refusal by the server) will fail the
same way next time: the row is marked failed with the reason. A transient one (the mail
server or the SMS provider unreachable) is retried later. An SMS backend marks its
transient errors with a ``transient = True`` attribute on the exception; connection and
timeout errors count as transient too. Anything else is taken as permanent, because
retrying an error we do not understand risks sending the message twice.
"""

from __future__ import annotations

import smtplib

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email

from accounts import sms
from notifications.models import Channel, Notification


class DeliveryError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PermanentError(DeliveryError):
    """Trying again would fail the same way."""


class TransientError(DeliveryError):
    """Worth trying again later."""


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def send_email(notification: Notification) -> None:
    address = notification.recipient.email
    if not address:
        raise PermanentError("The recipient has no email address.")
    try:
        validate_email(address)
    except ValidationError:
        raise PermanentError(f"Malformed email address: {address!r}.") from None
    message = EmailMessage(
        subject=notification.subject,
        body=notification.body,
        to=[address],
        # Lets a mail log or a support desk trace a message back to its outbox row.
        headers={"X-MRC-Notification": notification.key},
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentError(f"The mail server refused the address: {_describe(exc)}") from exc
    except smtplib.SMTPConnectError as exc:
        raise TransientError(_describe(exc)) from exc
    except smtplib.SMTPResponseException as exc:
        # 4xx replies mean "try again later"; 5xx mean "never".
        if 400 <= exc.smtp_code < 500:
            raise TransientError(_describe(exc)) from exc
        raise PermanentError(_describe(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        # Disconnected, connection refused, timeout, name resolution: the server, not the
        # message, is the problem.
        raise TransientError(_describe(exc)) from exc
    except Exception as exc:
        raise PermanentError(_describe(exc)) from exc


def send_text(notification: Notification) -> None:
    phone = notification.recipient.phone
    if not phone:
        raise PermanentError("The recipient has no phone number.")
    try:
        # One reference for every attempt at this row: the gateway drops a repeat.
        sms.send_sms(phone, notification.body, reference=f"notification-{notification.pk}")
    except Exception as exc:
        if getattr(exc, "transient", False) or isinstance(exc, ConnectionError | TimeoutError):
            raise TransientError(_describe(exc)) from exc
        raise PermanentError(_describe(exc)) from exc


def send(notification: Notification) -> None:
    """Hand the notification to its channel; raises PermanentError or TransientError."""
    if notification.channel == Channel.EMAIL:
        send_email(notification)
    elif notification.channel == Channel.SMS:
        send_text(notification)
    elif notification.channel != Channel.IN_APP:  # in-app: the row is the delivery
        raise PermanentError(f"Unknown channel {notification.channel!r}.")
