"""Pairing the targets of two documents by metric, not by sentence.

Each target figure with a `metric` (`gdp_growth`, `deficit_ratio`, …) is
paired with the target of the same metric in the other document; the first
one in the text stands for the metric when a document states it twice. A
metric set only by B is `new`; one A set and B did not is `dropped` (a target
deliberately not set, such as GDP growth in 2020).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FigurePair:
    metric: str
    a: dict | None   # a `figures` row
    b: dict | None
    status: str      # same, changed, new, dropped
    change: float | None
    change_pct: float | None
    change_unit: str | None  # `pp` (percentage points) for percentages, else the figure's unit


def targets_by_metric(rows: list[dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in sorted(rows, key=lambda r: r["start"]):
        if r["target"] and r["metric"] and r["metric"] not in out:
            out[r["metric"]] = r
    return out


def _same(a: dict, b: dict) -> bool:
    return (a["value"], a["value_high"], a["qualifier"], a["unit"]) == (b["value"], b["value_high"], b["qualifier"], b["unit"])


def pair_figures(a_rows: list[dict], b_rows: list[dict]) -> list[FigurePair]:
    """Targets of A and B paired by metric, in B's order, then A's dropped ones.

    >>> a = [{"metric": "gdp_growth", "target": True, "start": 1, "value": 5.5, "value_high": None, "qualifier": "左右", "unit": "%"}]
    >>> b = [{"metric": "gdp_growth", "target": True, "start": 9, "value": 5.0, "value_high": None, "qualifier": "左右", "unit": "%"}]
    >>> p = pair_figures(a, b)[0]
    >>> (p.status, p.change, p.change_unit)
    ('changed', -0.5, 'pp')
    """
    ta, tb = targets_by_metric(a_rows), targets_by_metric(b_rows)
    out = []
    for metric, b in sorted(tb.items(), key=lambda kv: kv[1]["start"]):
        a = ta.get(metric)
        if a is None:
            out.append(FigurePair(metric, None, b, "new", None, None, None))
            continue
        change = change_pct = unit = None
        if a["unit"] == b["unit"]:
            change = round(b["value"] - a["value"], 10)
            if a["unit"] == "%":
                unit = "pp"
            else:
                unit = a["unit"]
                change_pct = round(change / a["value"] * 100, 4) if a["value"] else None
        out.append(FigurePair(metric, a, b, "same" if _same(a, b) else "changed", change, change_pct, unit))
    out += [FigurePair(m, a, None, "dropped", None, None, None) for m, a in sorted(ta.items(), key=lambda kv: kv[1]["start"]) if m not in tb]
    return out
