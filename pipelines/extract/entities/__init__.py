"""Entities: who, which bodies, places, meetings, documents and slogans a text names.

No downloadable Chinese NER model can be installed here, so the recogniser is
built from what the field knows, on spaCy's machinery, and from a model trained here:

1. `policy_gazetteer`, a spaCy `EntityRuler` fed by the gazetteers in
   `pipelines/data/gazetteer/` (see `pipelines.gazetteer`): organs, places,
   leaders and the forms texts use for them, meetings, documents, strategies
   and policy terms. Gazetteer names are also in the segmentation dictionary,
   so each is one token the ruler can match. `method = 'gazetteer'`.
2. `policy_entities`, a component that adds candidates found by shape
   (`method = 'pattern'`): `《…》` titles (LAW, or ORG for newspapers and
   journals); congresses, plenums and NPC sessions (`二十届四中全会`,
   `第十四届全国人民代表大会第二次会议`, `十八届三中、四中、五中全会`) as EVENT
   with their full name; `“十四五”规划` as LAW; names ending in `委员会`, `人民政府`,
   `公司`, `集团`, `银行`, `学校`... after a proper noun as ORG; a 2–3
   character name (checked against the surname list) before `同志`, `总书记`,
   `总理`, `区长`... or after `作者` as PERSON. Short terms in quotation marks
   (`“新三样”`, `“两重”`, `“人工智能+”`) are TERM (`method = 'quote'`).
3. jieba's POS tags as candidates of lower confidence (`method = 'pos'`):
   `nr` (with a known surname) -> PERSON, `ns` -> GPE, `nt` -> ORG.

4. The trained models (`method = 'model'`, with a `confidence`): the character CRF of
   `crf`, or it and the BiLSTM-CRF of `bilstm` with their per-character marginals averaged
   (`crf.Model.tag_many`) with `POLICYTRACE_NER_MODEL=ensemble`, the CRF alone by
   default; admitted by `admit_model`; `POLICYTRACE_NER_MODEL=off` leaves the models out.

Overlaps are resolved predictably: the longest candidate wins; between equal
spans, gazetteer beats pattern, pattern beats quote, and quote beats POS.
`normalized` maps variants to one form (`我国` -> `中国`, `党中央` -> `中共中央`,
`十八大` -> `中国共产党第十八次全国代表大会`); forms that depend on the
document (`我区`, `区委`, a bare `总书记`) are resolved from its place and year by
`resolve_in_context`.

>>> from pipelines.nlp import make_nlp
>>> doc = make_nlp()("以习近平同志为核心的党中央作出部署。我国“新三样”发展表明，要落实党的二十届四中全会精神。")
>>> [(e.text, e.label, e.normalized, e.method) for e in doc._.policy_entities]  # doctest: +NORMALIZE_WHITESPACE
[('习近平', 'PERSON', '习近平', 'gazetteer'), ('党中央', 'ORG', '中共中央', 'gazetteer'),
 ('我国', 'GPE', '中国', 'gazetteer'), ('新三样', 'TERM', '新三样', 'quote'),
 ('二十届四中全会', 'EVENT', '中国共产党第二十届中央委员会第四次全体会议', 'pattern')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import compress

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from pipelines.extract.entities import bilstm, crf
from pipelines.extract.entities.context import (
    extract_entities,
    fused_bodies,
    place_of,
    resolve_in_context,
)
from pipelines.extract.entities.model import LABELS, METHOD_RANK, Entity
from pipelines.extract.entities.shapes import (
    BARE_TITLE,
    BOOK,
    TokenView,
    campuses,
    place_goals,
    pos_candidates,
    quoted_terms,
    shape_candidates,
    standing_committees,
    sub_units,
)
from pipelines.extract.entities.words import words as entity_words
from pipelines.extract.gazetteer import division_names, fixed_forms, leaders, names, place_names
from pipelines.lang.zh.segment import doc_text

__all__ = ["Entity", "LABELS", "extract_entities", "place_of", "quoted_terms", "resolve_in_context", "resolve_overlaps", "add_to"]

import bisect
import os
import re
from contextlib import contextmanager

# "on" (default): the trained CRF's spans join the rules' as `admit_model` says; "ensemble": the CRF's
# and the BiLSTM-CRF's marginals averaged (better on the People's Daily dev split, with thresholds of
# its own, but five times slower to tag even with the cascade of `crf.ENSEMBLE_SURE`, and about even
# with the CRF on our held-out sets, so not the default); "off": the rules alone (the fast pass, and
# the figures the README compares with).
MODEL_MODE = os.environ.get("POLICYTRACE_NER_MODEL", "on")
# A model span is kept from this confidence up (the smallest marginal of its characters), by label:
# places ask more, since the gazetteers know most places a policy text names and the model's extra
# GPEs there are mostly shops and projects (`维多利`, `发达广场`). Chosen on our three hand-labelled
# sets (README: "The trained recogniser"): 0.6 everywhere gave the People's Daily dev split 0.847 F1
# but 9 more spurious PERSON/ORG/GPE on them; these give 0.824 and fewer errors on all three. People
# ask most: below 0.97 about half the model's people in the corpus were words or places (以文惠民, 吴淞).
MIN_CONFIDENCE = {"PERSON": 0.97, "ORG": 0.9, "GPE": 0.95, "LOC": 0.9}
# The same for averaged marginals (`ensemble`), chosen on the same two sets (gold, heldout): averaging
# lowers the confidence of landscape names the CRF alone was sure of (`双拥广场` 0.52), and raises
# that of the extra places. With these neither set loses a right name and each has one fewer spurious.
# LOC was 0.6 with the first BiLSTM; the one retrained and shipped on 2026-12-03 gives `双拥广场` 0.59 in
# its document, and 0.55 keeps it (0.5 adds a spurious place to gold).
MIN_CONFIDENCE_ENSEMBLE = {"PERSON": 0.97, "ORG": 0.9, "GPE": 0.97, "LOC": 0.55}
# A model PERSON from this confidence up is kept when a title or a verb of saying follows it or a title
# comes just before it (`person_cue_after`, `person_title_before` of entity_words.txt: 高云江说, 总理差瓦立).
PERSON_CUED_MIN = 0.5
# and when a `、`, `和`, `与` or `及` joins it to a person the rules or the model are sure of, as far as
# the list goes (`奥登西亚和保拉`; `宋双、周森古沙和方炳祯`; in the corpus `谭平山`, `勃列日涅夫`).
PERSON_LISTED = frozenset("、和与及")
# and from this many characters, except a place abbreviation (`对俄` keeps 俄; see `crf.join_abbreviations`).
MIN_CHARS = 2
# A short quoted term holding a place or body (“上海标准”, “浙商回归”) is a coined term, and the
# name inside it is not a mention (as `美丽中国`); a longer quotation (or one naming a person) is a
# quotation (“不要搞四人帮”), and its names are.
QUOTED_TERM_MAX = 5


def load_models() -> None:
    """Load the trained models the mode uses now rather than at the first document."""
    if MODEL_MODE != "off":
        crf.model()
    if MODEL_MODE == "ensemble":
        bilstm.require()


def check_models() -> None:
    """`load_models`' error, if any, without loading: the BiLSTM-CRF that ensemble mode
    needs is not there."""
    if MODEL_MODE == "ensemble" and not bilstm.MODEL_PATH.exists():
        raise bilstm.missing()


def models_version() -> str:
    """The trained models the recogniser uses, for the pipeline version (and so the
    per-document cache key), each named by its card's version: `.ner<crf>` by default,
    `.ner<crf>.ens<bilstm>` in ensemble mode, nothing when off."""
    if MODEL_MODE == "off":
        return ""
    version = ".ner" + str(crf.card().get("version", "none")).replace("-", ".")
    if MODEL_MODE == "ensemble":
        version += ".ens" + str(bilstm.card().get("version", "none")).replace("-", ".")
    return version


@contextmanager
def model_mode(mode: str):
    """`with model_mode("on"):` the recogniser in this process uses (or not) the model."""
    global MODEL_MODE
    saved, MODEL_MODE = MODEL_MODE, mode
    try:
        yield
    finally:
        MODEL_MODE = saved


def _list_start(text: str, start: int) -> int:
    """Where a list of levels before `start` begins (`国家、省、市、` of 国家、省、市、县监察委员会)."""
    m = entity_words().level_list.search(text, max(0, start - 24), start)
    return m.start() if m else start


_SAME_LEVEL = re.compile(r"同级(?:人大|人民代表大会)?(?:及其)?$")


def _level_of_a_list(text: str, e: Entity) -> bool:
    """A body of one level after a list of levels names a level, no body (`省、市、县政府部门`,
    `各省、市、自治区党委`), as the model's spans already are not taken (but `中央、自治区党委、市委` lists
    bodies); and so does a people's congress of the same level as whoever is spoken of
    (`同级人大及其常委会`, whichever method found it)."""
    if _SAME_LEVEL.search(text, max(0, e.start - 14), e.start):
        return True  # `同级人大`, `同级人民代表大会及其常委会`
    if e.method == "model":
        return False
    a = _list_start(text, e.start)
    # `中央、自治区党委、市委`: the centre is a body of its own, and so the list is of bodies
    return a < e.start and "中央" not in text[a:e.start] and entity_words().generic_body.fullmatch(text[a:e.end]) is not None


def _in_place_list(text: str, end: int) -> bool:
    """The name ends a list that closes as places do (`…、谢尔塔拉等三处文化遗址`, `…、B等地`)."""
    return entity_words().place_list.match(text, end) is not None


_MORE_TITLES = re.compile(r"(?:、[^\s，。；：、“”（）]{2,12}?)*")


def _titles_before_name(text: str, end: int, named: dict[int, str]) -> bool:
    """More titles, then a person who held the title, follow `end` (`总书记、国家主席、中央军委主席
    习近平`; not `总书记、国务院总理李强`: 总书记 stands for another). `named`: start -> normal form."""
    holders = _title_holders("总书记")
    return any(s >= end and s - end <= 40 and norm in holders and _MORE_TITLES.fullmatch(text, end, s)
               for s, norm in named.items())


@lru_cache(maxsize=4)
def _title_holders(title: str) -> frozenset[str]:
    return frozenset(leader.name for leader in leaders() if any(t == title for t, _, _ in leader.titles))


def _between_places(m: Entity, place_ends: set[int], place_starts: set[int], text: str) -> bool:
    """The span is an item of a list of places (`巴基斯坦、孟加拉、尼泊尔`): a `、` on a side
    where the rules found a place (`place_ends`, `place_starts`: their offsets)."""
    before = m.start > 0 and text[m.start - 1] == "、" and m.start - 1 in place_ends
    after = m.end < len(text) and text[m.end] == "、" and m.end + 1 in place_starts
    return before or after


# How near its peers a `peer_body` must be named (`工会、共青团、妇联`, `工会、共青团和妇女联合会`)
PEER_WINDOW = 12


def _with_peers(text: str, e: Entity, peers: re.Pattern) -> bool:
    """A bare `工会` names the trade unions as a body where another mass organisation is
    named next to it (`peers`: `peer_bodies` of entity_words.txt), not alone (`成立工会`, `法国各工会`)."""
    return peers.search(text, max(0, e.start - PEER_WINDOW), e.end + PEER_WINDOW) is not None


def _cued_person(text: str, m: Entity) -> bool:
    """A title or a verb of saying right after the span, or a title right before it."""
    W = entity_words()
    return W.person_cue_after.match(text, m.end) is not None or W.person_title_before.search(text, max(0, m.start - 4), m.start) is not None


def admit_model(model: list[Entity], rules: list[Entity], text: str, view: TokenView | None = None) -> list[Entity]:
    """Which model spans join the candidates. Where the rules found nothing the model's
    span is taken (from `MIN_CONFIDENCE` of its label, `MIN_CONFIDENCE_ENSEMBLE` in ensemble mode). Where it overlaps a gazetteer, shape or quote
    candidate, the rules win, unless the model's span is an organisation that contains
    them and ends as one (`青岛海牛队` over `青岛`, `中国检察日报社影视部` over `中国`), or a park or
    zone that does (`model_zone_end`: `呼伦贝尔现代农牧业产业园` over `呼伦贝尔`):
    the model cuts `党中央决策部署` and `林彪反党集团`-like overreach only where a
    suffix vouches for it. POS candidates and the names only `divisions.tsv` lists
    do not block a model span; the longer span then wins (`哈洛宁` over `洛宁`). With the document's
    tokens (`view`), a place of `model_place_not_in_word` cutting a word (`太阳|能`) is not taken.
    Measured: see the README's entity section."""
    W = entity_words()
    weak = division_names()
    taken = [c for c in rules if c.method != "pos"]
    place_ends = {c.end for c in rules if c.label in ("GPE", "LOC")}
    place_starts = {c.start for c in rules if c.label in ("GPE", "LOC")}
    floor = MIN_CONFIDENCE_ENSEMBLE if MODEL_MODE == "ensemble" else MIN_CONFIDENCE
    taken.sort(key=lambda c: c.start)
    taken_starts = [c.start for c in taken]
    longest = max((c.end - c.start for c in taken), default=0)

    def fits(m: Entity) -> bool:
        """No rule's candidate overlaps it, or it is a body holding them (see above)."""
        near = taken[bisect.bisect_left(taken_starts, m.start - longest):bisect.bisect_left(taken_starts, m.end)]
        over = [c for c in near if c.start < m.end and m.start < c.end
                and not (c.method == "gazetteer" and c.text in weak and m.start <= c.start and c.end <= m.end)]
        return not over or (m.label in ("ORG", "LOC") and all(m.start <= c.start and c.end <= m.end for c in over)
                            and not any(c.label == "PERSON" for c in over)  # 林彪反党集团: the person stays
                            and any((c.end - c.start) < (m.end - m.start) for c in over)
                            and (W.model_org_end if m.label == "ORG" else W.model_zone_end).search(m.text) is not None)

    out, listed = [], []
    for m in model:
        short = len(m.text) < MIN_CHARS and not (m.label in ("GPE", "LOC") and m.normalized != m.text)
        if short or m.text in W.model_stop or m.text in W.generic or (m.text in W.model_place_not_in_word and view is not None
                                                                       and not _whole_tokens(view, m)) \
                or (m.label == "ORG" and (W.generic_body.fullmatch(text[_list_start(text, m.start):m.end])
                                          or W.project_end.search(m.text) or _MEETING_END.search(m.text)
                                          or W.clique.search(m.text) or "集团和" in m.text or "集团、" in m.text)) \
                or (m.label == "PERSON" and (_in_place_list(text, m.end) or _between_places(m, place_ends, place_starts, text))):
            continue  # one character, a word of policy prose, a place inside a longer word (太阳|能), several
            # levels' bodies, a project, a clique, a place listed
        if m.confidence is not None and m.confidence < floor[m.label]:  # unsure
            if m.label == "PERSON" and m.confidence >= PERSON_CUED_MIN:
                if not _cued_person(text, m):
                    listed.append(m)  # taken below if listed with a sure person
                elif fits(m):
                    out.append(m)
            continue
        if fits(m):  # a name only divisions.tsv lists gives way to a model span that holds it (衡阳有色冶金机械总厂)
            out.append(m)
    people = [c for c in taken if c.label == "PERSON"] + [m for m in out if m.label == "PERSON"]
    ends, starts = {c.end for c in people}, {c.start for c in people}
    while listed:  # people listed with a sure person, one more each round (宋双、周森古沙和方炳祯)
        joined = [m for m in listed if m.start > 0 and text[m.start - 1] in PERSON_LISTED and m.start - 1 in ends
                  or m.end < len(text) and text[m.end] in PERSON_LISTED and m.end + 1 in starts]
        if not joined:
            break
        for m in joined:
            listed.remove(m)
            if fits(m):
                out.append(m)
                ends.add(m.end)
                starts.add(m.start)
    return out


def _whole_tokens(view: TokenView, m: Entity) -> bool:
    starts, ends, _ = view.bounds
    return m.start in starts and m.end in ends


if not Doc.has_extension("policy_entities"):
    Doc.set_extension("policy_entities", default=None)
if not Doc.has_extension("model_entities"):
    Doc.set_extension("model_entities", default=None)


class PolicyNerModel:
    """The trained CRF's spans (`crf.candidates`) into `doc._.model_entities`, for
    `policy_entities` to admit; nothing when `POLICYTRACE_NER_MODEL=off`. `nlp.pipe`
    hands it documents in batches, whose sentences the model tags together."""

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            found = crf.candidates_many(batch, ensemble=MODEL_MODE == "ensemble") if MODEL_MODE != "off" else [[] for _ in batch]
            for doc, ents in zip(batch, found):
                doc._.model_entities = ents
                yield doc


@Language.factory("policy_ner_model")
def policy_ner_model(nlp: Language, name: str) -> PolicyNerModel:
    return PolicyNerModel()


def resolve_overlaps(candidates: list[Entity]) -> list[Entity]:
    """Longest first; for equal spans gazetteer > pattern > quote > pos; then text order."""
    ranked = sorted(candidates, key=lambda e: (-(e.end - e.start), -METHOD_RANK[e.method], e.start))
    taken = bytearray(max((e.end for e in candidates), default=0))
    kept = []
    for e in ranked:
        if not any(taken[e.start:e.end]):
            taken[e.start:e.end] = b"\x01" * (e.end - e.start)
            kept.append(e)
    return sorted(kept, key=lambda e: e.start)


# a meeting the model takes for a body (`呼伦贝尔市第四次党代会`, `区委十四届八次全委会`): the place before it
# is the mention, as the sets label it
_MEETING_END = re.compile("(?:党代会|全委会|全会)$")
# `中央政府` as a level of government, not the body acting (`中央政府投资`, `中央政府同地方政府的关系`)
_CENTRAL_LEVEL = re.compile("中央政府(?:投资|公共投资|建设投资|机构|预算|部门|层面|定价|同地方|和地方|与地方|、地方|和省|同省)")

_FUNCTION_TAGS = frozenset({"c", "p", "u", "uj", "ul", "uz", "ug", "uv", "ud", "r", "d", "y", "e"})


@lru_cache(maxsize=1)
def _division_pair_firsts() -> frozenset[str]:
    """The first characters of the two-character names of `divisions.tsv` (`镇` of 镇沅)."""
    return frozenset(name[0] for name in division_names() if len(name) == 2)


def _division_matches(view: TokenView, found: list[Entity]) -> list[Entity]:
    """The names of `divisions.tsv` as one token (`嘉兴`, `余姚市`: names of three characters
    or more are words of the segmentation dictionary) or as two one-character tokens jieba
    splits a short form into (`镇沅`), where no gazetteer match of the ruler covers them,
    as the ruler would have matched them."""
    table = division_names()
    words, idx = view.words, view.idx
    tags = view.tags
    # the tests over every token in C (`map`, `compress`); Python only at the few tokens that pass
    firsts = _division_pair_firsts()
    pairs = [i for i in compress(range(len(words) - 1), map(firsts.__contains__, words))
             if len(words[i + 1]) == 1 and words[i] + words[i + 1] in table
             and tags[i] not in _FUNCTION_TAGS and tags[i + 1] not in _FUNCTION_TAGS]  # 新|和|旧 is no 新和
    pairs = [i for k, i in enumerate(pairs) if not (k and pairs[k - 1] == i - 1)]  # A|B|C: AB, not BC too
    hits = [(i, 2) for i in pairs]
    paired = {k for i in pairs for k in (i, i + 1)}
    hits += [(i, 1) for i in compress(range(len(words)), map(table.__contains__, words)) if i not in paired]
    if not hits:
        return []
    covered = bytearray(len(view.text) + 1)
    for c in found:
        covered[c.start:c.end] = b"\x01" * (c.end - c.start)
    out = []
    for i, size in sorted(hits):
        name = "".join(words[i:i + size])
        a = idx[i]
        if not any(covered[a:a + len(name)]):
            label, norm = table[name]
            out.append(Entity(a, a + len(name), name, label, norm, "gazetteer"))
    return out


@Language.component("policy_entities")
def policy_entities(doc: Doc) -> Doc:
    """Gazetteer matches (from `policy_gazetteer`), shapes, quotes and POS candidates, resolved."""
    W = entity_words()
    cands, strategies = [], []
    text = doc_text(doc)
    for ent in doc.ents:
        method, _, norm = ent.ent_id_.partition("|")
        c = Entity(ent.start_char, ent.end_char, ent.text, ent.label_, norm or ent.text, method or "gazetteer")
        if c.text.startswith("中央") and c.start > 0 and text[c.start - 1] == "党" and c.label != "ORG" \
                and (rest := fixed_forms().get(c.text[2:])) is not None and rest[0] != "ORG":
            # `党|中央八项规定`: the Party centre's rules, 党中央 (ORG) and the rules it names (`八项规定`)
            cands += [Entity(c.start - 1, c.start + 2, "党中央", "ORG", "中共中央", c.method),
                      Entity(c.start + 2, c.end, c.text[2:], rest[0], rest[1], c.method)]
            continue
        region = _strategy_region(c, text) if c.label == "TERM" else c
        if region is not c:
            strategies.append(c)  # the rest of the strategy's name is no model span either (`京津冀协`)
        cands.append(region)
    view = TokenView(doc)
    cands += _division_matches(view, cands)
    named = sorted((c.start, c.end, c.label) for c in cands if c.label != "TERM")
    named_at = [a for a, _, _ in named]  # by bisection: a scan of all names for each quote grew with the document squared
    for c in shape_candidates(view):
        if c.method == "quote" and any(b <= c.end and (a, b) != (c.start, c.end)
                                       and (lab == "PERSON" or c.end - c.start > QUOTED_TERM_MAX)
                                       for a, b, lab in named[bisect.bisect_left(named_at, c.start):bisect.bisect_right(named_at, c.end)]):
            continue  # “篡改毛主席的既定方针”: a quotation naming someone, not a term; “上海标准” is a term
        cands.append(c)
    cands += pos_candidates(view)
    cands += fused_bodies(view)
    if doc._.model_entities:
        cands += admit_model(doc._.model_entities, cands + strategies, text, view)
    cands += sub_units(view, [c for c in cands if c.method in ("gazetteer", "model")])
    cands += campuses(view, [c for c in cands if c.label == "ORG"])
    if "及其常委会" in text:
        cands += standing_committees(text, [c for c in cands if c.method != "model"])
    cands += place_goals(view, [c for c in cands if c.method == "gazetteer"])
    resolved = resolve_overlaps(cands)
    ents = [e for e in resolved if e.label != BOOK and not (e.text in W.peer_body and not _with_peers(text, e, W.peer_bodies))
            and not (e.text == "中央政府" and _CENTRAL_LEVEL.match(text, e.start))
            and not (e.label == "ORG" and _level_of_a_list(text, e))]
    # A bare title standing for a person (`学习了总书记重要讲话`), not one after a
    # name (`习近平总书记`); kept only if `resolve_in_context` can name the person.
    # Nor one of the titles before a name (`中共中央总书记、国家主席、中央军委主席习近平`).
    named_ends = {e.end for e in ents if e.label == "PERSON"}
    named_starts = {e.start: e.normalized for e in ents if e.label == "PERSON"}
    taken = {i for e in resolved for i in range(e.start, e.end)}  # a book title's too (《习近平总书记…文集》)
    bare = [Entity(m.start(), m.end(), m.group(), "PERSON", m.group(), "pattern") for m in BARE_TITLE.finditer(text)
            if m.start() not in named_ends and not taken & set(range(m.start(), m.end()))
            and not _titles_before_name(text, m.end(), named_starts)]
    if bare:
        ents = sorted(ents + bare, key=lambda e: e.start)
    if "共产党" in text:
        ents = _parties(ents, text)
    doc = crf.split_tokens(doc, ents, view)  # a model span may cut a jieba word: split it (see `crf`)
    doc._.policy_entities = ents
    spans = [doc.char_span(e.start, e.end, label=e.label) for e in ents]
    doc.ents = [s for s in spans if s is not None]
    return doc


# 共产党 after one of these is communist parties in general (`同各国共产党和其他工人阶级政党`,
# `外国共产党`, `这个国家共产党的路线`), no one party
_PARTIES_IN_GENERAL = re.compile(r"(?:各国|外国|兄弟|其他|其它|别国|本国|一些|许多|这些|那些|各个|各|国家)的?$")


def _parties(ents: list[Entity], text: str) -> list[Entity]:
    """A bare `共产党` is the Communist Party of China (the gazetteer's normal form) unless it
    follows a country (`苏联共产党`, `日本共产党`: that country's party, one ORG with it) or
    names communist parties in general (`_PARTIES_IN_GENERAL`: no entity)."""
    out: list[Entity] = []
    for e in ents:
        if e.text == "共产党" and e.label == "ORG":
            if _PARTIES_IN_GENERAL.search(text, max(0, e.start - 6), e.start):
                continue
            prev = out[-1] if out else None
            if prev is not None and prev.end == e.start and prev.label == "GPE" and prev.normalized not in ("中国", "中华人民共和国"):
                out[-1] = Entity(prev.start, e.end, text[prev.start:e.end], "ORG", text[prev.start:e.end], prev.method)
                continue
        out.append(e)
    return out


# a strategy's name followed by one of these is a document's title (`京津冀协同发展规划纲要`)
_DOCUMENT_AFTER = re.compile("规划|纲要|意见|方案|条例|决定|办法")
_DIRECTIONS = frozenset("东西南北中部")


def _strategy_region(c: Entity, text: str) -> Entity:
    """A national strategy the gazetteer names by its region (`京津冀协同发展`, `长江经济带发展`,
    `黄河流域生态保护和高质量发展`): the region is the entity (LOC `京津冀`, `长江经济带`, `黄河`), as the
    hand-labelled sets have it, and as `长三角一体化发展` and `粤港澳大湾区建设`, which are no TERMs, give it.
    The strategy is still counted in the terms table (kind `dictionary`). Regions named by a proper
    name only: a doctrine named by the country (`中国特色社会主义`, `中国式现代化`) stays a TERM, and so
    does a strategy named by a direction (`东北振兴`, as `西部大开发`, `中部崛起`), or the strategy's
    name opening a document's title (`京津冀协同发展规划纲要`)."""
    if _DOCUMENT_AFTER.match(text, c.end):
        return c
    places = place_names()
    for n in range(len(c.text) - 2, 1, -1):
        head = c.text[:n]
        label, norm = places.get(head, ("", ""))
        if label == "LOC" and not set(head) <= _DIRECTIONS:
            return Entity(c.start, c.start + n, head, label, norm, c.method)
    return c


def add_to(nlp: Language) -> Language:
    """Add the gazetteer ruler, the trained model and `policy_entities` to a pipeline from `make_nlp`."""
    ruler = nlp.add_pipe("entity_ruler", name="policy_gazetteer", config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True})
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(_patterns())
    nlp.add_pipe("policy_ner_model")
    nlp.add_pipe("policy_entities")
    return nlp


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict, ...]:
    divisions = division_names()
    return tuple({"label": n.label, "pattern": n.text, "id": f"gazetteer|{n.normalized}"} for n in names()
                 if n.text not in divisions)

