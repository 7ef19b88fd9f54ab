"""Score the figures extractor against the hand-labelled gold set.

    python benchmarks/eval_figures.py [--corpus ../shared/corpus] [--errors]

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
import math
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))

from goldsets import DATA, jsonl, passages_in, relative_source  # noqa: E402
from pipelines.figures import KINDS, extract_figures  # noqa: E402
from pipelines.ingest import read_documents  # noqa: E402


def load_gold(which: str = "gold"):
    """`gold`: the set the extractor was developed against; `heldout`: a second
    hand-labelled set from other documents, labelled later."""
    if which == "heldout":
        return jsonl(DATA / "figures_heldout.jsonl"), [], jsonl(DATA / "figures_heldout_passages.jsonl")
    return jsonl(DATA / "figures_gold.jsonl"), jsonl(DATA / "figures_negatives.jsonl"), passages_in(DATA / "README.md")


def same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=0.01)


def norm_subject(s: str | None) -> str:
    return re.sub(r"比上年|比去年|同比|[的“”（）()]", "", s or "")


def evaluate(corpus: Path, which: str = "gold") -> dict:
    gold, negatives, passages = load_gold(which)
    docs, _ = read_documents([ROOT / "seeds", corpus])
    by_source = {relative_source(d.source): d for d in docs}
    needed = {g["doc"] for g in gold} | {n["doc"] for n in negatives}
    missing = needed - set(by_source)
    if missing:
        raise SystemExit(f"documents of the gold set not found under {corpus}: {sorted(missing)}")
    preds = {src: extract_figures(by_source[src].text, by_source[src].year) for src in needed}

    tp, fp, fn = Counter(), Counter(), Counter()
    exact, value_ok = Counter(), Counter()
    cols = Counter()
    col_total = Counter()
    errors = []
    for p in passages:
        src = p["doc"]
        text = by_source[src].text
        g_items = [g for g in gold if g["doc"] == src and g["passage"] == p["passage"]]
        p_items = [f for f in preds[src] if p["char_start"] <= f.start < p["char_end"]]
        used = set()
        for g in g_items:
            best, best_ov = None, 0
            for i, f in enumerate(p_items):
                if i in used or f.kind != g["kind"]:
                    continue
                ov = min(f.end, g["end"]) - max(f.start, g["start"])
                if ov > best_ov:
                    best, best_ov = i, ov
            if best is None:
                fn[g["kind"]] += 1
                errors.append(("missed", src, g["text"], g["kind"], g["context"]))
                continue
            used.add(best)
            f = p_items[best]
            tp[g["kind"]] += 1
            exact[g["kind"]] += (f.start, f.end) == (g["start"], g["end"])
            ok = same_value(f.value, g["value"]) and same_value(f.value_high, g["value_high"])
            value_ok[g["kind"]] += ok
            if not ok:
                errors.append(("value", src, g["text"], f"{f.value}/{f.value_high} != {g['value']}/{g['value_high']}", g["context"]))
            checks = {
                "unit": (f.unit, g["unit"]),
                "qualifier": (f.qualifier, g["qualifier"]),
                "direction": (f.direction, g["direction"]),
                "target": (f.target, g["target"]),
                "period_start": (f.period_start and f.period_start.isoformat(), g["period_start"]),
                "period_end": (f.period_end and f.period_end.isoformat(), g["period_end"]),
                "plenum": (f.plenum, g["plenum"]),
            }
            for col, (a, b) in checks.items():
                col_total[col] += 1
                cols[col] += a == b
                if a != b:
                    errors.append((col, src, g["text"], f"{a!r} != {b!r}", g["context"]))
            if g["kind"] not in ("year", "date", "period", "plan_period", "congress"):
                col_total["subject (exact)"] += 1
                col_total["subject (normalised)"] += 1
                cols["subject (exact)"] += f.subject == g["subject"]
                cols["subject (normalised)"] += norm_subject(f.subject) == norm_subject(g["subject"])
                if norm_subject(f.subject) != norm_subject(g["subject"]):
                    errors.append(("subject", src, g["text"], f"{f.subject!r} != {g['subject']!r}", g["context"]))
        for i, f in enumerate(p_items):
            if i not in used:
                fp[f.kind] += 1
                errors.append(("spurious", src, f.text, f.kind, text[max(0, f.start - 12):f.end + 12].replace("\n", " ")))
    neg_hits = []
    for n in negatives:
        for f in preds[n["doc"]]:
            if f.start < n["end"] and n["start"] < f.end:
                neg_hits.append((n["text"], n["why"], f.text, f.kind))
    return {"tp": tp, "fp": fp, "fn": fn, "exact": exact, "value_ok": value_ok, "cols": cols,
            "col_total": col_total, "errors": errors, "neg_hits": neg_hits, "n_neg": len(negatives),
            "n_gold": len(gold), "n_docs": len({g['doc'] for g in gold})}


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
        report(evaluate(args.corpus, which), args.errors)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
