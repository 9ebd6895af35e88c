"""Bar charts drawn on the server as SVG geometry: no script, no external library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: float
    label_y: float
    bars: list[Bar]


def bar_chart(
    points: Sequence[tuple[str, int]], *, width: int = 320, height: int = 180
) -> BarChart | None:
    """Vertical bars scaled to the largest value, with room for values above and labels
    below; None when there is nothing to draw."""
    if not points:
        return None
    top, bottom = 22.0, 26.0
    plot = height - top - bottom
    largest = max(value for _label, value in points) or 1
    slot = width / len(points)
    bar_width = min(56.0, slot * 0.6)
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = round(plot * value / largest, 1)
        x = round(index * slot + (slot - bar_width) / 2, 1)
        y = round(top + plot - bar_height, 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=x,
                y=y,
                width=round(bar_width, 1),
                height=bar_height,
                label_x=round(index * slot + slot / 2, 1),
                value_y=round(y - 6, 1),
            )
        )
    return BarChart(width=width, height=height, baseline=top + plot, label_y=height - 8, bars=bars)
