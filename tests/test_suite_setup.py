"""The test run itself: what `make test` relies on to share the tests between two workers."""

from __future__ import annotations

import pytest


@pytest.mark.xdist_group("suite-check")
def test_an_xdist_group_reaches_the_scheduler(request):
    """`make test` runs `--dist loadgroup`: the tests of one xdist_group (the browser tests, a
    module that starts its own PostgreSQL) must run in one worker, or each worker sets up
    the same costly fixture and the flushing live-server tests mix with the others.
    pytest-xdist passes the group to its scheduler as a suffix of the node id; pytest 9.2
    stopped letting it write one (pytest-xdist issue 1386), and the groups then spread
    silently. This fails when that happens again."""
    # What pytest-xdist sets in a worker when the run was started with `--dist loadgroup`.
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("only under `--dist loadgroup`, as `make test` runs")
    assert request.node.nodeid.endswith("@suite-check"), request.node.nodeid
