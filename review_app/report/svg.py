"""Small inline SVG charts for the HTML report: no library, no script, every label escaped."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Sequence

ACCENT = "#2563eb"
BASELINE = "#d97706"
MUTED = "#94a3b8"
GRID = "#e2e8f0"
INK = "#0f172a"
FONT = "font-family=\"inherit\" font-size=\"11\""


def nice_step(span: float, target: int = 5) -> float:
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / target
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def fmt(value: float) -> str:
    return f"{value:.2f}"


@dataclass(frozen=True)
class IntervalRow:
    label: str
    score: float
    low: float | None = None
    high: float | None = None
    baseline: bool = False
    significant: bool | None = None  # against the baseline; None for the baseline itself


def interval_chart(rows: Sequence[IntervalRow], title: str, *, width: int = 460, label_width: int = 150) -> str:
    """Each system's score as a dot on its 95% interval (a line), one row each, on a shared axis."""
    if not rows:
        return ""
    row_height, top, bottom = 18, 22, 24
    height = top + row_height * len(rows) + bottom
    values = [v for r in rows for v in (r.score, r.low, r.high) if v is not None and math.isfinite(v)]
    lo, hi = min(values), max(values)
    step = nice_step(hi - lo or 1.0)
    axis_lo = math.floor(lo / step) * step
    axis_hi = math.ceil(hi / step) * step
    if axis_hi <= axis_lo:
        axis_hi = axis_lo + step
    plot_left, plot_right = label_width + 8, width - 12

    def x(value: float) -> float:
        return plot_left + (value - axis_lo) / (axis_hi - axis_lo) * (plot_right - plot_left)

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14" {FONT} font-weight="600" fill="{INK}">{escape(title)}</text>',
    ]
    tick = axis_lo
    while tick <= axis_hi + step / 1000:
        tx = x(tick)
        parts.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{height - bottom}" stroke="{GRID}"/>')
        label = f"{tick:g}" if step >= 1 else f"{tick:.1f}"
        parts.append(f'<text x="{tx:.1f}" y="{height - 8}" text-anchor="middle" {FONT} fill="{MUTED}">{label}</text>')
        tick += step
    for index, row in enumerate(rows):
        cy = top + row_height * index + row_height / 2
        colour = BASELINE if row.baseline else (ACCENT if row.significant in (True, None) else MUTED)
        name = row.label if len(row.label) <= 24 else row.label[:23] + "…"
        parts.append(
            f'<text x="{label_width}" y="{cy + 4:.1f}" text-anchor="end" {FONT} fill="{INK}">{escape(name)}</text>'
        )
        tooltip = f"{row.label}: {fmt(row.score)}"
        if row.low is not None and row.high is not None:
            tooltip += f" (95% interval {fmt(row.low)}–{fmt(row.high)})"
            parts.append(
                f'<line x1="{x(row.low):.1f}" x2="{x(row.high):.1f}" y1="{cy:.1f}" y2="{cy:.1f}" '
                f'stroke="{colour}" stroke-width="2" stroke-linecap="round"/>'
            )
        parts.append(
            f'<circle cx="{x(row.score):.1f}" cy="{cy:.1f}" r="4" fill="{colour}">'
            f"<title>{escape(tooltip)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram_svg(counts: Sequence[int], title: str, *, width: int = 150, height: int = 36, bin_width: float = 5.0) -> str:
    """A sparkline histogram of sentence scores (0 to 100, the last bin holding 100 and over)."""
    total = sum(counts) or 1
    peak = max(counts) or 1
    n = len(counts)
    bar = width / n
    parts = [
        f'<svg class="spark" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" x2="{width}" y1="{height - 0.5}" y2="{height - 0.5}" stroke="{GRID}"/>',
    ]
    for index, count in enumerate(counts):
        if not count:
            continue
        h = max(1.0, (height - 2) * count / peak)
        low = index * bin_width
        label = f"{low:g}–{low + bin_width:g}" if index < n - 1 else f"{low:g}+"
        parts.append(
            f'<rect x="{index * bar + 0.5:.1f}" y="{height - 1 - h:.1f}" width="{max(1.0, bar - 1):.1f}" height="{h:.1f}" '
            f'fill="{ACCENT}" opacity="0.8"><title>{escape(label)}: {count} ({100 * count / total:.1f}%)</title></rect>'
        )
    parts.append("</svg>")
    return "".join(parts)
