"""Enumerated tasks: the numbered structure of a policy document as data.

Policy documents are lists of tasks nested in numbered parts. This module
finds every enumerated unit at every level and returns it as a `Task` with its
parent, depth, marker as written, ordinal, kind, title and character offsets.

>>> text = ("### 二、深入实施发展新质生产力的重大任务举措\\n\\n"
...         "  （一）强化科技创新是发展新质生产力的核心驱动。必须加快高水平科技自立自强。"
...         "一是加强基础研究和原始创新。提高基础研究投入比重。"
...         "二是加强关键核心技术攻关。完善新型举国体制。")
>>> [(t.path, t.kind, t.title) for t in extract_tasks(text)]  # doctest: +NORMALIZE_WHITESPACE
[('二', 'part', '深入实施发展新质生产力的重大任务举措'),
 ('二/（一）', 'section', '强化科技创新是发展新质生产力的核心驱动'),
 ('二/（一）/一是', 'item', '加强基础研究和原始创新'),
 ('二/（一）/二是', 'item', '加强关键核心技术攻关')]

Kinds (the `kind` column):

- `part`: `一、`, `一．` at the start of a paragraph, in every written form: a
  bare line, a markdown heading (`### 一、…`), a bold line (`**一、总体要求**`);
  and `第一篇`, `第一部分`.
- `chapter`: `第一章` (laws, plan outlines).
- `section`: `（一）`, `(一)`; `第一节`.
- `article`: `第一条` of a law or regulation: the unit an analyst cites. A
  `（一）` inside an article is an `item` (项); its unnumbered paragraphs (款)
  are not units. A table of contents (`目  录` and its chapter lines) is skipped.
- `item`: ordinal words `一是`, `一要`, `第一，`, `第一、`, `第一是` (and `首先`
  standing for the first of them), at a paragraph start or run in after a
  sentence end (`。二是…`).
- `numbered`: Arabic or circled numbers: `1.`, `1．`, `1、`, `（1）`, `①`.
- `lead`: an unmarked paragraph opening with a lead sentence that names the
  task (`培育壮大新兴产业、未来产业。…`); `marker` is `''`, `ordinal` its
  place among the leads of its parent. Three layouts count: a short run-in
  sentence opening with a task verb or `X要Y` (verbs and stop words in
  `pipelines/data/task_lead_words.txt`); a sentence set apart on its own line
  with the body on the next (1995, 2000); a run of three or more paragraphs
  each opening with a short statement (十九大 `经济建设取得重大成就。…`), or
  with two short parallel ones (`动能稳步转，创新在发力。`, `五年来，经济结构出现重大变革。`).
  In a text with no marker at all (a commentary, an explainer) leads stand at
  the top level.
- `bullet`: a `——` paragraph (`——经济总体回升向好。…`), or one opening with
  `■`, `●`, `◆` (the summary bullets of a readout); `marker` as written.
- `question`: a bold question line of a question-and-answer explainer
  (`**如何鼓励药企“真创新”？**`); the bold headline right below it is a lead
  under it. Other bold lines without a marker are not units.

How the tree is built. Candidates are read in text order. Each marker has a
*style* (`(N)`, `N是`, `第N，`, … see `marker_style`). A marker continues the
open list of its style whose last ordinal is one less; it starts a new list,
nested in the innermost open unit, when its ordinal is 1; it continues
numbering straight through across parents (`（十一）` under part 三 after
`（十）` under part 二). A list does not nest in itself, except items ending
in `；`/`。` (or a bare `一、` line) under a heading-like line of the same style
(`四、有重点地进行技术改造` over `一、节约能源…；`, 1981).

Markers run in mid-paragraph must follow a sentence end (`。；：`; a comma for
ordinal words), must not sit inside quotation marks, must fit the sequence and
must have a second member; otherwise they are words, not markers (`统一是`,
`之一是`, `第一生产力`, `一、二、三产业`, `5%`, `2024年`). Markers in URLs,
blockquotes, a trailing repost footer or a `注：` footnote block are ignored
(and `①` run in is then a footnote reference). Markers at the start of a
paragraph are kept even when the text skips a number;
`pipelines.qa.structure` lists such gaps and restarts
(`python -m pipelines.qa.structure`).

Unmarked paragraphs. Leads and bullets hang under the innermost part,
section, numbered unit or `第一，` paragraph (never under an article or a
chapter: paragraphs of a law are no units), never under a `一是`
item, so a report's date line `——2024年3月5日…` is not a bullet. A `一是…`
paragraph followed by leads and then `二是…` owns those leads (2015 report).
After a salutation (`各位代表！`) leads belong to the part, not its last
section: the closing topics are not part of `（十）`. A bullet holds only
what is run in its own paragraph; a lead holds a list that opens in the
paragraph right after it.

Offsets: `text[start:end]` is the whole unit, from its marker (or lead
sentence) to where its next sibling or an ancestor's next sibling begins,
without trailing whitespace, markdown rules or footer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipelines.extract.tasks.markers import RULE_RE, SENTENCE_END_RE, Mark, marker_style
from pipelines.extract.tasks.scan import Lines, candidates, scan_lines
from pipelines.extract.tasks.tree import build_tree, singleton_inline_lists

__all__ = ["Task", "KINDS", "extract_tasks", "marker_style"]

KINDS = ("part", "chapter", "section", "article", "item", "numbered", "lead", "bullet", "question")


@dataclass(frozen=True)
class Task:
    """One enumerated unit of a document.

    For the seed's `（一）强化科技创新是发展新质生产力的核心驱动。…` under
    `### 二、…`: index 5, parent 4, depth 2, marker `（一）`, ordinal 1, kind
    `section`, title `强化科技创新是发展新质生产力的核心驱动`, path `二/（一）`.
    """

    index: int
    parent: int | None
    depth: int
    marker: str
    ordinal: int
    kind: str
    title: str
    start: int
    end: int
    path: str



_TITLE_MAX = 60


def _title(text: str, m: Mark, lines: Lines, limit: int) -> str:
    """The lead clause or sentence after the marker, stopping at `limit` (the next unit)."""
    pos = m.pos + len(m.marker)
    i = m.line
    end = lines.ends[i]
    while pos < end and text[pos] in " \t\u3000\u2003\u00a0":
        pos += 1
    if pos >= end and i + 1 < len(lines.starts):  # marker alone on its line
        pos, end = lines.content[i + 1], lines.ends[i + 1]
    stop = SENTENCE_END_RE.search(text, pos, min(end, max(limit, pos)))
    end = min(end, max(limit, pos))
    title = text[pos:stop.start() if stop else end].strip(" \t\u3000：:，,、")
    if len(title) > _TITLE_MAX:  # a long first sentence: its lead clause
        clause = re.split(r"[，,]", title, maxsplit=1)[0]
        title = clause if len(clause) >= 4 else title
    return title


def _path_part(m: Mark, ordinal: int) -> str:
    if m.kind == "lead":
        return f"¶{ordinal}"
    if m.kind == "bullet":
        return f"{m.marker[:1] if m.style != '——' else '—'}{ordinal}"  # —1 for any dash, ■1 for `■`
    if m.kind == "question":
        return f"?{ordinal}"
    return m.marker.rstrip("、．.，,：:")


def _trim_end(text: str, start: int, end: int) -> int:
    """Drop trailing whitespace, markdown rules and blockquote footers."""
    while True:
        while end > start and text[end - 1].isspace():
            end -= 1
        nl = text.rfind("\n", start, end)
        if nl < 0:
            return end
        last = text[nl + 1:end].strip()
        if last.startswith(">") or last.startswith("#") and not last.strip("#") or RULE_RE.match(last):
            end = nl
        else:
            return end


def extract_tasks(text: str) -> list[Task]:
    """Every enumerated unit of `text`, in document order.

    >>> ts = extract_tasks("三、2024年政府工作任务\\n\\n（一）大力推进现代化产业体系建设。"
    ...                    "充分发挥创新主导作用。\\n\\n推动产业链供应链优化升级。保持工业经济平稳运行。\\n\\n"
    ...                    "积极培育新兴产业和未来产业。实施产业创新工程。")
    >>> [(t.path, t.depth, t.marker, t.kind, t.title) for t in ts]  # doctest: +NORMALIZE_WHITESPACE
    [('三', 1, '三、', 'part', '2024年政府工作任务'),
     ('三/（一）', 2, '（一）', 'section', '大力推进现代化产业体系建设'),
     ('三/（一）/¶1', 3, '', 'lead', '推动产业链供应链优化升级'),
     ('三/（一）/¶2', 3, '', 'lead', '积极培育新兴产业和未来产业')]
    """
    lines = scan_lines(text)
    marks = candidates(text, lines)
    # A text with no marker at all (a commentary, an explainer): its lead
    # paragraphs stand at the top level.
    top_leads = not any(m.kind not in ("lead", "salutation", "question") for m in marks)
    rejected: set[int] = set()
    for _ in range(4):  # dropping a singleton list can change what follows
        nodes = build_tree(marks, rejected, top_leads)
        more = singleton_inline_lists(nodes) - rejected
        if not more:
            break
        rejected |= more

    tasks: list[Task] = []
    paths: list[str] = []
    depths: list[int] = []
    for i, n in enumerate(nodes):
        depth = depths[n.parent] + 1 if n.parent is not None else 1
        part = _path_part(n.mark, n.ordinal)
        path = f"{paths[n.parent]}/{part}" if n.parent is not None else part
        depths.append(depth)
        paths.append(path)
        kind = n.mark.kind
        if kind == "section" and n.parent is not None and nodes[n.parent].mark.kind == "article":
            kind = "item"  # （一） inside a law's article is an item (项)
        tasks.append(Task(i, n.parent, depth, n.mark.marker, n.ordinal, kind,
                          _title(text, n.mark, lines, nodes[i + 1].mark.pos if i + 1 < len(nodes) else len(text)),
                          n.mark.pos, 0, path))

    # A unit ends where the next unit that is not its descendant begins.
    ends = [lines.body_end] * len(tasks)
    open_: list[int] = []
    for i, t in enumerate(tasks):
        while open_ and tasks[open_[-1]].depth >= t.depth:
            ends[open_.pop()] = nodes[i].mark.anchor
        open_.append(i)
    return [replace(t, end=_trim_end(text, t.start, ends[i])) for i, t in enumerate(tasks)]

