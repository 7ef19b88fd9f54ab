"""Score `policytrace compare` against pairings written by reading, and time it.

    .venv/bin/python benchmarks/eval_compare.py [--corpus ../shared/corpus]

Builds the national reports into a temporary dataset, then:
- targets: tests/data/compare_targets.jsonl (every figure of the targets and
  fiscal paragraphs, 2022→2023 and 2023→2024): pairs found and statuses right;
- tasks: tests/data/compare_tasks_2021_2022.jsonl and compare_tasks_2023_2024.jsonl
  (sections and lead paragraphs of the task parts): pairs right (recall over the
  reader's pairs, precision over ours among the labelled units) and statuses right;
- the time of one comparison after start-up, and of a trend over the corpus in DuckDB.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pipelines.build import build
from pipelines.compare import compare
from pipelines.qa.scoring import ROOT, evaluate_target_pairs, evaluate_task_alignment
from pipelines.store.query import connect

A, B = "2023年中华人民共和国国务院政府工作报告", "2024年中华人民共和国国务院政府工作报告"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args(argv)
    out = str(Path(tempfile.mkdtemp()) / "datasets")
    build([str(args.corpus / "national")], out)
    t = evaluate_target_pairs(out)
    print(f"targets: {t['right_pair']} of {t['gold']} labelled pairs found, {t['right_status']} with the right status")
    if args.errors:
        for e in t["errors"]:
            print("  ", e)
    for ya, yb in ((2021, 2022), (2023, 2024)):
        a = evaluate_task_alignment(out, f"{ya}年中华人民共和国国务院政府工作报告", f"{yb}年中华人民共和国国务院政府工作报告",
                                    f"compare_tasks_{ya}_{yb}.jsonl")
        print(f"tasks {ya}→{yb}: {a['right_pairs']} of {a['gold_pairs']} labelled pairs right "
              f"(recall {a['right_pairs'] / a['gold_pairs']:.2f}, precision {a['right_pairs'] / max(a['our_pairs'], 1):.2f} of "
              f"{a['our_pairs']} pairs made); status right for {a['right_status']} of {a['gold_units']} units")
        if args.errors:
            for e in a["errors"]:
                print("  ", e)
    t0 = time.perf_counter()
    compare(out, A, B)
    print(f"one comparison: {time.perf_counter() - t0:.2f} s")
    con = connect(out)
    t0 = time.perf_counter()
    con.sql("SELECT * FROM trend('新质生产力')").fetchall()
    print(f"trend over {con.execute('SELECT count(*) FROM documents').fetchone()[0]} documents in DuckDB: {time.perf_counter() - t0:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
