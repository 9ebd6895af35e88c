"""`make load-reminders`: a national reminder job, end to end, with one and with two workers.

Seeds (once) a fair tomorrow with REMINDERS_MESSAGES registered workers (default 10,000),
each reached by text message, in its own PostgreSQL database. Then for each worker count
in REMINDERS_WORKERS (default "1,2"): empties the outbox and the job's mark, starts that
many `celery worker` processes (one process each, `--pool solo`), starts
`fairs.tasks.remind_tomorrow` and times until every reminder is sent (status `sent` in the
outbox) through a fake SMS sender that appends each message to a file. Prints one line
per run: seconds and messages a second, from the job's start to the last message sent.

Settings, from the environment:

    REMINDERS_MESSAGES      default 10000
    REMINDERS_WORKERS       default 1,2
    REMINDERS_DATABASE_URL  default postgresql://postgres@127.0.0.1:5432/mrc_reminders
    REMINDERS_REDIS_URL     default redis://127.0.0.1:6379/1 (its queue is emptied)
    JOB_CHUNK_SIZE          default 500 (the portal's own)

Results also go to var/load/reminders-<time>.txt. Stops every process it started.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
QUEUE = "reminders-bench"
SETTINGS = "loadtest.reminder_settings"


def environment(database_url: str, redis_url: str, outbox: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "0",
        "SECRET_KEY": "reminders-bench-only-not-a-secret-" + "x" * 30,
        "ALLOWED_HOSTS": "localhost",
        "EMAIL_HOST": "localhost",
        "ALLOW_CONSOLE_SMS_IN_PRODUCTION": "1",
        "NOTIFICATIONS_TEST_OUTBOX": str(outbox),
        "PYTHONUNBUFFERED": "1",
        "CELERY_SKIP_CHECKS": "1",
    }


def create_database(url: str) -> None:
    """Create the database `url` names unless it exists (psycopg, on the server's own db)."""
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def seed(count: int) -> int:
    """A published fair tomorrow with `count` registered workers; returns the fair's id."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Province, Role, User
    from fairs.models import Fair, Registration
    from fairs.tickets import new_code

    tz = timezone.get_default_timezone()
    tomorrow = timezone.localdate(timezone=tz) + datetime.timedelta(days=1)
    starts = datetime.datetime.combine(tomorrow, datetime.time(9), tzinfo=tz)
    fair = Fair.objects.unscoped("load-test data").filter(title="Reminder bench").first()
    if fair is not None and fair.registrations.count() == count:
        Fair.objects.unscoped("load-test data").filter(pk=fair.pk).update(
            starts_at=starts, ends_at=starts + datetime.timedelta(hours=4)
        )
        return fair.pk
    province = Province.objects.order_by("pk").first()
    if province is None:
        raise SystemExit("No province in the database: run migrate first (reference data).")
    staff, _ = User.objects.get_or_create(
        email="bench-staff@example.vn",
        defaults={"name": "Bench staff", "role": Role.COUNSELLOR, "province": province},
    )
    Fair.objects.unscoped("load-test data").filter(title="Reminder bench").delete()
    fair = Fair.objects.create(
        title="Reminder bench",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
        province=province,
        address="Trung tâm Dịch vụ việc làm",
        capacity=count,
        status=Fair.Status.PUBLISHED,
        created_by=staff,
    )
    User.objects.filter(phone__startswith="+8497").delete()
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                name=f"Người lao động {n:05d}",
                phone=f"+8497{n:07d}",
                phone_verified=True,
                role=Role.WORKER,
                province=province,
                password=unusable,
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(new_code())
    Registration.objects.bulk_create(
        [
            Registration(
                fair=fair,
                worker=user,
                name=user.name,
                phone=user.phone,
                code=code,
                status=Registration.Status.REGISTERED,
                registered_by=user,
            )
            for user, code in zip(users, sorted(codes), strict=True)
        ],
        batch_size=2000,
    )
    return fair.pk


def sent() -> int:
    from notifications.models import Notification

    return Notification.objects.filter(
        kind="fair-reminder", channel="sms", status=Notification.Status.SENT
    ).count()


def run(workers: int, count: int, env: dict[str, str], logs: Path) -> tuple[float, float]:
    import redis
    from django.db import connection

    from fairs.tasks import remind_tomorrow
    from notifications.models import JobMark, Notification

    Notification.objects.filter(kind="fair-reminder").delete()
    JobMark.objects.filter(job=remind_tomorrow.name).delete()
    redis.Redis.from_url(env["REDIS_URL"]).delete(QUEUE)
    Path(env["NOTIFICATIONS_TEST_OUTBOX"]).unlink(missing_ok=True)
    connection.close()
    processes = []
    try:
        for n in range(workers):
            log = open(logs / f"worker-{workers}-{n}.log", "w")  # noqa: SIM115
            level = os.environ.get("REMINDERS_LOG_LEVEL", "WARNING")
            processes.append(
                subprocess.Popen(  # noqa: S603 - fixed program, arguments we built
                    [sys.executable, "-m", "celery", "-A", "mrc", "worker", "--pool", "solo",
                     "-l", level, "-n", f"bench{n}@%h", "-Q", QUEUE,
                     "--without-gossip", "--without-mingle", "--without-heartbeat"],
                    cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
        time.sleep(8)  # the workers connect and wait
        started = time.monotonic()
        remind_tomorrow.delay()
        done = 0
        while done < count:
            time.sleep(0.5)
            done = sent()
            if time.monotonic() - started > 1800:
                raise SystemExit(f"Only {done} of {count} sent after 30 minutes.")
        seconds = time.monotonic() - started
        return seconds, count / seconds
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def main() -> None:
    count = int(os.environ.get("REMINDERS_MESSAGES", "10000"))
    worker_counts = [int(n) for n in os.environ.get("REMINDERS_WORKERS", "1,2").split(",")]
    database_url = os.environ.get(
        "REMINDERS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/mrc_reminders"
    )
    redis_url = os.environ.get("REMINDERS_REDIS_URL", "redis://127.0.0.1:6379/1")
    out = BASE_DIR / "var" / "load"
    out.mkdir(parents=True, exist_ok=True)
    env = environment(database_url, redis_url, out / "reminders-outbox.txt")
    create_database(database_url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=env,
        check=True,
    )  # fmt: skip
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    seeded = time.monotonic()
    seed(count)
    print(f"{count} registrations ready in {time.monotonic() - seeded:.1f} s")
    lines = []
    for workers in worker_counts:
        seconds, rate = run(workers, count, env, out)
        line = f"{count} reminders, {workers} worker(s): {seconds:.1f} s, {rate:.0f} messages/s"
        print(line, flush=True)
        lines.append(line)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"reminders-{stamp}.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
