"""Small inline SVG charts: drawn server-side, so the report needs no script and works offline."""

from __future__ import annotations

import math
from html import escape


def _svg(width: float, height: float) -> str:
    """An SVG that scales down with its container (a phone) and keeps its proportions."""
    return (f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
            f'role="img">')


def bars(items: list[tuple[str, float]], width: int = 420, bar_height: int = 22, color: str = "#4c78a8",
         digits: int = 1) -> str:
    """Horizontal bars with their labels and values (`digits` after the point: 0 for counts)."""
    top = max((v for _, v in items), default=0) or 1
    height = bar_height * len(items) + 4
    parts = [_svg(width, height)]
    for i, (label, value) in enumerate(items):
        y = i * bar_height + 2
        length = (width - 190) * max(value, 0) / top
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{escape(fit(label))}<title>{escape(label)}</title></text>'
                     f'<rect x="130" y="{y + 3}" width="{length:.1f}" height="{bar_height - 8}" fill="{color}"/>'
                     f'<text x="{134 + length:.1f}" y="{y + 15}" font-size="12">{value:,.{digits}f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def paired_bars(items: list[tuple[str, float, float]], width: int = 460) -> str:
    """For each label, points (dark) over weight (light): did the KPI earn its share?"""
    top = max([max(p, w) for _, p, w in items] or [1]) or 1
    row = 30
    parts = [_svg(width, row * len(items) + 4)]
    for i, (label, earned, weight) in enumerate(items):
        y = i * row + 2
        scale = (width - 200) / top
        parts.append(f'<text x="0" y="{y + 17}" font-size="12">{escape(fit(label))}<title>{escape(label)}</title></text>'
                     f'<rect x="140" y="{y + 4}" width="{weight * scale:.1f}" height="18" fill="#d9e2ef"/>'
                     f'<rect x="140" y="{y + 8}" width="{earned * scale:.1f}" height="10" fill="#2f5d8c"/>'
                     f'<text x="{146 + max(weight, earned) * scale:.1f}" y="{y + 17}" font-size="12">'
                     f'{earned:.1f} / {weight:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line(points: list[tuple[str, float]], width: int = 460, height: int = 140) -> str:
    """A line over periods with a dot and value at each point."""
    if not points:
        return ""
    values = [v for _, v in points]
    low, high = min(values + [0]), max(values + [100])
    step = (width - 60) / max(len(points) - 1, 1)
    coords = [(30 + i * step, height - 25 - (v - low) / (high - low or 1) * (height - 45)) for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts = [_svg(width, height), f'<polyline points="{path}" fill="none" stroke="#2f5d8c" stroke-width="2"/>']
    for (x, y), (label, value) in zip(coords, points):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#2f5d8c"/>'
                     f'<text x="{x:.1f}" y="{y - 7:.1f}" font-size="11" text-anchor="middle">{value:.0f}</text>'
                     f'<text x="{x:.1f}" y="{height - 6}" font-size="11" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#9d755d", "#eeca3b", "#ff9da6",
           "#79706e", "#17becf", "#8c6d31")
OTHER_COLOR = "#bab0ac"
MARKER_COLOR = "#b00020"


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round axis values (steps of 1, 2, 2.5 or 5 × a power of ten) covering low..high, zero included."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9 and len(ticks) <= count + 2:
        ticks.append(ticks[-1] + step)
    return ticks


def lines(xs: list[str], series: list[tuple[str, list[float | None], str]], fmt, tip, markers=(),
          width: int = 520, height: int = 230, short=str) -> str:
    """One line per (name, points, colour) over shared x labels: y gridlines at round values, x labels
    spread along the axis, each point's value on hover (`tip` writes it, `fmt` the axis), a legend, and a
    red mark with its text on hover at each (x index, text) of `markers`. A None point (a rate with
    nothing to divide by) leaves a gap. The axis writes `short(x)`, the hover text x."""
    values = [v for _, points, _ in series for v in points if v is not None]
    if not xs or not values:
        return ""
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    legend_rows = (len(series) + 1) // 2
    left, right, top, bottom = 64, 12, 14, 38 + 16 * legend_rows
    step = (width - left - right) / max(len(xs) - 1, 1)
    plot = height - top - bottom

    def y(v):
        return top + plot - (v - low) / ((high - low) or 1) * plot

    parts = [_svg(width, height)]
    for tick in ticks:
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" '
                     f'stroke="{"#999" if tick == 0 else "#e3e6ea"}"/>'
                     f'<text x="{left - 4}" y="{y(tick) + 3.5:.1f}" font-size="10" text-anchor="end">'
                     f'{escape(fmt(tick))}</text>')
    shown = sorted({round(i * (len(xs) - 1) / 5) for i in range(6)}) if len(xs) > 6 else range(len(xs))
    for i in shown:
        anchor = "start" if i == 0 and len(xs) > 1 else "end" if i == len(xs) - 1 and len(xs) > 1 else "middle"
        parts.append(f'<line x1="{left + i * step:.1f}" y1="{top + plot:.1f}" x2="{left + i * step:.1f}" '
                     f'y2="{top + plot + 4:.1f}" stroke="#999"/><text x="{left + i * step:.1f}" y="{top + plot + 15:.1f}" '
                     f'font-size="10" text-anchor="{anchor}">{escape(short(xs[i]))}</text>')
    for index, text in markers:
        x = left + index * step
        parts.append(f'<g class="marker"><title>{escape(text)}</title><line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" '
                     f'y2="{top + plot:.1f}" stroke="{MARKER_COLOR}" stroke-dasharray="3,3"/>'
                     f'<path d="M{x - 5:.1f},{top - 8:.1f} L{x + 5:.1f},{top - 8:.1f} L{x:.1f},{top:.1f} Z" '
                     f'fill="{MARKER_COLOR}"/></g>')
    for n, (name, points, color) in enumerate(series):
        parts += _series_path(points, color, left, step, y)
        for i, v in enumerate(points):
            if v is not None:
                parts.append(f'<circle cx="{left + i * step:.1f}" cy="{y(v):.1f}" r="{2.5 if len(xs) < 40 else 1.8}" '
                             f'fill="{color}"><title>{escape(name)} · {escape(xs[i])}: {escape(tip(v))}</title></circle>')
        lx, ly = left + (n % 2) * (width - left) / 2, top + plot + 32 + 16 * (n // 2)
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 8:.1f}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{lx + 14:.1f}" y="{ly:.1f}" font-size="11" class="data">{escape(_short(name, 34))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _series_path(points, color, left, step, y) -> list[str]:
    """A series' polylines, broken where a point is None."""
    runs, run = [], []
    for i, v in enumerate(points):
        if v is None:
            runs, run = runs + ([run] if run else []), []
        else:
            run.append(f"{left + i * step:.1f},{y(v):.1f}")
    return [f'<polyline points="{" ".join(r)}" fill="none" stroke="{color}" stroke-width="2"/>'
            for r in runs + ([run] if run else []) if len(r) > 1]


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size - 1] + "…"


def fit(label: str, columns: int = 21) -> str:
    """A label cut to about the width of the space before a bar (a CJK character is two columns wide);
    the whole label is the text's hover title."""
    out, used = "", 0
    for char in label:
        used += 2 if ord(char) >= 0x2E80 else 1
        if used > columns:
            return out + "…"
        out += char
    return out


def heatmap(rows: list[str], columns: list[str], cells: dict[tuple[str, str], float], fmt,
            cell: tuple[int, int] = (52, 24)) -> str:
    """A grid shaded by value from 0 (white) to 1 (dark blue), each cell with its value written in it."""
    if not rows or not columns:
        return ""
    w, h = cell
    left, top = 170, 20
    width, height = left + w * len(columns) + 4, top + h * len(rows) + 4
    parts = [_svg(width, height)]
    for j, column in enumerate(columns):
        parts.append(f'<text x="{left + j * w + w / 2:.1f}" y="{top - 6}" font-size="11" '
                     f'text-anchor="middle">{escape(column)}</text>')
    for i, row in enumerate(rows):
        y = top + i * h
        parts.append(f'<text x="0" y="{y + h / 2 + 4:.1f}" font-size="11">{escape(row)}</text>')
        for j, column in enumerate(columns):
            value = cells.get((row, column))
            if value is None:
                continue
            shade = max(0.0, min(1.0, value))
            fill = f"rgb({int(255 - 208 * shade)},{int(255 - 162 * shade)},{int(255 - 115 * shade)})"
            ink = "#fff" if shade > 0.5 else "#222"
            parts.append(f'<rect x="{left + j * w}" y="{y}" width="{w - 2}" height="{h - 2}" fill="{fill}" stroke="#ccd"/>'
                         f'<text x="{left + j * w + w / 2 - 1:.1f}" y="{y + h / 2 + 3:.1f}" font-size="11" '
                         f'text-anchor="middle" fill="{ink}">{escape(fmt(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stage_bars(rows: list[tuple[str, list[float]]], stages: list[str], width: int = 620, row: int = 24) -> str:
    """A funnel per row: one bar per stage, each stage scaled to its own largest value so that small
    stages stay visible, with the count written beside it."""
    if not rows:
        return ""
    label_w = 130
    column_w = (width - label_w) / len(stages)
    tops = [max((values[k] for _, values in rows), default=0) or 1 for k in range(len(stages))]
    parts = [_svg(width, row * (len(rows) + 1) + 4)]
    for k, stage in enumerate(stages):
        parts.append(f'<text x="{label_w + k * column_w:.1f}" y="14" font-size="11">{escape(stage)}</text>')
    for i, (label, values) in enumerate(rows, 1):
        y = i * row + 2
        parts.append(f'<text x="0" y="{y + 14}" font-size="11" class="data">{escape(label)}</text>')
        for k, value in enumerate(values):
            length = (column_w - 50) * max(value, 0) / tops[k]
            x = label_w + k * column_w
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
                         f'fill="{PALETTE[k % len(PALETTE)]}"/>'
                         f'<text x="{x + length + 3:.1f}" y="{y + 14}" font-size="11">{value:,.0f}</text>')
    parts.append("</svg>")
    return "".join(parts)
