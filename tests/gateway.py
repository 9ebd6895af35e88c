"""A fake SMS gateway on loopback (http.server in a thread), speaking the generic JSON API
of accounts.sms.HttpGatewayBackend, with answers the test scripts in advance."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Received:
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeGateway:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    # (status, body, delay in seconds) per request, in order; then 200 for every request.
    script: list[tuple[int, str, float]] = field(default_factory=list)
    # References already taken: a repeat is answered 200 without a second "send".
    delivered: dict[str, dict[str, Any]] = field(default_factory=dict)

    def answer(self, status: int, body: str = "", delay: float = 0.0) -> None:
        self.script.append((status, body, delay))

    @property
    def sent_to_phones(self) -> list[dict[str, Any]]:
        """What reached a phone: one per reference, as a gateway that honours
        Idempotency-Key does."""
        return list(self.delivered.values())


@pytest.fixture
def gateway(settings) -> Iterator[FakeGateway]:  # type: ignore[no-untyped-def]
    fake = FakeGateway()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            with lock:
                fake.received.append(Received(dict(self.headers.items()), body))
                status, text, delay = fake.script.pop(0) if fake.script else (200, "", 0.0)
            if delay:
                time.sleep(delay)
            if 200 <= status < 300:
                with lock:
                    fake.delivered.setdefault(self.headers.get("Idempotency-Key", ""), body)
            payload = (text or json.dumps({"status": "queued"})).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1/messages"
    settings.SMS_BACKEND = "accounts.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = fake.url
    settings.SMS_GATEWAY_TOKEN = "gateway-test-token"
    settings.SMS_GATEWAY_SENDER = "MRC LAOCAI"
    settings.SMS_GATEWAY_TIMEOUT = 2
    yield fake
    server.shutdown()
    server.server_close()
