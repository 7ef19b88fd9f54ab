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

The lists a researcher may extend are data files in `pipelines/data/`:
`figure_units.tsv`, `figure_scales.tsv`, `figure_qualifiers.tsv`,
`figure_directions.tsv` and `figure_idioms.txt`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from decimal import Decimal

import cn2an

DATA = Path(__file__).parent / "data"

KINDS = ("percent", "percentage_point", "amount", "quantity", "year", "date", "period", "plan_period", "congress", "rank")


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    text: str
    kind: str
    value: float
    value_high: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    direction: str | None = None
    target: bool | None = None
    subject: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    plenum: int | None = None


# ---------------------------------------------------------------- data files

def _rows(name: str) -> list[list[str]]:
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.rstrip("\n").split("\t"))
    return out


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    units = {r[0]: (r[1], r[2]) for r in _rows("figure_units.tsv")}
    scales = {r[0]: Decimal(r[1]) for r in _rows("figure_scales.tsv")}
    quals = _rows("figure_qualifiers.tsv")
    before = {r[0]: r[2] for r in quals if r[1] == "before"}
    after = {r[0]: r[2] for r in quals if r[1] == "after"}
    directions = {r[0]: r[1] for r in _rows("figure_directions.tsv") if len(r) == 2}
    comparative = {r[0]: r[1] for r in _rows("figure_directions.tsv") if len(r) > 2 and r[2] == "comparative"}
    idioms = [r[0] for r in _rows("figure_idioms.txt")]
    return {
        "units": units,
        "unit_re": re.compile("|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))),
        "scales": scales,
        "before": before,
        "before_re": re.compile("(?:" + "|".join(re.escape(q) for q in sorted(before, key=len, reverse=True)) + ")$"),
        "after_re": re.compile("|".join(re.escape(q) for q in sorted(after, key=len, reverse=True))),
        "after": after,
        "directions": directions,
        "direction_re": re.compile("|".join(re.escape(w) for w in sorted(directions, key=len, reverse=True))),
        "comparative": comparative,
        "idiom_re": re.compile("|".join(re.escape(w) for w in sorted(idioms, key=len, reverse=True))) if idioms else None,
    }


# ---------------------------------------------------------------- numerals

DIG = "0-9０-９"
CN_D = "零〇○一二三四五六七八九两兩壹贰貳叁參肆伍陆陸柒捌玖"
CN_U = "十拾百佰千仟万萬亿億"
NUM_AR = rf"[{DIG}]{{1,3}}(?:[,，][{DIG}]{{3}})+(?![{DIG}])|[{DIG}]+(?:[.．][{DIG}]+)?"
NUM_CN = rf"[{CN_D}{CN_U}]+(?:点[{CN_D}]+)?"
ORD = "[一二三四五六七八九十]{1,3}"  # small Chinese ordinals (届, 次, 中全会)
_TO_ASCII = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_TO_SIMPLE = str.maketrans("萬億兩貳贰參叁陸柒捌玖拾佰仟壹〇○肆伍", "万亿两二二三三六七八九十百千一零零四五")


def arabic_value(s: str) -> float:
    return float(s.translate(_TO_ASCII).replace(",", ""))


def chinese_value(s: str) -> float | None:
    """`一亿二千万` -> 120000000; `千亿` -> 1e11; `四点五` -> 4.5; None if not a numeral."""
    s = s.translate(_TO_SIMPLE)
    if s and s[0] in "百千万亿":
        s = "一" + s
    try:
        v = cn2an.cn2an(s, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return float(v)


def number_value(s: str) -> float | None:
    if not s:
        return None
    if re.fullmatch(NUM_AR, s):
        return arabic_value(s)
    if re.fullmatch("[〇零○一二三四五六七八九]{4}", s):  # 一九九七 (digit by digit)
        return float("".join(str("〇一二三四五六七八九".index(c.replace("零", "〇").replace("○", "〇"))) for c in s))
    return chinese_value(s)


def ordinal(s: str) -> int | None:
    v = number_value(s)
    return int(v) if v is not None else None


def plan_years(n: int) -> tuple[dt.date, dt.date]:
    """Years of the n-th five-year plan: 1st 1953–57, 2nd 1958–62, then from 1966 every five years."""
    first = {1: 1953, 2: 1958}.get(n, 1966 + 5 * (n - 3))
    return dt.date(first, 1, 1), dt.date(first + 4, 12, 31)


def _plan_of_year(year: int) -> int | None:
    for n in range(1, 30):
        a, b = plan_years(n)
        if a.year <= year <= b.year:
            return n
    return None


# ---------------------------------------------------------------- patterns

BOUNDARY = "，,；;：:。！？!?、（）()\n“”"
_URL = re.compile(r"https?://\S+|www\.\S+|%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*")
_QUOTED = re.compile(r"“([^“”\n]{1,10})”|\"([^\"\n]{1,10})\"")
_CONGRESS_N = re.compile(rf"(?P<cpc>中国共产党|中共)?第(?P<n>{ORD})次全国代表大会")
_CC_PLENUM = re.compile(rf"第(?P<n>{ORD})届中央委员会第(?P<m>{ORD})次全体会议")
_PLENUMS = re.compile(rf"(?P<pre>第?(?P<n>{ORD})届(?:中央)?)(?P<list>(?:{ORD}中[、，和及与]?)+)全会")
_SESSION = re.compile(
    rf"第?(?P<n>{ORD})届(?P<body>全国人民代表大会常务委员会|全国人大常委会|全国人民代表大会|全国人大|人民代表大会|人大|全国委员会|政协)?"
    rf"第?(?P<m>{ORD})次(?:[会會][议議]|全[体體][会會][议議])")
_NPC_TERM = re.compile(rf"第?(?P<n>{ORD})届(?P<body>全国人民代表大会|全国人大|人大)(?![常第一二三四五六七八九十])")
_DA = re.compile(rf"(?<![{CN_D}{CN_U}第])(?P<n>二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[七八九])大"
                 r"(?=以来|精神|报告|召开|开幕|闭幕|以后|之后|前后|后|上|提出|作出|确定|通过|部署|胜利|和|、|的|，|。)")
_PLAN_N = re.compile(rf"第(?P<n>{ORD})个五年(?P<suf>规划纲要|规划|计划|計劃|計划|计劃)?")
_PLAN_SHORT = re.compile(rf"(?<![{CN_D}{CN_U}])(?P<n>十[一二三四五]|[一二三四五六七八九十])五"
                         r"(?=”|\"|规划|计划|計劃|計划|时期|時期|期间|期間|末|初期|以来|开局)")
_DATE = re.compile(rf"(?<![{DIG}])(?P<y>[{DIG}]{{4}}|[〇零○一二三四五六七八九]{{4}})年(?!代)"
                   rf"(?:(?P<m>[{DIG}]{{1,2}}|十[一二]?|[一二三四五六七八九])月(?:(?P<d>[{DIG}]{{1,2}}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])日)?)?")
_YEAR_RANGE = re.compile(rf"(?<![{DIG}])(?P<a>[{DIG}]{{4}}|[〇零○一二三四五六七八九]{{4}})年?(?:到|至|－|—|–|-|~|～)(?P<b>[{DIG}]{{4}}|[〇零○一二三四五六七八九]{{4}})年(?![{DIG}度])")
_REL_DATE = re.compile(rf"(?P<rel>去年|今年|明年|上年)(?P<m>[{DIG}]{{1,2}}|十[一二]?|[一二三四五六七八九])月"
                       rf"(?:(?P<d>[{DIG}]{{1,2}})日)?")
_CENTURY = re.compile(rf"(?P<pre>上个?世纪|本世纪|新世纪)?(?:(?P<c>[{DIG}]{{1,2}}|[一二三四五六七八九十]{{1,3}})世纪)?"
                      rf"(?:(?P<dec>[{DIG}]0|[一二三四五六七八九]十)年代|(?P<part>中叶|中期|初期|初|末期|末|上半叶|下半叶|前期|后期))?")
_FIRST_YEARS = re.compile(r"(?<![学提])前(?P<n>[二三四])年|(?P<all>五年)合计")
_RANK = re.compile(rf"(?:(?<=[居列])|(?<=世界)|(?<=全球)|(?<=全国))第(?P<n>{ORD}|[{DIG}]+)(?![个次届代产动资线机])(?:位|名)?|第(?P<n2>{ORD}|[{DIG}]+)(?:位|名)")
_FRACTION = re.compile(rf"(?P<den>{NUM_CN}|{NUM_AR})分之(?P<num>{NUM_CN}|{NUM_AR})")
_SLASH = re.compile(rf"(?<![{DIG}/／.])(?P<num>[{DIG}]{{1,2}})[/／](?P<den>[{DIG}]{{1,2}})(?![{DIG}/／])")
_HALF = re.compile(r"(?<![多另])一半")
_DOUBLE = re.compile(r"翻(?P<n>一|两|二|三|四)?番")
_NUMBER = re.compile(
    rf"(?P<up>上)?(?P<num>{NUM_AR}|{NUM_CN})(?P<more1>多|余)?(?P<scale>万亿|萬億|亿|億|万|萬|千(?![瓦米克])|百(?![分]))?(?P<more2>多|余)?")
_RANGE_SEP = re.compile(r"[－—\-–~～至到]")
_COUNTER_NOUNS = (("纳税人", "人"), ("学生", "人"), ("人口", "人"), ("农民工", "人"), ("农民", "人"), ("职工", "人"),
                  ("群众", "人"), ("居民", "人"), ("工人", "人"), ("干部", "人"), ("员工", "人"), ("毕业生", "人"),
                  ("儿童", "人"), ("老人", "人"), ("劳动力", "人"), ("医生", "人"), ("青年", "人"), ("教师", "人"),
                  ("党员", "人"), ("士兵", "人"), ("贫困人口", "人"), ("家庭", "户"), ("农户", "户"), ("农戶", "户"),
                  ("用户", "户"), ("企业", "家"), ("经营主体", "家"), ("市场主体", "家"))
_PERSON_SUBJECT = re.compile("人口|人数|就业|人员|务工|学生|群众|职工|农民")


def _claim(mask: bytearray, a: int, b: int) -> bool:
    if any(mask[a:b]):
        return False
    mask[a:b] = b"\x01" * (b - a)
    return True


def _date(y: int, m: int = 1, d: int = 1) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> dt.date | None:
    first = _date(y + (m == 12), m % 12 + 1)
    return first - dt.timedelta(days=1) if first else None


# ---------------------------------------------------------------- passes

def _pass_congress(text: str, mask: bytearray, out: list) -> None:
    for m in _CONGRESS_N.finditer(text):
        if _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "congress", float(ordinal(m["n"])), subject="党的全国代表大会"))
    for m in _CC_PLENUM.finditer(text):
        if _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "congress", float(ordinal(m["n"])),
                              plenum=ordinal(m["m"]), subject="党的中央委员会全会"))
    for m in _PLENUMS.finditer(text):
        if any(mask[m.start():m.end()]):
            continue
        n = ordinal(m["n"])
        items = list(re.finditer(rf"({ORD})中", m["list"]))
        base = m.start("list")
        for i, it in enumerate(items):
            a = m.start() if i == 0 else base + it.start()
            b = m.end() if i == len(items) - 1 else base + it.end()
            _claim(mask, a, b)
            out.append(Figure(a, b, text[a:b], "congress", float(n), plenum=ordinal(it.group(1)), subject="党的中央委员会全会"))
    for m in _SESSION.finditer(text):
        if not _claim(mask, m.start(), m.end()):
            continue
        body = m["body"] or ""
        if body.startswith("全国人"):
            subject = "全国人民代表大会常务委员会" if "常" in body else "全国人民代表大会"
        elif body in ("全国委员会", "政协"):
            subject = "中国人民政治协商会议全国委员会"
        else:
            window = text[max(0, m.start() - 8):m.start()]
            place = next((window[-k:] for k in range(3, len(window) + 1)
                          if re.fullmatch(r"[\u4e00-\u9fff]{2,7}(?:省|市|区|县|旗|州)", window[-k:])), "")
            subject = place + "人民代表大会"
        out.append(Figure(m.start(), m.end(), m.group(), "congress", float(ordinal(m["n"])), plenum=ordinal(m["m"]), subject=subject))
    for m in _NPC_TERM.finditer(text):
        if m["body"] == "人大" and not m.group().startswith("第") and text[m.end():m.end() + 1] in "代":
            continue  # 十四届人大代表: a role, not the congress
        if _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "congress", float(ordinal(m["n"])), subject="全国人民代表大会"))
    for m in _DA.finditer(text):
        before = text[max(0, m.start() - 2):m.start()]
        after = text[m.end():m.end() + 2]
        if not (before.endswith(("党的", "中共", "党")) or after.startswith(("以来", "精神", "报告", "召开", "开幕", "闭幕", "以后", "之后", "提出", "作出", "胜利"))):
            continue
        if _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "congress", float(ordinal(m["n"])), subject="党的全国代表大会"))


def _pass_plans(text: str, mask: bytearray, out: list) -> None:
    for rx in (_PLAN_N, _PLAN_SHORT):
        for m in rx.finditer(text):
            if rx is _PLAN_SHORT and text[m.end():m.end() + 1] in "”\"" and text[m.start() - 1:m.start()] not in "“\"":
                continue  # the end of a longer quotation, not “十四五”
            n = ordinal(m["n"])
            if not n or not _claim(mask, m.start(), m.end()):
                continue
            a, b = plan_years(n)
            out.append(Figure(m.start(), m.end(), m.group(), "plan_period", float(n), period_start=a, period_end=b))


def _date_figure(m: re.Match, y: int) -> Figure:
    """A day (`2025年11月11日`) or a month (`去年7月`): period_start..period_end is that day or month."""
    mo = ordinal(m["m"])
    if m["d"]:
        first = last = _date(y, mo, ordinal(m["d"]))
    else:
        first, last = _date(y, mo), _month_end(y, mo)
    return Figure(m.start(), m.end(), m.group(), "date", float(y), period_start=first, period_end=last)


def _pass_dates(text: str, mask: bytearray, out: list, year: int | None) -> None:
    for m in _YEAR_RANGE.finditer(text):
        a, b = ordinal(m["a"]), ordinal(m["b"])
        if a and b and 1000 <= a < b <= 2100 and _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "period", float(a), period_start=_date(a), period_end=_date(b, 12, 31)))
    for m in _DATE.finditer(text):
        y = ordinal(m["y"])
        if y is None or not 1000 <= y <= 2100 or text[m.start() - 1:m.start()] in ("第",):
            continue
        if not _claim(mask, m.start(), m.end()):
            continue
        if m["m"]:
            out.append(_date_figure(m, y))
        else:
            out.append(Figure(m.start(), m.end(), m.group(), "year", float(y), period_start=_date(y), period_end=_date(y, 12, 31)))
    if year is None:
        return
    for m in _REL_DATE.finditer(text):
        y = year + {"去年": -1, "上年": -1, "今年": 0, "明年": 1}[m["rel"]]
        mo = ordinal(m["m"])
        if mo and 1 <= mo <= 12 and _claim(mask, m.start(), m.end()):
            out.append(_date_figure(m, y))


_PARTS = {"初": (0, 19), "初期": (0, 19), "前期": (0, 29), "中叶": (40, 69), "中期": (40, 69),
          "后期": (70, 99), "末": (80, 99), "末期": (80, 99), "上半叶": (0, 49), "下半叶": (50, 99)}


def _pass_periods(text: str, mask: bytearray, out: list, year: int | None) -> None:
    for m in _CENTURY.finditer(text):
        if not (m["c"] or m["dec"]) or (m["c"] is None and m["part"]):
            continue
        if m["dec"] is None and m["c"] is None:
            continue
        if m["c"]:
            c = ordinal(m["c"])
            if not c or not 1 <= c <= 22:
                continue
            base = (c - 1) * 100
        else:
            base = 2000 if m["pre"] in ("本世纪", "新世纪") else 1900
        if m["dec"]:
            lo, hi = base + int(number_value(m["dec"])), base + int(number_value(m["dec"])) + 9
        elif m["part"]:
            lo, hi = base + _PARTS[m["part"]][0], base + _PARTS[m["part"]][1]
        else:
            lo, hi = base, base + 99
        if not _claim(mask, m.start(), m.end()):
            continue
        end = None if text.startswith("以来", m.end()) and not m["dec"] and not m["part"] else _date(hi, 12, 31)
        out.append(Figure(m.start(), m.end(), m.group(), "period", float(lo), period_start=_date(lo), period_end=end))
    if year is None:
        return
    plan = _plan_of_year(year)
    if plan is None:
        return
    first, last = plan_years(plan)
    for m in _FIRST_YEARS.finditer(text):
        if m["all"]:
            a, b, lo, hi = m.start("all"), m.end("all"), first.year, last.year
        else:
            a, b, lo = m.start(), m.end(), first.year
            hi = lo + ordinal(m["n"]) - 1
        if _claim(mask, a, b):
            out.append(Figure(a, b, text[a:b], "period", float(lo), period_start=_date(lo), period_end=_date(hi, 12, 31)))


def _pass_ranks(text: str, mask: bytearray, out: list) -> None:
    for m in _RANK.finditer(text):
        n = ordinal(m["n"] or m["n2"])
        if n and _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "rank", float(n)))


def _postfix(text: str, end: int) -> tuple[int, str | None]:
    """Extend a figure over a qualifier written after it (`5%左右`)."""
    lex = _lexicon()
    m = lex["after_re"].match(text, end)
    if m and m.group() in ("多", "余") and text[end - 1:end] in "％%":
        return end, None
    if m and m.group() == "稍多":
        return end, "多"
    if m:
        return m.end(), lex["after"][m.group()]
    return end, None


def _prefix_qualifier(text: str, start: int) -> str | None:
    lex = _lexicon()
    window = text[max(0, start - 4):start]
    window = re.sub("[了为為]$", "", window)
    m = lex["before_re"].search(window)
    return lex["before"][m.group()] if m else None


def _pass_fractions(text: str, mask: bytearray, out: list) -> None:
    for m in _FRACTION.finditer(text):
        den, num = number_value(m["den"]), number_value(m["num"])
        if not den or num is None:
            continue
        value = num if den == 100 else num / den * 100
        end, q = _postfix(text, m.end())
        if _claim(mask, m.start(), end):
            out.append(Figure(m.start(), end, text[m.start():end], "percent", value, unit="%", qualifier=q or _prefix_qualifier(text, m.start())))
    for m in _SLASH.finditer(text):
        num, den = arabic_value(m["num"]), arabic_value(m["den"])
        if den and 0 < num < den and _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "percent", num / den * 100, unit="%"))
    for m in _HALF.finditer(text):
        end, q = _postfix(text, m.end())
        span_end = m.end() if text.startswith("稍多", m.end()) else end
        if _claim(mask, m.start(), span_end):
            out.append(Figure(m.start(), span_end, text[m.start():span_end], "percent", 50.0, unit="%", qualifier=q))
    for m in _DOUBLE.finditer(text):
        n = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, None: 1}[m["n"]]
        if _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "quantity", float(2 ** n), unit="倍"))


def _mask_idioms(text: str, mask: bytearray) -> None:
    lex = _lexicon()
    if lex["idiom_re"]:
        for m in lex["idiom_re"].finditer(text):
            mask[m.start():m.end()] = b"\x02" * (m.end() - m.start())


def _mask_quoted(text: str, mask: bytearray) -> None:
    for m in _QUOTED.finditer(text):
        inner = m.group(1) or m.group(2)
        if re.search(rf"[{DIG}{CN_D}{CN_U}]", inner) and not re.search(r"[%％]|[元吨斤人户]$", inner):
            a, b = m.start() + 1, m.end() - 1
            for i in range(a, b):
                if not mask[i]:
                    mask[i] = 2


def _unit_at(text: str, pos: int) -> tuple[str, str, str] | None:
    lex = _lexicon()
    m = lex["unit_re"].match(text, pos)
    if not m:
        return None
    kind, canon = lex["units"][m.group()]
    return m.group(), kind, canon


def _scaled(num: str, value: float, factor: Decimal) -> float:
    """`4.06` x 万亿 = 4060000000000 exactly (decimal arithmetic, not 4059999999999.9995)."""
    if re.fullmatch(NUM_AR, num):
        return float(Decimal(num.translate(_TO_ASCII).replace(",", "")) * factor)
    return float(Decimal(repr(value)) * factor)


def _counter_after(text: str, pos: int) -> str | None:
    """The counter implied by the noun after a bare count: `6600多万纳税人` -> 人,
    `510万沼气用户` -> 户 (the noun may follow a short modifier)."""
    phrase = re.match(r"[\u4e00-\u9fff]{0,6}", text[pos:pos + 6]).group()
    for i in range(0, min(len(phrase), 4) + 1):
        for noun, c in _COUNTER_NOUNS:
            if phrase.startswith(noun, i):
                return c
    return None


def _pass_numbers(text: str, mask: bytearray, out: list) -> None:
    lex = _lexicon()
    for m in _NUMBER.finditer(text):
        a, b = m.start("num"), m.end()
        if any(mask[a:b]):
            continue
        num = m["num"]
        prev = text[a - 1:a] if a else ""
        if prev == "第" or re.match(r"[A-Za-z0-9０-９.．]", prev or " "):
            continue
        scale = m["scale"]
        arabic = bool(re.fullmatch(NUM_AR, num))
        if scale and not arabic and scale in "千百":
            continue
        if scale and not arabic:
            # `七亿七千多万`: the scale after 多 belongs to the numeral (7.7e8).
            value = chinese_value(num + scale)
        else:
            value = number_value(num)
            if value is not None and scale:
                value = _scaled(num, value, lex["scales"].get(scale, Decimal(1)))
        if value is None:
            continue
        more = "多" if (m["more1"] or m["more2"]) else None
        up = bool(m["up"]) and num[0] in "千百万亿"
        start = m.start() if up else a
        implied = _counter_after(text, b) if (scale or re.search(f"[{CN_U}]", num)) else None
        unit = None if implied else _unit_at(text, b)
        if unit is None and not implied and not scale and num[-1] in "千百" and len(num) > 1:
            # `五百万千瓦`: the numeral ate the first character of the unit.
            retry = _unit_at(text, b - 1)
            if retry and retry[0].startswith(num[-1]):
                b -= 1
                num = num[:-1]
                value = number_value(num)
                unit = retry
        high = None
        range_end = None
        sep = _RANGE_SEP.match(text, b + (len(unit[0]) if unit else 0))
        if sep:
            m2 = _NUMBER.match(text, sep.end())
            if m2 and m2["num"] and not any(mask[m2.start():m2.end()]):
                u2 = _unit_at(text, m2.end())
                v2 = number_value(m2["num"])
                if v2 is not None and u2 and (unit is None or unit[2] == u2[2]):
                    if m2["scale"]:
                        v2 = _scaled(m2["num"], v2, lex["scales"].get(m2["scale"], Decimal(1)))
                    if unit is None and scale is None and m2["scale"]:
                        value = _scaled(num, value, lex["scales"].get(m2["scale"], Decimal(1)))
                    high, unit, range_end = v2, u2, m2.end() + len(u2[0])
        if unit is None:
            if not scale and not re.search(f"[{CN_U}]", num):
                continue
            if value < 1e4:
                continue
            nxt = text[b:b + 4]
            counter = implied
            if counter is None and nxt[:1] not in BOUNDARY and nxt[:2] not in ("以上", "左右", "以下"):
                continue
            kind, canon, end = "quantity", counter, b
        else:
            written, kind, canon = unit
            end = range_end or b + len(written)
            if written == "个多月":
                more = "多"
            if written == "年":
                if re.match(NUM_AR, num) and len(num) >= 3:
                    continue
                if text.startswith("来", end) or text[end:end + 2] in ("计划", "规划", "計劃", "以来", "长远") or text[start - 1:start] == "这":
                    continue
                if text[max(0, start - 2):start] == "过去" or (
                        re.search("(?:的|这)$", text[max(0, start - 1):start]) and text[end:end + 1] in BOUNDARY):
                    continue  # 不平凡的五年。: the years of a period, not a measured duration
        if kind == "amount" and text[b:b + len(unit[0])] == "人民币":
            continue
        if num in ("一", "壹") and not more and not scale and high is None and _prefix_qualifier(text, a) is None:
            continue
        end2, post = _postfix(text, end)
        if post == "多" and more:
            end2, post = end, None
        q = post or more or ("超过" if up else _prefix_qualifier(text, start))
        if not _claim(mask, start, end2):
            continue
        out.append(Figure(start, end2, text[start:end2], kind, value, value_high=high, unit=canon, qualifier=q))


# ---------------------------------------------------------------- context

_SENT_END = re.compile(r"[。！？!?\n]")
_CLAUSE_END = re.compile(r"[，,；;：:。！？!?、\n]")
_TARGET_CUES = re.compile(r"预期目标|调控目标|目标(?:是|为|定为)|拟|力争|争取|确保|今年|明年|届时|将(?!近)")
# A list of targets opened in the paragraph (or the line before): `主要预期目标是：…。…。`
_TARGET_LIST = re.compile(r"(?:预期|调控|主要)目标(?:是|为)?[：:]|预期目标(?:是|为)")
_TARGET_CLAUSE = re.compile(r"(?<![主需重只])要|需|应")
_TIME_UNITS = {"年", "周年", "月", "天", "小时"}
_ACHIEVED = re.compile(r"实际|已经|已|完成了|实现了|达到了|回落到")
_LEAD_STRIP = re.compile(
    r"^(?:其中|而且|而|并且|并|同时|此外|但是|但|虽然|它|即|加上|今年|去年|明年|全年|当年|上年|这一年|这些|这个|这|届时|我国|全国|我区|我市|"
    r"按可比价格计算|按可比价计算|拟安排|拟|安排|先|再|又|还|也|共|就|已经|已|累计|累积完成|累积|在|有|为|是|的|时期|期间|以来|"
    r"取得|实现|完成)+")
_TRAIL_STRIP = re.compile(
    r"(?:了|为|达到|达|是|约|約|大约|近|将近|接近|超过|突破|逾|不到|不足|不低于|不超过|拟按|按|拟安排|安排|共|就|都|平均|(?<![人年])均|"
    r"保持在|控制在|稳定在|分别|的|已|有|只占|占|在|由|从人均|从|至|到|上|要|将|完成|实现|共计|合计|年末|年底|年初|和|一直|(?:从|由)(?:去年|上年末|上年)的?)+$")
# A change verb followed by 到/为 gives a level, not a change: `提高到66.2%` measures 城镇化率.
_LEVEL_VERB = re.compile(r"(?:增长|增加|提高|提升|上升|扩大|下降|减少|降低|缩减|缩小|回落|降|升|减|增)(?:了)?(?:到|至|为)$")
_INNER_ADVERB = re.compile(r"(?:共|将|要|就|都|仍然|也|又|还|已经|已|分别|(?<![年人平])均)(?=增长|增加|提高|下降|减少|降低|扩大|递增)")
_YEARISH = {"year", "date", "period", "plan_period", "congress"}
_OBJECT_VERBS = ("发行", "增发", "安排", "下达", "投入", "发放", "实施", "新增", "减免")


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(s: str) -> str:
    """`s` in simplified characters (OpenCC t2s): subjects and entity normal forms
    use them, so 1957's `工業总产值` matches 2024's `工业总产值`."""
    return _converter().convert(s) if s else s


def _clause_start(text: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor and not _CLAUSE_END.match(text, i - 1):
        i -= 1
    return i


def _direction(text: str, f: Figure, cstart: int) -> str | None:
    lex = _lexicon()
    before = text[cstart:f.start]
    best = None
    for m in lex["direction_re"].finditer(before):
        if not before.startswith("值", m.end()):  # 增加值 is a noun
            best = m
    comp = None
    m2 = re.search("(" + "|".join(map(re.escape, lex["comparative"])) + r")了?$", before.rstrip("近约約超过将"))
    if m2 and re.search("[比较較]", before[:m2.start()]):
        comp = lex["comparative"][m2.group(1)]
    if best is None:
        return comp
    gap = before[best.end():]
    if re.match("了?(?:到|至|为|成)", gap):
        return None
    if comp and m2.start() >= best.end():
        return comp
    gap = re.sub("了|近|约|約|将近|超过|保持在|达到|达", "", gap)
    if len(gap) > 3 and not re.search(r"目标定?为$", gap):
        return None
    return lex["directions"][best.group()]


def _strip_subject(s: str, figs_inside: list[tuple[int, int]], offset: int) -> str:
    # Remove years and other figures written inside the clause (`比1956年`, `2015年的`).
    for a, b in sorted(figs_inside, reverse=True):
        a0, b0 = a - offset, b - offset
        pre = s[:a0]
        pre = re.sub(r"(?:(?:比|较|較|由|从|到|在)(?:去年|上年末|上年)?的?)?[“\"]?$", "", pre)
        post = re.sub(r"^[”\"]?(?:的|以来|来|时期|期间)?", "", s[b0:])
        s = pre + post
    s = re.sub(r"\s+", "", s)
    s = _LEVEL_VERB.sub("", s)
    for _ in range(3):
        s = _LEAD_STRIP.sub("", s)
        s = _TRAIL_STRIP.sub("", s)
        s = _LEVEL_VERB.sub("", s)
    s = _INNER_ADVERB.sub("", s)
    return simplified(s.strip(" 　“”\"（）()"))


def _annotate(text: str, figs: list[Figure], year: int | None) -> list[Figure]:
    figs.sort(key=lambda f: f.start)
    # Starts of years and dates not before the document's year: a sentence naming one sets a target.
    future_starts = [g.start for g in figs if year is not None and g.kind in ("year", "date") and g.value >= year]
    out: list[Figure] = []
    prev_subject: dict[int, str] = {}
    for f in figs:
        sstart = _clause_start_sentence(text, f.start)
        cstart = _clause_start(text, f.start, sstart)
        send = _SENT_END.search(text, f.end)
        sentence = text[sstart:send.start() if send else len(text)]
        cend_m = _CLAUSE_END.search(text, f.end)
        clause = text[cstart:cend_m.start() if cend_m else len(text)]
        kw: dict = {}
        if f.kind not in _YEARISH:
            baseline = bool(re.search(r"(?:从|由)(?:人均)?$", text[cstart:f.start]))
            if (f.unit == "倍" and f.text.startswith("翻")) or baseline or f.unit in _TIME_UNITS:
                kw["direction"] = None
            else:
                kw["direction"] = _direction(text, f, cstart)
                if kw["direction"] is None and out and text[out[-1].end:f.start] in ("和", "、", "及", "与", "，"):
                    kw["direction"] = out[-1].direction  # 分别增长6.5%、9.4%
            lo = bisect.bisect_left(future_starts, sstart)
            future = lo < len(future_starts) and future_starts[lo] < sstart + len(sentence)
            pstart = text.rfind("\n", 0, f.start) + 1
            before_par = text[text.rfind("\n", 0, max(0, pstart - 1)) + 1:pstart].rstrip()
            listed = bool(_TARGET_LIST.search(text[pstart:f.start]) or (before_par.endswith(("：", ":")) and _TARGET_LIST.search(before_par)))
            target = bool(_TARGET_CUES.search(sentence) or _TARGET_CLAUSE.search(clause) or future or listed)
            if target and (_ACHIEVED.search(clause) or baseline):
                target = False
            kw["target"] = None if f.unit in _TIME_UNITS else target
            inside = [(g.start, g.end) for g in figs if cstart <= g.start and g.end <= f.start]
            subj = _strip_subject(text[cstart:f.start], inside, cstart)
            lead = re.match(r"^(?:比|较|較|同比|环比|年均|平均|实际)", subj)
            if subj in _OBJECT_VERBS:
                obj = re.search(subj + r"([^，,；;。！？、\n]{2,16}?)(?=[，,；;。、]|$)", sentence[: f.start - sstart])
                after = re.match(r"([\u4e00-\u9fff]{1,6}?)(?=支持|用于|，|。|；|、|$)", text[f.end:f.end + 8])
                if obj and not re.search(rf"[{DIG}]", obj.group(1)):
                    subj = obj.group(1)
                elif after:
                    subj = subj + after.group(1)
            elif (not subj or lead or subj == simplified(kw["direction"] or "")) and prev_subject.get(sstart):
                base = prev_subject[sstart]
                subj = base + (subj if subj and subj not in (base, "实际", "同比") else "")
            elif not subj:
                subj = _fallback_subject(text, f, figs, sstart, cstart)
            if subj:
                core = re.sub(r"(?:比|较).*$", "", subj)
                if kw["direction"]:
                    core = re.sub("(?:" + "|".join(_lexicon()["directions"]) + ")$", "", core)
                prev_subject[sstart] = core or subj
            kw["subject"] = subj or None
            if f.kind == "quantity" and f.unit is None:
                kw["unit"] = "人" if subj and _PERSON_SUBJECT.search(subj) else None
        out.append(_replace(f, **kw))
    return out


def _fallback_subject(text: str, f: Figure, figs: list[Figure], sstart: int, cstart: int) -> str | None:
    """Subject of a figure that opens its clause: the clause before it when that
    holds no figure (`组建城市合作银行的大中城市，由３５个…`), else the words right
    after it (`两次降低存款准备金率`)."""
    if cstart > sstart:
        pstart = _clause_start(text, cstart - 1, sstart)
        if not any(pstart <= g.start < cstart for g in figs):
            prev = _strip_subject(text[pstart:cstart - 1], [], pstart)
            if 2 <= len(prev) <= 20:
                return prev
    after = re.match(r"[\u4e00-\u9fff]{2,12}?(?=[，,；;。、！？]|$)", text[f.end:f.end + 13])
    return simplified(after.group()) if after else None


def _clause_start_sentence(text: str, pos: int) -> int:
    i = pos
    while i > 0 and not _SENT_END.match(text, i - 1):
        i -= 1
    return i


def _replace(f: Figure, **kw) -> Figure:
    if not kw:
        return f
    d = {k: getattr(f, k) for k in f.__dataclass_fields__}
    d.update(kw)
    return Figure(**d)


# ---------------------------------------------------------------- API

def extract_figures(text: str, year: int | None = None) -> list[Figure]:
    """Every figure in `text`, in text order; `year` (the document's) resolves `去年7月`, `前三年` and targets."""
    mask = bytearray(len(text))
    for m in _URL.finditer(text):
        mask[m.start():m.end()] = b"\x02" * (m.end() - m.start())
    _mask_idioms(text, mask)
    figs: list[Figure] = []
    _pass_congress(text, mask, figs)
    _pass_plans(text, mask, figs)
    _pass_dates(text, mask, figs, year)
    _pass_periods(text, mask, figs, year)
    _pass_ranks(text, mask, figs)
    _mask_quoted(text, mask)
    _pass_fractions(text, mask, figs)
    _pass_numbers(text, mask, figs)
    return _annotate(text, figs, year)


def congresses(text: str) -> list[Figure]:
    """Only the congresses, plenums and sessions of `text` (for the entity recogniser)."""
    found: list[Figure] = []
    _pass_congress(text, bytearray(len(text)), found)
    return sorted(found, key=lambda f: f.start)


def figures_to_records(doc_id: str, figures: list[Figure], sentence_ids: list[int]) -> list[dict]:
    """Rows of the `figures` table; `sentence_ids[i]` is the sentence of `figures[i]`."""
    rows = []
    for i, (f, sid) in enumerate(zip(figures, sentence_ids)):
        rows.append({
            "doc_id": doc_id,
            "figure_id": i,
            "sentence_id": sid,
            "text": f.text,
            "kind": f.kind,
            "value": f.value,
            "value_high": f.value_high,
            "unit": f.unit,
            "qualifier": f.qualifier,
            "direction": f.direction,
            "target": f.target,
            "subject": f.subject,
            "period_start": f.period_start,
            "period_end": f.period_end,
            "plenum": f.plenum,
            "start": f.start,
            "end": f.end,
        })
    return rows
