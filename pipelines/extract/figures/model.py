"""The `Figure` record: what the figures extractor returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

KINDS = ("percent", "percentage_point", "amount", "quantity", "year", "date", "period", "plan_period", "congress", "rank")


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    text: str
    kind: str
    value: float
    value_high: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    direction: str | None = None
    target: bool | None = None
    subject: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    plenum: int | None = None
    metric: str | None = None
