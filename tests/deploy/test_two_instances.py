"""Two web instances on one database, Redis and bucket, as a province runs the portal.

Each instance is the Procfile's `web` line (gunicorn, DEBUG=0) started by honcho as
`make up` starts it; instance A also runs the worker and beat. PostgreSQL and Redis are
private to the test (the fault tests' helpers), the bucket is moto's S3 server on loopback.

    .venv/bin/python -m pytest tests/deploy/test_two_instances.py -s
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse

from tests import s3
from tests.mrc.test_faults import (
    PrivatePostgres,
    PrivateRedis,
    Reply,
    _finish,
    _free_port,
    _manage,
    _missing,
    _postgres_bindir,
    _settings_env,
    fetch,
    migrated_cluster,
)
from tests.notifications.test_broker import wait_for
from tests.processes import Service
from tests.workers.factories import jpeg_upload

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "mrc-shape"

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("shape")]


@dataclass
class Shape:
    a: int  # port of instance A (web, worker, beat)
    b: int  # port of instance B (web only)
    env: dict[str, str]
    folder: Path
    sessions: dict[str, str]
    endpoint: str
    services: list[Service]

    def get(self, port: int, path: str, who: str = "worker") -> Reply:
        return fetch(port, "GET", path, cookies={"sessionid": self.sessions[who]})

    def upload(self, port: int, code: str, content: bytes) -> Reply:
        """The documents page's form, sent as a phone's browser sends it."""
        csrf = secrets.token_hex(16)
        boundary = secrets.token_hex(12)
        fields = {"csrfmiddlewaretoken": csrf, "type": code, "priority_group": ""}
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
            f"Content-Type: image/jpeg\r\n\r\n".encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            connection.request(
                "POST",
                reverse("workers:documents"),
                body=b"".join(parts),
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Cookie": f"csrftoken={csrf}; sessionid={self.sessions['worker']}",
                },
            )
            response = connection.getresponse()
            return Reply(response.status, dict(response.getheaders()), response.read(), 0)
        finally:
            connection.close()


def honcho(env: dict[str, str], folder: Path, name: str, *processes: str) -> Service:
    command = [sys.executable, "-m", "honcho", "start", "-f", "Procfile", *processes]
    return Service(command, folder / f"{name}.log", env)


@pytest.fixture(scope="module")
def shape(s3_endpoint: str) -> Iterator[Shape]:
    bindir = _postgres_bindir() or _missing("PostgreSQL (initdb and pg_ctl)")
    redis_server = shutil.which("redis-server") or _missing("redis-server")
    for module in ("gunicorn", "honcho"):
        if importlib.util.find_spec(module) is None:
            _missing(module)
    folder = Path(tempfile.mkdtemp(prefix="mrc-shape-"))
    folder.chmod(0o711)
    postgres = PrivatePostgres(bindir, folder / "pg", _free_port())
    private_redis = PrivateRedis(redis_server, folder / "redis", _free_port())
    services: list[Service] = []
    try:
        postgres.init_from(migrated_cluster(bindir))
        postgres.start()
        private_redis.start()
        env = _settings_env(
            DATABASE_URL=postgres.url("mrc"),
            REDIS_URL=private_redis.url(0),
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="0",
            VAR_DIR=str(folder / "var"),
            S3_BUCKET=BUCKET,
            S3_ENDPOINT_URL=s3_endpoint,
            S3_ADDRESSING_STYLE="path",
            S3_ACCESS_KEY_ID=s3.CREDENTIALS["access_key"],
            S3_SECRET_ACCESS_KEY=s3.CREDENTIALS["secret_key"],
            WEB_CONCURRENCY="2",
            # Production refuses console texts and an unnamed mail server (security, 10).
            SMS_BACKEND="accounts.sms.MemoryBackend",
            EMAIL_HOST="127.0.0.1",
        )
        # What `make up` does first, once, then the processes. The cluster is a copy of one
        # migrated already (migrated_cluster): migrate finds nothing to apply, as on a
        # redeploy with no new migration.
        migrate = _manage(env, "migrate", "--noinput", "-v0")
        collect = _manage(env, "collectstatic", "--noinput", "-v0")
        prepare = _manage(env, "storage_prepare")
        _finish(migrate, "migrate")
        _finish(collect, "collectstatic")
        _finish(prepare, "storage_prepare")
        seeded = subprocess.run(
            [sys.executable, "-m", "tests.deploy.shape_seed"],
            cwd=ROOT,
            env={k: v for k, v in env.items() if k != "REDIS_URL"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert seeded.returncode == 0, seeded.stdout + seeded.stderr
        a, b = _free_port(), _free_port()
        services.append(honcho({**env, "WEB_BIND": f"127.0.0.1:{a}"}, folder, "a"))
        services.append(honcho({**env, "WEB_BIND": f"127.0.0.1:{b}"}, folder, "b", "web"))
        for port, service in zip((a, b), services, strict=True):

            def healthy(port: int = port) -> bool:
                return fetch(port, "GET", "/healthz", timeout=2).status == 200

            wait_for(
                healthy,
                60,
                f"instance on {port} to answer /healthz",
                service,  # type: ignore[arg-type]  # Popen is a context manager of its own type
            )
        yield Shape(
            a=a,
            b=b,
            env=env,
            folder=folder,
            sessions=json.loads(seeded.stdout.strip().splitlines()[-1]),
            endpoint=s3_endpoint,
            services=services,
        )
    finally:
        for service in services:
            service.stop()
        private_redis.stop()
        if postgres.data.exists():
            with contextlib.suppress(BaseException):
                postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _logs_when_failed(request: pytest.FixtureRequest, shape: Shape) -> Iterator[None]:
    failed = request.session.testsfailed
    yield
    if request.session.testsfailed > failed:
        for log in sorted(shape.folder.glob("*.log")):
            print(f"\n--- {log.name}\n{log.read_text(errors='replace')[-4000:]}")


def document_links(page: bytes) -> list[str]:
    return re.findall(r'href="(/[^"]*documents/\d+/[^"]*)"', page.decode())


def test_a_document_uploaded_through_one_instance_is_served_by_the_other(shape):
    photo = jpeg_upload().read()

    sent = shape.upload(shape.a, "passport", photo)
    assert sent.status == 302, sent.body[-2000:]

    [link] = document_links(shape.get(shape.b, reverse("workers:documents")).body)
    from_b = shape.get(shape.b, link)
    from_a = shape.get(shape.a, link)
    assert from_b.status == 200
    assert from_b.headers["content-type"] == "image/jpeg"
    assert from_b.body.startswith(b"\xff\xd8") and from_b.body == from_a.body
    [key] = [o["Key"] for o in s3.client(shape.endpoint).list_objects_v2(Bucket=BUCKET)["Contents"]]
    stored = s3.client(shape.endpoint).get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert stored == from_b.body
    print(f"\n[shape] uploaded on :{shape.a}, served by :{shape.b}: {len(from_b.body)} bytes")

    # The counsellor of the province, on the other instance, opens it too.
    assert shape.get(shape.b, link, who="counsellor").status == 200

    # Deleted through the storage API from a third process: gone for both.
    deleted = _manage(
        shape.env,
        "shell",
        "-c",
        f"from django.core.files.storage import default_storage; default_storage.delete({key!r})",
    )
    _finish(deleted, "deleting through the storage API")
    assert shape.get(shape.a, link).status == 404
    assert shape.get(shape.b, link).status == 404


def test_the_worker_and_beat_of_the_procfile_run_beside_the_first_instance(shape):
    log = shape.services[0]

    wait_for(lambda: "ready." in log.text(), 60, "the Celery worker to be ready", log)
    wait_for(
        lambda: "beat: Starting" in log.text() or "Scheduler: Sending" in log.text(),
        60,
        "beat to start",
        log,
    )
    assert "beat.1" in log.text() and "worker.1" in log.text() and "web.1" in log.text()


def test_both_instances_are_ready_with_the_database_redis_and_the_bucket(shape):
    for port in (shape.a, shape.b):
        reply = fetch(port, "GET", "/healthz/ready")
        body = json.loads(reply.body)
        assert reply.status == 200, body
        assert body["checks"]["database"] is True
        assert body["checks"]["redis"] is True
        assert body["checks"]["storage"] is True


def test_an_erasure_run_beside_one_instance_removes_the_file_for_both(shape):
    # Last in the module: the seeded worker is erased.
    before = set(document_links(shape.get(shape.a, reverse("workers:documents")).body))
    photo = jpeg_upload().read()
    sent = shape.upload(shape.a, "passport", photo)
    assert sent.status == 302, sent.body[-2000:]
    after = document_links(shape.get(shape.a, reverse("workers:documents")).body)
    [link] = [found for found in after if found not in before]
    assert shape.get(shape.b, link, who="counsellor").status == 200
    keys = {o["Key"] for o in s3.client(shape.endpoint).list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys

    # The worker asked a year ago; the nightly job runs in a process of its own, against
    # the same database and bucket, and queues the erasure in chunks (workers.tasks.
    # anonymise_chunk) that the Celery worker beside instance A erases.
    erased = _manage(
        shape.env,
        "shell",
        "-c",
        "import datetime; from django.utils import timezone; "
        "from workers.models import DeletionRequest, WorkerProfile; "
        "from workers import services, tasks; "
        "profile = WorkerProfile.all_objects.order_by('pk').first(); "
        "request = services.deletion_request_create(profile=profile, reason='test'); "
        "DeletionRequest.all_objects.filter(pk=request.pk).update("
        "requested_at=timezone.now() - datetime.timedelta(days=365)); "
        "print('erased', tasks.anonymise_due_deletions())",
    )
    _finish(erased, "the erasure job")

    wait_for(
        lambda: shape.get(shape.a, link, who="counsellor").status == 404,
        60,
        "the worker to erase her",
        shape.services[0],
    )
    assert shape.get(shape.b, link, who="counsellor").status == 404

    def objects() -> list[str]:
        listed = s3.client(shape.endpoint).list_objects_v2(Bucket=BUCKET)
        return [o["Key"] for o in listed.get("Contents", [])]

    # The files go right after the erasure's commit, on the same worker.
    wait_for(lambda: objects() == [], 30, "her files to leave the bucket", shape.services[0])
