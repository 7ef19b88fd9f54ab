"""Chinese and Arabic numerals: cn2an, plus the forms cn2an rejects.

cn2an reads `一亿二千万`, `四点五` and `二十三`, and writes `二十`; it does not
read five-year plans (`十五五` is plan 15, not 155), congress terms
(`二十届`), numerals with a leading scale (`千亿`), traditional or financial
digits (`萬`, `貳`), digit-by-digit years written with `○`, or full-width
digits (`１４．８`). This module is the one place that reads numerals.

>>> number_value("１４．８"), number_value("一亿二千万"), number_value("一九九七"), number_value("千亿")
(14.8, 120000000.0, 1997.0, 100000000000.0)
>>> plan_number("十五五"), ordinal("二十"), chinese(20), plan_years(15)
(15, 20, '二十', (datetime.date(2026, 1, 1), datetime.date(2030, 12, 31)))
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import cn2an

# Character classes (regex bodies) and numeral patterns shared by extractors.
DIG = "0-9０-９"
CN_D = "零〇○一二三四五六七八九两兩壹贰貳叁參肆伍陆陸柒捌玖"
CN_U = "十拾百佰千仟万萬亿億"
CN_SMALL = "一二三四五六七八九十"
NUM_AR = rf"[{DIG}]{{1,3}}(?:[,，][{DIG}]{{3}})+(?![{DIG}])|[{DIG}]+(?:[.．][{DIG}]+)?"
NUM_CN = rf"[{CN_D}{CN_U}]+(?:点[{CN_D}]+)?"
ORD = f"[{CN_SMALL}]{{1,3}}"  # small ordinals: 届, 次, 中全会, list markers
YEAR_DIGITS = "〇零○一二三四五六七八九"  # a year written digit by digit
# A five-year plan: its number (1–15), its short form (`十五五`, `“九五”`: the
# number, then 五), and the words that name it after `第N个五年` or the short form.
PLAN_NUMBER = "(十[一二三四五]|[一二三四五六七八九十])"
PLAN_SHORT = PLAN_NUMBER + "五"
PLAN_WORDS = "规划纲要|规划|计划|計劃|計划|计劃"

NUM_AR_RE = re.compile(NUM_AR)
_YEAR_RE = re.compile(f"[{YEAR_DIGITS}]{{4}}")
_PLAN_SHORT_RE = re.compile(PLAN_SHORT)
_TO_ASCII = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_TO_PLAIN = str.maketrans("萬億兩貳贰參叁陸柒捌玖拾佰仟壹〇○肆伍", "万亿两二二三三六七八九十百千一零零四五")


def ascii_digits(s: str) -> str:
    """Full-width digits, point and comma as ASCII: `１４．８` -> `14.8`."""
    return s.translate(_TO_ASCII)


def arabic_value(s: str) -> float:
    """`２７，２０３` -> 27203.0 (full-width forms and thousands separators allowed)."""
    return float(ascii_digits(s).replace(",", ""))


@lru_cache(maxsize=1 << 16)  # numerals repeat (二十, 一千万, 百分之五): cn2an parses each once
def chinese_value(s: str) -> float | None:
    """`一亿二千万` -> 120000000; `千亿` -> 1e11; `四点五` -> 4.5; None if not a numeral."""
    s = s.translate(_TO_PLAIN)
    if s and s[0] in "百千万亿":
        s = "一" + s
    try:
        v = cn2an.cn2an(s, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return float(v)


def number_value(s: str) -> float | None:
    """Any numeral: Arabic, a year digit by digit (`一九九七`, `二○二四`), or Chinese."""
    if not s:
        return None
    if NUM_AR_RE.fullmatch(s):
        return arabic_value(s)
    if _YEAR_RE.fullmatch(s):
        return float(cn2an.cn2an(s.replace("○", "〇"), "direct"))
    return chinese_value(s)


def ordinal(s: str) -> int | None:
    """The whole number a numeral stands for (`二十` -> 20, `３` -> 3), or None."""
    v = number_value(s)
    return int(v) if v is not None else None


def chinese(n: int) -> str:
    """`20` -> `二十`, `12` -> `十二` (as ordinals are written: 第二十届)."""
    return cn2an.an2cn(n)


def plan_number(s: str) -> int | None:
    """The number of a five-year plan in its short form: `十五五` -> 15, `六五` -> 6."""
    m = _PLAN_SHORT_RE.fullmatch(s)
    return ordinal(m.group(1)) if m else None


def plan_years(n: int) -> tuple[dt.date, dt.date]:
    """Years of the n-th five-year plan: 1st 1953–57, 2nd 1958–62, then from 1966 every five years."""
    first = {1: 1953, 2: 1958}.get(n, 1966 + 5 * (n - 3))
    return dt.date(first, 1, 1), dt.date(first + 4, 12, 31)


def plan_of_year(year: int) -> int | None:
    """The five-year plan in force in `year` (2024 -> 14), None before 1953."""
    for n in range(1, 30):
        a, b = plan_years(n)
        if a.year <= year <= b.year:
            return n
    return None
