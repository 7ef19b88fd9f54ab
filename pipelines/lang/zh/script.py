"""Chinese script: the Han character ranges, and traditional to simplified.

Every module that asks "is this a Chinese character?" uses `HAN` (a regex
character-class body), so cleaning, task markers, entities and terms agree.

>>> re.fullmatch(f"[{HAN}]+", "新质生产力") is not None
True
>>> simplified("工業總產值")
'工业总产值'
"""

from __future__ import annotations

import re
from functools import lru_cache

# CJK Unified Ideographs, Extension A, Compatibility Ideographs, Extensions B–G.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_RE = re.compile(f"[{HAN}]")
HAN_RUN_RE = re.compile(f"[{HAN}]+")
# A web address or a percent-encoded stretch: ASCII only, so `详见https://www.gov.cn/a.html。今年增长5%`
# ends at the `。` and the figure after it stays a figure.
URL_RE = re.compile(r"(?:https?://|www\.)[!-~]+|[A-Za-z0-9./_-]*(?:%[0-9A-Fa-f]{2}){2,}[!-~]*")


def is_han(s: str) -> bool:
    """True when `s` is one or more Han characters and nothing else."""
    return bool(s) and HAN_RUN_RE.fullmatch(s) is not None


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(s: str | None) -> str | None:
    """`s` in simplified characters (OpenCC t2s): subjects and entity normal
    forms use them, so 1957's `工業总产值` matches 2024's `工业总产值`."""
    return _t2s().convert(s) if s else s
