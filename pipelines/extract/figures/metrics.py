"""The metric a figure measures: one id from an editable vocabulary
(`pipelines/data/figure_metrics.tsv`), so that `国内生产总值增长`,
`经济增长预期目标` and `地区生产总值增长` all read `gdp_growth`, and a target can be
followed across seventy years of reports in one query.

>>> metric_of("国内生产总值增长", "percent"), metric_of("赤字率", "percent"), metric_of("超长期特别国债", "amount")
('gdp_growth', 'deficit_ratio', 'ultra_long_special_bonds')
>>> metric_of("国内生产总值增长", "year") is None
True
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.lang.zh import lexicon

KINDS = ("percent", "percentage_point", "amount", "quantity")


@lru_cache(maxsize=1)
def vocabulary() -> tuple[tuple[str, re.Pattern, frozenset[str]], ...]:
    out = []
    for row in lexicon.table(lexicon.path_of("figure_metrics.tsv"), ("metric", "pattern", "kinds")):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", row.fields[0]):
            raise row.error(f"metric {row.fields[0]!r} is not a snake_case id")
        pattern = row.regex(1)
        kinds = frozenset(KINDS) if row.fields[2] == "*" else frozenset(k.strip() for k in row.fields[2].split(","))
        if not kinds <= set(KINDS):
            raise row.error(f"kinds {row.fields[2]!r}: each must be one of {', '.join(KINDS)} (or *)")
        out.append((row.fields[0], pattern, kinds))
    return tuple(out)


def metric_of(subject: str | None, kind: str) -> str | None:
    """The first metric of the vocabulary whose pattern is found in `subject`
    and that applies to figures of `kind`; None when none does."""
    if not subject or kind not in KINDS:
        return None
    return next((metric for metric, pattern, kinds in vocabulary() if kind in kinds and pattern.search(subject)), None)
