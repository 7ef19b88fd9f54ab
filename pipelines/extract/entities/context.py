"""Forms that depend on the document: its place, its year, the names it gives."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from itertools import compress

from spacy.tokens import Doc

from pipelines.extract.entities.model import Entity
from pipelines.extract.entities.shapes import ORDINAL_PREFIX
from pipelines.extract.gazetteer import gpe_names, names, parents, title_holder
from pipelines.lang.zh.script import HAN, simplified
from pipelines.lang.zh.segment import ORIGINAL_KEY, doc_text


def place_of(*fields: str | None) -> dict[str, str]:
    """The district, city, county and province a document speaks for, from its
    issuer, occasion or title (`海拉尔区人民政府` -> 海拉尔区, 呼伦贝尔市, 内蒙古自治区),
    and under `own` the lowest of them, the place of the government that speaks."""
    places: dict[str, str] = {}
    known = gpe_names()
    for field in fields:
        if not field:
            continue
        for m in re.finditer(rf"[{HAN}]{{2,8}}?(?:自治区|区|市|县|旗|省)", field):
            name = m.group()
            level = {"区": "district", "市": "city", "县": "county", "旗": "county", "省": "province"}[name[-1]]
            if name.endswith("自治区"):
                level = "province"
            if name in known or level == "district":
                places.setdefault(level, name)
    chain = places.get("district") or places.get("county") or places.get("city")
    own = chain or places.get("province")
    if own:
        places["own"] = own  # the level the document speaks for (`{own}` of local_bodies.tsv)
    parent_of = parents()
    while chain in parent_of:
        parent = parent_of[chain]
        level = "province" if parent.endswith(("省", "自治区")) else "city"
        places.setdefault(level, parent)
        chain = parent
    return places


_TEMPLATE = re.compile(r"\{(\w+)\}")
_LEVEL_WORDS = ("自治区", "省", "市", "区", "县", "旗")


@lru_cache(maxsize=1)
def _local_bodies() -> list[tuple[str, str]]:
    """(name, template) of the bodies named by their level, longest first: `市人大常委会`, `市委`."""
    rows = [(n.text, n.normalized) for n in names() if n.label == "ORG" and "{" in n.normalized]
    return sorted(rows, key=lambda r: -len(r[0]))


def place_body(text: str) -> str | None:
    """The normal form of a local body that names its place: `浙江省委` -> `中共浙江省委员会`,
    `中共上海市委` -> `中共上海市委员会`, `内蒙古自治区党委` -> `中共内蒙古自治区委员会`
    (the templates of `local_bodies.tsv`, filled from the name itself); None otherwise."""
    name = text.removeprefix("中共")
    for body, template in _local_bodies():
        if name.endswith(body) and len(name) - len(body) >= 2:
            place = name[:-len(body)]
            level = next((w for w in _LEVEL_WORDS if body.startswith(w)), "")
            if not re.fullmatch(f"[{HAN}]+", place) or place.endswith(_LEVEL_WORDS):
                return None
            return _TEMPLATE.sub(place + level, template)
    return None


def fused_bodies(view) -> list[Entity]:
    """A local body that jieba's dictionary holds as one word with its place
    (`北京市人民政府`, `上海市政府`, `云南省人民政府`), which hides the place from the
    gazetteer and the body from the shapes: an ORG in its normal form (`place_body`)
    when the place is one the gazetteers know."""
    known = gpe_names()
    out = []
    for i in compress(range(len(view.tags)), map("nt".__eq__, view.tags)):  # the bodies' tag, tested in C
        a, w = view.idx[i], view.words[i]
        if len(w) < 4:
            continue
        norm = place_body(w)
        name = w.removeprefix("中共")
        if norm and any(name[:n] in known for n in range(2, len(name) - 1)):  # it opens with a known place
            out.append(Entity(a, a + len(w), w, "ORG", norm, "pattern"))
    return out


def _extend_events(ents: list[Entity], text: str) -> list[Entity]:
    """`首届中国国际进口博览会`, `第２６届奥运会`: an ordinal before a known event is part of its name."""
    out = []
    prev_end = 0
    for e in ents:
        if e.label == "EVENT":
            m = ORDINAL_PREFIX.search(text[max(prev_end, e.start - 6):e.start])
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
            norm = named_titles.get(e.text) or title_holder(e.text, year)
            if norm is None:
                continue
        norm = simplified(norm)  # normal forms in simplified characters (毛澤东 -> 毛泽东)
        out.append(replace(e, normalized=norm) if norm != e.normalized else e)
    return out


def extract_entities(doc: Doc, year: int | None = None, places: dict[str, str] | None = None) -> list[Entity]:
    """The entities of a processed spaCy `Doc`, with document-dependent forms resolved."""
    ents = doc._.policy_entities
    if ents is None:
        raise ValueError("the pipeline has no `policy_entities` component: build it with make_nlp()")
    out = resolve_in_context(ents, doc_text(doc), year, places or {})
    original = doc.user_data.get(ORIGINAL_KEY)
    if original is not None:  # recognised in simplified characters: each name as the text writes it
        out = [replace(e, text=original[e.start:e.end]) for e in out]
    return out
