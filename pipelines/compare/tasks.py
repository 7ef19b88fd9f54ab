"""Aligning the enumerated units of two documents: which tasks were kept,
reworded, moved, added or dropped.

Units are compared level by level (depth 1 with depth 1, …). A pair's
similarity is the cosine of character 2–3-gram TF-IDF vectors (numbers masked,
so a changed figure is not a rewording; IDF fitted on every unit of both
documents and of the dataset given) combined with word containment (the
share of the shorter unit's words found in the other). Pairs are assigned
with `scipy.optimize.linear_sum_assignment`, first top-down (the children of
each pair of units, from the top level: `MATCH`), then across parents level by
level (`MATCH_ACROSS`). A matched unit is `kept` at or above `KEPT`, else
`modified`, but titles that differ only in words of pace and emphasis
(`pipelines/data/compare_modifiers.txt`: 进一步, 加快, 积极…) name the same task
and are `kept`. A matched unit that left its place is `moved`: off the longest
increasing subsequence of matched positions (with the one unit it swapped
with), or under a parent whose counterpart is not its old parent's. A's unmatched units are `dropped`, B's `new`.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.feature_extraction.text import TfidfVectorizer

from pipelines.lang.zh import lexicon
from pipelines.lang.zh.numerals import CN_D, CN_U, DIG
from pipelines.lang.zh.script import is_han

MATCH = 0.12         # under counterpart parents, below this similarity two units are not the same task
MATCH_ACROSS = 0.18  # across parents, a stricter floor
KEPT = 0.85      # at or above it a matched unit is kept as it was
W_COSINE = 0.7   # weight of the character TF-IDF cosine; the rest is word containment
_NUMBER = re.compile(rf"[{DIG}][{DIG}.．,，]*|[{CN_D}{CN_U}]{{2,}}(?=[%％个万亿元年倍])")
_BODY_CHARS = 400  # how much of a unit's own text stands for it


@dataclass(frozen=True)
class Unit:
    """One unit of a document, as the aligner sees it."""

    task_id: str
    parent_id: str | None
    depth: int
    kind: str
    path: str
    title: str
    text: str          # what the unit is compared by
    words: tuple[str, ...]
    title_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pairing:
    a: Unit | None
    b: Unit | None
    similarity: float
    status: str        # kept, modified, moved, new, dropped
    words_added: tuple[str, ...] = ()
    words_removed: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def modifiers() -> frozenset[str]:
    """Words of pace and emphasis (`pipelines/data/compare_modifiers.txt`)."""
    return frozenset(lexicon.words(lexicon.path_of("compare_modifiers.txt"), per_line=True))


def same_task(a: Unit, b: Unit) -> bool:
    """Whether two titles name the same task: the same words, but for pace and emphasis.

    >>> u = lambda *w: Unit("x", None, 1, "lead", "", "", "", (), w)
    >>> same_task(u("进一步", "转变", "政府", "职能"), u("加快", "转变", "政府", "职能"))
    True
    >>> same_task(u("深化", "多", "双边", "和", "区域", "经济", "合作"), u("深化", "多", "双边", "经贸", "合作"))
    False
    """
    core = lambda ws: [w for w in ws if is_han(w) and w not in modifiers()]  # noqa: E731
    return bool(core(a.title_words)) and core(a.title_words) == core(b.title_words)


def mask_numbers(s: str) -> str:
    """`增长5%左右` and `增长5.5%左右` read alike: numbers become `#`.

    >>> mask_numbers("国内生产总值增长5%左右，城镇新增就业1200万人以上")
    '国内生产总值增长#%左右，城镇新增就业#万人以上'
    """
    return _NUMBER.sub("#", s)


def _containment(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def similarity_matrix(a: Sequence[Unit], b: Sequence[Unit], vectorizer: TfidfVectorizer) -> np.ndarray:
    va = vectorizer.transform([mask_numbers(u.text) for u in a])
    vb = vectorizer.transform([mask_numbers(u.text) for u in b])
    cos = (va @ vb.T).toarray()
    wa = [set(w for w in u.words if len(w) > 1) for u in a]
    wb = [set(w for w in u.words if len(w) > 1) for u in b]
    cont = np.array([[_containment(x, y) for y in wb] for x in wa]) if a and b else np.zeros((len(a), len(b)))
    return W_COSINE * cos + (1 - W_COSINE) * cont


def fit_vectorizer(texts: Sequence[str]) -> TfidfVectorizer:
    """Character 2–3-grams, IDF from `texts` (numbers masked)."""
    return TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit([mask_numbers(t) for t in texts] or [""])


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Indices (into `values`) of one longest strictly increasing subsequence."""
    tails: list[int] = []
    tail_idx: list[int] = []
    prev = [-1] * len(values)
    for i, v in enumerate(values):
        k = bisect.bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tail_idx.append(i)
        else:
            tails[k] = v
            tail_idx[k] = i
        prev[i] = tail_idx[k - 1] if k else -1
    out, i = set(), tail_idx[-1] if tail_idx else -1
    while i >= 0:
        out.add(i)
        i = prev[i]
    return out


def word_diff(a: Sequence[str], b: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Words added in `b` and removed from `a` (difflib, autojunk off), numbers aside."""
    added, removed = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            removed += [w for w in a[i1:i2] if w.strip() and not _NUMBER.fullmatch(w)]
        if op in ("replace", "insert"):
            added += [w for w in b[j1:j2] if w.strip() and not _NUMBER.fullmatch(w)]
    return tuple(added), tuple(removed)


def _assign(ua: Sequence[Unit], ub: Sequence[Unit], vectorizer: TfidfVectorizer, floor: float,
            pairs: dict[str, tuple[Unit, float]]) -> None:
    """Pair `ua` with `ub` globally (Hungarian), keeping pairs at or above `floor`."""
    taken = {x.task_id for x, _ in pairs.values()}
    ua = [u for u in ua if u.task_id not in taken]
    ub = [u for u in ub if u.task_id not in pairs]
    if not ua or not ub:
        return
    sim = similarity_matrix(ua, ub, vectorizer)
    sim[np.array([[x.kind != y.kind for y in ub] for x in ua])] = -1.0  # a section is paired with a section, a lead with a lead
    rows, cols = linear_sum_assignment(-sim)
    for i, j in zip(rows, cols):
        if sim[i, j] >= floor:
            pairs[ub[j].task_id] = (ua[i], float(sim[i, j]))


def _roots(units: Sequence[Unit]) -> dict[str, str]:
    """Each unit's top-level ancestor (itself at the top)."""
    parent = {u.task_id: u.parent_id for u in units}
    out = {}
    for u in units:
        t = u.task_id
        while parent.get(t):
            t = parent[t]
        out[u.task_id] = t
    return out


def align(a: Sequence[Unit], b: Sequence[Unit], vectorizer: TfidfVectorizer) -> list[Pairing]:
    """Every unit of `a` and `b`, paired or not, in B's order then A's dropped units.

    First top-down: the top-level units, then the children of each pair, so a
    section is first sought under its part's counterpart (`MATCH`); a unit of B
    left unpaired also seeks its children under its closest unit of A (one part
    may have become two). Then, level by level, what is left is paired across
    parents within corresponding parts, at a stricter `MATCH_ACROSS`."""
    pairs: dict[str, tuple[Unit, float]] = {}  # b task_id -> (a unit, similarity)
    children_a: dict[str | None, list[Unit]] = {}
    children_b: dict[str | None, list[Unit]] = {}
    for u in a:
        children_a.setdefault(u.parent_id, []).append(u)
    for u in b:
        children_b.setdefault(u.parent_id, []).append(u)
    extra_roots: dict[str, set[str]] = {}  # a B top-level unit -> A top-level units it also draws on
    linked: set[tuple[str, str]] = set()    # (A unit, B unit) whose children were sought together, unpaired
    queue: list[tuple[str | None, str | None]] = [(None, None)]
    while queue:
        pa, pb = queue.pop(0)
        ca, cb = children_a.get(pa, []), children_b.get(pb, [])
        _assign(ca, cb, vectorizer, MATCH, pairs)
        queue += [(pairs[ub.task_id][0].task_id, ub.task_id) for ub in cb if ub.task_id in pairs]
        # A unit of B left unpaired may hold what one unit of A held with another (2023's part
        # 二 became 2024's parts 二 and 三): its children are also sought under its closest unit of A.
        left = [ub for ub in cb if ub.task_id not in pairs and children_b.get(ub.task_id)]
        if left and ca:
            sim = similarity_matrix(ca, left, vectorizer)
            for j, ub in enumerate(left):
                i = int(sim[:, j].argmax())
                if sim[i, j] >= MATCH:
                    queue.append((ca[i].task_id, ub.task_id))
                    linked.add((ca[i].task_id, ub.task_id))
                    if pa is None:
                        extra_roots.setdefault(ub.task_id, set()).add(ca[i].task_id)
    # Across parents, but within the parts that correspond: a task moves between sections of
    # the task part, not from the review of last year into this year's tasks.
    root_a, root_b = _roots(a), _roots(b)
    part_of = {bt: {au.task_id} | extra_roots.get(bt, set()) for bt, (au, _) in pairs.items() if root_b[bt] == bt}
    for bt, links in extra_roots.items():
        part_of.setdefault(bt, set()).update(links)
    for depth in sorted({u.depth for u in a} | {u.depth for u in b}):
        for rb, ras in part_of.items():
            _assign([u for u in a if u.depth == depth and root_a[u.task_id] in ras],
                    [u for u in b if u.depth == depth and root_b[u.task_id] == rb], vectorizer, MATCH_ACROSS, pairs)
    a_index = {u.task_id: i for i, u in enumerate(a)}
    matched_b = [u for u in b if u.task_id in pairs]
    in_order = _longest_increasing([a_index[pairs[u.task_id][0].task_id] for u in matched_b])
    stays = {matched_b[k].task_id for k in in_order}
    # A unit that left its place swapped with another when it crosses exactly one unit that stayed: both moved.
    positions = {u.task_id: (a_index[pairs[u.task_id][0].task_id], k) for k, u in enumerate(matched_b)}
    swapped = set()
    for t in set(positions) - stays:
        ai, bi = positions[t]
        crossed = [x for x in stays if (positions[x][0] - ai) * (positions[x][1] - bi) < 0]
        if len(crossed) == 1:
            swapped.add(crossed[0])
    counterpart = {au.task_id: bt for bt, (au, _) in pairs.items()}  # a task_id -> b task_id
    b_parents = {u.parent_id for u in b}
    out: list[Pairing] = []
    for u in b:
        if u.task_id not in pairs:
            out.append(Pairing(None, u, 0.0, "new"))
            continue
        au, s = pairs[u.task_id]
        parents_apart = (au.parent_id in counterpart and u.parent_id in b_parents and counterpart[au.parent_id] != u.parent_id
                         and (au.parent_id, u.parent_id) not in linked)
        if u.task_id not in stays or u.task_id in swapped or parents_apart:
            status = "moved"
        else:
            status = "kept" if s >= KEPT or same_task(au, u) else "modified"
        added, removed = word_diff(au.words, u.words) if status != "kept" else ((), ())
        out.append(Pairing(au, u, s, status, added, removed))
    taken = {p.a.task_id for p in out if p.a is not None}
    out += [Pairing(u, None, 0.0, "dropped") for u in a if u.task_id not in taken]
    return out
