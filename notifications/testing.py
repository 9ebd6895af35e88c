"""Senders for tests whose worker is another process: each message is one line in a file.

Never used by the portal itself. A test points the worker at them through its settings
(``SMS_BACKEND = "notifications.testing.FileSmsBackend"`` and a ``MAILERS`` entry with
``notifications.testing.FileEmailBackend``) and reads the file the environment names:

- ``NOTIFICATIONS_TEST_OUTBOX``: the file each sent message is appended to, one line each;
- ``NOTIFICATIONS_TEST_SEND_DELAY``: seconds to sleep before sending (to kill a worker
  in the middle of a send);
- ``NOTIFICATIONS_TEST_TRANSIENT_FAILURES``: how many sends fail with a transient error
  first (counted across processes in ``<outbox>.failures``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from accounts.sms import BaseBackend, TextMessage

OUTBOX_ENV = "NOTIFICATIONS_TEST_OUTBOX"
DELAY_ENV = "NOTIFICATIONS_TEST_SEND_DELAY"
FAILURES_ENV = "NOTIFICATIONS_TEST_TRANSIENT_FAILURES"


class TransientSmsError(ConnectionError):
    """What a provider's backend raises when its gateway does not answer."""

    transient = True


def _outbox() -> str:
    path = os.environ.get(OUTBOX_ENV)
    if not path:
        raise RuntimeError(f"{OUTBOX_ENV} must name the file the test reads.")
    return path


def _append(path: str, line: str) -> None:
    # One write of a whole line on an O_APPEND descriptor: lines from several processes
    # never interleave.
    data = (" ".join(line.split()) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def _before_send() -> None:
    failures = int(os.environ.get(FAILURES_ENV) or 0)
    if failures:
        counter = _outbox() + ".failures"
        done = 0
        if os.path.exists(counter):
            with open(counter) as handle:
                done = len(handle.readlines())
        if done < failures:
            _append(counter, "failure")
            raise TransientSmsError("gateway did not answer (test)")
    delay = float(os.environ.get(DELAY_ENV) or 0)
    if delay:
        time.sleep(delay)


class FileSmsBackend(BaseBackend):
    def send(self, message: TextMessage) -> None:
        _before_send()
        _append(_outbox(), f"sms {message.to} {message.body}")


class FileEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            _before_send()
            _append(_outbox(), f"email {','.join(message.to)} {message.subject}")
        return len(email_messages)
