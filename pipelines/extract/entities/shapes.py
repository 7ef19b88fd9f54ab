"""Entity candidates found by shape (`method = 'pattern'`), by quotation marks
(`'quote'`) and by jieba's POS tags (`'pos'`). The word lists they use are in
`pipelines/data/entity_words.txt`; the shapes themselves are the code below.
"""

from __future__ import annotations

import bisect
import re
from functools import cached_property, lru_cache
from itertools import accumulate, compress, islice
from typing import NamedTuple

from spacy.tokens import Doc

from pipelines.extract.entities.model import Entity
from pipelines.extract.entities.words import words
from pipelines.extract.figures import Figure, congresses
from pipelines.extract.gazetteer import (
    abbreviation_label,
    abbreviations,
    division_names,
    expand_abbreviations,
    gpe_names,
    name_labels,
    names,
    place_names,
    surnames,
)
from pipelines.lang.zh.numerals import (
    PLAN_NUMBER,
    PLAN_SHORT,
    PLAN_WORDS,
    chinese,
    ordinal,
    plan_number,
)
from pipelines.lang.zh.script import HAN, finditer_cued, is_han, simplified
from pipelines.lang.zh.segment import DEFAULT_USERDICT, common_word, dictionary_words, doc_text, doc_tokens, read_userdict

_TITLE = re.compile(r"《([^《》\n]{1,80})》")
_PLAN_LAW = re.compile(rf"“?{PLAN_SHORT}”?(?:{PLAN_WORDS})|第{PLAN_NUMBER}个五年(?:{PLAN_WORDS})")
_QUOTE = re.compile(r"“\s*([^“”\n，。；：！？,;:!?\s][^“”\n，。；：！？,;:!?]{0,11}?)\s*”")
_CC_TERM = re.compile(r"第?([一二三四五六七八九十]{1,3})届中央委员会")  # 十二届中央委员会 too
ORDINAL_PREFIX = re.compile(r"(?:第[一二三四五六七八九十0-9０-９]{1,3}[届次]|首届)$")
# Bare 中央 as the Party centre, by what it does (`中央采取的…措施`, `主持中央日常工作`, `中央确定的方针`,
# `中央关于…的决定`, `中央的部署`), by the bodies listed with it (`中央、自治区党委`) or by what is done with its
# decisions (`报中央审批`, `同中央保持一致`); not a level (`中央财政`, `中央企业`, `中央和地方`, `中央用于农业的投入`,
# `中央和自治区预算内投资`, `中央、自治区环保督察`).
_CENTRE = re.compile(r"中央(?<=主持中央)(?=日常工作)|中央(?<=报中央)(?=审批|批准)|中央(?<=同中央)(?=保持)"
                     r"|中央(?=采取|决定|要求|指出|强调|部署|号召|和国务院|和省级党委|、国务院"
                     r"|作出|先后|相信|科学判断|已经|否定|支持|出台|提出|实行|确定|坚持|召开|关于|果断|正确地?把握"
                     r"|统一(?:部署|决策|领导)|通盘考虑"
                     r"|的(?:方针|政策|部署|要求|决策|精神|各项|有关|权威|政治路线|政治报告|统一(?:领导|决策|部署)|领导)|决策和部署|《"
                     r"|[、和](?:自治区党委|省委|省级党委))")
# 政协 named after 人大 in a list (`在区人大、政协的有力监督下`: the district's, as `_people_body` makes it;
# in a national text, `加强人大、政协、军队…对外交往`, the template finds no district and the name stays 政协)
_CPPCC_AFTER_NPC = re.compile("政协(?<=人大、政协)|政协(?<=人大和政协)")
# A bare title standing for a person (`总书记强调`); kept only when the person
# can be resolved (`resolve_in_context`).
BARE_TITLE = re.compile(r"总书记(?![处的职])")
def _congress_name(f: Figure) -> str:
    n, m = int(f.value), f.plenum
    written = f.text
    ordn = lambda k: "第" + chinese(k)  # noqa: E731
    if f.subject == "党的全国代表大会":
        return f"中国共产党{ordn(n)}次全国代表大会"
    if f.subject == "党的中央委员会全会":
        return f"中国共产党{ordn(n)}届中央委员会{ordn(m)}次全体会议"
    if "全国人民代表大会" in (f.subject or "") or "全国人大" in written:
        base = f"{ordn(n)}届全国人民代表大会"
        if "常" in written:
            base += "常务委员会"
        return base + (f"{ordn(m)}次会议" if m else "")
    if f.subject == "中国人民政治协商会议全国委员会":
        return f"中国人民政治协商会议{ordn(n)}届全国委员会{ordn(m)}次会议"
    place = (f.subject or "人民代表大会").removesuffix("人民代表大会")
    return f"{{district}}{ordn(n)}届人民代表大会{ordn(m)}次会议" if not place else f"{place}{ordn(n)}届人民代表大会{ordn(m)}次会议"


def _events(text: str) -> list[Entity]:
    """Congresses, plenums and sessions from the figures' patterns, as EVENTs;
    `十八届三中、四中、五中全会` (three figures) becomes one EVENT."""
    found = congresses(text)
    out: list[Entity] = []
    i = 0
    while i < len(found):
        f = found[i]
        j = i
        while (j + 1 < len(found) and found[j + 1].subject == f.subject == "党的中央委员会全会"
               and text[found[j].end:found[j + 1].start] in ("、", "，", "和", "及")):
            j += 1
        if j > i:
            plenums = "、".join(f"第{chinese(g.plenum)}次" for g in found[i:j + 1])
            norm = f"中国共产党第{chinese(int(f.value))}届中央委员会{plenums}全体会议"
            out.append(Entity(f.start, found[j].end, text[f.start:found[j].end], "EVENT", norm, "pattern"))
        else:
            out.append(Entity(f.start, f.end, f.text, "EVENT", _congress_name(f), "pattern"))
        i = j + 1
    # the party's name before its congress or plenum is the event's (`中国共产党十二届三中全会`, `中共八届三中全会`)
    for k, e in enumerate(out):
        party = next((p for p in ("中国共产党", "中共") if text.endswith(p, 0, e.start)), None)
        if party and e.normalized.startswith("中国共产党"):
            out[k] = Entity(e.start - len(party), e.end, text[e.start - len(party):e.end], "EVENT", e.normalized, "pattern")
    return out


class _Tok(NamedTuple):
    i: int
    idx: int
    text: str
    tag_: str


class TokenStarts:
    """The tokens' start offsets as a read-only mapping, offset -> token index: `a in
    starts`, `starts.get(a)`, `starts[a]`, and iteration over the offsets in order. Looked
    up by bisection in the tokens' offsets: the rules ask about a few thousand offsets of a
    document, and a set and a dict of every token's offsets cost more to build than all
    their questions (0.2-0.3 s of the national corpus)."""

    __slots__ = ("idx",)

    def __init__(self, idx: list[int]):
        self.idx = idx

    def get(self, offset: int, default=None):
        i = bisect.bisect_left(self.idx, offset)
        return i if i < len(self.idx) and self.idx[i] == offset else default

    def __contains__(self, offset: int) -> bool:
        return self.get(offset) is not None

    def __getitem__(self, offset: int) -> int:
        i = self.get(offset)
        if i is None:
            raise KeyError(offset)
        return i

    def __iter__(self):
        return iter(self.idx)

    def __len__(self) -> int:
        return len(self.idx)


class TokenEnds:
    """The tokens' end offsets, `e in ends`: the tokens cover the text one after another,
    so a token ends where the next starts, and the last at the text's end."""

    __slots__ = ("starts", "n_chars")

    def __init__(self, starts: TokenStarts, n_chars: int):
        self.starts, self.n_chars = starts, n_chars

    def __contains__(self, offset: int) -> bool:
        return bool(self.starts.idx) and (offset == self.n_chars or (offset > 0 and offset in self.starts))


class TokenView:
    """The tokens of a Doc as plain lists (`words`, `tags`, `idx`), made once a component:
    creating spaCy `Token` objects over and over cost more than the whole recogniser.
    `view[i]` gives one token as a tuple with spaCy's attribute names; loops over every
    token read the lists."""

    def __init__(self, doc: Doc):
        self.text = doc_text(doc)
        self.words, self.tags = doc_tokens(doc)
        self.idx = list(accumulate(map(len, self.words), initial=0))[:-1] if self.words else []

    @cached_property
    def bounds(self) -> tuple["TokenStarts", "TokenEnds", "TokenStarts"]:
        """Token starts, token ends, and the index of the token starting at an offset
        (the first and the last are one mapping: offset -> token index)."""
        starts = TokenStarts(self.idx)
        return starts, TokenEnds(starts, len(self.text)), starts

    def __getitem__(self, i: int) -> _Tok:
        if i < 0:
            i += len(self.words)
        return _Tok(i, self.idx[i], self.words[i], self.tags[i])

    def __iter__(self):
        return map(_Tok._make, zip(range(len(self.words)), self.idx, self.words, self.tags))

    def __len__(self) -> int:
        return len(self.words)


@lru_cache(maxsize=1)
def _run_re() -> re.Pattern:
    chars = "".join(sorted(abbreviations()))
    run = f"[{chars}]{{2,4}}"
    return re.compile(f"{run}(?:、{run})*")


# what two states sign, named by their run (`中美建交公报`, `中日联合声明`, `中日和平友好条约`): one LAW
_RUN_DOCUMENT = re.compile("(?:建交|三个)?(?:联合)?(?:公报|声明)|(?:和平友好|友好合作|睦邻友好合作|互不侵犯)?条约")


def _abbreviation_runs(text: str, starts: list[int]) -> list[Entity]:
    """Runs of one-character abbreviations that name places by their context, one GPE each
    (`中苏关系` -> 中苏: 中国、苏联; `京港、京澳` -> 北京市、香港特别行政区 and 北京市、澳门特别行政区):
    a list of two or more runs, or a run before `abbr_run_cue` (`关系`, `两国`). A run starts a
    jieba word (`starts`: the words' offsets, in order); each of its characters names another
    place (`中华` is no run)."""
    cue = words().abbr_run_cue
    table = abbreviations()
    run_re = _run_re()
    out = []
    done = 0
    # the words that open with an abbreviation, found in C (`map`, `compress`), not a Python loop over all
    starts = starts[:bisect.bisect_left(starts, len(text))]  # sorted: those inside the text
    for s in compress(starts, map(table.__contains__, map(text.__getitem__, starts))):
        if s < done:
            continue  # a run starts a word (中朝 of 十一日中朝两国, not 日中朝)
        m = run_re.match(text, s)
        if m is None:
            continue
        items = m.group().split("、")
        doc_tail = _RUN_DOCUMENT.match(text, m.end()) if len(items) == 1 else None
        if doc_tail and expand_abbreviations(m.group()):  # a document the two states made: no place inside
            done = doc_tail.end()
            out.append(Entity(m.start(), done, text[m.start():done], "LAW", text[m.start():done], "pattern"))
            continue
        if len(items) < 2 and not cue.match(text, m.end() + (text[m.end():m.end() + 1] == "的")):  # 与俄蒙的交流
            continue
        done = m.end()
        pos = m.start()
        for item in items:
            norm = expand_abbreviations(item)
            if norm and norm.count("、") == len(item) - 1:
                out.append(Entity(pos, pos + len(item), item, abbreviation_label(norm), norm, "pattern"))
            pos += len(item) + 1
    return out


@lru_cache(maxsize=1)
def bound_words() -> dict[str, int]:
    """The two-character words in which a one-character abbreviation is a place, and where it
    is in them: `访华`, `驻沪`, `对台` -> 1; `浙企`, `台胞`, `中方` -> 0 (`abbr_bound_before` /
    `abbr_bound_after`), less `abbr_bound_not` (出台) and `abbr_kind_word` (华侨). The rules
    (`_bound_abbreviations`) and the model's lone abbreviations (`crf._bound`) read it."""
    W, table = words(), abbreviations()
    out = {a + x: 0 for a in table for x in W.abbr_bound_after}
    out.update({b + a: 1 for a in table for b in W.abbr_bound_before})
    for w in W.abbr_bound_not | W.abbr_kind_word:
        out.pop(w, None)
    return out


def _bound_abbreviations(view) -> list[Entity]:
    """A one-character abbreviation bound in a two-character jieba word as a place is one GPE
    (`驻京驻沪联络服务`, `4家浙企`, `坚持对台工作`, `侵柬战争`), whether or not the trained model
    proposes it; the words are tested in C (`map`, `compress`)."""
    bound = bound_words()
    out = []
    for i in compress(range(len(view.words)), map(bound.__contains__, view.words)):
        k = bound[view.words[i]]
        char, s = view.words[i][k], view.idx[i] + k
        norm = expand_abbreviations(char)
        if norm:
            out.append(Entity(s, s + 1, char, abbreviation_label(norm), norm, "pattern"))
    return out


# The label of a book title (《毛泽东选集》, 《列宁全集》) among the candidates: it takes its span
# from the names inside (`resolve_overlaps`, longest first) and is then dropped (`policy_entities`).
BOOK = "BOOK"


def shape_candidates(doc: Doc) -> list[Entity]:
    W = words()
    text = doc.text
    out: list[Entity] = []
    for m in _TITLE.finditer(text):
        inner = m.group(1).strip()
        if not inner:
            continue
        if W.book_suffix.search(inner):  # a book is no entity, and names no one inside its title
            out.append(Entity(m.start(1), m.end(1), m.group(1), BOOK, inner, "pattern"))
            continue
        label = "ORG" if W.press_suffix.search(inner) and len(inner) <= 8 else "LAW"
        out.append(Entity(m.start(1), m.end(1), m.group(1), label, inner, "pattern"))
    out.extend(_events(text))
    for m in _PLAN_LAW.finditer(text):
        n = ordinal(m.group(1) or m.group(2))
        kind = "规划纲要" if m.group().endswith("纲要") else ("计划" if m.group()[-2] in "计計" else "规划")
        out.append(Entity(m.start(), m.end(), m.group(), "LAW", f"第{chinese(n)}个五年{kind}", "pattern"))
    starts, ends, index = doc.bounds
    single, double = surnames()
    for m in finditer_cued(W.person_before, W.person_before_cue, text):  # a lookahead alone: tried at every character
        pos = m.start()
        if text[pos - 1:pos] == "副":
            continue  # 叶剑英副主席: the title is 副主席, matched at 副
        for size in (3, 2, 4):
            a = pos - size
            if a < 0 or a not in starts:
                continue
            name = text[a:pos]
            if not is_han(name):
                continue
            if not (name[0] in single and size < 4 or name[:2] in double):
                continue
            tok = doc[index[a]]
            if tok.tag_.startswith("nr") or (len(tok.text) < len(name) and tok.tag_ not in ("n", "v", "vn", "ns", "nt", "nz", "d", "p", "c", "u", "r", "m", "q", "f")):
                out.append(Entity(a, pos, name, "PERSON", name, "pattern"))
                break
    out.extend(_abbreviation_runs(text, doc.idx))
    out.extend(_bound_abbreviations(doc))
    for m in W.byline.finditer(text):
        name = m.group(1)
        if name[0] in single or name[:2] in double:
            out.append(Entity(m.start(1), m.end(1), name, "PERSON", name, "pattern"))
    for m in W.org_suffix.finditer(text):
        i = index.get(m.start())
        if i is None or m.end() not in ends:
            continue  # the suffix must be whole tokens (not 公司法, not 总局面)
        # walk left over at most three noun tokens; the span starts at a proper noun
        j, first = i - 1, None
        while j >= 0 and i - j <= 3 and doc[j].tag_ in W.name_tags and doc[j].text not in W.generic \
                and doc[j].text not in W.not_name_opener:  # 深化|供销合作社: jieba tags 深化 `j`
            if doc[j].tag_ in W.proper_tags and doc[j].text not in W.institution_generic:
                first = j  # not a kind jieba tags as a name (`普惠性/nr|幼儿园`)
            j -= 1
        if first is None:
            continue
        a = doc[first].idx
        span = text[a:m.end()]
        if m.group() == "集团" and (W.clique.search(span) or name_labels().get(doc[first].text) == "PERSON"):
            continue  # a clique named by its head (苏修叛徒集团, 蒋介石集团): the head is the mention
        if len(span) >= 4:
            out.append(Entity(a, m.end(), span, "ORG", span, "pattern"))
    labels = name_labels()
    for m in (W.embassy.finditer(text) if "驻" in text else ()):  # opens with a repeat: tried at every character
        a, sent = m.start(), m.group().index("驻") + m.start()
        # the sender is a name the gazetteers know, if one ends before 驻 (`译自|中共驻共产国际代表团`)
        a = next((k for k in range(a, sent - 1) if labels.get(text[k:sent]) in ("GPE", "ORG")), a)
        out.append(Entity(a, m.end(), text[a:m.end()], "ORG", text[a:m.end()], "pattern"))
    for m in _CENTRE.finditer(text):
        if m.start() in starts:
            out.append(Entity(m.start(), m.end(), m.group(), "ORG", "中共中央", "pattern"))
    for m in _CC_TERM.finditer(text):
        out.append(Entity(m.start(), m.end(), m.group(), "ORG", f"中国共产党第{m.group(1)}届中央委员会", "pattern"))
    out += _suffix_names(doc, W.event_suffix, "EVENT", starts, ends, index, max_tokens=6)
    bodies_at = set()
    for m in W.people_bodies.finditer(text):
        if m.start() in starts or text[m.start()] in "区市县":
            out.append(_people_body(m))
            bodies_at.add(m.start())
    if "人大" in text or "政协" in text:
        out += [_people_body(m) for m in _CPPCC_AFTER_NPC.finditer(text) if m.start() not in bodies_at]
        idx = doc.idx
        for m in W.level_bodies.finditer(text):
            k = bisect.bisect_right(idx, m.start()) - 1
            if m.start() in bodies_at or (idx[k] != m.start() and doc[k].tag_ in ("ns", "nt")):
                continue  # found above, or the level of a place's own name (上海市|人大代表)
            out.append(_people_body(m))
    out += _suffix_names(doc, W.institution, "ORG", starts, ends, index, loose=True)
    out += _suffix_names(doc, W.town, "GPE", starts, ends, index, loose=True, max_tokens=1)
    out += _suffix_names(doc, W.facility, "LOC", starts, ends, index, loose=True, max_tokens=3)
    out += _routes(doc, ends, index)
    out += described_zones(doc)
    out += _abbreviated_lines(doc)
    out += _street_sections(doc)
    out += _listed_names(doc, index, W.listed, "ORG")
    if "等" in text:
        out += _listed_names(doc, index, W.listed_works, "LOC")
    out += _gpe_prefixes(doc)
    out += quoted_terms(text)
    out += doctrines(text)
    out += macro_regions(doc)
    out += mainland(doc)
    out += listed_roads(doc)
    out += place_roads(doc)
    return out


_ROAD_WORDS = frozenset({"路", "大街", "大道", "街"})


def place_roads(view) -> list[Entity]:
    """A road named after a place: the place's word, then `路`, `大街`, `大道` or `街` as a word of
    its own (`加格达奇|路`, `海拉尔|大街`): one LOC, the place no mention inside it."""
    words_, idx = view.words, view.idx
    places = place_names()
    out = []
    for i in compress(range(1, len(words_)), map(_ROAD_WORDS.__contains__, islice(words_, 1, None))):
        w = words_[i - 1]
        if len(w) > 1 and simplified(w) in places:
            a = idx[i - 1]
            out.append(Entity(a, idx[i] + len(words_[i]), w + words_[i], "LOC", w + words_[i], "pattern"))
    return out


# China's macro regions in the reports' regional strategy (`中西部地区`, `东部地区率先`), as every
# hand-labelled set labels them; 东北, 西北, 西南 are places of the gazetteer.
_MACRO_REGIONS = frozenset({"东部", "中部", "西部", "中西部", "东中部"})
_TWO_REGIONS = frozenset({"中西部", "东中部"})
_REGION_AFTER = re.compile("地区|[和、与及](?:东部|中部|西部|中西部|东中部|东北|西北|西南|边远|农村|贫困)")


def macro_regions(view) -> list[Entity]:
    """`东部`, `中部`, `西部`, `中西部`, `东中部` as regions of China: before 地区 or in a list of regions
    (`中西部和边远、贫困地区`), not after a place or a noun (`山东|西部地区`, `城市|东部`); `中西部` and
    `东中部`, two regions, before any word (`支持中西部高等教育`) and after any but a place. LOC,
    normal form `…地区`."""
    words_, tags, idx, text = view.words, view.tags, view.idx, view.text
    out = []
    for i in compress(range(len(words_)), map(_MACRO_REGIONS.__contains__, words_)):
        a, w = idx[i], words_[i]
        if w in _TWO_REGIONS:  # `中西部` names China's regions wherever no place comes before it (`投向/n|中西部`)
            if i > 0 and (tags[i - 1] == "ns" or name_labels().get(words_[i - 1]) in ("GPE", "LOC")):
                continue
        elif i > 0 and tags[i - 1] in ("ns", "n", "nz", "nr", "nt", "j") and is_han(words_[i - 1]):
            continue
        elif not _REGION_AFTER.match(text, a + len(w)):
            continue
        out.append(Entity(a, a + len(w), w, "LOC", w + "地区", "pattern"))
    return out


# `大陆` and `内地` name mainland China where Taiwan, Hong Kong or Macao is near (`大陆和台湾同属一个中国`,
# `内地与香港、澳门`), as every hand-labelled set labels them; without such a cue `内地` is the interior
# (`沿海和内地`) and `大陆` a continent (`非洲大陆`), no mention.
_MAINLAND = {"大陆": "中国大陆", "内地": "中国内地"}
_MAINLAND_CUE = re.compile("台湾|台胞|台商|台资|台独|对台|赴台|港台|台港|两岸|港澳|香港|澳门|海峡|特别行政区|蒋介石|国民党")
_MAINLAND_BEFORE = frozenset({"祖国", "我国", "全国"})
_MAINLAND_WINDOW = 80


def mainland(view) -> list[Entity]:
    """`大陆`, `内地` (a word of their own) as mainland China: LOC, normal form 中国大陆 / 中国内地, after
    `祖国`/`我国`/`全国` or with a cue within 80 characters; not after a continent (`非洲大陆`,
    `亚欧大陆桥`) nor before 架/性/桥 (`大陆架`)."""
    words_, idx, text = view.words, view.idx, view.text
    out = []
    for i in compress(range(len(words_)), map(_MAINLAND_WORDS.__contains__, words_)):
        a, w = idx[i], words_[i]
        if w in _MAINLAND_FUSED:  # jieba's 祖国大陆, 大陆同胞: the mainland inside them, after or before a cue
            k = w.index("大陆")
            out.append(Entity(a + k, a + k + 2, "大陆", "LOC", _MAINLAND["大陆"], "pattern"))
            continue
        prev = simplified(words_[i - 1]) if i else ""
        nxt = simplified(text[a + 2:a + 3])
        if prev.endswith(("洲", "亚欧", "欧亚", "新")) or (nxt and nxt in "架性桥"):
            continue
        if prev in _MAINLAND_BEFORE or _MAINLAND_CUE.search(
                simplified(text[max(0, a - _MAINLAND_WINDOW):a + 2 + _MAINLAND_WINDOW])):
            out.append(Entity(a, a + 2, w, "LOC", _MAINLAND[simplified(w)], "pattern"))
    return out


# words jieba fuses with the mainland, which they name whatever is near (`回祖国大陆参观`, `大陆同胞`)
_MAINLAND_FUSED = frozenset({"祖国大陆", "大陆同胞"})
_MAINLAND_WORDS = frozenset({"大陆", "内地", "大陸", "內地"}) | _MAINLAND_FUSED


# a list of roads before what names them roads (`完成呼伦大街、望城路等9条道路工程`,
# `对胜利三路、学府路和贝尔大街3条主干道路的改造`): each item a LOC, whatever words name it
_ROAD_LIST_END = re.compile(f"[路街道线](等?(?:[0-9０-９一二三四五六七八九十两几多]+条)?"
                            f"[{HAN}]{{0,4}}?(?:道路|街道|主干道|街路|巷道))")  # opens with a set: scanned in C
_ROAD_ITEM = re.compile(f"[{HAN}0-9０-９]{{1,8}}(?:路|街|大街|大道|专用线)")
_ROAD_SEP = "、和及"
_ROAD_KINDS = ("公路", "铁路", "高速路")  # `农村公路等道路`: kinds of road, not roads


def listed_roads(view) -> list[Entity]:
    """The roads of a list that `道路`, `街道` or `主干道` (after 等, a count, 城区…) closes, walked
    back from its end over `、`, `和` and `及`: each item that ends as a road (`路`, `街`, `大街`,
    `大道`), 3 to 10 characters, whole tokens and no `道路` inside, is a LOC. The first item starts
    after the verb, preposition, count or pronoun before it (`实施|根河路`, `完成对|胜利三路`, not
    `一条|新路`)."""
    text = view.text
    starts, ends, index = view.bounds
    W = words()
    out = []
    for m in _ROAD_LIST_END.finditer(text) if "道" in text else ():
        k, found = m.start(1), []
        while k in ends:
            j = k
            while j > 0 and k - j < 10 and text[j - 1] not in _ROAD_SEP and (is_han(text[j - 1]) or text[j - 1].isdigit()):
                j -= 1
            sep = text[j - 1] if j > 0 and text[j - 1] in _ROAD_SEP else ""
            if not sep:  # the first item: its whole tokens after the last verb, preposition or policy verb
                toks = [view[i] for i in _tokens_from(view, bisect.bisect_left(view.idx, j), k)]
                cut = max((n + 1 for n, t in enumerate(toks[:-1])
                           if t.tag_ in _BEFORE_NAME_TAGS or t.tag_ in "mqr" or t.text in W.not_name_opener), default=0)
                if cut >= len(toks):
                    break
                j = toks[cut].idx
            item = text[j:k]
            if not (3 <= len(item) <= 10 and j in starts and _ROAD_ITEM.fullmatch(item)) or "道路" in item \
                    or item.endswith(_ROAD_KINDS):
                break
            found.append(Entity(j, k, item, "LOC", item, "pattern"))
            if not sep:
                break
            k = j - 1
        closer = m.group(1)
        if len(found) > 1 or "等" in closer or "条" in closer or not closer.endswith("街道"):
            out += found  # one road before a bare 街道 is a sub-district's name (`胜利路街道`)
    return out


_DOCTRINE_END = re.compile("思想|理论")
# what a doctrine's name holds between the person and 思想/理论: no 的, 在 or 关于 (`邓小平的外交
# 思想`, `毛主席关于…理论` describe a person's thinking), no punctuation, no other doctrine
_DOCTRINE_GAP_NOT = re.compile(f"的|在|关于|思想|理论|[^{HAN}]")


def doctrines(text: str) -> list[Entity]:
    """A doctrine named after a person the gazetteers know, which the earlier sets and the
    national reports treat as a term like 毛泽东思想: `毛泽东军事思想`, `邓小平新时期军队建设
    思想`, `江泽民国防和军队建设思想`, `邓小平同志建设有中国特色社会主义理论` (TERM; the
    person inside is no mention). The nearest such person at most 12 characters before."""
    labels = name_labels()
    out = []
    for m in _DOCTRINE_END.finditer(text):
        s = m.start()
        for j in range(s - 1, max(-1, s - 19), -1):
            if _DOCTRINE_GAP_NOT.match(text, j):
                break
            n = next((size for size in (4, 3, 2) if j + size <= s and labels.get(text[j:j + size]) == "PERSON"), 0)
            if n and (j + n == s or text.startswith("主义", j + n)):
                break  # 毛泽东思想, 马克思主义理论: the gazetteer's terms
            if n and s - j - n - 2 * text.startswith("同志", j + n) <= 12:
                # the whole name, not its short form (`邓小平`, not `小平`)
                j -= next((k for k in (2, 1) if j >= k and any(labels.get(text[j - k:j + e]) == "PERSON"
                                                               for e in range(2, n + 1))), 0)
                out.append(Entity(j, m.end(), text[j:m.end()], "TERM", text[j:m.end()], "pattern"))
                break
    return out


_LEVELS = {"区": "district", "市": "city", "县": "county", "省": "province"}


def _people_body(m: re.Match) -> Entity:
    """`区人大`, `市政协`, a bare `人大`: the body, its normal form a template the document's
    place fills (`{city}人民代表大会`; a bare one the district's, as the district reports say it)."""
    body = m.group()[-2:]
    level = _LEVELS.get(m.group()[0], "district")
    norm = f"{{{level}}}人民代表大会" if body == "人大" else f"政协{{{level}}}委员会"
    return Entity(m.start(), m.end(), m.group(), "ORG", norm, "pattern")


def quoted_terms(text: str) -> list[Entity]:
    """Short terms in quotation marks (`“新三样”`), not plan periods or bare numbers."""
    out = []
    for m in _QUOTE.finditer(text):
        inner = m.group(1)
        if plan_number(inner) is not None or re.fullmatch(r"[\d０-９.%％年月日]+", inner):
            continue
        out.append(Entity(m.start(1), m.end(1), inner, "TERM", inner, "quote"))
    return out


_CLASSIFIERS = frozenset("所家个座条处项批名位")
_COMMON_ONE_TAGS = frozenset({"n", "ng", "vn", "v"})  # a one-character word so tagged is no name's first


def _suffix_names(doc: Doc, suffix: re.Pattern, label: str, starts, ends, index,
                  loose: bool = False, max_tokens: int = 3) -> list[Entity]:
    """`<proper noun tokens><suffix>`: 铁路会议 after 召开, 学府路中学, 奋斗镇.
    `loose`: the left part may be common nouns (schools, towns); otherwise it
    needs a proper-noun tag or a cue (召开了…, a list of such names)."""
    W = words()
    text = doc.text
    out: list[Entity] = []
    last_end = -1
    for m in suffix.finditer(text):
        i = index.get(m.start())
        if i is None and label == "EVENT" and m.end() in ends:
            # the suffix starts inside a word, a shorter one at a word (`人才交流|大会`: 大会, not 交流大会)
            m = next((short for a in range(m.start() + 1, m.end() - 1) if a in starts
                      and (short := suffix.fullmatch(text, a, m.end())) is not None), m)
            i = index.get(m.start())
        if i is None and label == "LOC" and m.end() in ends:
            # a kind fused with a park's or zone's suffix into one word (`工业园区`, `森林公园`) after a
            # place the gazetteers know below the country, which is all the name (`呼伦贝尔|工业园区`; not
            # `发展|工业园区`, `十大|油气田`, `美丽|工业园区` (jieba: 美丽 ns), `中国|…`)
            k = bisect.bisect_right(doc.idx, m.start()) - 1
            prev = doc[k - 1] if k > 0 else None
            if prev is not None and m.group() in _FUSED_ZONES and m.end() == doc.idx[k] + len(doc[k].text) \
                    and common_word(doc[k].text[:m.start() - doc.idx[k]]) in _COMMON_ITEM_TAGS \
                    and len(prev.text) > 1 and prev.text not in _COUNTRY_WORDS \
                    and place_names().get(simplified(prev.text), ("", "中国"))[1] != "中国":  # a place the gazetteers know
                a = doc.idx[k - 1]
                out.append(Entity(a, m.end(), text[a:m.end()], label, text[a:m.end()], "pattern"))
                last_end = m.end()
            continue
        if i is None or m.end() not in ends:
            continue
        j, first, proper = i - 1, None, False
        left_tags = W.name_tags - {"vn"} if loose else W.name_tags
        if label == "GPE" and m.group() in _VERB_NAMED and i > 0 and len(doc[i - 1].text) == 2 \
                and not _LEVEL_AFTER.match(text, m.end()) \
                and doc[i - 1].tag_ in ("v", "vn") and doc[i - 1].text not in W.lead_verbs \
                and doc[i - 1].text not in W.institution_generic and doc[i - 1].text not in W.generic:
            left_tags = left_tags | {"v", "vn"}  # a town named by a verb (`奋斗|镇`): no policy verb stands so
        allowed = {"全国", "自治区"} if label == "EVENT" else set()
        if label == "EVENT" and m.group().endswith(_FESTIVAL_ENDS):
            left_tags = left_tags | _EVENT_THEME_TAGS  # a festival's theme: 冬季旅游那达慕, 青年歌手大奖赛
        while j >= 0 and i - j <= max_tokens and (doc[j].tag_ in left_tags or (loose and doc[j].tag_ in ("m", "a", "b"))
                                                   or doc[j].text in allowed
                                                   or (label == "EVENT" and doc[j].text.startswith(_EDITION)
                                                       and not m.group().endswith("会议"))) \
                and (doc[j].text not in W.generic or doc[j].text in allowed) and is_han(doc[j].text):
            if doc[j].tag_ == "m" and not doc[j].text.startswith(_EDITION):
                break
            if label == "EVENT" and j + 1 < i and doc[j + 1].text.startswith(_EDITION) and doc[j].text not in allowed:
                break  # before an edition only its level (`自治区|第二届…`), not a verb (`谋划|第十届…`) nor a place,
                # which the sets keep apart (`海拉尔|第十五届中俄蒙经贸洽谈暨商品展销会`)
            if label != "EVENT" and doc[j].text in _MACRO_REGIONS:
                break  # China's regions name no facility or body (`中西部|铁路和公路`: the regions' railways)
            if label == "LOC" and j < i - 1 and W.zone_end.search(doc[j].text):
                break  # a zone's suffix ends a name before this one (`呼伦贝尔经济|技术开发区|海拉尔食品产业园`)
            if (loose and doc[j].text in W.institution_generic) or doc[j].text in W.not_name_opener \
                    or (loose and (doc[j].text in _policy_terms() or doc[j].text[:2] in W.lead_verbs)):
                break  # a kind (`乡村|学校`), a policy verb (`整治|养老院`, `严肃查处|银行`), a policy
                # term of the dictionary or a word that opens with a task's verb or adverb (jieba's
                # `大力发展/nz|社区`) opens no name
            if doc[j].tag_ == "a" and len(doc[j].text) == 1 and j > 0 and (doc[j - 1].tag_ == "v" or doc[j - 1].text in W.not_name_opener):
                break  # a verb's complement (做大做强|呼伦贝尔农村商业银行), not a name's first word
            first = j
            proper = proper or doc[j].tag_ in W.proper_tags or doc[j].text in allowed
            j -= 1
        while first is not None and label == "EVENT" and first < i and doc[first].tag_ in _EVENT_THEME_TAGS:
            first += 1  # a theme word inside the name, not opening it (`全面落实|自治区旅游发展大会`)
        if first is None or first == i:
            continue
        if first > 0 and doc[first - 1].tag_ == "m" and doc[first].text[0] in _CLASSIFIERS:
            continue  # a count's classifier opens no name (`1500|所县|医院`: county hospitals, a kind)
        if len(doc[first].text) == 1 and first > 0 and is_han(doc[first - 1].text) and (
                doc[first - 1].tag_ == "m" or doc[first - 1].text + doc[first].text in dictionary_words()
                or (doc[first].tag_ in _COMMON_ONE_TAGS and doc[first - 1].tag_ in ("v", "vn", "n")
                    and doc[first].text not in _zone_levels())):  # `加强|区|人民医院` is the district's
            continue  # a name cut inside a word jieba read as a number (`万家|惠|农贸市场`), or the last
            # character of a word jieba cut (`碳|排放|权|交易市场`: a common noun of one character after a
            # verb or noun closes their word): no name starts with it
        if m.group() in _WORKS and first < i - 1 and name_labels().get(doc[first].text) in ("GPE", "LOC"):
            first += 1  # `黄河|小浪底水利枢纽`, `新疆|塔里木油田`: the place locates the works
        a = doc[first].idx
        before = text[max(0, a - 6):a]
        listed = last_end >= 0 and text[last_end:a] in ("、", "，", "和", "及")
        if not (loose or proper or W.event_cue.search(before) or listed):
            continue
        pre = ORDINAL_PREFIX.search(before)
        if pre:
            a -= len(pre.group())
        span = text[a:m.end()]
        head = doc[first]
        if loose and label != "GPE" and first == i - 1 and not pre and len(head.text) > 1 and m.group() not in _WORD_NAMED \
                and common_word(head.text) in _COMMON_ITEM_TAGS and head.tag_ not in W.proper_tags \
                and not head.text.endswith(("路", "街")):
            # a kind: one common word before the suffix (`薄弱|学校`, `主题|酒店`, `试点|学校`); but
            # communities, islands, bridges and expressways take such names (`爱民|社区`, `复兴|岛`,
            # `农林|桥`, `机场|快速路`), and so do streets' schools (`学府路|中学`)
            continue
        if m.group() == _COMMUNITY_CENTRE and (first < i - 1 or head.text[0] in "全各本该每" or head.tag_ in ("m", "b", "r")):
            continue  # a community's centre is named by the one word of the community (not `全市|…`, `百强|优秀|…`)
        if m.group() in _MARKETS and all(common_word(doc[k].text) in _COMMON_ITEM_TAGS or doc[k].tag_ == "b"
                                         for k in range(first, i)):
            continue  # a market named by what it sells is a kind (`地产|蔬菜|批发市场`, `大型|蔬菜|…`)
        if len(span) >= 3 and not (head.tag_ in ("r", "p") or head.text in _REFERENCE_HEADS or "的" in span):
            # 我区农村商业银行, 以苏修叛徒集团, 山东的大型碱厂 (本溪市人民医院 is a name)
            out.append(Entity(a, m.end(), span, label, span, "pattern"))
            last_end = m.end()
    return out


# suffixes of places that take a common word as their name (`复兴岛`, `农林桥`, `机场快速路`, and a
# community's health centre, named after the community: `健康|社区卫生服务中心`; `机场快速路` and that
# only in `_suffix_names`, where the suffix is a whole match; `_kind_word` tests one or two characters)
_COMMUNITY_CENTRE = "社区卫生服务中心"
_WORD_NAMED = frozenset({"岛", "山", "湖", "河", "江", "湾", "峡", "桥", "快速路", _COMMUNITY_CENTRE})

# the suffixes of parks and zones a kind may fuse with (`工业|园区`, `森林|公园`), named by their place
_FUSED_ZONES = frozenset({"园区", "产业园", "物流园", "物流园区", "公园"})
_COUNTRY_WORDS = frozenset({"中国", "祖国", "我国", "全国", "中华"})

# markets: a name only if something but goods and kinds names them (`龙腾果蔬|批发市场`)
_MARKETS = frozenset({"农贸市场", "批发市场", "专业市场", "建材市场", "农贸批发市场", "批发零售市场"})

# towns, which take verbs as names (`奋斗镇`, `胜利镇`); in the corpus no other verb comes right before 镇
# (before 乡 one does: `取消|乡统筹`)
_VERB_NAMED = frozenset({"镇"})
# 镇 as a level (`帮助镇村干部`, `考核镇、街道`, `撤并镇、乡`), not a town (`奋斗镇、建设办`)
_LEVEL_AFTER = re.compile("[村街乡级域]|[、和及](?:街道|乡|村|苏木|嘎查|社区)")

# works named by their site, after the river or region they are in (`黄河|小浪底水利枢纽`)
_WORKS = frozenset({"水利枢纽工程", "水利枢纽", "水电工程", "油田", "气田"})

# jieba's tags of an idiom, a set phrase and a time word, which a festival's or a fair's name may
# hold (not a meeting's: `中俄两国元首会晤` is no event's name, `元首` being jieba's `t`)
_EVENT_THEME_TAGS = frozenset({"i", "l", "t"})
# an edition inside an event's name, after its level (`自治区|第二届|冬运会`, `自治区|首届|旅游发展大会`);
# not in a meeting's (`海拉尔区|第十四届人民代表大会第五次会议`: the sessions' own pattern, `_events`, and the
# gold set keep the place apart)
_EDITION = ("第", "首届")
_FESTIVAL_ENDS = ("节", "盛典", "那达慕", "大奖赛", "大会", "周")

# words that refer to a place or open a phrase, no name begins with them
_REFERENCE_HEADS = frozenset("我区 我市 我县 我省 我国 本区 本市 本县 本省 该区 该市 该县 以".split())


# a ring road standing alone (`东六环、`) or before a list mark or 以内/以外 (`五环路以内`)
_RING = re.compile(f"(?<![{HAN}])(?:[东南西北]{{1,2}})?[二三四五六七]环路?(?![{HAN}])|"
                   f"(?:[东南西北]{{1,2}})?[二三四五六七]环路?(?=[、，及和；。]|以[内外])")
_METRO = re.compile(r"(?<![0-9０-９])[0-9０-９]{1,2}号线")  # a metro line: 13号线
_RING_CUE, _METRO_CUE = re.compile("[二三四五六七]环"), re.compile("号线")  # what every match of each holds
_CODE = re.compile(r"[A-Z]\d{1,4}")  # a road or corridor code: G60 of G60科创走廊
_VERB_AFTER = frozenset("在起出稳住到")
_NOUN_TAGS = frozenset({"n", "nr", "ns", "nz", "nt", "ng", "j"})  # what jieba tags a word its HMM made up as a name


@lru_cache(maxsize=1)
def _policy_terms() -> frozenset[str]:
    """Policy terms of the shipped dictionary (tagged nz, l, j) and the gazetteers' TERMs."""
    return frozenset({e.word for e in read_userdict(DEFAULT_USERDICT) if e.tag in ("nz", "l", "j")}
                     | {n.text for n in names() if n.label == "TERM"})


def _place_word(w: str, tag: str, one_char_suffix: bool = False) -> bool:
    """A word that may name a line or zone before its suffix (`_routes`) or a line's other
    end before a dash (`_line_start`): a place (tagged `ns`, a gazetteer place, or
    abbreviations such as `沪`), a transliteration (`nrt`), a road code, or a noun jieba's
    dictionary does not know (`杭衢`, `蓝村`: words its HMM made up). Common words, policy
    terms and references (`我市`) are not; before a one-character suffix only places are."""
    W = words()
    place = (tag == "ns" or name_labels().get(w) in ("GPE", "LOC")
             or (tag == "j" and all(c in abbreviations() for c in w))) and w[0] not in "我本该"
    if not is_han(w) or w in W.generic or w in W.pos_stop or w in _policy_terms():
        return not one_char_suffix and _CODE.fullmatch(w) is not None
    if one_char_suffix:
        return place
    # jieba's dictionary is read (0.3 s, once) only when a word needs it
    return place or tag == "nrt" or (len(w) > 1 and tag in _NOUN_TAGS and w not in dictionary_words())


def _line_start(doc: Doc, text: str, a: int, index: dict[int, int]) -> int:
    """Where a line named by two places starts: `黎塘——湛江线` from `湛江线` if the word
    before the dash is a place as the words before a line's suffix are (`_place_word`:
    `蓝村——烟台线`); else `a`."""
    for dash in ("——", "—", "－"):
        if a >= len(dash) and text.startswith(dash, a - len(dash)):
            b = a - len(dash)
            for size in (4, 3, 2):
                k = index.get(b - size)
                if k is not None and doc[k].idx + len(doc[k].text) == b and _place_word(doc[k].text, doc[k].tag_):
                    return b - size
    return a


def _routes(doc: Doc, ends: set[int], index: dict[int, int]) -> list[Entity]:
    """Named lines, ports and zones (LOC): `温福高铁`, `京雄城际`, `宁波舟山港`, `北京通州站`,
    `衢州综保区`, `临港新片区`, `中亚班列`, `G60科创走廊`, and ring roads (`东六环`, `五环路`).
    The name before the suffix is 1-3 words, each a `_place_word` (`杭衢`, `温福`: words
    jieba's HMM made up). Common words (`城际铁路`, `智慧航道`, jieba's `智慧/nr` included)
    and policy terms (`共同富裕示范区`) name no line or zone; before a one-character
    suffix (`站`, `港`) only places do (`党要站在`)."""
    text = doc.text
    W = words()
    out = []
    for m in W.route.finditer(text):
        i = index.get(m.start())
        if i is None or m.end() not in ends:
            continue
        one_char = m.end() - m.start() == 1
        if one_char and text[m.end():m.end() + 1] in _VERB_AFTER:
            continue  # 站在, 站稳: the verb
        place_route = m.group() in W.place_route
        j = i - 1
        while j >= 0 and i - j <= 3 and _place_word(doc[j].text, doc[j].tag_, one_char or place_route):
            j -= 1
        if place_route and i - j > 2 and name_labels().get(doc[j + 1].text) == "GPE" \
                and name_labels().get(doc[j + 2].text) != "GPE":
            j += 1  # `安徽|响洪甸水库`: the province locates the reservoir; `青海西藏公路` joins two
        if j + 1 < i:
            # a line between two places: `黎塘——湛江线`, `北京西—良乡`
            a = _line_start(doc, text, doc[j + 1].idx, index)
            out.append(Entity(a, m.end(), text[a:m.end()], "LOC", text[a:m.end()], "pattern"))
    for pattern, cue in ((_RING, _RING_CUE), (_METRO, _METRO_CUE)):
        if not cue.search(text):  # both patterns open with a lookbehind: tried at every character
            continue
        for m in pattern.finditer(text):
            if m.start() in index and m.end() in ends:
                out.append(Entity(m.start(), m.end(), m.group(), "LOC", m.group(), "pattern"))
    return out


_DESCRIBER_TAGS = frozenset({"n", "vn", "an", "a", "b", "l", "nz", "j", "ns", "ng"})


# levels named bare (`创建|自治区|全域旅游示范区`: a zone of the region's rank, no named one): the
# `level_word`s and 特区
@lru_cache(maxsize=1)
def _zone_levels() -> frozenset[str]:
    return words().level_words | {"特区"}


def _zone_head(vwords: list[str], tags: list[str], j: int) -> int | None:
    """Where the place that names a zone starts if it ends at token `j`, or None: a place the
    gazetteers know (`呼伦贝尔`, `长三角`), a run of abbreviations (`中俄蒙`, `京津`), or two words
    or more that jieba tags `ns` (`两河|圣山`); not the country (`中国`, `我国` name no zone of
    their own), a bare level (`自治区`), a kind of place or a reference (`我市`, `沿海`), nor one
    two-character word jieba alone takes for a place (`海洋`, `滨水`; `海峡西岸` is one)."""
    W = words()
    w = vwords[j]
    if w in _COUNTRY_WORDS or w in _REFERENCE_HEADS or w in _zone_levels() or w in W.generic \
            or w in W.pos_stop or not is_han(w):
        return None
    abbr = abbreviations()
    if name_labels().get(w) in ("GPE", "LOC") or (len(w) >= 2 and all(c in abbr for c in w)):
        head = j
    elif tags[j] == "ns" and len(w) >= 3:
        head = j  # `海峡西岸`: jieba's long places are names, its two-character ones often kinds (`海洋`)
    elif tags[j] == "ns" and j > 0 and tags[j - 1] == "ns":
        head = j - 1
    else:
        return None
    # places jieba tags `ns` that the gazetteers do not know, just before, join it (`两河|圣山`)
    while head > 0 and tags[head - 1] == "ns" and name_labels().get(vwords[head - 1]) is None \
            and vwords[head - 1] not in _COUNTRY_WORDS and vwords[head - 1] not in W.generic:
        head -= 1
    return head


def described_zones(view) -> list[Entity]:
    """Zones named by a place and words that say what they are for (LOC): `呼伦贝尔经济技术开发区`,
    `长三角生态绿色一体化发展示范区`, `中俄蒙文化创意产业园`, `京津合作示范区`, `上海大都市圈`. The
    suffix (`zone_suffix`) ends a token, the words before it back to the place are at most five
    nouns, verbal nouns, adjectives or set phrases (no verb, preposition or conjunction, none of
    `zone_not_describer`: `北京|建设|示范区` is no name), and places jieba's dictionary does not know
    just before the place join it (`两河|圣山旅游景区`). A zone the gazetteers know as one word
    (`雄安新区`, `浦东新区`) is theirs."""
    W = words()
    _, ends, _ = view.bounds
    text, vwords, tags, idx = view.text, view.words, view.tags, view.idx
    labels = name_labels()
    out = []
    for m in W.zone.finditer(text):
        if m.end() not in ends:
            continue
        k = bisect.bisect_right(idx, m.start()) - 1  # the token the suffix starts in
        if idx[k] < m.start() and labels.get(text[idx[k]:m.end()]) is not None:
            continue
        j, head = k - 1, None
        while j >= 0 and k - j <= 6:
            head = _zone_head(vwords, tags, j)
            if head is not None:
                break
            w, tag = vwords[j], tags[j]
            if tag not in _DESCRIBER_TAGS or w in W.zone_not_describer or w in W.generic:
                break
            j -= 1
        if head is None:
            continue
        a = idx[head]
        out.append(Entity(a, m.end(), text[a:m.end()], "LOC", text[a:m.end()], "pattern"))
    return out


_ABBREVIATED_LINE = re.compile(f"([{HAN}])([{HAN}])(?:铁路线|铁路|高速公路|公路|高速|高铁|线)")


@lru_cache(maxsize=1)
def _line_end_chars() -> frozenset[str]:
    """Characters that stand for a place at a line's end: the one-character abbreviations and
    the first character of every province and prefecture-level city (`宝` 宝鸡, `昆` 昆明)."""
    chars = set(abbreviations())
    for n in names():
        if n.label == "GPE" and n.source == "divisions.tsv" and len(n.text) >= 2 \
                and (n.normalized or n.text).endswith(("市", "省", "自治区")):
            chars.add(n.text[0])
    return frozenset(chars)


def _abbreviated_lines(view) -> list[Entity]:
    """A line named by its two ends' abbreviations, one word of jieba's dictionary (LOC):
    `青藏铁路`, `宝成铁路`, `京九铁路`, `兰新线`, `青藏公路`. Over the whole corpus every such word
    is a line; a made-up pair is not one word (`城际铁路`, `高速公路` fail the characters' test).
    The pattern is scanned for in C; a match must be one token."""
    ends = _line_end_chars()
    _, _, index = view.bounds
    out = []
    for m in _ABBREVIATED_LINE.finditer(view.text):
        i = index.get(m.start())
        if i is not None and view.words[i] == m.group() and m.group(1) in ends and m.group(2) in ends:
            out.append(Entity(m.start(), m.end(), m.group(), "LOC", m.group(), "pattern"))
    return out


_STREET_SECTION = re.compile("[东西南北中]路")


def _street_sections(view) -> list[Entity]:
    """A street named after a place, by its section (LOC): `南京西路`, `南京东路`, `中山北路`,
    which jieba cuts `南京|西路`. The place is a word jieba tags `ns` or a gazetteer place."""
    _, _, index = view.bounds
    labels = name_labels()
    out = []
    for m in _STREET_SECTION.finditer(view.text):
        i = index.get(m.start())
        if not i or view.words[i] != m.group():
            continue
        head = view.words[i - 1]
        if len(head) >= 2 and (view.tags[i - 1] == "ns" or labels.get(head) in ("GPE", "LOC")):
            a = view.idx[i - 1]
            out.append(Entity(a, m.end(), view.text[a:m.end()], "LOC", view.text[a:m.end()], "pattern"))
    return out


# jieba tags no word of a unit's name has (`到处/d`, `的/uj`, `在/p`); `和` is allowed (价格和招标采购司)
_NOT_IN_UNIT = frozenset({"p", "d", "r", "x", "c", "u", "ul", "uj", "uz", "ug", "uv", "ud", "y", "e", "o", "m", "q", "t", "f"})
_UNIT = re.compile(f"[{HAN}]{{2,12}}?(?:司|局|处|厅|办公室)")


# `美丽浙江`, `平安上海`, `法治浙江`: a coined goal of a province or city (TERM, as 美丽中国)
BUILD_GOAL = frozenset("美丽 平安 法治 健康 数字 信用 创新 文明 幸福 智慧 人文 活力 清廉 诚信".split())


def place_goals(view: TokenView, places: list[Entity]) -> list[Entity]:
    """`美丽上海`, `平安浙江`: a word of `BUILD_GOAL` as the token before a place the
    gazetteers know makes one TERM (the place is not a mention, as in `美丽中国`)."""
    _, ends, index = view.bounds
    out = []
    for p in places:
        i = index.get(p.start)
        if p.label != "GPE" or not i or view.words[i - 1] not in BUILD_GOAL or p.end not in ends:
            continue
        a = view.idx[i - 1]
        out.append(Entity(a, p.end, view.text[a:p.end], "TERM", view.text[a:p.end], "pattern"))
    return out


def sub_units(view: TokenView, bodies: list[Entity]) -> list[Entity]:
    """A department of a body the gazetteers know, named after it: `自然资源部耕地保护监督司`,
    `国家医保局医药价格和招标采购司`, `公安部交通管理局` (ORG, the body's normal form
    before the unit's name). The unit's words are content words (`教育部部长到处…` is no
    unit: no adverb, pronoun, preposition or particle) and its last word starts with the suffix."""
    W = words()
    _, ends, index = view.bounds
    text = view.text
    out = []
    for b in bodies:
        if b.label != "ORG" or b.end not in index:
            continue
        m = _UNIT.match(text, b.end)
        if m is None or m.end() not in ends:
            continue
        i, j = index[b.end], index.get(m.end(), len(view))
        if all(view.tags[k] not in _NOT_IN_UNIT or view.words[k] == "和" for k in range(i, j)) \
                and view.words[j - 1][0] in "司局处厅办" and j - i >= 2:
            out.append(Entity(b.start, m.end(), text[b.start:m.end()], "ORG", b.normalized + text[b.end:m.end()], "pattern"))
    return out


_STANDING = "及其常委会"


def standing_committees(text: str, bodies: list[Entity]) -> list[Entity]:
    """`市人大及其常委会`: the `常委会` is the standing committee of the people's congress just
    named (ORG, `{city}人民代表大会常务委员会`, which the document's place fills in), as `全国人大及其常委会`
    names 全国人民代表大会常务委员会."""
    out = []
    for b in bodies:
        if b.label == "ORG" and b.normalized.endswith("人民代表大会") and text.startswith(_STANDING, b.end):
            a = b.end + 2
            out.append(Entity(a, a + 3, "常委会", "ORG", b.normalized + "常务委员会", "pattern"))
    return out


_CAMPUS = ("校区", "院区", "分院区")


def campuses(view: TokenView, bodies: list[Entity]) -> list[Entity]:
    """A campus of a body, named after it and, maybe, its place: `北京工业大学房山校区`,
    `宣武医院房山院区`, `中山医院国家医学中心青浦院区` is one LOC, as the sets label it.
    Between the body and the suffix only places (jieba's `ns` or gazetteer places)."""
    _, ends, index = view.bounds
    text = view.text
    labels = name_labels()
    out = []
    for b in bodies:
        if b.label != "ORG" or b.end not in index:
            continue
        k = index[b.end]
        while k < len(view) and k - index[b.end] <= 2 and view.words[k] not in _CAMPUS and (
                view.tags[k] == "ns" or labels.get(view.words[k]) in ("GPE", "LOC")
                or any(labels.get(view.words[k] + unit) == "GPE" for unit in "区县市")):  # 房山 of 房山区
            k += 1
        if k < len(view) and view.words[k] in _CAMPUS:
            end = view.idx[k] + len(view.words[k])
            out.append(Entity(b.start, end, text[b.start:end], "LOC", text[b.start:end], "pattern"))
    return out


# The tags of a listed item that is a common word, not a name (`纺织`, `煤炭`, `价格`, `商店`):
# `common_word`'s tags less those names share (`洲际` b, `三元` m, `鼎盛` z).
_COMMON_ITEM_TAGS = frozenset("n vn v a an ad d l".split())
# Tokens after which the first listed name starts, unless they end it (`深化与|大唐`, `计划建成|南湾`,
# `省以下|专业银行`; `龙城彩色包装` ends with a verb).
_BEFORE_NAME_TAGS = frozenset("p c u uj ul uv d v f".split())


def _listed_names(doc: TokenView, starts: dict[int, int], listed: re.Pattern, label: str) -> list[Entity]:
    """`引进了大唐、华能新能源、华润等一批知名工业企业`: each listed name is an ORG;
    `南湾、薄山、佛子岭、梅山等四个大型水库`: each a LOC (`listed`: what follows the list).
    `starts` maps a token's start offset to its index. A listed item that is a common
    word is a kind (`纺织、煤炭等困难行业企业`, `工业、农业、商业等企业`), one after a verb
    starts after it (`严肃查处|银行`, `深化与|大唐`, `计划建成|南湾`), and one that joins
    or places others is no one name (`中国银行和建设银行`, `湖南的柘溪`, `南宁至昆明`). A work
    named after its place is the name without it (`黄河|小浪底`: the gazetteer has 黄河)."""
    W = words()
    text = doc.text
    places = place_names() if label == "LOC" else {}
    first_tags = (W.name_tags - {"vn"}) | {"nrt", "nz", "s"}
    out = []

    def add(a: int, b: int) -> None:
        item = text[a:b]
        if _common_item(item) or _JOINED.search(item):
            return
        if label == "LOC" and a in starts:  # a kind in common words only (`数字|广告` of 等文化产业园区)
            if all(common_word(doc.words[i]) in _COMMON_ITEM_TAGS for i in _tokens_from(doc, starts[a], b)):
                return
        # a work named after the river or region it is on: the name without it (`黄河|小浪底`; the
        # gazetteer has 黄河), not after a city (`南京长江大桥` is one name)
        head = next((n for n in range(len(item) - 2, 1, -1) if places.get(simplified(item[:n]), ("",))[0] == "LOC"), 0) \
            if label == "LOC" else 0
        out.append(Entity(a + head, b, item[head:], label, item[head:], "pattern"))

    for m in listed.finditer(text):
        if (label == "ORG" and W.not_name_word.search(m.group())) or text[m.start() - 1:m.start()] in _EQUAL_BEFORE:
            continue  # 等困难行业亏损企业: the items are industries; 均等化 is no list
        k = m.start()
        while True:
            j = k
            while j > 0 and _LIST_CHAR.match(text, j - 1) and k - j < 12:
                j -= 1
            item = text[j:k]
            sep = text[j - 1:j] if j else ""
            if sep != "、":
                # the first item: keep its trailing proper/noun tokens only
                ti = starts.get(j)
                toks = [doc[i] for i in _tokens_from(doc, ti, k)] if ti is not None else []
                toks = toks[max((n + 1 for n, t in enumerate(toks[:-1]) if t.tag_ in _BEFORE_NAME_TAGS), default=0):]
                # a verbal noun or a policy verb does not open a name (`服务保障中国中化`: 中国中化)
                while toks and (toks[0].tag_ not in first_tags
                                or toks[0].text in W.lead_verbs):
                    toks = toks[1:]
                if toks and len(toks) <= 3 and 2 <= k - toks[0].idx <= 10:
                    add(toks[0].idx, k)
                break
            if 2 <= len(item) <= 10 and j in starts and (label == "LOC" or not W.not_name_end.search(item)):
                add(j, k)
            k = j - 1
    return out


# 等 in a word, not after a list: 均等, 平等, 相等, 同等, 对等
_EQUAL_BEFORE = frozenset("均平相同对")
# what joins or places listed names inside one item: `中国银行和建设银行`, `湖南的柘溪`, `南宁至昆明`;
# with two characters on either side, so that `美的集团`, `协和医院`, `和记黄埔` stay names
_JOINED = re.compile("(?<=[^、]{2})[和及与的至](?=[^、]{2})")
# a character a listed name may hold
_LIST_CHAR = re.compile(f"[{HAN}（）()]")


def _tokens_from(view: TokenView, i: int, end: int) -> range:
    """The indices of the tokens from the `i`th up to those starting before offset `end`."""
    return range(i, max(i, bisect.bisect_left(view.idx, end)))


def _common_item(item: str) -> bool:
    return common_word(item) in _COMMON_ITEM_TAGS or item in words().generic


def _gpe_prefixes(doc: TokenView) -> list[Entity]:
    """A place name fused with a common noun into one token (`台湾同胞`), or a river or region
    the gazetteer knows fused with a part of it (`长江上游`, `黄河流域`: `place_part`)."""
    W = words()
    known, places = gpe_names(), place_names()
    out = []
    for i in compress(range(len(doc.words)), map((3).__le__, map(len, doc.words))):  # words of 3+ characters
        a, w = doc.idx[i], doc.words[i]
        for n in (3, 2):
            head, rest = w[:n], w[n:]
            if head in known and rest in W.gpe_prefix_rest:
                out.append(Entity(a, a + n, head, "GPE", known[head], "gazetteer"))
                break
            if head in places and rest in W.place_part:
                label, norm = places[head]
                out.append(Entity(a, a + n, head, label, norm, "gazetteer"))
                break
    return out


_PLACE_OR_BODY_TAG = frozenset({"ns", "nt", "nz"})  # nz: a works the dictionary knows (`官厅水库`, `梅山水库`)
# A region or the countries of one after a place: not in the place's span, as the sets label it
# (`河南濮阳地区` -> 濮阳); a division named `…地区` (阿里地区) is a gazetteer name of its own.
_AREA_ENDS = ("地区", "地區", "各国", "各國", "三省", "两省", "四省")



# What a kind of place or body opens with, in jieba's dictionary: a common word (`港口|城市`,
# `卫生|院`, `外资|银行`, `公共|场所`), but no name (`黄浦|江`, `和平|区`).
_KIND_HEAD_TAGS = frozenset("n vn v a an ad d l b r h".split())


def _kind_word(w: str, tag: str) -> bool:
    """A word jieba tags as a place or a body that names a kind (`大中城市`, `港口城市`,
    `卫生院`, `中央银行`, `重点高校`; `中南部`): its suffix follows a common word of the
    dictionary, or 部 follows directions. A ministry named by its field is a name
    (`铁道部`, `农垦部`)."""
    if w.endswith("部") and all(ch in "东西南北中" for ch in w[:-1]):
        return True
    for k in (len(w) - 2, len(w) - 1):
        if k >= 2 and common_word(w[:k]) in _KIND_HEAD_TAGS:
            return not ((tag == "nt" and w[k:] == "部") or w[k:] in _WORD_NAMED)  # 复兴岛 is a name
    return False


_PROVINCE_OR_CITY = ("省", "市", "自治区", "特别行政区")
_KIND_OF_PLACE_ENDS = ("城市", "地区", "地區")


def _city_of(w: str, places: dict) -> bool:
    """Whether a word of jieba's ending in 城市 or 地区 names a place the gazetteers know: a city
    (`盐城|市`, `晋城|市`) or an area (`上海|地区`); not a kind (`宜居|城市`, `丘陵|地区`, whose first
    words jieba's dictionary tags `ns` or `nr`, so that its tags cannot tell them)."""
    divisions = division_names()
    return any(simplified(w[:k]) in places or simplified(w[:k]) in divisions for k in (len(w) - 1, len(w) - 2) if k >= 2)


def _two_places(w: str, places: dict) -> tuple | None:
    """A word of two places the gazetteers know, a Chinese province or city then a place in it
    (`上海|浦东新区`, `上海|浦东`): ((name, (label, norm)), (name, (label, norm))), or None. Not two
    countries' names (`捷克斯洛伐克`)."""
    divisions = division_names()
    for k in (2, 3):
        head, rest = simplified(w[:k]), simplified(w[k:])
        label, norm = places.get(head, ("", ""))
        if len(rest) >= 2 and label == "GPE" and norm.endswith(_PROVINCE_OR_CITY):
            hit = places.get(rest) or divisions.get(rest)
            if hit:
                return (w[:k], (label, norm)), (w[k:], hit)
    return None


def pos_candidates(doc: TokenView) -> list[Entity]:
    """jieba's `ns`/`nt`/`nr` tags, kept only where the word's own ending agrees
    (`ns` ending in 区/市/河..., `nt` ending in 部/局/公司...). Measured on the
    gold set, bare POS tags were wrong nine times in ten (`城镇/ns`,
    `施策/nr`); `nr` is used by the name pattern instead."""
    W = words()
    out = []
    places = place_names()
    for i in compress(range(len(doc.tags)), map(_PLACE_OR_BODY_TAG.__contains__, doc.tags)):
        a, w, tag = doc.idx[i], doc.words[i], doc.tags[i]
        if len(w) < 3 or not is_han(w) or w in W.pos_stop:
            continue
        if tag == "ns" and w.endswith(_AREA_ENDS) and simplified(w) not in places and simplified(w[:-2]) in places:
            label, norm = places[simplified(w[:-2])]  # 东北地区, 西欧各国, 太平洋地区: the place alone
            out.append(Entity(a, a + len(w) - 2, w[:-2], label, norm, "pos"))
        elif tag == "ns" and w.endswith(("国", "國")) and not (len(w) > 3 and w.endswith(("共和国", "共和國"))):
            # jieba's `ns` words ending in 国 are phrases (`德治国`, `科教兴国`, `符合中国`, `热爱祖国`) or
            # kinds (`共和国`, `来源国`), not countries, which the gazetteers know: the place at the end, if any
            for k in range(len(w) - 2, 0, -1):
                if simplified(w[k:]) in places:
                    label, norm = places[simplified(w[k:])]
                    out.append(Entity(a + k, a + len(w), w[k:], label, norm, "pos"))
                    break
        elif tag == "ns" and (pair := _two_places(w, places)):
            k = len(pair[0][0])  # `上海浦东新区`: a province or city and a place in it, two mentions, as the sets
            for (name, (label, norm)), start in zip(pair, (a, a + k)):  # label `江苏|望亭`, `四川|汶川`
                out.append(Entity(start, start + len(name), name, label, norm, "pos"))
        elif _kind_word(w, tag) or (tag == "ns" and w.endswith(_KIND_OF_PLACE_ENDS) and not _city_of(w, places)):
            continue  # `宜居城市`, `田园城市`, `丘陵地区`: jieba's places that name kinds
        elif (tag == "ns" or (tag == "nz" and len(w) > 3)) and W.loc_end.search(w):  # not `打江山`, `护城河`
            out.append(Entity(a, a + len(w), w, "LOC", w, "pos"))
        elif tag == "nz":
            continue
        elif tag == "ns" and W.gpe_end.search(w):
            out.append(Entity(a, a + len(w), w, "GPE", w, "pos"))
        elif tag == "nt" and W.org_end.search(w) and w not in W.generic:
            out.append(Entity(a, a + len(w), w, "ORG", w, "pos"))
    return out
