"""Charts drawn on the server as SVG geometry, readable on a phone and in print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class HBar:
    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class HBarChart:
    width: int
    height: int
    row: int
    label_width: int
    bars: list[HBar]


def hbar_chart(points: Sequence[tuple[str, int]], *, width: int = 340) -> HBarChart | None:
    """Horizontal bars, one row per label: long Vietnamese names fit on a narrow screen."""
    if not points:
        return None
    row, label_width = 22, 130
    largest = max(v for _l, v in points) or 1
    plot = width - label_width - 44
    bars = [
        HBar(label[:24], value, index * row, round(plot * value / largest, 1))
        for index, (label, value) in enumerate(points)
    ]
    return HBarChart(width, row * len(points), row, label_width, bars)


@dataclass(frozen=True)
class Gauge:
    width: int
    filled: float
    percent: float


def gauge(percent: float | None, *, width: int = 300) -> Gauge | None:
    if percent is None:
        return None
    return Gauge(width, round(width * min(percent, 100) / 100, 1), percent)


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: str  # the polyline's "x,y x,y …"
    dots: list[tuple[float, float, str, int]]


def line_chart(
    points: Sequence[tuple[str, int]], *, width: int = 340, height: int = 140
) -> LineChart | None:
    """Departures per month as a line; one point per month with a value."""
    if not points:
        return None
    top, bottom, side = 16.0, 24.0, 18.0
    largest = max(v for _l, v in points) or 1
    step = (width - 2 * side) / max(1, len(points) - 1)
    dots = []
    for index, (label, value) in enumerate(points):
        x = round(side + index * step, 1)
        y = round(top + (height - top - bottom) * (1 - value / largest), 1)
        dots.append((x, y, label, value))
    return LineChart(width, height, " ".join(f"{x},{y}" for x, y, _l, _v in dots), dots)
