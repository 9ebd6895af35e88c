"""Text messages leave through one adapter; a provider plugs in as another backend.

SMS_BACKEND names the class. The console backend prints (the embedded default: nothing
goes on the network); the memory backend keeps messages in ``outbox`` for tests.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


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


def send_sms(to: str, body: str) -> None:
    backend: BaseBackend = import_string(settings.SMS_BACKEND)()
    backend.send(TextMessage(to=to, body=body))
