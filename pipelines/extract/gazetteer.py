"""Gazetteers: the editable lists of names the entity recogniser knows.

Files in `pipelines/data/gazetteer/` (tab-separated, `#` comments):

- `organs.tsv`: central and state organs, ministries and commissions, mass
  organisations, newspapers, international bodies (ORG);
- `enterprises.tsv`: central state-owned enterprises, state banks, exchanges and
  large firms (ORG);
- `local_bodies.tsv`: `区委`, `市政府`, `我区` ... with a normal form filled from
  the document's place (`中共{district}委员会`);
- `places.tsv`: countries, provinces, cities, districts (GPE) and regions,
  rivers and seas (LOC), with the unit each belongs to;
- `leaders.tsv`: state and Party leaders with their titles over the years and
  the forms texts use for them (`毛主席`, `周总理`);
- `meetings.tsv`: recurring meetings, summits and events (EVENT);
- `documents.tsv`: laws, plans and named documents (LAW) and national
  strategies (TERM);
- `terms.tsv`: policy concepts and slogans (TERM);
- `surnames.txt`: surnames, to accept names before `同志`, `总理`, ...

Entries of the policy dictionary (`pipelines/data/userdict.txt`) tagged `nz`
or `l` are TERMs too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipelines.lang.zh import lexicon
from pipelines.lang.zh.segment import (
    DEFAULT_USERDICT,
    DictEntry,
    read_userdict,
    userdict_key,
)

GAZ_DIR = lexicon.DATA_DIR / "gazetteer"
LABELS = ("PERSON", "ORG", "GPE", "LOC", "EVENT", "LAW", "TERM")
NAME_FILES = ("organs.tsv", "enterprises.tsv", "local_bodies.tsv", "places.tsv", "meetings.tsv", "documents.tsv", "terms.tsv")
# The jieba tag a gazetteer name gets in the segmentation dictionary.
TAG_OF_LABEL = {"PERSON": "nr", "ORG": "nt", "GPE": "ns", "LOC": "ns", "EVENT": "nz", "LAW": "nz", "TERM": "nz"}


@dataclass(frozen=True)
class Name:
    text: str
    label: str
    normalized: str  # may hold a `{district}`-style template
    source: str  # file it came from


@dataclass(frozen=True)
class Leader:
    name: str
    titles: tuple[tuple[str, int, int | None], ...]
    aliases: tuple[str, ...]


def read_leaders(path: Path) -> tuple[Leader, ...]:
    """Leaders from a file in the format of `leaders.tsv`."""
    out = []
    for row in lexicon.table(path, ("name", "titles", "aliases"), required=1):
        titles = []
        for part in filter(None, (p.strip() for p in row.get(1).split(";"))):
            m = re.fullmatch(r"(\S+) (\d{4})-(\d{4})?", part)
            if not m:
                raise row.error(f"title {part!r} is not `title YYYY-YYYY` (or `title YYYY-` while in office)")
            titles.append((m.group(1), int(m.group(2)), int(m.group(3)) if m.group(3) else None))
        out.append(Leader(row.fields[0], tuple(titles), tuple(a.strip() for a in row.get(2).split(";") if a.strip())))
    return tuple(out)


@lru_cache(maxsize=1)
def leaders() -> tuple[Leader, ...]:
    return read_leaders(GAZ_DIR / "leaders.tsv")


def read_names(path: Path) -> list[Name]:
    """Names from a file in the format of `organs.tsv`: name, label, normal form
    (empty: the name itself) and, for places, the unit each belongs to."""
    out = []
    for row in lexicon.table(path, ("name", "label", "normalized", "parent"), required=2):
        label = row.choice(1, LABELS, "label")
        out.append(Name(row.fields[0], label, row.get(2) or row.fields[0], path.name))
    return out


@lru_cache(maxsize=1)
def names() -> tuple[Name, ...]:
    """Every gazetteer name with its label and normal form."""
    out: list[Name] = [n for file in NAME_FILES for n in read_names(GAZ_DIR / file)]
    for leader in leaders():
        out.append(Name(leader.name, "PERSON", leader.name, "leaders.tsv"))
        out.extend(Name(alias, "PERSON", leader.name, "leaders.tsv") for alias in leader.aliases)
    for e in read_userdict(DEFAULT_USERDICT):
        if e.tag in ("nz", "l"):
            out.append(Name(e.word, "TERM", e.word, "userdict.txt"))
    seen: dict[str, Name] = {}
    for n in out:  # first listing wins
        seen.setdefault(n.text, n)
    return tuple(seen.values())


@lru_cache(maxsize=1)
def parents() -> dict[str, str]:
    """Place -> the unit it belongs to (`海拉尔区` -> `呼伦贝尔市`)."""
    rows = lexicon.table(GAZ_DIR / "places.tsv", ("name", "label", "normalized", "parent"), required=2)
    return {r.fields[0]: r.get(3) for r in rows if r.get(3)}


@lru_cache(maxsize=1)
def name_labels() -> dict[str, str]:
    """Every gazetteer name -> its label (`北京市` -> GPE, `亦庄` -> LOC)."""
    return {n.text: n.label for n in names()}


@lru_cache(maxsize=1)
def gpe_names() -> dict[str, str]:
    """Places (GPE) with a fixed normal form (`我国` -> `中国`)."""
    return {n.text: n.normalized for n in names() if n.label == "GPE" and "{" not in n.normalized}


@lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """Single-character and compound surnames."""
    path = GAZ_DIR / "surnames.txt"
    words = lexicon.words(path)
    for lineno, line in lexicon.lines(path):
        for w in line.split():
            if not 1 <= len(w) <= 2:
                raise lexicon.LexiconError(f"{path}:{lineno}: {w!r} is not a surname of one or two characters")
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, tuple[str, str]]:
    """One-character abbreviations -> (country or region, province): `abbreviations.tsv`."""
    rows = lexicon.table(GAZ_DIR / "abbreviations.tsv", ("char", "country", "province"), required=2)
    for r in rows:
        if len(r.fields[0]) != 1 or not (r.get(1) or r.get(2)):
            raise r.error(f"{r.fields[0]!r} is not one character with a country or a province it stands for")
    return {r.fields[0]: (r.get(1) or "", r.get(2) or "") for r in rows}


def title_holder(title: str, year: int | None) -> str | None:
    """Who held `title` (`总书记`, `总理`) in `year`; None if unknown or several.

    >>> title_holder("总理", 1978), title_holder("总书记", 2024)
    ('华国锋', '习近平')
    """
    if year is None:
        return None
    holders = {l.name for l in leaders() for t, a, b in l.titles if t == title and a <= year <= (b or 9999)}
    return holders.pop() if len(holders) == 1 else None


def dictionary_entries() -> list[DictEntry]:
    """Gazetteer names of three or more characters as segmentation-dictionary
    entries, so that a name is one token (`国家发展改革委`) the EntityRuler can match."""
    return [DictEntry(n.text, None, TAG_OF_LABEL[n.label]) for n in names() if len(n.text) >= 3]


def policy_terms(userdicts: tuple[str, ...] = ()) -> list[str]:
    """The terms counted as kind `dictionary` in the terms table: every entry of
    the policy dictionaries in force (shipped, $POLICYTRACE_USERDICT,
    `--userdict`) and the gazetteer's TERMs. Cached by the dictionaries' contents."""
    return _policy_terms(userdict_key(userdicts))


@lru_cache(maxsize=8)
def _policy_terms(key: tuple[tuple[str, str], ...]) -> list[str]:
    words = [e.word for path, _ in key for e in read_userdict(path)]
    words += [n.text for n in names() if n.label == "TERM"]
    return sorted(set(words))
