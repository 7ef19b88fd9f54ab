"""A self-contained HTML report of a comparison: summary, targets, tasks side by
side with the word-level changes, and a chart of rising and falling terms.

One file, no script, no CDN, no network: it opens from a USB stick. The chart is
inline SVG, so its Chinese labels are drawn by the reader's own fonts (any
Chinese system has one; `fonts-noto-cjk` on Debian).
"""

from __future__ import annotations

import difflib
import html
from collections.abc import Sequence
from pathlib import Path

import jinja2
import pyarrow as pa

from pipelines.compare import tagger
from pipelines.compare.charts import FONT
from pipelines.lang.zh.segment import Tagger

_TEMPLATES = Path(__file__).parent / "templates"


def _marked(a: str | None, b: str | None, tagger: Tagger) -> tuple[str, str]:
    """A's and B's titles as HTML: removed words in <del>, added words in <ins>."""
    if not a or not b:
        return html.escape(a or ""), html.escape(b or "")
    wa, wb = tagger.tag(a)[0], tagger.tag(b)[0]
    out_a, out_b = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        ta, tb = html.escape("".join(wa[i1:i2])), html.escape("".join(wb[j1:j2]))
        if op == "equal":
            out_a.append(ta)
            out_b.append(tb)
        else:
            out_a.append(f"<del>{ta}</del>" if ta else "")
            out_b.append(f"<ins>{tb}</ins>" if tb else "")
    return "".join(out_a), "".join(out_b)


def terms_chart(rows: Sequence[dict], n: int = 12) -> str:
    """An inline SVG bar chart of the `n` most rising and most falling terms by G²."""
    best: dict[str, dict] = {}
    for r in rows:  # a term counted as a word and as a dictionary term: once, at its highest G²
        if r["term"] not in best or r["g2"] > best[r["term"]]["g2"]:
            best[r["term"]] = r
    ranked = sorted(best.values(), key=lambda r: -r["g2"])
    rising = [r for r in ranked if r["status"] in ("rising", "new")][:n]
    falling = [r for r in ranked if r["status"] in ("falling", "dropped")][:n]
    items = [(r, -1) for r in falling] + [(r, 1) for r in rising]
    if not items:
        return "<p>No term rises or falls significantly.</p>"
    top = max(r["g2"] for r, _ in items) or 1
    bar_h, width, mid = 22, 880, 440
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{bar_h * max(len(rising), len(falling)) + 30}" '
             f'font-family="{FONT}" font-size="13">',
             f'<line x1="{mid}" y1="0" x2="{mid}" y2="100%" stroke="#999"/>',
             f'<text x="{mid - 8}" y="14" text-anchor="end" fill="#b00">← A 更多 (falling)</text>',
             f'<text x="{mid + 8}" y="14" fill="#070">B 更多 (rising) →</text>']
    for side, group in ((-1, falling), (1, rising)):
        for k, r in enumerate(group):
            y = 24 + k * bar_h
            length = (mid - 130) * r["g2"] / top
            x = mid if side > 0 else mid - length
            color = "#4caf50" if side > 0 else "#e57373"
            label = html.escape(r["term"]) + (" ★" if r.get("first_in_dataset") and side > 0 else "")
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{max(length, 1):.1f}" height="{bar_h - 6}" fill="{color}"/>')
            tx = mid + length + 6 if side > 0 else mid - length - 6
            anchor = "start" if side > 0 else "end"
            parts.append(f'<text x="{tx:.1f}" y="{y + bar_h - 10}" text-anchor="{anchor}">{label} '
                         f'<tspan fill="#888">{r["a_count"]}→{r["b_count"]}</tspan></text>')
    parts.append("</svg>")
    return "\n".join(parts)


def render(tables: dict[str, pa.Table], a: dict, b: dict, summary: dict[str, dict[str, int]]) -> str:
    """The report as one HTML string; `a` and `b` are the documents' rows."""
    tasks = []
    for r in tables["compare_tasks"].to_pylist():
        r["a_html"], r["b_html"] = _marked(r["a_title"], r["b_title"], tagger()) if r["status"] != "kept" else (
            html.escape(r["a_title"] or ""), html.escape(r["b_title"] or ""))
        tasks.append(r)
    terms = tables["compare_terms"].to_pylist()  # `compare` keeps only TERM_KINDS
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=jinja2.select_autoescape(["html", "j2"]))
    return env.get_template("report.html.j2").render(
        a=a, b=b, summary={k: list(v.items()) for k, v in summary.items()},
        figures=tables["compare_figures"].to_pylist(), tasks=tasks, chart=terms_chart(terms))
