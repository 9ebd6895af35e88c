"""Faults from outside the portal, seen from outside: PostgreSQL restarting under a stream
of writes, and Redis stopping and coming back while messages are being sent.

The portal runs as docker-compose's web runs it, gunicorn with DEBUG=0, on a PostgreSQL
cluster and a redis-server of the test's own, on free ports: the machine's shared ones
serve other suites and the benchmark and are never touched. The Redis test adds a Celery
worker and one beat. Each test prints what it measured (`pytest -s` shows it).

Needs initdb and pg_ctl (/usr/lib/postgresql/*/bin), redis-server and gunicorn; without
them the tests skip, and in CI they fail. As root, PostgreSQL runs as the `postgres` user.

    .venv/bin/python -m pytest tests/mrc/test_faults.py -n 0 -s
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import importlib.util
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
import pytest
import redis

from notifications.testing import OUTBOX_ENV
from tests.conftest import SHARED_DIR_ENV
from tests.notifications.test_broker import Worker, lines, wait_for
from tests.processes import Service

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("faults")]

CASES = 300  # more than the write stream can use up
FAIRS = 4  # cancelled before, twice during and after the Redis outage
PEOPLE_PER_FAIR = 4
PACE = 0.05  # seconds between two writes of one client thread, at least
OUTAGE = 2.0  # seconds PostgreSQL stays down
SLOW = 5.0  # a request slower than this counts as a hang
# What a failed request may answer while the database is down: the portal's error page.
ERROR_PAGE_MARK = b'class="error-page"'

# The variables of the settings; ours are set explicitly for each process.
_SETTINGS_ENV = (
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "VAR_DIR",
    "MEDIA_ROOT",
)


def _missing(what: str) -> Any:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed: CI must run the fault tests.")
    pytest.skip(f"{what} is not installed")


def _postgres_bindir() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb and shutil.which("pg_ctl") else None


def _free_port() -> int:
    # Below the kernel's ephemeral range (32768 and up): while a service of ours is stopped,
    # no outgoing connection on this busy machine can take its port before it comes back.
    for _ in range(200):
        port = secrets.choice(range(20_000, 32_000))
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 32000")


# --- Processes and services -----------------------------------------------------------


class PrivatePostgres:
    """A cluster of the test's own: initdb in a temporary folder, pg_ctl on a free port."""

    def __init__(self, bindir: Path, folder: Path, port: int, *, made: bool = False) -> None:
        self.bindir = bindir
        self.folder = folder
        self.data = folder / "data"
        self.port = port
        # initdb refuses to run as root: as root, the cluster belongs to `postgres`.
        self.owner = "postgres" if os.geteuid() == 0 else None
        if made:  # a cluster made earlier, read (copied) only
            return
        folder.mkdir()
        if self.owner:
            if shutil.which("runuser") is None:
                _missing("runuser (to run PostgreSQL as the postgres user)")
            try:
                account = pwd.getpwnam(self.owner)
            except KeyError:
                _missing("a `postgres` system user (initdb refuses root)")
            os.chown(folder, account.pw_uid, account.pw_gid)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self.owner:
            command = ["runuser", "-u", self.owner, "--", *command]
        done = subprocess.run(
            command, cwd=self.folder, capture_output=True, text=True, timeout=60, check=False
        )
        if done.returncode:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            pytest.fail(f"{program} {' '.join(args)} failed:\n{done.stdout}{done.stderr}{tail}")

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        # fsync off: the restarts here are clean shutdowns, and it makes migrate faster.
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
            "-w", "-t", "30", "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        # Fast: open transactions are rolled back and their sessions ended, as in a failover.
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "30", "-m", "fast", "stop")

    def init_from(self, template: PrivatePostgres) -> None:
        """A copy of a stopped cluster's files in place of initdb (ownership and modes kept)."""
        done = subprocess.run(
            ["cp", "-a", str(template.data), str(self.data)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            pytest.fail(f"copying the migrated cluster failed: {done.stderr}")

    def create_database(self, name: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url("mrc")) as connection:
            return connection.execute(sql, params).fetchall()


class PrivateRedis:
    """A redis-server of the test's own that keeps nothing on disk, so a restart loses every
    queued task (the harder case: the outbox must still send everything)."""

    def __init__(self, binary: str, folder: Path, port: int) -> None:
        self.binary = binary
        self.folder = folder
        self.port = port
        self.service: Service | None = None
        folder.mkdir()

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def answers(self) -> bool:
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self) -> None:
        command = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(self.folder),
        ]  # fmt: skip
        self.service = Service(command, self.folder / "redis.log", dict(os.environ))
        wait_for(self.answers, 10, "the private Redis to answer")

    def stop(self) -> None:
        if self.service is not None:
            self.service.stop()
            self.service = None


# --- Talking to the portal ------------------------------------------------------------


@dataclass
class Reply:
    status: int  # 0: no HTTP answer at all (refused, reset, timed out)
    headers: dict[str, str]
    body: bytes
    seconds: float
    error: str = ""


def fetch(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    timeout: float = 10,
) -> Reply:
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())}
    body = None
    if form is not None:
        body = urlencode(form, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return Reply(
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            data,
            time.monotonic() - started,
        )
    except (OSError, http.client.HTTPException) as exc:
        return Reply(0, {}, b"", time.monotonic() - started, f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


@dataclass
class Portal:
    """The portal under gunicorn, its private PostgreSQL and Redis, and the seeded rows."""

    port: int
    postgres: PrivatePostgres
    redis: PrivateRedis
    gunicorn: Service
    env: dict[str, str]
    folder: Path
    session: str
    cases: list[tuple[int, int]]
    fairs: list[int]
    csrf: str = field(default_factory=lambda: secrets.token_hex(16))

    def request(
        self, method: str, path: str, *, staff: bool = False, form: dict[str, Any] | None = None
    ) -> Reply:
        # A 32-character CSRF secret in the cookie and, unmasked, in the form is accepted.
        cookies = {"csrftoken": self.csrf}
        if staff:
            cookies["sessionid"] = self.session
        if form is not None:
            form = {"csrfmiddlewaretoken": self.csrf, **form}
        return fetch(self.port, method, path, cookies=cookies, form=form)

    def web_workers(self) -> set[int]:
        """The gunicorn worker processes: a replaced one means the app was restarted."""
        pid = self.gunicorn.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return {int(child) for child in children}


def _settings_env(**ours: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SETTINGS_ENV}
    return {**env, "DJANGO_SETTINGS_MODULE": "mrc.settings", "PYTHONUNBUFFERED": "1", **ours}


def _manage(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(process: subprocess.Popen[str], what: str) -> str:
    output, _ = process.communicate(timeout=120)
    if process.returncode:
        pytest.fail(f"{what} failed:\n{output[-3000:]}")
    return output


def migrated_cluster(bindir: Path) -> PrivatePostgres:
    """A stopped PostgreSQL cluster with a database `mrc` that every migration has been
    applied to, made once per test run for the private clusters to copy: migrating an empty
    database takes 12-15 s, copying the cluster under a second. The first process of the run
    to need it makes it; another that needs it meanwhile waits for it."""
    shared = Path(os.environ.get(SHARED_DIR_ENV) or _missing(f"{SHARED_DIR_ENV} (conftest)"))
    folder = shared / "migrated-cluster"
    with (shared / "migrated-cluster.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if (folder / "ready").exists():
            return PrivatePostgres(bindir, folder, port=0, made=True)
        shutil.rmtree(folder, ignore_errors=True)  # one that failed half-way
        cluster = PrivatePostgres(bindir, folder, _free_port())
        cluster.init()
        cluster.start()
        try:
            cluster.create_database("mrc")
            env = _settings_env(DATABASE_URL=cluster.url("mrc"), VAR_DIR=str(shared / "var"))
            _finish(_manage(env, "migrate", "--noinput", "-v0"), "migrate")
        finally:
            cluster.stop()
        (folder / "ready").touch()
        return cluster


@pytest.fixture(scope="module")
def portal() -> Iterator[Portal]:
    bindir = _postgres_bindir() or _missing("PostgreSQL (initdb and pg_ctl)")
    redis_server = shutil.which("redis-server") or _missing("redis-server")
    if importlib.util.find_spec("gunicorn") is None:
        _missing("gunicorn")
    folder = Path(tempfile.mkdtemp(prefix="mrc-faults-"))
    folder.chmod(0o711)  # the postgres user must reach its folder inside
    postgres = PrivatePostgres(bindir, folder / "pg", _free_port())
    private_redis = PrivateRedis(redis_server, folder / "redis", _free_port())
    gunicorn: Service | None = None
    started = time.monotonic()
    try:
        postgres.init_from(migrated_cluster(bindir))
        postgres.start()
        env = _settings_env(
            DATABASE_URL=postgres.url("mrc"),
            REDIS_URL=private_redis.url(0),
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="0",
            # Production refuses to guess these (security review, finding 10).
            EMAIL_HOST="localhost",
            ALLOW_CONSOLE_SMS_IN_PRODUCTION="1",
            VAR_DIR=str(folder / "var"),
        )
        # The cluster's copy is migrated already (migrated_cluster); the static files are
        # collected before gunicorn starts: WhiteNoise reads them at start.
        _finish(_manage(env, "collectstatic", "--noinput", "-v0"), "collectstatic")
        prepared = time.monotonic()
        # The rows are written while Redis and gunicorn start.
        sizes = (CASES, FAIRS, PEOPLE_PER_FAIR)
        seed = subprocess.Popen(
            [sys.executable, "-m", "tests.mrc.faults_seed", *map(str, sizes)],
            cwd=ROOT,
            env={k: v for k, v in env.items() if k != "REDIS_URL"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        private_redis.start()
        port = _free_port()
        # As docker-compose's web, with threads so each process holds several connections;
        # no control socket, which would be shared with any other gunicorn of this user.
        command = [
            sys.executable, "-m", "gunicorn", "mrc.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2",
            "--access-logfile", "-", "--no-control-socket",
        ]  # fmt: skip
        gunicorn = Service(command, folder / "gunicorn.log", env)
        data = json.loads(_finish(seed, "seeding").splitlines()[-1])
        seeded = time.monotonic()
        wait_for(
            lambda: fetch(port, "GET", "/healthz", timeout=2).status == 200,
            30,
            "gunicorn to answer /healthz",
            gunicorn,  # type: ignore[arg-type]  # its log is shown if it does not
        )
        print(
            f"\n[faults] set-up {time.monotonic() - started:.1f} s: cluster and static files"
            f" {prepared - started:.1f} s, seed {seeded - prepared:.1f} s"
        )
        yield Portal(
            port=port,
            postgres=postgres,
            redis=private_redis,
            gunicorn=gunicorn,
            env=env,
            folder=folder,
            session=data["session"],
            cases=[(pk, version) for pk, version in data["cases"]],
            fairs=data["fairs"],
        )
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        private_redis.stop()
        if postgres.data.exists():
            with contextlib.suppress(BaseException):
                postgres.stop()
        if os.environ.get("FAULTS_KEEP"):  # to read the logs of a failed run
            print(f"[faults] kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _logs_when_failed(request: pytest.FixtureRequest, portal: Portal) -> Iterator[None]:
    """A failed test shows the end of every service's log: the folder is gone afterwards."""
    failed = request.session.testsfailed
    yield
    if request.session.testsfailed > failed:
        for log in sorted(portal.folder.rglob("*.log")):
            print(
                f"\n--- {log.relative_to(portal.folder)}\n{log.read_text(errors='replace')[-4000:]}"
            )


# --- PostgreSQL restarted under writes ------------------------------------------------


@dataclass
class Shot:
    case: int
    started: float
    reply: Reply

    @property
    def ended(self) -> float:
        return self.started + self.reply.seconds

    @property
    def moved(self) -> bool:
        """Answered as a move is: a redirect, and not to the sign-in page."""
        location = self.reply.headers.get("location", "")
        return self.reply.status == 302 and "/accounts/login/" not in location


def _fire(
    portal: Portal, moves: list[tuple[int, int]], shots: list[Shot], stop: threading.Event
) -> None:
    """Put cases on hold one after the other: each move writes the case and its event row
    in one transaction."""
    for case_id, version in moves:
        if stop.is_set():
            return
        started = time.monotonic()
        reply = portal.request(
            "POST",
            f"/staff/cases/{case_id}/move/",
            staff=True,
            form={"version": version, "to": "on_hold", "reason": "Chờ giấy khám sức khoẻ"},
        )
        shots.append(Shot(case_id, started, reply))
        time.sleep(max(0.0, PACE - reply.seconds))


def test_a_postgresql_restart_under_writes_leaves_no_half_action_and_the_app_recovers_alone(
    portal: Portal,
) -> None:
    workers_before = portal.web_workers()
    shots: list[Shot] = []
    stop = threading.Event()
    threads = [
        threading.Thread(target=_fire, args=(portal, portal.cases[i::2], shots, stop))
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: sum(s.moved for s in shots) >= 10, 20, "the first moves")
        down = time.monotonic()
        portal.postgres.stop()
        time.sleep(OUTAGE)
        portal.postgres.start()
        up = time.monotonic()
        wait_for(
            lambda: sum(s.started >= up and s.moved for s in shots) >= 20,
            20,
            "20 moves after the restart",
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    shots.sort(key=lambda shot: shot.started)
    failed = [s for s in shots if not s.moved]
    after = [s for s in shots if s.started >= up]
    first_back = min(s.ended for s in after if s.moved)
    slowest = max(s.reply.seconds for s in shots)
    window = (failed[0].started - down, failed[-1].ended - down) if failed else (0.0, 0.0)
    print(
        f"\n[faults] PostgreSQL: {len(shots)} moves, stopped {down - shots[0].started:.1f} s in"
        f" for {up - down:.1f} s; {len(failed)} failed"
        f" {dict(Counter(s.reply.status for s in failed))},"
        f" {window[0]:.2f}..{window[1]:.2f} s after the stop; first success"
        f" {first_back - up:.2f} s after PostgreSQL was back ({first_back - down:.2f} s after"
        f" the stop); slowest request {slowest:.2f} s"
    )

    # Every request after the restart succeeded, with the same gunicorn workers.
    assert [s.reply.status for s in after if not s.moved] == []
    assert portal.web_workers() == workers_before
    # Those that failed were answered at once, with the portal's page asking to come back.
    assert slowest < SLOW
    for shot in failed:
        assert shot.ended >= down and shot.started <= up, "a request failed outside the outage"
        assert shot.reply.status == 503, (shot.reply.status, shot.reply.error)
        assert shot.reply.headers.get("retry-after")
        assert ERROR_PAGE_MARK in shot.reply.body

    # Every case is either moved with its event or untouched: nothing half-written.
    rows = portal.postgres.rows(
        """SELECT c.id, c.stage, c.version, count(e.id)
           FROM workers_case c LEFT JOIN workers_caseevent e ON e.case_id = c.id
           WHERE c.id = ANY(%s) GROUP BY c.id, c.stage, c.version""",
        [pk for pk, _version in portal.cases],
    )
    version_before = dict(portal.cases)
    assert len(rows) == len(portal.cases)
    moved, half = set(), []
    for pk, stage, version, events in rows:
        if (stage, version, events) == ("on_hold", version_before[pk] + 1, 1):
            moved.add(pk)
        elif (stage, version, events) != ("registered", version_before[pk], 0):
            half.append((pk, stage, version, events))
    assert half == []
    succeeded = {s.case for s in shots if s.moved}
    assert succeeded <= moved
    # A move committed just before its response failed is whole, and the error page says
    # to check before sending it again.
    committed_but_failed = moved - succeeded
    assert committed_but_failed <= {s.case for s in failed}
    print(
        f"[faults] rows checked: {len(rows)} cases with their events; {len(moved)} moved ="
        f" {len(succeeded)} answered 302 + {len(committed_but_failed)} committed before a"
        f" failed answer; half-written: {len(half)}"
    )


# --- Redis stopped and back -----------------------------------------------------------


def _sms_rows(portal: Portal, fairs: list[int]) -> list[tuple[Any, ...]]:
    """(status, attempts) of the text messages telling the fairs' people of the cancellation."""
    keys = [f"fair-cancelled:{pk}:sms" for pk in _registrations(portal, fairs)]
    return portal.postgres.rows(
        "SELECT status, attempts FROM notifications_notification WHERE key = ANY(%s)", keys
    )


def _registrations(portal: Portal, fairs: list[int]) -> list[int]:
    rows = portal.postgres.rows(
        "SELECT id FROM fairs_registration WHERE fair_id = ANY(%s) ORDER BY id", fairs
    )
    return [pk for (pk,) in rows]


def _cancel(portal: Portal, fair: int) -> Reply:
    return portal.request(
        "POST",
        f"/staff/fairs/{fair}/cancel/",
        staff=True,
        form={"reason": "Doanh nghiệp hoãn tuyển"},
    )


def _all_sent(portal: Portal, fairs: list[int]) -> bool:
    rows = _sms_rows(portal, fairs)
    return len(rows) == len(fairs) * PEOPLE_PER_FAIR and {s for s, _a in rows} == {"sent"}


def test_with_redis_stopped_pages_work_and_messages_wait_then_go_out_once(
    portal: Portal,
) -> None:
    outbox = portal.folder / "outbox.txt"
    celery_env = {
        "DJANGO_SETTINGS_MODULE": "tests.mrc.fault_settings",
        "DATABASE_URL": portal.postgres.url("mrc"),
        "REDIS_URL": portal.redis.url(0),
        "VAR_DIR": str(portal.folder / "var"),
    }
    worker = Worker("celery", outbox, portal.folder / "worker.log", "solo", 1, **celery_env)
    command = [
        sys.executable, "-m", "celery", "-A", "mrc", "beat", "-l", "INFO",
        "-s", str(portal.folder / "beat-schedule"),
    ]  # fmt: skip
    beat_env = _settings_env(**{OUTBOX_ENV: str(outbox)}, **celery_env)
    beat = Service(command, portal.folder / "beat.log", beat_env)
    before, during, back = portal.fairs[:1], portal.fairs[1:3], portal.fairs[3:]
    try:
        worker.wait_ready()
        wait_for(lambda: "beat: Starting" in beat.text(), 20, "beat to start")
        # With Redis up, a cancellation's messages go out through the queue.
        assert _cancel(portal, before[0]).status == 302
        wait_for(lambda: _all_sent(portal, before), 20, "the messages sent with Redis up", worker)

        portal.redis.stop()
        down = time.monotonic()
        pages = {
            "public home": portal.request("GET", "/"),
            "sign-in page": portal.request("GET", "/accounts/login/"),
            # allauth counts failed sign-ins in the cache.
            "failed sign-in": portal.request(
                "POST", "/accounts/login/", form={"login": "0912000000", "password": "wrong-1"}
            ),
            # The fraud form's per-address limit is a counter in the cache.
            "fraud report": portal.request(
                "POST",
                "/report-fraud/",
                form={
                    "name_used": "Công ty XKLĐ Ánh Dương",
                    "province": "15",
                    "what_was_asked": "Đòi 80 triệu đồng phí đặt cọc trước khi ký hợp đồng.",
                },
            ),
            "staff home": portal.request("GET", "/", staff=True),
            "caseload": portal.request("GET", "/staff/cases/", staff=True),
            **{f"cancel fair {pk}": _cancel(portal, pk) for pk in during},
        }
        health = portal.request("GET", "/healthz")
        time.sleep(2)  # a message that could still go out would be out now
        outbox_during = lines(outbox)
        waiting = _sms_rows(portal, during)

        portal.redis.start()
        up = time.monotonic()
        cancel_back = _cancel(portal, back[0])
        wait_for(lambda: _all_sent(portal, portal.fairs), 40, "every message sent", worker)
        delivered = time.monotonic()
        time.sleep(3)  # a duplicate still on its way would land now
        sent = lines(outbox)
        worker_log = worker.text()
        worker_alive = worker.process.poll() is None
    finally:
        beat.stop()
        worker.kill(signal.SIGTERM)

    expected = {
        "public home": 200,
        "sign-in page": 200,
        "failed sign-in": 200,
        "fraud report": 302,
        "staff home": 200,
        "caseload": 200,
        **{f"cancel fair {pk}": 302 for pk in during},
    }
    duplicates = len(sent) - len(set(sent))
    print(
        f"\n[faults] Redis down {up - down:.1f} s: pages "
        + ", ".join(f"{name} {r.status} in {r.seconds * 1000:.0f} ms" for name, r in pages.items())
        + f"; /healthz {health.status}; messages waiting {len(waiting)}, sent during the"
        f" outage {len(outbox_during) - PEOPLE_PER_FAIR}; all {len(sent)} delivered"
        f" {delivered - up:.1f} s after Redis was back; duplicates {duplicates};"
        f" scenario {delivered - down:.1f} s from the stop"
    )
    assert {name: reply.status for name, reply in pages.items()} == expected
    assert max(reply.seconds for reply in pages.values()) < SLOW
    # The health check tells the broker is gone (and still that the database answers).
    assert health.status == 503
    assert json.loads(health.body)["checks"] == {"database": True, "broker": False}
    # While Redis was down the messages waited in the outbox, none lost, none sent.
    assert len(outbox_during) == PEOPLE_PER_FAIR
    assert sorted(waiting) == [("pending", 0)] * (len(during) * PEOPLE_PER_FAIR)
    # Then each went out exactly once, and the web and the worker carried on by themselves.
    assert cancel_back.status == 302
    assert len(sent) == len(portal.fairs) * PEOPLE_PER_FAIR
    assert duplicates == 0
    assert worker_alive
    assert "Connection to broker lost" in worker_log
