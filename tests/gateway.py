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
def gateway(settings) -> Iterator[FakeGateway]:
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


@dataclass
class FakeEsms:
    """eSMS.vn's customer-care API as its documentation describes it: HTTP 200 and a
    CodeResult, 101 for wrong keys, 124 for a RequestId it has already taken."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    # CodeResult per request, in order, or ("timeout", seconds); then "100".
    script: list[str | tuple[str, float]] = field(default_factory=list)
    taken: dict[str, dict[str, Any]] = field(default_factory=dict)


@pytest.fixture
def esms(settings) -> Iterator[FakeEsms]:
    fake = FakeEsms()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            delay = 0.0
            with lock:
                fake.received.append(body)
                step = fake.script.pop(0) if fake.script else "100"
                if isinstance(step, tuple):
                    step, delay = step
                if (body.get("ApiKey"), body.get("SecretKey")) != ("esms-key", "esms-secret"):
                    code = "101"
                elif body.get("RequestId") in fake.taken:
                    code = "124"
                else:
                    code = step
                if code == "100":
                    fake.taken[body["RequestId"]] = body
            if delay:
                time.sleep(delay)
            answer: dict[str, Any] = {"CodeResult": code, "CountRegenerate": 0}
            if code == "100":
                answer["SMSID"] = "d533459ee42b2b9525ba9eabf6a8156"
            else:
                answer["ErrorMessage"] = "error"
            payload = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    settings.SMS_BACKEND = "accounts.sms.EsmsBackend"
    settings.ESMS_URL = fake.url
    settings.ESMS_API_KEY = "esms-key"
    settings.ESMS_SECRET_KEY = "esms-secret"
    settings.ESMS_SANDBOX = False
    settings.SMS_GATEWAY_SENDER = "MRC LAOCAI"
    settings.SMS_GATEWAY_TIMEOUT = 2
    yield fake
    server.shutdown()
    server.server_close()
