"""The passes that find figures, each claiming its characters in turn.

Order (see `pipelines.extract.figures.extract_figures`): URLs and
percent-encoding, idioms (masked), congresses, plan periods, dates and years,
periods, ranks, short quoted slogans (masked), fractions and multiples, then
numbers with a unit.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from pipelines.extract.figures.model import Figure
from pipelines.extract.figures.words import words
from pipelines.lang.zh.numerals import (
    CN_D,
    CN_SMALL,
    CN_U,
    DIG,
    NUM_AR,
    NUM_AR_RE,
    NUM_CN,
    ORD,
    PLAN_SHORT,
    PLAN_WORDS,
    YEAR_DIGITS,
    arabic_value,
    ascii_digits,
    chinese_value,
    number_value,
    ordinal,
    plan_number,
    plan_of_year,
    plan_years,
)
from pipelines.lang.zh.script import HAN, finditer_cued

# ---------------------------------------------------------------- patterns

BOUNDARY = "，,；;：:。！？!?、（）()\n“”"
_QUOTED = re.compile(r"“([^“”\n]{1,10})”|\"([^\"\n]{1,10})\"")
# A pattern whose first character is a literal or a set of literals is scanned for it in C;
# one that opens with an optional group or a lookbehind is tried at every character
# (`_CONGRESS_N` and `_RANK` each took 0.06-0.08 s of the national corpus that way).
_CONGRESS_N = re.compile(rf"(?:中国共产党第|中共第|第)(?P<n>{ORD})次全国代表大会")
_CC_PLENUM = re.compile(rf"第(?P<n>{ORD})届中央委员会第(?P<m>{ORD})次全体会议")
_PLENUMS = re.compile(rf"(?P<pre>第?(?P<n>{ORD})届(?:中央)?)(?P<list>(?:{ORD}中[、，和及与]?)+)全会")
# what every match of a pattern that opens with a lookbehind or an optional part holds where it
# starts (`finditer_cued`): those patterns are tried only there
_TERM_CUE = re.compile(f"[第{CN_SMALL}][{CN_SMALL}]{{0,3}}届")  # 第十四届, 十四届
_SESSION = re.compile(
    rf"第?(?P<n>{ORD})届(?P<body>全国人民代表大会常务委员会|全国人大常委会|全国人民代表大会|全国人大|人民代表大会|人大|全国委员会|政协)?"
    rf"第?(?P<m>{ORD})次(?:[会會][议議]|全[体體][会會][议議])")
_NPC_TERM = re.compile(rf"第?(?P<n>{ORD})届(?P<body>全国人民代表大会|全国人大|人大)(?![常第一二三四五六七八九十])")
_DA = re.compile(rf"(?<![{CN_D}{CN_U}第])(?P<n>二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[七八九])大"
                 r"(?=以来|精神|报告|召开|开幕|闭幕|以后|之后|前后|后|上|提出|作出|确定|通过|部署|胜利|和|、|的|，|。)")
_DA_CUE = re.compile("[二十七八九][一二三四五六七八九十]{0,2}大")
_PLAN_N = re.compile(rf"第(?P<n>{ORD})个五年(?P<suf>{PLAN_WORDS})?")
_PLAN_SHORT_CUE = re.compile("[一二三四五六七八九十][一二三四五]?五")
_PLAN_SHORT = re.compile(rf"(?<![{CN_D}{CN_U}])(?P<plan>{PLAN_SHORT})"
                         r"(?=”|\"|规划|计划|計劃|計划|时期|時期|期间|期間|末|初期|以来|开局)")
_DATE = re.compile(rf"(?<![{DIG}])(?P<y>[{DIG}]{{4}}|[{YEAR_DIGITS}]{{4}})年(?!代)"
                   rf"(?:(?P<m>[{DIG}]{{1,2}}|十[一二]?|[一二三四五六七八九])月(?:(?P<d>[{DIG}]{{1,2}}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])日)?)?")
_YEAR_RANGE = re.compile(rf"(?<![{DIG}])(?P<a>[{DIG}]{{4}}|[{YEAR_DIGITS}]{{4}})年?(?:到|至|－|—|–|-|~|～)(?P<b>[{DIG}]{{4}}|[{YEAR_DIGITS}]{{4}})年(?![{DIG}度])")
_YEAR_CUE = re.compile(f"[{DIG}{YEAR_DIGITS}]{{4}}年")
_YEAR_RANGE_CUE = re.compile(f"[{DIG}{YEAR_DIGITS}]{{4}}年?(?:到|至|－|—|–|-|~|～)")
_REL_DATE = re.compile(rf"(?P<rel>去年|今年|明年|上年)(?P<m>[{DIG}]{{1,2}}|十[一二]?|[一二三四五六七八九])月"
                       rf"(?:(?P<d>[{DIG}]{{1,2}})日)?")
# Every group is optional: the lookahead keeps `finditer` from stopping at every character.
_CENTURY = re.compile(rf"(?=[上本新{DIG}一二三四五六七八九十])(?P<pre>上个?世纪|本世纪|新世纪)?(?:(?P<c>[{DIG}]{{1,2}}|[一二三四五六七八九十]{{1,3}})世纪)?"
                      rf"(?:(?P<dec>[{DIG}]0|[一二三四五六七八九]十)年代|(?P<part>中叶|中期|初期|初|末期|末|上半叶|下半叶|前期|后期))?")
_FIRST_YEARS = re.compile(r"前(?<![学提]前)(?P<n>[二三四])年|(?P<all>五年)合计")
_RANK = re.compile(rf"第(?:(?<=[居列]第)|(?<=世界第)|(?<=全球第)|(?<=全国第))(?P<n>{ORD}|[{DIG}]+)(?![个次届代产动资线机])(?:位|名)?|第(?P<n2>{ORD}|[{DIG}]+)(?:位|名)")
_FRACTION = re.compile(rf"(?P<den>{NUM_CN}|{NUM_AR})分之(?P<num>{NUM_CN}|{NUM_AR})")
_FRACTION_CUE = re.compile(f"[{CN_D}{CN_U}{DIG}][{CN_D}{CN_U}{DIG}点.．,，]*分之")
_SLASH_CUE = re.compile(f"[{DIG}]{{1,2}}[/／]")
_SLASH = re.compile(rf"(?<![{DIG}/／.])(?P<num>[{DIG}]{{1,2}})[/／](?P<den>[{DIG}]{{1,2}})(?![{DIG}/／])")
_HALF = re.compile(r"一(?<![多另]一)半")
_DOUBLE = re.compile(r"翻(?P<n>一|两|二|三|四)?番")
_NUMBER = re.compile(
    rf"(?P<up>上)?(?P<num>{NUM_AR}|{NUM_CN})(?P<more1>多|余)?(?P<scale>万亿|萬億|亿|億|万|萬|千(?![瓦米克])|百(?![分]))?(?P<more2>多|余)?")
_RANGE_SEP = re.compile(r"[－—\-–~～至到]")
_CN_RANGE = re.compile(rf"(?:至|到|－|—)(?P<high>{NUM_CN})(?![{CN_D}{CN_U}分])")


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



# patterns of the per-figure tests, compiled once (`re.search(f"...")` formats and looks up its pattern each call)
_END_PARTICLE = re.compile("[了为為]$")
_ANY_DIGIT = re.compile(f"[{DIG}{CN_D}{CN_U}]")
_PERCENT_OR_UNIT_END = re.compile(r"[%％]|[元吨斤人户]$")
_HAN_0_6 = re.compile(f"[{HAN}]{{0,6}}")
_ALNUM_OR_POINT = re.compile(r"[A-Za-z0-9０-９.．]")
_CN_UNIT = re.compile(f"[{CN_U}]")
_DE_OR_ZHE_END = re.compile("(?:的|这)$")


# ---------------------------------------------------------------- passes

def pass_congress(text: str, mask: bytearray, out: list) -> None:
    for m in _CONGRESS_N.finditer(text):
        if _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "congress", float(ordinal(m["n"])), subject="党的全国代表大会"))
    for m in _CC_PLENUM.finditer(text):
        if _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "congress", float(ordinal(m["n"])),
                              plenum=ordinal(m["m"]), subject="党的中央委员会全会"))
    for m in finditer_cued(_PLENUMS, _TERM_CUE, text):
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
    for m in finditer_cued(_SESSION, _TERM_CUE, text):
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
                          if re.fullmatch(rf"[{HAN}]{{2,7}}(?:省|市|区|县|旗|州)", window[-k:])), "")
            subject = place + "人民代表大会"
        out.append(Figure(m.start(), m.end(), m.group(), "congress", float(ordinal(m["n"])), plenum=ordinal(m["m"]), subject=subject))
    for m in finditer_cued(_NPC_TERM, _TERM_CUE, text):
        if m["body"] == "人大" and not m.group().startswith("第") and text[m.end():m.end() + 1] in "代":
            continue  # 十四届人大代表: a role, not the congress
        if _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "congress", float(ordinal(m["n"])), subject="全国人民代表大会"))
    for m in finditer_cued(_DA, _DA_CUE, text):
        before = text[max(0, m.start() - 2):m.start()]
        after = text[m.end():m.end() + 2]
        if not (before.endswith(("党的", "中共", "党")) or after.startswith(("以来", "精神", "报告", "召开", "开幕", "闭幕", "以后", "之后", "提出", "作出", "胜利"))):
            continue
        if _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "congress", float(ordinal(m["n"])), subject="党的全国代表大会"))


def pass_plans(text: str, mask: bytearray, out: list) -> None:
    for rx, found in ((_PLAN_N, _PLAN_N.finditer(text)), (_PLAN_SHORT, finditer_cued(_PLAN_SHORT, _PLAN_SHORT_CUE, text))):
        for m in found:
            if rx is _PLAN_SHORT and text[m.end():m.end() + 1] in "”\"" and text[m.start() - 1:m.start()] not in "“\"":
                continue  # the end of a longer quotation, not “十四五”
            n = ordinal(m["n"]) if rx is _PLAN_N else plan_number(m["plan"])
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


def pass_dates(text: str, mask: bytearray, out: list, year: int | None) -> None:
    for m in finditer_cued(_YEAR_RANGE, _YEAR_RANGE_CUE, text):
        a, b = ordinal(m["a"]), ordinal(m["b"])
        if a and b and 1000 <= a < b <= 2100 and _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "period", float(a), period_start=_date(a), period_end=_date(b, 12, 31)))
    for m in finditer_cued(_DATE, _YEAR_CUE, text):
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




def pass_periods(text: str, mask: bytearray, out: list, year: int | None) -> None:
    for m in _CENTURY.finditer(text):
        if not (m["c"] or m["dec"]) or (m["c"] is None and m["part"]):
            continue
        if m["c"]:
            c = ordinal(m["c"])
            if not c or not 1 <= c <= 22:
                continue
            base = (c - 1) * 100
        else:
            base = 2000 if m["pre"] in ("本世纪", "新世纪") else 1900
        if m["dec"]:
            lo = base + int(number_value(m["dec"]))
            hi = lo + 9
        elif m["part"]:
            lo, hi = base + words().parts[m["part"]][0], base + words().parts[m["part"]][1]
        else:
            lo, hi = base, base + 99
        if not _claim(mask, m.start(), m.end()):
            continue
        end = None if text.startswith("以来", m.end()) and not m["dec"] and not m["part"] else _date(hi, 12, 31)
        out.append(Figure(m.start(), m.end(), m.group(), "period", float(lo), period_start=_date(lo), period_end=end))
    if year is None:
        return
    plan = plan_of_year(year)
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


def pass_ranks(text: str, mask: bytearray, out: list) -> None:
    for m in _RANK.finditer(text):
        n = ordinal(m["n"] or m["n2"])
        if n and _claim(mask, m.start(), m.end()):
            out.append(Figure(m.start(), m.end(), m.group(), "rank", float(n)))


def _postfix(text: str, end: int) -> tuple[int, str | None]:
    """Extend a figure over a qualifier written after it (`5%左右`)."""
    lex = words()
    m = lex.after_re.match(text, end)
    if m and m.group() in ("多", "余") and text[end - 1:end] in "％%":
        return end, None
    if m and m.group() == "稍多":
        return end, "多"
    if m:
        return m.end(), lex.after[m.group()]
    return end, None


def _prefix_qualifier(text: str, start: int) -> str | None:
    lex = words()
    window = text[max(0, start - 4):start]
    window = _END_PARTICLE.sub("", window)
    m = lex.before_re.search(window)
    return lex.before[m.group()] if m else None


def pass_fractions(text: str, mask: bytearray, out: list) -> None:
    for m in finditer_cued(_FRACTION, _FRACTION_CUE, text):
        den, num = number_value(m["den"]), number_value(m["num"])
        if not den or num is None:
            continue
        value = num if den == 100 else num / den * 100
        high, stop = None, m.end()
        if den == 100 and (r := _CN_RANGE.match(text, m.end())):  # 百分之八至九: a range in words
            high, stop = number_value(r["high"]), r.end()
        end, q = _postfix(text, stop)
        if _claim(mask, m.start(), end):
            out.append(Figure(m.start(), end, text[m.start():end], "percent", value, value_high=high, unit="%",
                              qualifier=q or _prefix_qualifier(text, m.start())))
    for m in finditer_cued(_SLASH, _SLASH_CUE, text):
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


def mask_idioms(text: str, mask: bytearray) -> None:
    lex = words()
    if lex.idiom_re:
        for m in lex.idiom_re.finditer(text):
            mask[m.start():m.end()] = b"\x02" * (m.end() - m.start())


def mask_quoted(text: str, mask: bytearray) -> None:
    for m in _QUOTED.finditer(text):
        inner = m.group(1) or m.group(2)
        if _ANY_DIGIT.search(inner) and not _PERCENT_OR_UNIT_END.search(inner):
            a, b = m.start() + 1, m.end() - 1
            for i in range(a, b):
                if not mask[i]:
                    mask[i] = 2


def _unit_at(text: str, pos: int) -> tuple[str, str, str] | None:
    lex = words()
    m = lex.unit_re.match(text, pos)
    if not m and text.startswith((" ％", " %"), pos):  # `8 ％`: a blank before the percent sign (web exports)
        m = lex.unit_re.match(text, pos + 1)
    if not m:
        return None
    kind, canon = lex.units[m.group()]
    return text[pos:m.end()], kind, canon


def _scaled(num: str, value: float, factor: Decimal) -> float:
    """`4.06` x 万亿 = 4060000000000 exactly (decimal arithmetic, not 4059999999999.9995)."""
    if NUM_AR_RE.fullmatch(num):
        return float(Decimal(ascii_digits(num).replace(",", "")) * factor)
    return float(Decimal(repr(value)) * factor)


def _counter_after(text: str, pos: int) -> str | None:
    """The counter implied by the noun after a bare count: `6600多万纳税人` -> 人,
    `510万沼气用户` -> 户 (the noun may follow a short modifier)."""
    phrase = _HAN_0_6.match(text[pos:pos + 6]).group()
    for i in range(0, min(len(phrase), 4) + 1):
        for noun, c in words().counters:
            if phrase.startswith(noun, i):
                return c
    return None


def pass_numbers(text: str, mask: bytearray, out: list) -> None:
    lex = words()
    for m in _NUMBER.finditer(text):
        a, b = m.start("num"), m.end()
        if any(mask[a:b]):
            continue
        num = m["num"]
        prev = text[a - 1:a] if a else ""
        if prev == "第" or _ALNUM_OR_POINT.match(prev or " "):
            continue
        scale = m["scale"]
        arabic = bool(NUM_AR_RE.fullmatch(num))
        if scale and not arabic and scale in "千百":
            continue
        if scale and not arabic:
            # `七亿七千多万`: the scale after 多 belongs to the numeral (7.7e8).
            value = chinese_value(num + scale)
        else:
            value = number_value(num)
            if value is not None and scale:
                value = _scaled(num, value, lex.scales.get(scale, Decimal(1)))
        if value is None:
            continue
        more = "多" if (m["more1"] or m["more2"]) else None
        up = bool(m["up"]) and num[0] in "千百万亿"
        start = m.start() if up else a
        implied = _counter_after(text, b) if (scale or _CN_UNIT.search(num)) else None
        unit = None if implied else _unit_at(text, b)
        if implied and value < 1e4 and not scale and (written := _unit_at(text, b)):
            # a count under ten thousand is kept only with a unit (below): `二百名党员` has 名,
            # while `6600多万纳税人` counts the 人 that 纳税人 implies and `上千万家庭` the 户 of 家庭
            implied, unit = None, written
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
                        v2 = _scaled(m2["num"], v2, lex.scales.get(m2["scale"], Decimal(1)))
                    if unit is None and scale is None and m2["scale"]:
                        value = _scaled(num, value, lex.scales.get(m2["scale"], Decimal(1)))
                    high, unit, range_end = v2, u2, m2.end() + len(u2[0])
        if unit is None:
            if not scale and not _CN_UNIT.search(num):
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
                if NUM_AR_RE.match(num) and len(num) >= 3:
                    continue
                if text.startswith("来", end) or text[end:end + 2] in ("计划", "规划", "計劃", "以来", "长远") or text[start - 1:start] == "这":
                    continue
                if text[max(0, start - 2):start] == "过去" or (
                        _DE_OR_ZHE_END.search(text[max(0, start - 1):start]) and text[end:end + 1] in BOUNDARY):
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

