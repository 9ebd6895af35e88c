"""The image, checked by reading its files (Docker does not run on the development machines):
pg_dump of the database's major version, and dependencies only from the hashed lock."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def locked() -> dict[str, list[str]]:
    """name -> its hashes, from requirements.lock."""
    entries: dict[str, list[str]] = {}
    name = ""
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        pinned = re.match(r"^([A-Za-z0-9._-]+)==\S+", line)
        if pinned:
            name = canonicalize_name(pinned.group(1))
            entries[name] = []
        hashed = re.search(r"--hash=sha256:([0-9a-f]{64})", line)
        if hashed and name:
            entries[name].append(hashed.group(1))
    return entries


def test_the_image_has_the_pg_dump_of_the_compose_databases_major_version():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    server = re.fullmatch(r"postgres:(\d+)(\..*)?", compose["services"]["db"]["image"])
    client = re.findall(r"\bpostgresql-client-(\d+)\b", dockerfile())

    assert server, compose["services"]["db"]["image"]
    assert client == [server.group(1)]
    # Debian trixie carries postgresql-client-17 in its own archive; an older base would
    # need PostgreSQL's own apt repository, which this Dockerfile does not add.
    base = re.search(r"^FROM\s+(\S+)", dockerfile(), re.MULTILINE)
    assert base and base.group(1).endswith("-trixie")


def test_the_lock_pins_every_dependency_of_pyproject_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(r) for r in project["optional-dependencies"]["up"]]
    lock = locked()

    missing = [str(r) for r in wanted if canonicalize_name(r.name) not in lock]
    assert missing == []
    assert [name for name, hashes in lock.items() if not hashes] == []
    # The extras' own packages too (psycopg[binary], celery[redis], django-storages[s3]).
    assert {"psycopg-binary", "redis", "boto3"} <= set(lock)


def test_the_image_installs_only_from_the_lock_with_hashes():
    installs = re.findall(r"pip install[^\n]*", dockerfile())

    assert installs == ["pip install --require-hashes --no-deps -r requirements.lock"]
    assert "COPY requirements.lock" in dockerfile()
