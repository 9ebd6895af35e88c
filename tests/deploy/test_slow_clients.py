"""Slow clients (a few connections that trickle their headers) and the proxy in front.

gunicorn's sync workers each hold one connection until its request is complete: a handful
of connections that send a header line every half second take every worker, and the site
stops answering (before). nginx, configured by deploy/nginx/mrc.conf.template, holds those
connections itself and hands gunicorn only complete requests (after). Each test prints
what it measured (`pytest -s`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from tests.deploy.test_nginx import nginx_conf, render, self_signed
from tests.mrc.test_faults import _free_port, _missing, fetch
from tests.notifications.test_broker import wait_for
from tests.processes import Service

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("slow-clients")]

WORKERS = 2  # gunicorn sync workers, as on a small host
TRICKLERS = 6  # more slow connections than workers
PATIENCE = 5.0  # seconds a visitor waits for /healthz/live before giving up


class Trickler:
    """Connections that send a request's headers one line every half second, never ending."""

    def __init__(self, port: int, count: int) -> None:
        self.port = port
        self.count = count
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def _one(self) -> None:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock,
        ):
            sock.sendall(b"GET /healthz/live HTTP/1.1\r\nHost: localhost\r\n")
            n = 0
            while not self.stop.wait(0.5):
                sock.sendall(f"X-Slow-{n}: still typing\r\n".encode())
                n += 1

    def __enter__(self) -> Trickler:
        for _ in range(self.count):
            thread = threading.Thread(target=self._one, daemon=True)
            thread.start()
            self.threads.append(thread)
        time.sleep(1.5)  # they are connected and holding whatever they hold
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory) -> Iterator[int]:
    folder = tmp_path_factory.mktemp("gunicorn")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="mrc.settings", VAR_DIR=str(folder / "var"))
    service = Service(
        [sys.executable, "-m", "gunicorn", "mrc.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(WORKERS), "--timeout", "30",
         "--no-control-socket"],
        folder / "gunicorn.log",
        env,
    )  # fmt: skip
    wait_for(
        lambda: fetch(port, "GET", "/healthz/live", timeout=2).status == 200,
        60,
        "gunicorn to answer",
        service,  # type: ignore[arg-type]  # Popen is a context manager of its own type
    )
    yield port
    service.stop()


@pytest.fixture(scope="module")
def nginx(gunicorn: int, tmp_path_factory) -> Iterator[int]:
    if shutil.which("nginx") is None:
        _missing("nginx")
    folder = tmp_path_factory.mktemp("nginx")
    self_signed(folder)
    http_port, https_port = _free_port(), _free_port()
    conf = nginx_conf(folder, render(f"127.0.0.1:{gunicorn}", folder), http_port, https_port)
    if os.geteuid() == 0:  # its workers would run as nobody, who cannot reach the folder
        conf.write_text("user root;\n" + conf.read_text())
    service = Service(
        ["nginx", "-c", str(conf), "-p", str(folder), "-e", str(folder / "error.log")],
        folder / "nginx.log",
        dict(os.environ),
    )
    wait_for(
        lambda: fetch(http_port, "GET", "/healthz/live", timeout=2).status == 200,
        20,
        "nginx to answer",
        service,  # type: ignore[arg-type]  # Popen is a context manager of its own type
    )
    yield http_port
    service.stop(sig=signal.SIGQUIT)  # nginx's graceful stop


def visit(port: int) -> tuple[int, float]:
    reply = fetch(port, "GET", "/healthz/live", timeout=PATIENCE)
    return reply.status, reply.seconds


def test_before_slow_clients_straight_to_gunicorn_take_the_site_down(gunicorn):
    assert visit(gunicorn)[0] == 200

    with Trickler(gunicorn, TRICKLERS):
        status, seconds = visit(gunicorn)

    print(f"\n[slow clients] gunicorn alone, {TRICKLERS} trickling connections, {WORKERS} "
          f"workers: status {status or 'none'} after {seconds:.2f} s")  # fmt: skip
    assert status == 0  # no answer within PATIENCE seconds


def test_after_slow_clients_at_nginx_leave_the_site_answering(nginx):
    with Trickler(nginx, TRICKLERS * 5):
        replies = [visit(nginx) for _ in range(20)]

    worst = max(seconds for _, seconds in replies)
    statuses = {status for status, _ in replies}
    print(f"\n[slow clients] behind nginx, {TRICKLERS * 5} trickling connections, {WORKERS} "
          f"workers: 20 visits, statuses {statuses}, slowest {worst:.3f} s")  # fmt: skip
    assert {status for status, _ in replies} == {200}
    assert worst < 1.0


def test_nginx_gives_each_request_an_id_that_the_portal_logs_and_sends_back(nginx):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", nginx, timeout=10)
    try:
        # A visitor's own id is replaced by nginx's.
        connection.request("GET", "/healthz", headers={"X-Request-ID": "visitor-chosen-id"})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()

    given = response.getheader("X-Request-ID") or ""
    assert response.status == 200
    assert len(given) == 32 and all(c in "0123456789abcdef" for c in given)
