"""The suite's timeline report (tests/suite_timeline.py): each worker's busy time, and the
files that took longest, without counting the controller's copy of its workers' lines."""

import json

from tests.suite_timeline import report


def test_the_report_adds_up_each_worker_and_each_file_once(tmp_path):
    lines = {
        "gw0": [["tests/a/test_x.py::one", 0.0, 10.0], ["tests/a/test_x.py::two", 10.0, 12.0]],
        "gw1": [["tests/b/test_y.py::one", 0.0, 11.5]],
    }
    lines["main"] = lines["gw0"] + lines["gw1"]
    for worker, rows in lines.items():
        (tmp_path / f"{worker}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))

    assert report(tmp_path).splitlines() == [
        "gw0: 2 tests, busy 12 s of 12 s",
        "gw1: 1 tests, busy 12 s of 12 s",
        "   12.0 s  tests/a/test_x.py",
        "   11.5 s  tests/b/test_y.py",
    ]
