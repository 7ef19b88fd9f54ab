"""The figures extractor's editable word lists, read once through the lexicon loader.

Files in `pipelines/data/`: `figure_units.tsv`, `figure_scales.tsv`,
`figure_qualifiers.tsv`, `figure_directions.tsv`, `figure_idioms.txt`,
`figure_counters.tsv`, `figure_century_parts.tsv` and `figure_subject_words.txt`.

>>> w = words()
>>> w.units["噸"], str(w.scales["亿"]), w.after["上下"], w.directions["上涨"]
(('quantity', '吨'), '1E+8', '左右', '增长')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from pipelines.lang.zh import lexicon
from pipelines.lang.zh.lexicon import alternation

UNIT_KINDS = ("percent", "percentage_point", "amount", "quantity")
SUBJECT_ROLES = ("lead", "trail", "object_verb", "person", "empty", "attribute")


@dataclass(frozen=True)
class FigureWords:
    units: dict[str, tuple[str, str]]      # written -> (kind, canonical unit)
    unit_re: re.Pattern
    scales: dict[str, Decimal]
    before: dict[str, str]                 # qualifier written before a number -> normal form
    before_re: re.Pattern
    after: dict[str, str]                  # ... written after it
    after_re: re.Pattern
    directions: dict[str, str]
    direction_re: re.Pattern
    direction_end_re: re.Pattern           # a direction word closing a subject
    comparative: dict[str, str]            # direction words that count only after 比/较
    comparative_re: re.Pattern
    idiom_re: re.Pattern | None
    counters: tuple[tuple[str, str], ...]  # noun -> implied counter, in file order
    parts: dict[str, tuple[int, int]]      # part of a century -> years within it
    lead_strip: re.Pattern
    trail_strip: re.Pattern
    object_verbs: tuple[str, ...]
    person_subject: re.Pattern
    empty_subjects: frozenset[str]
    attribute_subjects: frozenset[str]


@lru_cache(maxsize=1)
def words() -> FigureWords:
    path = lexicon.path_of
    units = {r.fields[0]: (r.choice(1, UNIT_KINDS, "kind"), r.get(2)) for r in lexicon.table(path("figure_units.tsv"), ("unit", "kind", "canonical"))}
    scales = {r.fields[0]: r.decimal(1, "factor") for r in lexicon.table(path("figure_scales.tsv"), ("scale", "factor"))}
    quals = lexicon.table(path("figure_qualifiers.tsv"), ("qualifier", "position", "normalised"))
    for r in quals:
        r.choice(1, ("before", "after"), "position")
    before = {r.fields[0]: r.fields[2] for r in quals if r.fields[1] == "before"}
    after = {r.fields[0]: r.fields[2] for r in quals if r.fields[1] == "after"}
    rows = lexicon.table(path("figure_directions.tsv"), ("word", "direction", "comparative"), required=2)
    for r in rows:
        if len(r.fields) == 3:
            r.choice(2, ("comparative",), "the third column")
    directions = {r.fields[0]: r.fields[1] for r in rows if len(r.fields) == 2}
    comparative = {r.fields[0]: r.fields[1] for r in rows if len(r.fields) == 3}
    idioms = lexicon.words(path("figure_idioms.txt"), per_line=True)
    counters = tuple((r.fields[0], r.fields[1]) for r in lexicon.table(path("figure_counters.tsv"), ("noun", "counter")))
    parts = {}
    for r in lexicon.table(path("figure_century_parts.tsv"), ("part", "first", "last")):
        lo, hi = r.decimal(1, "first year"), r.decimal(2, "last year")
        if not 0 <= lo <= hi <= 99:
            raise r.error(f"years within a century run from 0 to 99, first <= last; got {lo}-{hi}")
        parts[r.fields[0]] = (int(lo), int(hi))
    subject = lexicon.keyed(path("figure_subject_words.txt"), SUBJECT_ROLES)
    # Context rules beside the words: `均` but not in 人均/年均; `从去年的` stripped whole.
    trail = alternation(subject["trail"]) + r"|(?<![人年])均|(?:从|由)(?:去年|上年末|上年)的?"
    return FigureWords(
        units=units,
        unit_re=re.compile(alternation(units)),
        scales=scales,
        before=before,
        before_re=re.compile("(?:" + alternation(before) + ")$"),
        after=after,
        after_re=re.compile(alternation(after)),
        directions=directions,
        direction_re=re.compile(alternation(directions)),
        direction_end_re=re.compile("(?:" + alternation(directions) + ")$"),
        comparative=comparative,
        comparative_re=re.compile("(" + alternation(comparative) + r")了?$"),
        idiom_re=re.compile(alternation(idioms)) if idioms else None,
        counters=counters,
        parts=parts,
        lead_strip=re.compile("^(?:" + alternation(subject["lead"]) + ")+"),
        trail_strip=re.compile("(?:" + trail + ")+$"),
        object_verbs=tuple(subject["object_verb"]),
        person_subject=re.compile(alternation(subject["person"])),
        empty_subjects=frozenset(subject["empty"]),
        attribute_subjects=frozenset(subject["attribute"]),
    )
