"""Structure audit: gaps and restarts in the numbering of enumerated units.

    python -m pipelines.qa.structure [PATHS...] [--outline]

PATHS default to `seeds` and the shared corpus (`POLICYTRACE_CORPUS`, else
`../shared/corpus`). For each document it prints the number of units at each
depth and by kind, then every ordinal gap or restart (`gap 第N， expected 1
found 2 at 三/（八）/第二，`), and a summary with the time taken. `--outline`
also prints every unit (path and title), for reading against the text.

The gaps and restarts left in the shared corpus are ones a reader sees in
the text too (kept, with reasons, in tests/data/tasks_expected.json and
checked by tests/test_tasks.py).
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipelines.extract.tasks import Task, extract_tasks
from pipelines.extract.tasks.markers import marker_style
from pipelines.ingest import read_documents


@dataclass(frozen=True)
class SequenceIssue:
    """An ordinal that does not follow its previous sibling of the same style.

    `kind` is `gap` (`第二，` after `第四，`... or a list starting at 2) or
    `restart` (back to 1 or lower under the same parent).
    """

    index: int
    kind: str
    expected: int
    found: int
    path: str



def _begins_paragraph(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    return not text[line_start:pos].strip(" \t\u3000\u2003\u00a0#")


def sequence_issues(tasks: list[Task], text: str) -> list[SequenceIssue]:
    """Gaps and restarts in the ordinals of marked units of `text`.

    Siblings of one style under one parent should count 1, 2, 3, …; a list may
    also continue the numbering of the same style under the previous parent
    (`（一）`…`（十）` under part 二, `（十一）` under part 三). A new list that
    starts inside a paragraph (`…有两个可能性：第一，…；第二，…`) is not a
    restart of a paragraph-level list, nor the other way round.

    The 2007 report skips the heading （三）:

    >>> text = "（一）坚持加强和改善宏观调控\\n\\n（二）发展现代农业和推进社会主义新农村建设\\n\\n（四）加快推进产业结构升级和自主创新"
    >>> [(i.kind, i.expected, i.found, i.path) for i in sequence_issues(extract_tasks(text), text)]
    [('gap', 3, 4, '（四）')]
    """
    issues: list[SequenceIssue] = []
    prev: dict[tuple[int | None, str], tuple[int, bool]] = {}
    last_of_style: dict[str, int] = {}
    styles = [("h:" if t.kind == "heading" else "") + marker_style(t.marker) for t in tasks]
    for i, t in enumerate(tasks):
        if t.marker.startswith("首先"):  # the style of the `第二，`/`二是` that follows
            styles[i] = next((styles[j] for j in range(i + 1, len(tasks))
                              if tasks[j].parent == t.parent and tasks[j].ordinal == 2), styles[i])
    for t, style in zip(tasks, styles):
        if t.kind in ("lead", "bullet"):
            continue
        key = (t.parent, style)
        block = _begins_paragraph(text, t.start)
        if key not in prev:
            if t.ordinal != 1 and t.ordinal != last_of_style.get(style, 0) + 1:
                issues.append(SequenceIssue(t.index, "gap", 1, t.ordinal, t.path))
        else:
            before, before_block = prev[key]
            if t.ordinal <= before:
                if block and before_block:
                    issues.append(SequenceIssue(t.index, "restart", before + 1, t.ordinal, t.path))
            elif t.ordinal != before + 1:
                issues.append(SequenceIssue(t.index, "gap", before + 1, t.ordinal, t.path))
        prev[key] = (t.ordinal, block)
        last_of_style[style] = t.ordinal
    return issues



def default_paths() -> list[str]:
    """`seeds/` and the shared corpus (`POLICYTRACE_CORPUS`, else `../shared/corpus`)."""
    root = Path.cwd()
    return [str(root / "seeds"), os.environ.get("POLICYTRACE_CORPUS") or str(root.parent / "shared" / "corpus")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipelines.qa.structure", description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--outline", action="store_true", help="print every unit")
    args = ap.parse_args(argv)

    docs, rejected = read_documents(args.paths or default_paths())
    for r in rejected:
        print(f"rejected {r.source}: {r.reason}")

    t0 = time.perf_counter()
    results = [(d, extract_tasks(d.text)) for d in docs]
    elapsed = time.perf_counter() - t0

    total_units = Counter()
    total_kinds = Counter()
    n_issues = Counter()
    docs_with_issues = 0
    for d, tasks in results:
        depths = Counter(t.depth for t in tasks)
        kinds = Counter(t.kind for t in tasks)
        total_units.update(depths)
        total_kinds.update(kinds)
        issues = sequence_issues(tasks, d.text)
        name = f"{Path(d.source).name} {d.year or ''} {(d.title or '')[:24]}"
        print(f"{d.doc_id[:10]} {name}")
        print("    depth " + " ".join(f"{k}:{depths[k]}" for k in sorted(depths)) + "   "
              + " ".join(f"{k}={v}" for k, v in kinds.most_common()))
        if args.outline:
            for t in tasks:
                print(f"      {'  ' * (t.depth - 1)}{t.path} [{t.kind}] {t.title[:40]}")
        for i in issues:
            t = tasks[i.index]
            print(f"    {i.kind} expected {i.expected} found {i.found} at {i.path}  「{t.title[:20]}」 @{t.start}")
            n_issues[i.kind] += 1
        docs_with_issues += bool(issues)

    print()
    print(f"documents: {len(docs)}  units: {sum(total_units.values())}  chars: {sum(len(d.text) for d in docs):,}")
    print("by depth: " + " ".join(f"{k}:{total_units[k]}" for k in sorted(total_units)))
    print("by kind:  " + " ".join(f"{k}={v}" for k, v in total_kinds.most_common()))
    print(f"gaps: {n_issues['gap']}  restarts: {n_issues['restart']}  in {docs_with_issues} documents")
    print(f"extract_tasks over all documents: {elapsed * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
