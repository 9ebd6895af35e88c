"""Where the suite's time goes: each test's start and end, per pytest-xdist worker.

    make test PYTEST_ARGS="-p tests.suite_timeline"
    .venv/bin/python -m tests.suite_timeline          # reads var/suite-timeline/

Each worker writes one line per test (node id, start, end) to var/suite-timeline/<worker>.jsonl;
the report gives each worker's busy time (both busy to the end means the split is even and
only less work shortens the run) and the files that took longest. See docs/testing.md.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parent.parent / "var" / "suite-timeline"
_started: dict[str, float] = {}


def pytest_sessionstart(session: pytest.Session) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    if _worker() == "main":  # the controller starts before its workers: a new run
        for old in FOLDER.glob("*.jsonl"):
            old.unlink()


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    _started[nodeid] = time.time()


def pytest_runtest_logfinish(nodeid: str, location: tuple[str, int | None, str]) -> None:
    line = json.dumps([nodeid, _started.pop(nodeid, time.time()), time.time()])
    with (FOLDER / f"{_worker()}.jsonl").open("a") as out:
        out.write(line + "\n")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def report(folder: Path = FOLDER, top: int = 25) -> str:
    lines: list[str] = []
    by_file: Counter[str] = Counter()
    paths = sorted(folder.glob("gw*.jsonl")) or sorted(folder.glob("main.jsonl"))
    for path in paths:  # under xdist the controller's lines repeat its workers'
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        if not rows:
            continue
        busy = sum(end - start for _node, start, end in rows)
        span = max(end for *_, end in rows) - min(start for _node, start, _end in rows)
        lines.append(f"{path.stem}: {len(rows)} tests, busy {busy:.0f} s of {span:.0f} s")
        for node, start, end in rows:
            by_file[node.split("::")[0]] += end - start
    lines += [f"{seconds:7.1f} s  {name}" for name, seconds in by_file.most_common(top)]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER))
