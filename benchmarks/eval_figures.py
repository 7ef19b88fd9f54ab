"""Score the figures extractor against the hand-labelled gold set.

    .venv/bin/python benchmarks/eval_figures.py [--corpus ../shared/corpus] [--errors]

Two hand-labelled sets (labelled by reading the text; see `tests/data/README.md`):
`figures_gold.jsonl` (344 figures, 8 documents, 1956–2025), against which the
rules were developed, and `figures_heldout.jsonl`, from other documents and
never used to tune them; `--set` picks one (default both). Inside
each labelled passage every figure is labelled, so precision and recall are
measured there; predictions outside the passages are not scored.

A prediction matches a gold figure when the spans overlap and the kinds agree.
Reported per kind: precision, recall, and among matches the share with the
exact span and the right value (`value` and `value_high`). Then the accuracy
of every other column over the matches, and how many of the 40 hand-picked
negatives (`tests/data/figures_negatives.jsonl`) were wrongly extracted.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from pipelines.extract.figures import KINDS
from pipelines.qa.scoring import DATA, ROOT, evaluate_figures


def ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def report(r: dict, show_errors: bool) -> int:
    print(f"{r['n_gold']} hand-labelled figures in {r['n_docs']} documents\n")
    print(f"{'kind':<17}{'gold':>6}{'found':>7}{'P':>8}{'R':>8}{'span=':>8}{'value':>8}")
    T = Counter()
    for k in KINDS:
        g = r["tp"][k] + r["fn"][k]
        f = r["tp"][k] + r["fp"][k]
        if not g and not f:
            continue
        print(f"{k:<17}{g:>6}{f:>7}{ratio(r['tp'][k], f):>8}{ratio(r['tp'][k], g):>8}"
              f"{ratio(r['exact'][k], r['tp'][k]):>8}{ratio(r['value_ok'][k], r['tp'][k]):>8}")
        for key, c in (("g", g), ("f", f), ("tp", r["tp"][k]), ("ex", r["exact"][k]), ("v", r["value_ok"][k])):
            T[key] += c
    print(f"{'all':<17}{T['g']:>6}{T['f']:>7}{ratio(T['tp'], T['f']):>8}{ratio(T['tp'], T['g']):>8}"
          f"{ratio(T['ex'], T['tp']):>8}{ratio(T['v'], T['tp']):>8}")
    print("\ncolumn accuracy over matched figures:")
    for col in r["col_total"]:
        print(f"  {col:<22}{ratio(r['cols'][col], r['col_total'][col])}  ({r['cols'][col]}/{r['col_total'][col]})")
    print(f"\nnegatives extracted: {len(r['neg_hits'])} of {r['n_neg']}")
    for h in r["neg_hits"]:
        print("  ", h)
    if show_errors:
        print("\nerrors:")
        for e in sorted(r["errors"], key=lambda e: e[0]):
            print("  ", " | ".join(map(str, e)))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--set", choices=("gold", "heldout", "both"), default="both",
                    help="gold: tests/data/figures_gold.jsonl (rules were developed against it); "
                         "heldout: tests/data/figures_heldout.jsonl (never used for tuning)")
    ap.add_argument("--errors", action="store_true", help="list every miss, spurious figure and wrong column")
    args = ap.parse_args(argv)
    sets = ("gold", "heldout") if args.set == "both" else (args.set,)
    for which in sets:
        if which == "heldout" and not (DATA / "figures_heldout.jsonl").exists():
            continue
        print(f"=== {which} ===")
        report(evaluate_figures(args.corpus, which), args.errors)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
