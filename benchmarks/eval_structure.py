"""Score the task extractor against structures written by reading.

    .venv/bin/python benchmarks/eval_structure.py [--corpus ../shared/corpus] [--errors]

Gold: tests/data/structure_2025_dev.jsonl (12 人民日报 2025 prints, used while
building the rules), structure_2025_heldout.jsonl (5 other prints, kept aside)
and provincial_structure.jsonl (the parts and （x） points of three 2026
provincial reports). See tests/data/structure_2025.md and new_formats.md. A unit
matches when its path, marker, ordinal, kind and the opening of its title
agree; a document is exact when every unit matches and nothing else is found.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.qa.scoring import ROOT, documents_by_source, evaluate_structure

GOLD = ("structure_2025_dev.jsonl", "structure_2025_heldout.jsonl", "provincial_structure.jsonl")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--errors", action="store_true", help="list missed and spurious units")
    args = ap.parse_args(argv)
    docs = documents_by_source(args.corpus)
    for gold in GOLD:
        r = evaluate_structure(args.corpus, gold, docs)
        g, f, m = (sum(v[k] for v in r.values()) for k in ("gold", "found", "matched"))
        print(f"=== {gold}: {m} of {g} units matched ({m / g:.3f}), {f} found; "
              f"{sum(v['exact'] for v in r.values())} of {len(r)} documents exact")
        for src, v in r.items():
            print(f"  {Path(src).name[:60]:<62}{v['gold']:>5}{v['found']:>6}{v['matched']:>6}  {'exact' if v['exact'] else ''}")
            if args.errors:
                for u in v["missed"]:
                    print(f"      missed   {u}")
                for u in v["spurious"]:
                    print(f"      spurious {u}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
