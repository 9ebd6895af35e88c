"""The benchmark's timing loop (`make bench`): what each ratio is measured against."""

from mrc.management.commands.bench import TRIVIAL, interleaved


def test_the_trivial_view_is_timed_right_before_every_other_page_each_round():
    calls: list[str] = []
    pages = {name: (lambda name=name: calls.append(name)) for name in (TRIVIAL, "a", "b", "c")}

    samples = interleaved(pages, rounds=4)

    assert {name: len(times) for name, times in samples.items()} == {
        TRIVIAL: 12,
        "a": 4,
        "b": 4,
        "c": 4,
    }
    assert calls[0::2] == [TRIVIAL] * 12
    pages_called = calls[1::2]
    # Every round calls every page once, in an order of its own.
    assert all(sorted(pages_called[i : i + 3]) == ["a", "b", "c"] for i in range(0, 12, 3))
