"""Structure report: what `extract_tasks` finds in each document.

    .venv/bin/python benchmarks/structure_report.py [PATHS...] [--outline]

PATHS default to `seeds` and the shared corpus (`POLICYTRACE_CORPUS`, else
`../shared/corpus`). For each document it prints the number of units at each
depth and by kind, then every ordinal gap or restart (`gap 第N， expected 1
found 2 at 三/（八）/第二，`), and a summary with the time taken. `--outline`
also prints every unit (path and title), for reading against the text.

On the shared corpus (95 documents) the gaps and restarts left are ones a
reader sees in the text too (kept, with reasons, in
tests/data/tasks_expected.json and checked by tests/test_tasks.py):
- 2007 report: heading （三） is missing, its paragraphs follow （二）.
- 2010 report: `四是加强风险管理…` is printed twice.
- 1988, 1984, 1964 reports: a second (third) list restarts at 一、/第一，
  under a heading that has no number (关于外交工作, 今后发展国民经济中…).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.ingest import read_documents  # noqa: E402
from pipelines.tasks import extract_tasks, sequence_issues  # noqa: E402


def default_paths() -> list[str]:
    corpus = os.environ.get("POLICYTRACE_CORPUS") or str(ROOT.parent / "shared" / "corpus")
    return [str(ROOT / "seeds"), corpus]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
