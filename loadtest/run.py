"""`make load`: the portal under load on this machine, from an empty database to a table.

Creates (or reuses) its own PostgreSQL database, migrates, seeds the demo data and the load
data (`seed_load`), starts gunicorn with the compose file's flags (but 2 x cores + 1
workers) and a Celery worker, both with DEBUG=0 behind a simulated TLS proxy on 127.0.0.1,
runs locust headless, prints requests per second, p50/p95/p99, failures and 5xx per page,
and stops everything it started, whether the run ends, fails or is interrupted (Ctrl+C,
SIGTERM).

With LOAD_MODE=saturate it measures capacity instead: closed loops (no think time), one
kind of user at a time against the same servers: the trivial view (/healthz), the anonymous
mix and the counsellor mix, and prints requests per second and each mix as a ratio of the
trivial view's. Its database must hold at least 100,000 workers so that queries read
realistic tables: by default the benchmark's (`make bench`, 1,000,000 workers), to which it
adds the demo and load accounts.

Settings, from the environment (the Makefile passes them on):

    LOAD_MODE=saturate     the capacity mode above (default: the mixed scenario)
    LOAD_SATURATE_USERS    closed-loop users per mix (default 16)
    LOAD_SATURATE_TIME     length of each mix (default 90s; the first seconds, until every
                           user is signed in, are not counted)

    LOAD_USERS=80          locust users; a list (20,40,80) runs each count in turn
    LOAD_TIME=5m           length of each run (locust's --run-time: 60s, 5m, 1h)
    LOAD_SPAWN_RATE        users started per second (default: all within 10 s)
    LOAD_GUNICORN_WORKERS  gunicorn worker processes (default 2 x cores + 1: 5 on 2 cores;
                           docker-compose.yml says 3, which capped a run at ~24 req/s)
    LOAD_DATABASE_URL      default postgresql://postgres@127.0.0.1:5432/mrc_load
                           (saturate: .../mrc_bench)
    LOAD_REDIS_URL         default redis://127.0.0.1:6379/3 (flushed at start: use your own)
    LOAD_PORT              default: a free port on 127.0.0.1
    LOAD_TICKETS           tickets to check in, topped up before each run (default 3000)
    LOAD_SIGNINS_PER_MINUTE  default 27, under allauth's 30 a minute from one address

Results go to var/load/results/<time>-<users>u/: locust's CSVs, status codes per page,
the servers' logs and summary.md with the table.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from types import FrameType
from typing import IO
from urllib.parse import urlsplit

import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VAR_DIR = BASE_DIR / "var" / "load"
HOST = "127.0.0.1"  # loopback only: the load never leaves the machine
P95_TARGET_MS = 300
#: The saturation mode's mixes: (label, locust user class). The trivial view first: the
#: counsellors' sign-ins (paced under allauth's limit) come last.
SATURATION_MIXES = [
    ("trivial view (/healthz)", "Trivial"),
    ("anonymous mix", "Anonymous"),
    ("counsellor mix", "Counsellor"),
]
SATURATION_MIN_WORKERS = 100_000
SATURATION_TARGET = 0.2  # the counsellor mix, as a share of the trivial view's req/s
# Checking a password costs ~0.3 s of CPU by design (PBKDF2 at Django's work factor): those
# two requests are reported but held to no latency target; each user sends one.
SLOW_BY_DESIGN = {"sign-in: worker password", "sign-in: staff password"}


def setting(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def django_env(database_url: str, redis_url: str) -> dict[str, str]:
    """Production settings (DEBUG=0) behind a TLS proxy that the locust users play."""
    return {
        **os.environ,
        # Production's settings with the demo accounts allowed: the users sign in as them.
        "DJANGO_SETTINGS_MODULE": "loadtest.settings",
        "DEBUG": "0",
        # Production refuses to guess these (security review, finding 10); nothing is sent.
        "EMAIL_HOST": "localhost",
        "ALLOW_CONSOLE_SMS_IN_PRODUCTION": "1",
        "SECRET_KEY": "load-only-" + secrets.token_urlsafe(40),
        # Fixed, unlike SECRET_KEY: the second factors seed_load stored in a database that
        # is reused between runs (the saturation mode's mrc_bench) must decrypt next time.
        "MFA_ENCRYPTION_KEY": "load-only-mfa-key-of-the-published-demo-second-factor",
        "ALLOWED_HOSTS": HOST,
        "BEHIND_TLS_PROXY": "1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "VAR_DIR": str(VAR_DIR),
        "LOG_LEVEL": "WARNING",
        # Every anonymous locust user is 127.0.0.1: the fee checker's per-address limit
        # (markets.views, 60 checks in 10 minutes) would answer most of them 429.
        "FEE_CHECKS_PER_WINDOW": "1000000",
        "PYTHONUNBUFFERED": "1",
    }


def manage(env: dict[str, str], *args: str) -> None:
    print(f"$ manage.py {' '.join(args)}", flush=True)
    command = [str(BIN / "python"), "manage.py", *args]
    subprocess.run(command, cwd=BASE_DIR, env=env, check=True)  # noqa: S603 - fixed program


def create_database(url: str, *, shared_ok: bool = False) -> None:
    import psycopg

    parts = urlsplit(url)
    if parts.hostname not in {HOST, "localhost"}:
        raise SystemExit(f"LOAD_DATABASE_URL must be on this machine ({HOST})")
    name = parts.path.lstrip("/")
    if name == "mrc" or (name == "mrc_bench" and not shared_ok):
        raise SystemExit(f"{name} belongs to someone else: give the load test its own database")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        print(f"creating database {name}", flush=True)
        connection.execute(f'CREATE DATABASE "{name}"')


def flush_redis(url: str) -> None:
    """Stale rate-limit counters and queued tasks of an earlier run must not count."""
    import redis

    if urlsplit(url).hostname not in {HOST, "localhost"}:
        raise SystemExit(f"LOAD_REDIS_URL must be on this machine ({HOST})")
    redis.Redis.from_url(url).flushdb()


class Servers:
    """The processes this run started, each in its own process group, stopped on exit."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.files: list[IO[bytes]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> psutil.Process:
        log = (self.logs / f"{name}.log").open("ab")
        self.files.append(log)
        process = subprocess.Popen(  # noqa: S603 - fixed programs, arguments we built
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.processes[name] = process
        return psutil.Process(process.pid)

    def check(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} stopped (exit {process.returncode}): see {self.logs}")

    def stop(self) -> None:
        for name, process in reversed(self.processes.items()):
            if process.poll() is None:
                print(f"stopping {name} (pid {process.pid})", flush=True)
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for log in self.files:
            log.close()


def wait_healthy(port: int, servers: Servers, timeout: float = 60) -> None:
    request = urllib.request.Request(
        f"http://{HOST}:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
    )
    deadline = time.monotonic() + timeout
    while True:
        servers.check()
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")
        time.sleep(0.5)


def tree_cpu(process: psutil.Process | None) -> float:
    """CPU seconds used so far by a process and every descendant, the exited ones included
    (a gunicorn worker recycled after --max-requests, a PostgreSQL backend that closed)."""
    if process is None:
        return 0.0
    total = 0.0
    for each in [process, *process.children(recursive=True)]:
        try:
            times = each.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        # children_*: descendants that exited and were waited for by this process.
        total += times.user + times.system + times.children_user + times.children_system
    return total


def postmaster() -> psutil.Process | None:
    """The PostgreSQL server process: its backends serve every database, not only ours."""
    for each in psutil.process_iter(["name", "ppid"]):
        if each.info["name"] == "postgres":
            try:
                if psutil.Process(each.info["ppid"]).name() != "postgres":
                    return each
            except psutil.NoSuchProcess:
                continue
    return None


def locust_cpu() -> float:
    """CPU seconds of this driver's exited children: during a run, only locust exits."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def cpu_meter(watched: dict[str, Callable[[], float]]) -> Iterator[dict[str, float]]:
    """Cores used on average during the block: per watched process tree, and the machine."""
    result: dict[str, float] = {}
    before = {name: read() for name, read in watched.items()}
    machine = psutil.cpu_times()
    started = time.monotonic()
    yield result
    elapsed = time.monotonic() - started
    for name, read in watched.items():
        result[name] = (read() - before[name]) / elapsed
    after = psutil.cpu_times()
    busy = (sum(after) - after.idle - after.iowait) - (sum(machine) - machine.idle - machine.iowait)
    result["machine (all processes)"] = busy / elapsed


# --- The table --------------------------------------------------------------------------


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with Path(f"{prefix}_stats.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def table(rows: list[dict[str, str]], status: dict[str, dict[str, int]], users: int) -> str:
    def fivexx(name: str) -> int:
        codes = status.get(name, {})
        if name == "Aggregated":
            codes = {}
            for per_page in status.values():
                for code, n in per_page.items():
                    codes[code] = codes.get(code, 0) + n
        return sum(n for code, n in codes.items() if int(code) >= 500)

    header = "| page | requests | req/s | p50 ms | p95 ms | p99 ms | failures | 5xx |"
    lines = [f"{users} users", "", header, "|" + "---|" * 8]
    body = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: r["Name"])
    total = [r for r in rows if r["Name"] == "Aggregated"]
    for row in [*body, *total]:
        name = "**all pages**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"| {name} | {row['Request Count']} | {float(row['Requests/s']):.1f} "
            f"| {row['50%']} | {row['95%']} | {row['99%']} | {row['Failure Count']} "
            f"| {fivexx(row['Name'])} |"
        )
    return "\n".join(lines)


def verdict(rows: list[dict[str, str]], status: dict[str, dict[str, int]]) -> tuple[bool, str]:
    errors = sum(n for codes in status.values() for code, n in codes.items() if int(code) >= 500)
    pages = [r for r in rows if r["Name"] != "Aggregated" and r["95%"] not in {"", "N/A"}]
    failures = sum(int(r["Failure Count"]) for r in pages)
    timed = [r for r in pages if r["Name"] not in SLOW_BY_DESIGN]
    slowest = max(timed, key=lambda r: float(r["95%"])) if timed else None
    worst = float(slowest["95%"]) if slowest else 0.0
    ok = errors == 0 and worst < P95_TARGET_MS
    text = (
        f"5xx: {errors}; other failures: {failures - errors}; slowest p95: "
        f"{slowest['Name'] if slowest else '-'} {worst:.0f} ms "
        f"(target: no 5xx, p95 < {P95_TARGET_MS} ms on every page but the two password "
        f"checks) -> {'MET' if ok else 'NOT MET'}"
    )
    return ok, text


# --- The run ----------------------------------------------------------------------------


def run_locust(
    users: int,
    run_time: str,
    port: int,
    env: dict[str, str],
    results: Path,
    data_file: Path,
    classes: tuple[str, ...] = ("Anonymous", "Worker", "Counsellor", "DoorKeeper"),
) -> tuple[list[dict[str, str]], dict[str, dict[str, int]]]:
    spawn_rate = setting("LOAD_SPAWN_RATE", str(max(1, users // 10)))
    prefix = results / "locust"
    status_file = results / "status.json"
    command = [
        str(BIN / "locust"), "-f", str(BASE_DIR / "loadtest" / "locustfile.py"),
        "--headless", "--users", str(users), "--spawn-rate", spawn_rate,
        "--run-time", run_time, "--stop-timeout", "5",
        "--host", f"http://{HOST}:{port}", "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING", "--csv-full-history", *classes,
    ]  # fmt: skip
    locust_env = {**env, "LOAD_DATA": str(data_file), "LOAD_STATUS": str(status_file)}
    print(f"locust: {users} users for {run_time} (spawn rate {spawn_rate}/s)", flush=True)
    with (results / "locust.log").open("wb") as log:
        # Locust's exit code is 1 whenever a request failed: the table says which and why.
        subprocess.run(  # noqa: S603 - fixed program, arguments we built
            command, cwd=BASE_DIR, env=locust_env, stdout=log, stderr=subprocess.STDOUT
        )
    rows = read_stats(prefix)
    status = json.loads(status_file.read_text()) if status_file.exists() else {}
    return rows, status


def steady_rate(prefix: Path, users: int) -> tuple[float, int, float]:
    """(requests per second, failures, seconds measured) once every user is up and signed
    in: from locust's history (a row a second per page), the requests other than sign-ins
    between the first second after the last sign-in and the end."""
    with Path(f"{prefix}_stats_history.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    seconds = sorted({int(r["Timestamp"]) for r in rows})
    at: dict[int, dict[str, tuple[int, int]]] = {t: {} for t in seconds}
    crowd: dict[int, int] = {}
    for r in rows:
        t = int(r["Timestamp"])
        at[t][r["Name"]] = (int(r["Total Request Count"]), int(r["Total Failure Count"]))
        crowd[t] = int(r["User Count"])

    def counted(t: int) -> tuple[int, int]:
        pages = [
            v for name, v in at[t].items() if name != "Aggregated" and name.startswith("sign-in")
        ]
        total = at[t].get("Aggregated", (0, 0))
        return total[0] - sum(v[0] for v in pages), total[1] - sum(v[1] for v in pages)

    def signins(t: int) -> int:
        return sum(v[0] for name, v in at[t].items() if name.startswith("sign-in"))

    last = seconds[-1]
    ready = [t for t in seconds if crowd[t] >= users and signins(t) == signins(last)]
    start = ready[0] + 2 if ready else seconds[0]  # two seconds more: every loop turning
    if last - start < 10:
        raise RuntimeError(f"too short to measure ({last - start} s steady): raise the time")
    done, failed = counted(last)
    done0, failed0 = counted(start)
    return (done - done0) / (last - start), failed - failed0, float(last - start)


def saturate(
    port: int,
    env: dict[str, str],
    stamp: str,
    data_file: Path,
    gunicorn_workers: str,
    watched: dict[str, Callable[[], float]],
) -> str:
    """Each mix in a closed loop against the same servers; the table of req/s and ratios."""
    users = int(setting("LOAD_SATURATE_USERS", "16"))
    run_time = setting("LOAD_SATURATE_TIME", "90s")
    closed = {**env, "LOAD_WAIT": "0", "LOAD_MODE": "saturate"}
    measured: list[tuple[str, float, int, float, dict[str, float], float]] = []
    for label, user_class in SATURATION_MIXES:
        results = VAR_DIR / "results" / f"{stamp}-saturate-{user_class.lower()}"
        results.mkdir(parents=True, exist_ok=True)
        load_before = os.getloadavg()[0]
        with cpu_meter(watched) as cores:
            run_locust(users, run_time, port, closed, results, data_file, (user_class,))
        rate, failures, span = steady_rate(results / "locust", users)
        measured.append((label, rate, failures, span, cores, load_before))
        print(f"{label}: {rate:.1f} req/s over {span:.0f} s, {failures} failures", flush=True)
    base = measured[0][1] or 1.0
    lines = [
        f"Saturation: {users} closed-loop users per mix (no think time), {run_time} each, "
        f"{gunicorn_workers} gunicorn workers",
        "",
        "| mix | req/s | ratio to trivial | failures | seconds counted | cores: gunicorn "
        "| postgres | locust | machine | load before |",
        "|" + "---|" * 10,
    ]
    for label, rate, failures, span, cores, load_before in measured:
        lines.append(
            f"| {label} | {rate:.1f} | {rate / base:.3f} | {failures} | {span:.0f} "
            f"| {cores['gunicorn']:.2f} | {cores['postgres (all databases)']:.2f} "
            f"| {cores['locust']:.2f} | {cores['machine (all processes)']:.2f} "
            f"| {load_before:.2f} |"
        )
    counsellor = measured[-1][1] / base
    lines += [
        "",
        f"counsellor mix / trivial view = {counsellor:.3f} (target >= {SATURATION_TARGET}) "
        f"-> {'MET' if counsellor >= SATURATION_TARGET else 'NOT MET'}",
        "locust runs on the same machine: its cores are taken from the servers' (column).",
    ]
    return "\n".join(lines)


def worker_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT count(*) FROM workers_workerprofile").fetchone()
        return int(row[0]) if row else 0


def stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    counts = [int(n) for n in setting("LOAD_USERS", "80").split(",") if n.strip()]
    run_time = setting("LOAD_TIME", "5m")
    saturating = setting("LOAD_MODE", "mixed") == "saturate"
    database = "mrc_bench" if saturating else "mrc_load"
    database_url = setting("LOAD_DATABASE_URL", f"postgresql://postgres@{HOST}:5432/{database}")
    redis_url = setting("LOAD_REDIS_URL", f"redis://{HOST}:6379/3")
    gunicorn_workers = setting("LOAD_GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1))
    port = int(setting("LOAD_PORT", "0")) or free_port()
    signal.signal(signal.SIGTERM, stop_on_sigterm)

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    logs = VAR_DIR / "results" / f"{stamp}-servers"
    logs.mkdir(parents=True)
    env = django_env(database_url, redis_url)
    data_file = VAR_DIR / "load-data.json"

    create_database(database_url, shared_ok=saturating)
    flush_redis(redis_url)
    manage(env, "migrate", "--noinput", "-v0")
    if saturating and (found := worker_count(database_url)) < SATURATION_MIN_WORKERS:
        raise SystemExit(
            f"The saturation mode wants {SATURATION_MIN_WORKERS:,} workers or more in its "
            f"database ({found:,} found): `make bench` seeds mrc_bench (BENCH_ARGS="
            f"'--seed-only --workers {SATURATION_MIN_WORKERS}' for the smallest)."
        )
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "seed_demo", "--force")
    tickets = setting("LOAD_TICKETS", "3000")
    manage(env, "seed_load", "--force", "--tickets", tickets, "--data", str(data_file))

    servers = Servers(logs)
    summaries: list[str] = []
    met: list[bool] = []
    try:
        gunicorn = servers.start(
            "gunicorn",
            [
                str(BIN / "gunicorn"), "mrc.wsgi:application", "--bind", f"{HOST}:{port}",
                "--workers", gunicorn_workers, "--access-logfile", "-",
                "--max-requests", "2000", "--max-requests-jitter", "200",
            ],
            env,
        )  # fmt: skip
        celery = servers.start(
            "celery",
            [str(BIN / "celery"), "-A", "mrc", "worker", "-l", "INFO", "--concurrency", "2"],
            env,
        )
        wait_healthy(port, servers)
        print(f"gunicorn ({gunicorn_workers} workers) on {HOST}:{port}, celery up", flush=True)
        watched: dict[str, Callable[[], float]] = {
            "gunicorn": partial(tree_cpu, gunicorn),
            "celery": partial(tree_cpu, celery),
            "locust": locust_cpu,
            "postgres (all databases)": partial(tree_cpu, postmaster()),
        }
        if saturating:
            summary = saturate(port, env, stamp, data_file, gunicorn_workers, watched)
            (VAR_DIR / "results" / f"{stamp}-saturate.md").write_text(summary + "\n")
            print(f"\n{summary}\n", flush=True)
            return 0
        for n, users in enumerate(counts):
            if n:
                # Fresh tickets and a quiet minute: the sign-in limit counts the last 60 s.
                manage(env, "seed_load", "--force", "--tickets", tickets, "--data", str(data_file))
                time.sleep(60)
            results = VAR_DIR / "results" / f"{stamp}-{users}u"
            results.mkdir(parents=True, exist_ok=True)
            load_before = os.getloadavg()[0]
            with cpu_meter(watched) as cores:
                rows, status = run_locust(users, run_time, port, env, results, data_file)
            servers.check()
            ok, text = verdict(rows, status)
            met.append(ok)
            usage = ", ".join(f"{name} {value:.2f}" for name, value in cores.items())
            summary = (
                f"{table(rows, status, users)}\n\n{text}\n\n"
                f"Cores used on average: {usage} (of {psutil.cpu_count()}); "
                f"load average before: {load_before:.2f}. Run time {run_time}, "
                f"{gunicorn_workers} gunicorn workers.\n"
            )
            (results / "summary.md").write_text(summary)
            summaries.append(summary)
            print(f"\n{summary}\nResults: {results}\n", flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping what this run started", flush=True)
        return 130
    finally:
        servers.stop()
    if len(summaries) > 1:
        print("Every run:\n")
        print("\n".join(summaries))
    return 0 if all(met) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # before any server started: nothing to stop
        sys.exit(130)
