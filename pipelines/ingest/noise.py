"""Scraper and page noise: lines that are not the document's wording.

Toolbars (`下载 打印 全屏 收藏 【字号…】`), placeholder titles (`未知标题`), photo
captions (`新华社记者 王晔摄`), graphics and data credits (`制图：蔡华伟`) and the
`来源：`/`时间：` lines a scraper copies from the page head. The patterns are
in the editable `pipelines/data/scraper_noise.tsv`. Each cut line is recorded,
so a reader of the dataset can see what was removed.

>>> text, removed, meta = strip_noise("下载\\n打印\\n【字号：\\n】\\n2026年浙江省政府工作报告\\n来源：浙江日报\\n时间：2026-01-22\\n各位代表：")
>>> text, [kind for kind, _ in removed], meta
('2026年浙江省政府工作报告\\n各位代表：', ['toolbar', 'toolbar', 'toolbar', 'toolbar', 'head_meta', 'head_meta'], {'source': '浙江日报', 'date': '2026-01-22'})
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines.lang.zh import lexicon

KINDS = ("placeholder_title", "toolbar", "head_meta", "caption", "credit")
_EDGE = 20  # toolbars and head metadata sit in the first (or last) lines


@dataclass(frozen=True)
class NoiseRule:
    kind: str
    regex: re.Pattern


@lru_cache(maxsize=1)
def rules() -> tuple[NoiseRule, ...]:
    out = []
    for row in lexicon.table(lexicon.path_of("scraper_noise.tsv"), ("kind", "pattern")):
        kind = row.choice(0, KINDS, "kind")
        out.append(NoiseRule(kind, row.regex(1)))
    return tuple(out)


def strip_noise(text: str) -> tuple[str, list[tuple[str, str]], dict[str, str]]:
    """`text` without noise lines; the lines cut, as (kind, line); metadata from head lines."""
    lines = text.split("\n")
    content = [i for i, line in enumerate(lines) if line.strip()]
    head, tail = set(content[:_EDGE]), set(content[-_EDGE:])
    first = content[0] if content else -1
    removed: list[tuple[str, str]] = []
    meta: dict[str, str] = {}
    keep = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        kind = None
        for rule in rules() if stripped else ():
            if rule.kind == "placeholder_title" and i != first:
                continue
            if rule.kind == "toolbar" and i not in head and i not in tail:
                continue
            if rule.kind == "head_meta" and i not in head:
                continue
            m = rule.regex.fullmatch(stripped)
            if m:
                kind = rule.kind
                meta.update({k: v for k, v in m.groupdict().items() if v and k not in meta})
                break
        if kind is None:
            keep.append(line)
        else:
            removed.append((kind, stripped))
    if not removed:
        return text, [], {}
    return re.sub(r"\n{3,}", "\n\n", "\n".join(keep)).strip("\n"), removed, meta
