"""Charts drawn on the server as inline SVG (no script, no outside file): bars comparing areas, a line over time.

Each chart is an image with a title and a description for screen readers; the page puts a table with the
same figures beside it, which is also the way in by keyboard (the chart's own links repeat the table's and
are kept out of the tab order).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

# Sizes in the charts' own units; a chart scales to the width it is given, so these are sized to stay readable
# from a phone (a bar chart about 340 px wide) to a desktop (the stylesheet caps each chart's width).
BAR_WIDTH = 420
BAR_ROW = 34
LABEL_WIDTH = 112
LINE_WIDTH = 560
LINE_HEIGHT = 260
PLOT = {"left": 48, "right": 24, "top": 20, "bottom": 44}
MOST_X_LABELS = 8
LABEL_CHARACTERS = 7


@dataclass(frozen=True)
class Bar:
    """One area's bar: its name, the value (None when nothing was counted), the value in words, a link."""

    label: str
    value: float | None
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Point:
    """One step of a trend: its label (a week or a month), the value or None, the value in words."""

    label: str
    value: float | None
    text: str


def nice_top(largest: float) -> float:
    """The top of an axis: 1, 2, 2.5 or 5 times a power of ten, at or above the largest value."""
    if largest <= 0:
        return 1
    power = 10 ** math.floor(math.log10(largest))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= largest)


def _number(value: float) -> str:
    return f"{value:.1f}" if value != int(value) else str(int(value))


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[:LABEL_CHARACTERS - 1] + "…"


def _frame(chart_id: str, kind: str, title: str, summary: str, size: tuple[int, int], body: list[str]) -> Markup:
    head = (f'<svg class="chart {kind}" id="{escape(chart_id)}" viewBox="0 0 {size[0]} {size[1]}" role="img" '
            f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
            f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
            f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
            f'<desc id="{escape(chart_id)}-desc">{escape(summary)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def bar_chart(chart_id: str, title: str, bars: list[Bar], top: float | None = None) -> Markup:
    """Horizontal bars, one row per area, the value written at the end of each bar."""
    known = [b.value for b in bars if b.value is not None]
    top = top or nice_top(max(known, default=0))
    span = BAR_WIDTH - LABEL_WIDTH - 90  # room after the longest bar for its value
    height = 28 + BAR_ROW * len(bars)
    body = [f'<line class="axis" x1="{LABEL_WIDTH}" y1="8" x2="{LABEL_WIDTH}" y2="{height - 8}" stroke="#555"/>']
    for row, bar in enumerate(bars):
        y = 16 + row * BAR_ROW
        length = 0 if bar.value is None else max(span * min(bar.value / top, 1), 1)
        shape = (f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="20" fill="#0b4fa8">'
                 f'<title>{escape(bar.label)}：{escape(bar.text)}</title></rect>')
        label = (f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">'
                 f'{escape(_short(bar.label))}</text>')
        if bar.href:
            shape = f'<a href="{escape(bar.href)}" tabindex="-1" aria-hidden="true">{label}{shape}</a>'
            label = ""
        value = f'<text class="value" x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 15}">{escape(bar.text)}</text>'
        body.append(label + shape + value)
    summary = "；".join(f"{b.label} {b.text}" for b in bars)
    return _frame(chart_id, "bars", title, summary, (BAR_WIDTH, height), body)


def line_chart(chart_id: str, title: str, points: list[Point], top: float | None = None, unit: str = "") -> Markup:
    """A line over the steps, broken where a step has no value; dots carry each step's value; `unit` marks the
    axis (e.g. "%")."""
    known = [p.value for p in points if p.value is not None]
    top = top or nice_top(max(known, default=0))
    left, right, upper, lower = PLOT["left"], LINE_WIDTH - PLOT["right"], PLOT["top"], LINE_HEIGHT - PLOT["bottom"]
    step = (right - left) / max(len(points) - 1, 1)

    def x_of(index: int) -> float:
        return left + step * index if len(points) > 1 else (left + right) / 2

    def y_of(value: float) -> float:
        return lower - (lower - upper) * min(value / top, 1)

    body = []
    for tick in range(5):
        value = top * tick / 4
        y = y_of(value)
        body.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#ddd"/>'
                    f'<text class="tick" x="{left - 6}" y="{y + 5:.1f}" text-anchor="end">'
                    f'{_number(value)}{escape(unit)}</text>')
    every = max(math.ceil(len(points) / MOST_X_LABELS), 1)
    runs: list[list[str]] = [[]]
    for index, point in enumerate(points):
        x = x_of(index)
        if index % every == 0 or index == len(points) - 1:
            body.append(f'<text class="tick" x="{x:.1f}" y="{lower + 20}" text-anchor="middle">'
                        f'{escape(point.label)}</text>')
        if point.value is None:
            runs.append([])
            continue
        y = y_of(point.value)
        runs[-1].append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#b3261e">'
                    f'<title>{escape(point.label)}：{escape(point.text)}</title></circle>')
    lines = [f'<polyline class="line" points="{" ".join(run)}" fill="none" stroke="#b3261e" stroke-width="2.5"/>'
             for run in runs if len(run) > 1]
    body.insert(5, "".join(lines))
    body.append(f'<line class="axis" x1="{left}" y1="{lower}" x2="{right}" y2="{lower}" stroke="#555"/>')
    summary = "；".join(f"{p.label} {p.text}" for p in points)
    return _frame(chart_id, "line", title, summary, (LINE_WIDTH, LINE_HEIGHT), body)
