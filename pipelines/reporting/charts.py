"""Small inline SVG charts: drawn server-side, so the report needs no script and works offline."""

from __future__ import annotations

from html import escape


def bars(items: list[tuple[str, float]], width: int = 420, bar_height: int = 22, color: str = "#4c78a8",
         digits: int = 1) -> str:
    """Horizontal bars with their labels and values (`digits` after the point: 0 for counts)."""
    top = max((v for _, v in items), default=0) or 1
    height = bar_height * len(items) + 4
    parts = [f'<svg class="chart" width="{width}" height="{height}" role="img">']
    for i, (label, value) in enumerate(items):
        y = i * bar_height + 2
        length = (width - 190) * max(value, 0) / top
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{escape(label)}</text>'
                     f'<rect x="130" y="{y + 3}" width="{length:.1f}" height="{bar_height - 8}" fill="{color}"/>'
                     f'<text x="{134 + length:.1f}" y="{y + 15}" font-size="12">{value:,.{digits}f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def paired_bars(items: list[tuple[str, float, float]], width: int = 460) -> str:
    """For each label, points (dark) over weight (light): did the KPI earn its share?"""
    top = max([max(p, w) for _, p, w in items] or [1]) or 1
    row = 30
    parts = [f'<svg class="chart" width="{width}" height="{row * len(items) + 4}" role="img">']
    for i, (label, earned, weight) in enumerate(items):
        y = i * row + 2
        scale = (width - 200) / top
        parts.append(f'<text x="0" y="{y + 17}" font-size="12">{escape(label)}</text>'
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
    parts = [f'<svg class="chart" width="{width}" height="{height}" role="img">',
             f'<polyline points="{path}" fill="none" stroke="#2f5d8c" stroke-width="2"/>']
    for (x, y), (label, value) in zip(coords, points):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#2f5d8c"/>'
                     f'<text x="{x:.1f}" y="{y - 7:.1f}" font-size="11" text-anchor="middle">{value:.0f}</text>'
                     f'<text x="{x:.1f}" y="{height - 6}" font-size="11" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
