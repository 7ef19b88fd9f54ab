"""Entities: who, which bodies, places, meetings, documents and slogans a text names.

No downloadable Chinese NER model can be installed here, so the recogniser is
built from what the field knows, on spaCy's machinery:

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

Overlaps are resolved predictably: the longest candidate wins; between equal
spans, gazetteer beats pattern, pattern beats quote, and quote beats POS.
`normalized` maps variants to one form (`我国` -> `中国`, `党中央` -> `中共中央`,
`十八大` -> `中国共产党第十八次全国代表大会`); forms that depend on the
document (`我区`, `区委`, a bare `总书记`) are resolved from its place and year by
`resolve_in_context`.

>>> from pipelines.segment import make_nlp
>>> doc = make_nlp()("以习近平同志为核心的党中央作出部署。我国“新三样”发展表明，要落实党的二十届四中全会精神。")
>>> [(e.text, e.label, e.normalized, e.method) for e in doc._.policy_entities]  # doctest: +NORMALIZE_WHITESPACE
[('习近平', 'PERSON', '习近平', 'gazetteer'), ('党中央', 'ORG', '中共中央', 'gazetteer'),
 ('我国', 'GPE', '中国', 'gazetteer'), ('新三样', 'TERM', '新三样', 'quote'),
 ('二十届四中全会', 'EVENT', '中国共产党第二十届中央委员会第四次全体会议', 'pattern')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from typing import NamedTuple

from spacy.attrs import IDX, TAG
from spacy.language import Language
from spacy.tokens import Doc

from pipelines import figures as F
from pipelines import gazetteer as G

METHOD_RANK = {"gazetteer": 4, "pattern": 3, "quote": 2, "pos": 1}


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    label: str
    normalized: str
    method: str


if not Doc.has_extension("policy_entities"):
    Doc.set_extension("policy_entities", default=None)


# ---------------------------------------------------------------- patterns

_TITLE = re.compile(r"《([^《》\n]{1,80})》")
_PRESS = re.compile(r"(?:日报|晚报|时报|周报|报|杂志|周刊|月刊|半月刊|学报|求是|红旗|通讯|新闻)$")
_BOOK = re.compile(r"(?:全集|选集|文集|文选|文稿|著作选读|语录|年谱)$")
_PLAN_LAW = re.compile(r"“?(十[一二三四五]|[一二三四五六七八九十])五”?(?:规划纲要|规划|计划|計划|計劃)|第(十[一二三四五]|[一二三四五六七八九十])个五年(?:规划纲要|规划|计划|計划|計劃)")
_QUOTE = re.compile(r"“\s*([^“”\n，。；：！？,;:!?\s][^“”\n，。；：！？,;:!?]{0,11}?)\s*”")
_PERSON_BEFORE = re.compile(
    r"(?=(?:同志|总书记|总理|副总理|主席|副主席|委员长|副委员长|书记|区长|副区长|市长|副市长|省长|副省长|县长|旗长|部长|院士|先生|女士)"
    r"(?![\u4e00-\u9fff]{0,1}(?:团|会|制)))")
_BYLINE = re.compile(r"(?:作者|记者|区长|市长|县长|省长|旗长|主任|书记|总理)[:：]?[ \t　]*([\u4e00-\u9fff]{2,4})(?=[ \t　]*(?:\n|$))")
_CC_TERM = re.compile(r"第([一二三四五六七八九十]{1,3})届中央委员会")
_EVENT_SUFFIX = re.compile(r"(?:全委扩大会议|扩大会议|工作会议|首脑会议|会议|峰会|论坛年会|论坛|会晤|博览会|交易会|运动会|锦标赛|大赛|邀请赛|洽谈会|展销会|洽谈暨商品展销会)")
_EVENT_CUE = re.compile(r"(?:召开|举办|举行|出席|主持|参加|成功举办)了?$")
_ORDINAL_PREFIX = re.compile(r"(?:第[一二三四五六七八九十0-9０-９]{1,3}[届次]|首届)$")
_INSTITUTION = re.compile(r"(?:中学|小学|幼儿园|学校|人民医院|医院|卫生院|卫生服务中心|养老院|酒店|商厦|购物广场|交易市场|交易中心|热电厂|电厂|培训中心|农村商业银行)")
# Kinds of institution, not names: 乡村小规模学校, 职业学校, 城市合作银行.
_INSTITUTION_GENERIC = frozenset("乡村 乡镇 城市 城乡 农村 高中 职业 寄宿制 小规模 民办 公办 重点 中小 各类 普通 基层 县级 公立 "
                                 "综合 专科 国有 民营 合作 二手车 高速 城区 主干 沿街 老旧 棚户 保障性 新建 现代 国家级 "
                                 "省级 市级 特色 产业 工业 开发区 生态 文化 科技 物流 旧有".split())
# Bare 人大 / 政协 naming the bodies that supervise a government.
_PEOPLE_BODIES = re.compile(r"(?:区|市|县)?(?:人大|政协)(?=及其常委会|的法律监督|的民主监督|依法监督|民主监督|、政协|有力监督|的监督|和政协)")
# Named places and facilities (LOC): streets, bridges, railways, airports, parks, sites, zones.
_FACILITY = re.compile(r"(?:大街|大道|沿河路|快速路|铁路|大桥|桥|机场|航空港|客运总站|遗址公园|纪念园|公园|遗址|湿地|水源地|"
                       r"物流园区|物流园|产业园|园区|住宅小区|小区|写字楼|古城|大剧院|文体馆|体育馆|博物馆|展览馆|组团)")
_TOWN = re.compile(r"(?:镇|乡|街道|社区|苏木|嘎查)")
_LISTED = re.compile(r"等(?:一批|一些|多家|[0-9０-９]+家)?[\u4e00-\u9fff]{0,6}?(?:企业|公司|酒店|商场|商业综合体|银行|集团|厂)")
_NOT_NAME_END = re.compile(r"(?:生产线|工程|项目|基地|园区|产业|行业)$")
_EMBASSY = re.compile(r"[\u4e00-\u9fff]{2,6}驻[\u4e00-\u9fff]{2,8}?(?:总领事馆|领事馆|大使馆|代表处)")
# Bare 中央 as the Party centre, by what it does (`中央采取的…措施`, `主持中央日常工作`).
_CENTRE = re.compile(r"(?<=主持)中央(?=日常工作)|中央(?=采取|决定|要求|指出|强调|部署|号召|和国务院|和省级党委|、国务院)")
_GPE_PREFIX_REST = frozenset("同胞 人民 地区 各族人民 方面 特区 居民 青年".split())
_ORG_SUFFIX = re.compile(
    r"(?:人民代表大会常务委员会|人民政府|委员会|有限责任公司|股份有限公司|有限公司|公司|集团|银行|研究院|研究所|"
    r"大学|学院|中学|小学|幼儿园|医院|卫生服务中心|服务中心|促进会|协会|学会|联合会|基金会|商会|合作社|"
    r"总署|总局|管理局|办公厅|办公室)")
# A bare title standing for a person (`总书记强调`); kept only when the person
# can be resolved (`resolve_in_context`).
_BARE_TITLE = re.compile(r"总书记(?![处的职])")
_ORG_LEFT_TAGS = {"ns", "nt", "nz", "nr", "nrt", "nrfg", "j", "n", "vn", "ng", "nw"}
_ORG_FIRST_TAGS = {"ns", "nt", "nz", "nr", "nrt", "nrfg", "j"}
_GENERIC = frozenset("反党集团 科研院所 全部 内部 外部 局部 干部 东部 西部 中部 南部 北部 基层 各级 有关 相关 上级 下级 本级 地方 中央 国家 政府 "
                     "全国 各地 部分 群众 人民 企业 社会 有关部门 职能部门 主管部门".split())
_POS_STOP = frozenset("中华 华夏 东方 西方 南方 北方 中外 国内 国外 海外 境内 境外 城乡 中西部 东中西部 全球 世界 天下 内地 "
                      "沿海 边疆 中原 江南 塞北 关内 关外".split())


def _congress_name(f: F.Figure) -> str:
    n, m = int(f.value), f.plenum
    written = f.text
    ordn = lambda k: "第" + _cn(k)  # noqa: E731
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


def _cn(k: int) -> str:
    digits = "零一二三四五六七八九"
    if k < 10:
        return digits[k]
    if k < 20:
        return "十" + (digits[k % 10] if k % 10 else "")
    return digits[k // 10] + "十" + (digits[k % 10] if k % 10 else "")


def _events(text: str) -> list[Entity]:
    """Congresses, plenums and sessions from the figures' patterns, as EVENTs;
    `十八届三中、四中、五中全会` (three figures) becomes one EVENT."""
    found = F.congresses(text)
    out: list[Entity] = []
    i = 0
    while i < len(found):
        f = found[i]
        j = i
        while (j + 1 < len(found) and found[j + 1].subject == f.subject == "党的中央委员会全会"
               and text[found[j].end:found[j + 1].start] in ("、", "，", "和", "及")):
            j += 1
        if j > i:
            plenums = "、".join(f"第{_cn(g.plenum)}次" for g in found[i:j + 1])
            norm = f"中国共产党第{_cn(int(f.value))}届中央委员会{plenums}全体会议"
            out.append(Entity(f.start, found[j].end, text[f.start:found[j].end], "EVENT", norm, "pattern"))
        else:
            out.append(Entity(f.start, f.end, f.text, "EVENT", _congress_name(f), "pattern"))
        i = j + 1
    return out


class _Tok(NamedTuple):
    i: int
    idx: int
    text: str
    tag_: str


class _View:
    """The tokens of a Doc as plain tuples, made once: creating spaCy `Token`
    objects over and over cost more than the whole recogniser."""

    def __init__(self, doc: Doc):
        self.text = doc.text
        arr = doc.to_array([IDX, TAG])
        strings = doc.vocab.strings
        starts = arr[:, 0].tolist() if len(doc) else []
        ends = starts[1:] + [len(self.text)]
        self.toks = [_Tok(i, a, self.text[a:b], strings[int(t)]) for i, (a, b, t) in enumerate(zip(starts, ends, arr[:, 1].tolist() if len(doc) else []))]

    def __getitem__(self, i: int) -> _Tok:
        return self.toks[i]

    def __iter__(self):
        return iter(self.toks)

    def __len__(self) -> int:
        return len(self.toks)


def _token_bounds(doc) -> tuple[set[int], set[int], dict[int, int]]:
    starts = {t.idx for t in doc}
    ends = {t.idx + len(t.text) for t in doc}
    index = {t.idx: t.i for t in doc}
    return starts, ends, index


def _shape_candidates(doc: Doc) -> list[Entity]:
    text = doc.text
    out: list[Entity] = []
    for m in _TITLE.finditer(text):
        inner = m.group(1).strip()
        if not inner or _BOOK.search(inner):
            continue
        label = "ORG" if _PRESS.search(inner) and len(inner) <= 8 else "LAW"
        out.append(Entity(m.start(1), m.end(1), m.group(1), label, inner, "pattern"))
    out.extend(_events(text))
    for m in _PLAN_LAW.finditer(text):
        n = F.ordinal(m.group(1) or m.group(2))
        kind = "规划纲要" if m.group().endswith("纲要") else ("计划" if m.group()[-2] in "计計" else "规划")
        out.append(Entity(m.start(), m.end(), m.group(), "LAW", f"第{_cn(n)}个五年{kind}", "pattern"))
    starts, ends, index = _token_bounds(doc)
    single, double = G.surnames()
    for m in _PERSON_BEFORE.finditer(text):
        pos = m.start()
        if text[pos - 1:pos] == "副":
            continue  # 叶剑英副主席: the title is 副主席, matched at 副
        for size in (3, 2, 4):
            a = pos - size
            if a < 0 or a not in starts:
                continue
            name = text[a:pos]
            if not re.fullmatch(r"[\u4e00-\u9fff]+", name):
                continue
            if not (name[0] in single and size < 4 or name[:2] in double):
                continue
            tok = doc[index[a]]
            if tok.tag_.startswith("nr") or (len(tok.text) < len(name) and tok.tag_ not in ("n", "v", "vn", "ns", "nt", "nz", "d", "p", "c", "u", "r", "m", "q", "f")):
                out.append(Entity(a, pos, name, "PERSON", name, "pattern"))
                break
    for m in _BYLINE.finditer(text):
        name = m.group(1)
        if name[0] in single or name[:2] in double:
            out.append(Entity(m.start(1), m.end(1), name, "PERSON", name, "pattern"))
    for m in _ORG_SUFFIX.finditer(text):
        i = index.get(m.start())
        if i is None or m.end() not in ends:
            continue  # the suffix must be whole tokens (not 公司法, not 总局面)
        # walk left over at most three noun tokens; the span starts at a proper noun
        j, first = i - 1, None
        while j >= 0 and i - j <= 3 and doc[j].tag_ in _ORG_LEFT_TAGS and doc[j].text not in _GENERIC:
            if doc[j].tag_ in _ORG_FIRST_TAGS:
                first = j
            j -= 1
        if first is None:
            continue
        a = doc[first].idx
        span = text[a:m.end()]
        if len(span) >= 4:
            out.append(Entity(a, m.end(), span, "ORG", span, "pattern"))
    for m in _EMBASSY.finditer(text):
        out.append(Entity(m.start(), m.end(), m.group(), "ORG", m.group(), "pattern"))
    for m in _CENTRE.finditer(text):
        if m.start() in starts:
            out.append(Entity(m.start(), m.end(), m.group(), "ORG", "中共中央", "pattern"))
    for m in _CC_TERM.finditer(text):
        out.append(Entity(m.start(), m.end(), m.group(), "ORG", "中国共产党" + m.group(), "pattern"))
    out += _suffix_names(doc, _EVENT_SUFFIX, "EVENT", starts, ends, index, max_tokens=6)
    for m in _PEOPLE_BODIES.finditer(text):
        if m.start() in starts or text[m.start()] in "区市县":
            body = m.group().lstrip("区市县")
            level = {"区": "district", "市": "city", "县": "county"}.get(m.group()[0], "district")
            norm = f"{{{level}}}人民代表大会" if body == "人大" else f"政协{{{level}}}委员会"
            out.append(Entity(m.start(), m.end(), m.group(), "ORG", norm, "pattern"))
    out += _suffix_names(doc, _INSTITUTION, "ORG", starts, ends, index, loose=True)
    out += _suffix_names(doc, _TOWN, "GPE", starts, ends, index, loose=True, max_tokens=1)
    out += _suffix_names(doc, _FACILITY, "LOC", starts, ends, index, loose=True, max_tokens=3)
    out += _listed_orgs(doc, index)
    out += _gpe_prefixes(doc)
    out += quoted_terms(text)
    return out


def quoted_terms(text: str) -> list[Entity]:
    """Short terms in quotation marks (`“新三样”`), not plan periods or bare numbers."""
    out = []
    for m in _QUOTE.finditer(text):
        inner = m.group(1)
        if re.fullmatch(r"(十[一二三四五]|[一二三四五六七八九十])五", inner) or re.fullmatch(r"[\d０-９.%％年月日]+", inner):
            continue
        out.append(Entity(m.start(1), m.end(1), inner, "TERM", inner, "quote"))
    return out


_GPE_END = re.compile(r"[省市县区镇乡村旗州盟]$|国$")
_LOC_END = re.compile(r"(?:河|江|湖|山|湾|岛|峡|高原|盆地|草原|湿地|大街|大道|公园|水库)$")
_ORG_END = re.compile(r"[部委局厅院社行所校司办]$|(?:集团|公司|中心|协会|学会)$")


def _suffix_names(doc: Doc, suffix: re.Pattern, label: str, starts, ends, index,
                  loose: bool = False, max_tokens: int = 3) -> list[Entity]:
    """`<proper noun tokens><suffix>`: 铁路会议 after 召开, 学府路中学, 奋斗镇.
    `loose`: the left part may be common nouns (schools, towns); otherwise it
    needs a proper-noun tag or a cue (召开了…, a list of such names)."""
    text = doc.text
    out: list[Entity] = []
    last_end = -1
    for m in suffix.finditer(text):
        i = index.get(m.start())
        if i is None or m.end() not in ends:
            continue
        j, first, proper = i - 1, None, False
        left_tags = _ORG_LEFT_TAGS - {"vn"} if loose else _ORG_LEFT_TAGS
        allowed = {"全国", "自治区"} if label == "EVENT" else set()
        while j >= 0 and i - j <= max_tokens and (doc[j].tag_ in left_tags or (loose and doc[j].tag_ in ("m", "a", "b"))
                                                   or doc[j].text in allowed) \
                and (doc[j].text not in _GENERIC or doc[j].text in allowed) and re.fullmatch(r"[\u4e00-\u9fff]+", doc[j].text):
            if doc[j].tag_ == "m" and not doc[j].text.startswith("第"):
                break
            if loose and doc[j].text in _INSTITUTION_GENERIC:
                break
            first = j
            proper = proper or doc[j].tag_ in _ORG_FIRST_TAGS or doc[j].text in allowed
            j -= 1
        if first is None:
            continue
        a = doc[first].idx
        before = text[max(0, a - 6):a]
        listed = last_end >= 0 and text[last_end:a] in ("、", "，", "和", "及")
        if not (loose or proper or _EVENT_CUE.search(before) or listed):
            continue
        pre = _ORDINAL_PREFIX.search(before)
        if pre:
            a -= len(pre.group())
        span = text[a:m.end()]
        if len(span) >= 3:
            out.append(Entity(a, m.end(), span, label, span, "pattern"))
            last_end = m.end()
    return out


def _listed_orgs(doc, starts: dict[int, int]) -> list[Entity]:
    """`引进了大唐、华能新能源、华润等一批知名工业企业`: each listed name is an ORG.
    `starts` maps a token's start offset to its index."""
    text = doc.text
    out = []
    for m in _LISTED.finditer(text):
        k = m.start()
        while True:
            j = k
            while j > 0 and re.match(r"[\u4e00-\u9fff（）()]", text[j - 1]) and k - j < 12:
                j -= 1
            item = text[j:k]
            sep = text[j - 1:j] if j else ""
            if sep != "、":
                # the first item: keep its trailing proper/noun tokens only
                ti = starts.get(j)
                toks = []
                if ti is not None:
                    while ti < len(doc) and doc[ti].idx < k:
                        toks.append(doc[ti])
                        ti += 1
                while toks and toks[0].tag_ not in _ORG_LEFT_TAGS | {"nrt", "nz"}:
                    toks = toks[1:]
                if toks and len(toks) <= 3:
                    a = toks[0].idx
                    if 2 <= k - a <= 10:
                        out.append(Entity(a, k, text[a:k], "ORG", text[a:k], "pattern"))
                break
            if 2 <= len(item) <= 10 and j in starts and not _NOT_NAME_END.search(item):
                out.append(Entity(j, k, item, "ORG", item, "pattern"))
            k = j - 1
    return out


def _gpe_prefixes(doc: Doc) -> list[Entity]:
    """A place name fused with a common noun into one token (`台湾同胞`)."""
    known = _gpe_names()
    out = []
    for t in doc:
        for n in (3, 2):
            head, rest = t.text[:n], t.text[n:]
            if head in known and rest in _GPE_PREFIX_REST:
                out.append(Entity(t.idx, t.idx + n, head, "GPE", known[head], "gazetteer"))
                break
    return out


@lru_cache(maxsize=1)
def _gpe_names() -> dict[str, str]:
    return {n.text: n.normalized for n in G.names() if n.label == "GPE" and "{" not in n.normalized}


def _pos_candidates(doc: Doc) -> list[Entity]:
    """jieba's `ns`/`nt`/`nr` tags, kept only where the word's own ending agrees
    (`ns` ending in 区/市/河..., `nt` ending in 部/局/公司...). Measured on the
    gold set, bare POS tags were wrong nine times in ten (`城镇/ns`,
    `施策/nr`); `nr` is used by the name pattern instead."""
    out = []
    for t in doc:
        tag, w = t.tag_, t.text
        if len(w) < 3 or not re.fullmatch(r"[\u4e00-\u9fff]+", w) or w in _POS_STOP:
            continue
        if tag == "ns" and _LOC_END.search(w):
            out.append(Entity(t.idx, t.idx + len(w), w, "LOC", w, "pos"))
        elif tag == "ns" and _GPE_END.search(w):
            out.append(Entity(t.idx, t.idx + len(w), w, "GPE", w, "pos"))
        elif tag == "nt" and _ORG_END.search(w) and w not in _GENERIC:
            out.append(Entity(t.idx, t.idx + len(w), w, "ORG", w, "pos"))
    return out


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


@Language.component("policy_entities")
def policy_entities(doc: Doc) -> Doc:
    """Gazetteer matches (from `policy_gazetteer`), shapes, quotes and POS candidates, resolved."""
    cands = []
    for ent in doc.ents:
        method, _, norm = ent.ent_id_.partition("|")
        cands.append(Entity(ent.start_char, ent.end_char, ent.text, ent.label_, norm or ent.text, method or "gazetteer"))
    named = [(c.start, c.end) for c in cands if c.label != "TERM"]
    view = _View(doc)
    for c in _shape_candidates(view):
        if c.method == "quote" and any(c.start <= a and b <= c.end and (a, b) != (c.start, c.end) for a, b in named):
            continue  # “篡改毛主席的既定方针”: a quotation naming someone, not a term
        cands.append(c)
    cands += _pos_candidates(view)
    ents = resolve_overlaps(cands)
    # A bare title standing for a person (`学习了总书记重要讲话`), not one after a
    # name (`习近平总书记`); kept only if `resolve_in_context` can name the person.
    named_ends = {e.end for e in ents if e.label == "PERSON"}
    taken = {i for e in ents for i in range(e.start, e.end)}
    bare = [Entity(m.start(), m.end(), m.group(), "PERSON", m.group(), "pattern") for m in _BARE_TITLE.finditer(doc.text)
            if m.start() not in named_ends and not taken & set(range(m.start(), m.end()))]
    if bare:
        ents = sorted(ents + bare, key=lambda e: e.start)
    doc._.policy_entities = ents
    spans = [doc.char_span(e.start, e.end, label=e.label) for e in ents]
    doc.ents = [s for s in spans if s is not None]
    return doc


def add_to(nlp: Language) -> Language:
    """Add the gazetteer ruler and `policy_entities` to a pipeline from `make_nlp`."""
    ruler = nlp.add_pipe("entity_ruler", name="policy_gazetteer", config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True})
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(_patterns())
    nlp.add_pipe("policy_entities")
    return nlp


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict, ...]:
    return tuple({"label": n.label, "pattern": n.text, "id": f"gazetteer|{n.normalized}"} for n in G.names())


# ---------------------------------------------------------------- context

def place_of(*fields: str | None) -> dict[str, str]:
    """The district, city, county and province a document speaks for, from its
    issuer, occasion or title (`海拉尔区人民政府` -> 海拉尔区, 呼伦贝尔市, 内蒙古自治区)."""
    places: dict[str, str] = {}
    known = _gpe_names()
    for field in fields:
        if not field:
            continue
        for m in re.finditer(r"[\u4e00-\u9fff]{2,8}?(?:自治区|区|市|县|旗|省)", field):
            name = m.group()
            level = {"区": "district", "市": "city", "县": "county", "旗": "county", "省": "province"}[name[-1]]
            if name.endswith("自治区"):
                level = "province"
            if name in known or level == "district":
                places.setdefault(level, name)
    chain = places.get("district") or places.get("county") or places.get("city")
    parents = G.parents()
    while chain in parents:
        parent = parents[chain]
        level = "province" if parent.endswith(("省", "自治区")) else "city"
        places.setdefault(level, parent)
        chain = parent
    return places


_TEMPLATE = re.compile(r"\{(\w+)\}")


def _extend_events(ents: list[Entity], text: str) -> list[Entity]:
    """`首届中国国际进口博览会`, `第２６届奥运会`: an ordinal before a known event is part of its name."""
    out = []
    prev_end = 0
    for e in ents:
        if e.label == "EVENT":
            m = _ORDINAL_PREFIX.search(text[max(prev_end, e.start - 6):e.start])
            if m:
                a = e.start - len(m.group())
                e = replace(e, start=a, text=text[a:e.end], normalized=m.group() + e.normalized)
        out.append(e)
        prev_end = e.end
    return out


def resolve_in_context(ents: list[Entity], text: str, year: int | None, places: dict[str, str]) -> list[Entity]:
    """Fill normal forms that depend on the document: `区委` -> `中共海拉尔区委员会`,
    `我区` -> `海拉尔区`, a bare `总书记` -> who held the title that year or the
    name the text gives with it. Local forms with no known place are dropped
    (`我区` in a text that names no district)."""
    ents = _extend_events(ents, text)
    out = []
    named_titles: dict[str, str] = {}
    for e in ents:  # 习近平总书记: the text names who the title stands for
        m = re.match(r"总书记|总理|主席|委员长", text[e.end:e.end + 3])
        if e.label == "PERSON" and m and e.text not in ("总书记", "总理", "主席", "委员长"):
            named_titles.setdefault(m.group(), e.normalized)
    for e in ents:
        norm = e.normalized
        if "{" in norm:
            keys = _TEMPLATE.findall(norm)
            if e.label == "EVENT" and "district" not in places:
                norm = norm.replace("{district}", "").replace("届人民代表大会", "届全国人民代表大会")
                keys = []
            if not all(k in places for k in keys):
                if e.label == "GPE":
                    continue
                norm = e.text
            else:
                norm = _TEMPLATE.sub(lambda m: places[m.group(1)], norm)
        if e.label == "PERSON" and e.text in ("总书记", "总理", "主席", "委员长"):
            norm = named_titles.get(e.text) or G.title_holder(e.text, year)
            if norm is None:
                continue
        norm = F.simplified(norm)  # normal forms in simplified characters (毛澤东 -> 毛泽东)
        out.append(replace(e, normalized=norm) if norm != e.normalized else e)
    return out


def extract_entities(doc: Doc, year: int | None = None, places: dict[str, str] | None = None) -> list[Entity]:
    """The entities of a processed spaCy `Doc`, with document-dependent forms resolved."""
    ents = doc._.policy_entities
    if ents is None:
        raise ValueError("the pipeline has no `policy_entities` component: build it with make_nlp()")
    return resolve_in_context(ents, doc.text, year, places or {})


def entities_to_records(doc_id: str, ents: list[Entity], sentence_ids: list[int]) -> list[dict]:
    """Rows of the `entities` table; `sentence_ids[i]` is the sentence of `ents[i]`."""
    return [
        {"doc_id": doc_id, "entity_id": i, "sentence_id": sid,
         "text": e.text, "label": e.label, "normalized": e.normalized, "method": e.method, "start": e.start, "end": e.end}
        for i, (e, sid) in enumerate(zip(ents, sentence_ids))
    ]
