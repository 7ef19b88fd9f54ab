"""Gazetteers: the editable lists of names the entity recogniser knows.

Files in `pipelines/data/gazetteer/` (tab-separated, `#` comments):

- `organs.tsv`: central and state organs, ministries and commissions, mass
  organisations, newspapers, international bodies (ORG);
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

from pipelines.segment import DEFAULT_USERDICT, DictEntry, read_userdict

GAZ_DIR = Path(__file__).parent / "data" / "gazetteer"
LABELS = ("PERSON", "ORG", "GPE", "LOC", "EVENT", "LAW", "TERM")
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


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    out = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            out.append((lineno, line.split("\t")))
    return out


@lru_cache(maxsize=1)
def leaders() -> tuple[Leader, ...]:
    out = []
    for lineno, cols in _rows(GAZ_DIR / "leaders.tsv"):
        cols += [""] * (3 - len(cols))
        titles = []
        for part in filter(None, (p.strip() for p in cols[1].split(";"))):
            m = re.fullmatch(r"(\S+) (\d{4})-(\d{4})?", part)
            if not m:
                raise ValueError(f"{GAZ_DIR / 'leaders.tsv'}:{lineno}: title {part!r} is not `title YYYY-YYYY`")
            titles.append((m.group(1), int(m.group(2)), int(m.group(3)) if m.group(3) else None))
        out.append(Leader(cols[0].strip(), tuple(titles), tuple(a.strip() for a in cols[2].split(";") if a.strip())))
    return tuple(out)


@lru_cache(maxsize=1)
def names() -> tuple[Name, ...]:
    """Every gazetteer name with its label and normal form."""
    out: list[Name] = []
    for file in ("organs.tsv", "local_bodies.tsv", "places.tsv", "meetings.tsv", "documents.tsv", "terms.tsv"):
        path = GAZ_DIR / file
        for lineno, cols in _rows(path):
            if len(cols) < 2 or cols[1] not in LABELS:
                raise ValueError(f"{path}:{lineno}: expected `name<TAB>label<TAB>normalized`, label one of {LABELS}")
            norm = cols[2].strip() if len(cols) > 2 and cols[2].strip() else cols[0]
            out.append(Name(cols[0], cols[1], norm, file))
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
    return {cols[0]: cols[3].strip() for _, cols in _rows(GAZ_DIR / "places.tsv") if len(cols) > 3 and cols[3].strip()}


@lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """Single-character and compound surnames."""
    words = [w for _, cols in _rows(GAZ_DIR / "surnames.txt") for w in cols[0].split()]
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


def title_holder(title: str, year: int | None) -> str | None:
    """Who held `title` (`总书记`, `总理`) in `year`; None if unknown or several."""
    if year is None:
        return None
    holders = {l.name for l in leaders() for t, a, b in l.titles if t == title and a <= year <= (b or 9999)}
    return holders.pop() if len(holders) == 1 else None


def dictionary_entries() -> list[DictEntry]:
    """Gazetteer names of three or more characters as segmentation-dictionary
    entries, so that a name is one token (`国家发展改革委`) the EntityRuler can match."""
    return [DictEntry(n.text, None, TAG_OF_LABEL[n.label]) for n in names() if len(n.text) >= 3]


@lru_cache(maxsize=8)
def policy_terms(userdicts: tuple[str, ...] = ()) -> list[str]:
    """The terms counted as kind `dictionary` in the terms table: every entry of
    the policy dictionaries (shipped, $POLICYTRACE_USERDICT, `--userdict`) and
    the gazetteer's TERMs."""
    from pipelines.segment import userdict_paths

    words = [e.word for p in userdict_paths(userdicts) for e in read_userdict(p)]
    words += [n.text for n in names() if n.label == "TERM"]
    return sorted(set(words))
