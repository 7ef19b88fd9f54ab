"""Figures: every number in a policy text, normalised and tied to what it measures.

`extract_figures(text, year)` finds percentages, money, quantities, years,
dates, periods, five-year plans, congresses and plenums, and ranks, in every
written form (`5%`, `１４．８％`, `百分之四点五`, `1.3万亿元`, `一亿二千万`,
`6%－6.5%`, `三分之一`, `翻一番`), and gives each its value in the units of the
data contract, its qualifier (`左右`, `以上`, `超过`, ...), the direction of a
change (`增长`, `下降`, ...), whether it is a target, and the metric it measures
(`subject`).

>>> [(f.text, f.kind, f.value, f.unit, f.qualifier, f.direction, f.target, f.subject)
...  for f in extract_figures("今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上。", year=2024)]
... # doctest: +NORMALIZE_WHITESPACE
[('5%左右', 'percent', 5.0, '%', '左右', '增长', True, '国内生产总值增长'),
 ('1200万人以上', 'quantity', 12000000.0, '人', '以上', None, True, '城镇新增就业')]
>>> [(f.text, f.kind, f.value, f.plenum, f.period_start, f.period_end)
...  for f in extract_figures("党的二十届四中全会对“十五五”时期作出部署。")]
... # doctest: +NORMALIZE_WHITESPACE
[('二十届四中全会', 'congress', 20.0, 4, None, None),
 ('十五五', 'plan_period', 15.0, None, datetime.date(2026, 1, 1), datetime.date(2030, 12, 31))]

How it works. Passes run in a fixed order and each claims its characters, so
a later pass never reads inside an earlier match: URLs and percent-encoding,
idioms (masked), congresses, plan periods, dates and years, periods, ranks,
short quoted slogans (masked), fractions and multiples, then numbers with a
unit. A number needs a unit, a scale (`3300万`) or a percent sign to be a
figure, so enumeration markers (`一、`, `（一）`, `一是`), model names (`C919`,
`5G`), ordinals (`第一年`, `第２６届`), page numbers (`第269页`) and footnote
marks are not figures. A lone `一` before a counter (`一项`, `一批`) is an
article, not a count.

The lists a researcher may extend are data files in `pipelines/data/`, read by
`pipelines.extract.figures.words`: `figure_units.tsv`, `figure_scales.tsv`,
`figure_qualifiers.tsv`, `figure_directions.tsv`, `figure_idioms.txt`,
`figure_counters.tsv`, `figure_century_parts.tsv` and `figure_subject_words.txt`.

Modules, by stage: `model` (the `Figure` record), `words` (the data files),
`passes` (finding figures), `context` (direction, target and subject).
"""

from __future__ import annotations

from dataclasses import replace

from pipelines.extract.figures.context import annotate
from pipelines.extract.figures.model import KINDS, Figure
from pipelines.extract.figures.passes import (
    mask_idioms,
    mask_quoted,
    pass_congress,
    pass_dates,
    pass_fractions,
    pass_numbers,
    pass_periods,
    pass_plans,
    pass_ranks,
)
from pipelines.lang.zh.script import analysis_text, find_urls

__all__ = ["Figure", "KINDS", "extract_figures", "congresses"]


def extract_figures(text: str, year: int | None = None) -> list[Figure]:
    """Every figure in `text`, in text order; `year` (the document's) resolves `去年7月`, `前三年` and targets.
    A text in traditional characters is read in simplified ones (`analysis_text`, offset for offset:
    `百分之三十六點九` is 36.9, not 36), each figure's `text` as written."""
    written, text = text, analysis_text(text)
    figs = _extract(text, year)
    return figs if text is written else [replace(f, text=written[f.start:f.end]) for f in figs]


def _extract(text: str, year: int | None) -> list[Figure]:
    mask = bytearray(len(text))
    for m in find_urls(text):
        mask[m.start():m.end()] = b"\x02" * (m.end() - m.start())
    mask_idioms(text, mask)
    figs: list[Figure] = []
    pass_congress(text, mask, figs)
    pass_plans(text, mask, figs)
    pass_dates(text, mask, figs, year)
    pass_periods(text, mask, figs, year)
    pass_ranks(text, mask, figs)
    mask_quoted(text, mask)
    pass_fractions(text, mask, figs)
    pass_numbers(text, mask, figs)
    return annotate(text, figs, year)


def congresses(text: str) -> list[Figure]:
    """Only the congresses, plenums and sessions of `text` (for the entity recogniser)."""
    found: list[Figure] = []
    pass_congress(text, bytearray(len(text)), found)
    return sorted(found, key=lambda f: f.start)
