"""What kind of document a text is, and whose: `doc_type`, `level` and `region`.

`doc_type` is read from the title first (the genre words of Chinese official
documents: 意见, 规划, 条例, 决定, 通知, 公报…), then from the head of the text
(a meeting readout, an editorial). The words are in the editable
`pipelines/data/doc_types.tsv`: the first row whose pattern matches wins.

>>> doc_type_of("中共中央办公厅国务院办公厅关于完善价格治理机制的意见", "", {})
'opinion'
>>> level_and_region(None, None, "浙江省人民政府", "2026年浙江省政府工作报告", None)
('provincial', '浙江省')
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.lang.zh import lexicon
from pipelines.lang.zh.script import HAN

WHERE = ("title", "head", "section")
LEVELS = ("national", "provincial", "municipal", "district")


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[str, re.Pattern, str], ...]:
    out = []
    for row in lexicon.table(lexicon.path_of("doc_types.tsv"), ("where", "pattern", "doc_type")):
        where = row.choice(0, WHERE, "where")
        out.append((where, row.regex(1), row.fields[2]))
    return tuple(out)


def doc_type_of(title: str | None, text: str, given: dict) -> str | None:
    """The genre of a document from its title, the head of its text and the
    newspaper section it was printed in (front matter `section_name`)."""
    fields = {"title": title or "", "head": text[:300], "section": str(given.get("section_name") or "")}
    for where, pattern, doc_type in _rules():
        if pattern.search(fields[where]):
            return doc_type
    return None


_PROVINCE = re.compile(rf"([{HAN}]{{2,7}}?(?:省|自治区)|北京市|天津市|上海市|重庆市)")
# A city or district name holds no name of a higher unit (`呼伦贝尔市海拉尔区` -> 海拉尔区).
_CITY = re.compile(rf"((?:(?![省区])[{HAN}]){{2,7}}?(?:市|自治州|州|盟))(?:人民政府|政府|委员会|人民代表大会)")
_DISTRICT = re.compile(rf"((?:(?![省市州盟])[{HAN}]){{2,7}}?(?:区|县|旗))(?:人民政府|政府|委员会|人民代表大会)")


# Issuers named at the head of a title (`中共中央办公厅国务院办公厅关于…的意见`,
# `国办印发…`), and the abbreviations papers use for them.
_ABBREVIATIONS = {"中办": "中共中央办公厅", "国办": "国务院办公厅", "中组部": "中共中央组织部", "国家发展改革委": "国家发展和改革委员会"}
_BODY = rf"(?:中共中央办公厅|国务院办公厅|中共中央|国务院|中央军委|全国人大常委会|中办|国办|[{HAN}]{{2,12}}?(?:部|委员会|局|署))"
_TITLE_ISSUERS = re.compile(rf"^(?P<bodies>(?:{_BODY}[、]?){{1,6}})(?:关于|印发|发布)")
_DECORATION = re.compile(r"（[^（）]*(?:社论|政策解读|专论|评论|学习贯彻|答记者问)[^（）]*）$")
# Central bodies; a ministry or commission by its ending, but not a local one's short form (`省发改委`).
CENTRAL = re.compile(r"^(?:中共中央|中央|国务院|全国人民代表大会|全国人大|中国共产党|人民日报|新华社|求是)"
                     r"|(?:^|、)(?![省市县区])[^、]{2,12}?(?:部|委|署|总局)$")


def title_issuers(title: str | None) -> str | None:
    """The bodies a title opens with, joined by `、`: `中共中央办公厅、国务院办公厅`."""
    m = _TITLE_ISSUERS.match(title or "")
    if not m:
        return None
    bodies = re.findall(_BODY, m.group("bodies"))
    return "、".join(_ABBREVIATIONS.get(b, b) for b in bodies)


def plain_title(title: str | None) -> str | None:
    """A title without the paper's decoration: `（社论）`, `（政策解读）`, `（学习贯彻…精神）`."""
    return _DECORATION.sub("", title).strip() if title else title


def level_and_region(level: str | None, region: str | None, issuer: str | None, title: str | None,
                     occasion: str | None) -> tuple[str | None, str | None]:
    """`level` and `region` from the input's fields, else from the issuer, the
    title or the occasion (`浙江省第十四届人民代表大会第四次会议`)."""
    if level and level not in LEVELS:
        level = None
    for field in (issuer, occasion, title):
        if not field:
            continue
        for lvl, rx in (("district", _DISTRICT), ("municipal", _CITY)):
            m = rx.search(field)
            if m and not _PROVINCE.fullmatch(m.group(1)):
                return level or lvl, region or m.group(1)
        m = _PROVINCE.search(field)
        if m and (field.startswith(m.group(1)) or re.match(r"\d{4}年", field)):
            return level or "provincial", region or m.group(1)
    if issuer and CENTRAL.search(issuer):
        return level or "national", region
    return level, region
