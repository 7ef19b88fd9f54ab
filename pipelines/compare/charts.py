"""Charts as inline SVG: a term's frequency per year, a target's value per year.

No plotting library and no font file: the labels are text in the SVG, drawn by
the reader's fonts (any Chinese system has one; Debian: `fonts-noto-cjk`).

>>> svg = line_chart({"新质生产力": [(2024, 0.57), (2025, 12.5)]}, "per 10,000 characters")
>>> svg.startswith("<svg") and "新质生产力" in svg
True
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def line_chart(series: Mapping[str, Sequence[tuple[int, float]]], y_label: str, width: int = 900, height: int = 360) -> str:
    """One line per series of (year, value) points, with a legend."""
    points = [(x, y) for s in series.values() for x, y in s if y is not None]
    if not points:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40" font-family="{FONT}"><text x="10" y="25">no data</text></svg>'
    x0, x1 = min(x for x, _ in points), max(x for x, _ in points)
    y1 = max(y for _, y in points) or 1
    left, right, top, bottom = 60, 160, 20, 40
    sx = lambda x: left + (x - x0) / max(x1 - x0, 1) * (width - left - right)  # noqa: E731
    sy = lambda y: height - bottom - y / y1 * (height - top - bottom)  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="{FONT}" font-size="12">',
           f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#999"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#999"/>',
           f'<text x="{left}" y="{top - 6}" fill="#555">{html.escape(y_label)}</text>']
    for k in range(5):
        v = y1 * k / 4
        out.append(f'<text x="{left - 6}" y="{sy(v) + 4:.1f}" text-anchor="end" fill="#555">{v:.3g}</text>')
    step = max(1, (x1 - x0) // 10)
    for x in range(x0, x1 + 1, step):
        out.append(f'<text x="{sx(x):.1f}" y="{height - bottom + 16}" text-anchor="middle" fill="#555">{x}</text>')
    for i, (name, pts) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        pts = [(x, y) for x, y in pts if y is not None]
        path = " ".join(f"{'M' if j == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for j, (x, y) in enumerate(pts))
        out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{colour}"/>' for x, y in pts]
        out.append(f'<rect x="{width - right + 12}" y="{top + 18 * i}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{width - right + 30}" y="{top + 18 * i + 11}">{html.escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def page(title: str, body: str) -> str:
    """A self-contained HTML page around a chart."""
    return (f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f'<body style="font-family: {FONT}"><h1 style="font-size:1.2em">{html.escape(title)}</h1>\n{body}\n</body></html>\n')
