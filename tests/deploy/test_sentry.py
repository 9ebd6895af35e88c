"""Error reports go to the Sentry server of SENTRY_DSN, without personal data: a fake one
(http.server) on loopback receives what sentry-sdk sends."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.mrc.test_settings import run

PERSONAL_ID = "001090012345"

# The personal ID reaches the code as data does (here from the environment), never in its
# source: only a local variable holds it.
PROBE = """
import os, django, sentry_sdk
django.setup()
def register(personal_id):
    return 1 / 0
try:
    register(os.environ["PROBE_PERSONAL_ID"])
except ZeroDivisionError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(timeout=10)
print("flushed")
"""


@pytest.fixture
def sentry() -> Iterator[tuple[str, list[bytes]]]:
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            encoding = self.headers.get("Content-Encoding")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                # sentry-sdk prefers brotli when the package is installed (locust brings it).
                import brotli

                body = brotli.decompress(body)
            received.append(self.path.encode() + b"\n" + body)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://publickey@127.0.0.1:{server.server_address[1]}/42", received
    server.shutdown()
    server.server_close()


def test_an_error_is_reported_to_the_dsn_without_local_variables(sentry):
    dsn, received = sentry

    result = run(PROBE, SENTRY_DSN=dsn, SENTRY_ENVIRONMENT="laocai", PROBE_PERSONAL_ID=PERSONAL_ID)

    assert result.returncode == 0, result.stderr
    [envelope] = received
    assert envelope.startswith(b"/api/42/envelope/")
    assert b"ZeroDivisionError" in envelope
    assert b'"environment":"laocai"' in envelope
    assert PERSONAL_ID.encode() not in envelope


def test_without_a_dsn_nothing_is_sent(sentry):
    _dsn, received = sentry

    result = run(PROBE, PROBE_PERSONAL_ID=PERSONAL_ID)

    assert result.returncode == 0, result.stderr
    assert received == []
