"""Score the entity recogniser against the hand-labelled gold set.

    python benchmarks/eval_entities.py [--corpus ../shared/corpus] [--errors] [--label ORG]

Two hand-labelled sets (`--set`, default both), labelled by reading the text:
`tests/data/entities_gold.jsonl`, 596 mentions in 6 passages of 5 documents of
different kinds (the seed article, the 2024 national report, the 19th congress
report, the 海拉尔区 2016 district report, the 1978 report), labelled before the
recogniser existed and then used to develop it; and
`tests/data/entities_heldout.jsonl`, 393 mentions in 5 passages of 5 other
documents (2019, 1997, 1957 reports, the 20th congress report, 海拉尔区 2013),
labelled afterwards and never used to tune the rules. Conventions are in the
`.md` next to each. Inside each passage every mention is labelled, so
precision and recall are measured there.

Strict: same span and label. Lenient: overlapping span and same label. Also
the share of strict matches whose `normalized` agrees, and the counts by
`method`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))

from goldsets import DATA, jsonl, passages_in, relative_source  # noqa: E402
from pipelines.entities import extract_entities, place_of  # noqa: E402
from pipelines.gazetteer import LABELS  # noqa: E402
from pipelines.ingest import read_documents  # noqa: E402
from pipelines.segment import make_nlp  # noqa: E402
GOAL_LABELS = ("PERSON", "ORG", "EVENT", "LAW")


def load_gold(which: str = "gold"):
    name = {"gold": "entities_gold", "heldout": "entities_heldout"}[which]
    return jsonl(DATA / f"{name}.jsonl"), passages_in(DATA / f"{name}.md")


def evaluate(corpus: Path, which: str = "gold") -> dict:
    gold, passages = load_gold(which)
    docs, _ = read_documents([ROOT / "seeds", corpus])
    by_source = {relative_source(d.source): d for d in docs}
    nlp = make_nlp()
    preds = {}
    for src in {p["doc"] for p in passages}:
        d = by_source[src]
        preds[src] = extract_entities(nlp(d.text), d.year, place_of(d.issuer, d.occasion, d.title))
    tp, fp, fn, lenient_tp, norm_ok, methods = Counter(), Counter(), Counter(), Counter(), Counter(), Counter()
    errors = []
    for p in passages:
        src, text = p["doc"], by_source[p["doc"]].text
        g_items = [g for g in gold if g["doc"] == src and g["passage"] == p["passage"]]
        p_items = [e for e in preds[src] if p["char_start"] <= e.start < p["char_end"]]
        g_keys = {(g["start"], g["end"], g["label"]): g for g in g_items}
        p_keys = {(e.start, e.end, e.label): e for e in p_items}
        for k, e in p_keys.items():
            methods[(e.label, e.method, k in g_keys)] += 1
            if k in g_keys:
                tp[e.label] += 1
                g = g_keys[k]
                norm_ok[e.label] += e.normalized == g["normalized"]
                if e.normalized != g["normalized"]:
                    errors.append(("normalized", e.label, e.text, f"{e.normalized} != {g['normalized']}", ""))
            else:
                fp[e.label] += 1
                over = [g for g in g_items if g["start"] < e.end and e.start < g["end"]]
                hint = "; gold: " + ",".join(f"{g['text']}/{g['label']}" for g in over) if over else ""
                errors.append(("spurious", e.label, e.text, e.method + hint, text[max(0, e.start - 10):e.end + 10].replace("\n", " ")))
        for k, g in g_keys.items():
            if k not in p_keys:
                fn[g["label"]] += 1
                over = [e for e in p_items if e.start < g["end"] and g["start"] < e.end]
                hint = ",".join(f"{e.text}/{e.label}" for e in over)
                errors.append(("missed", g["label"], g["text"], hint, g["context"].replace("\n", " ")))
            if any(e.label == g["label"] and e.start < g["end"] and g["start"] < e.end for e in p_items):
                lenient_tp[g["label"]] += 1
    return {"tp": tp, "fp": fp, "fn": fn, "lenient": lenient_tp, "norm_ok": norm_ok, "methods": methods,
            "errors": errors, "n_gold": len(gold), "n_docs": len({g["doc"] for g in gold}), "n_passages": len(passages)}


def scores(r: dict, label: str) -> tuple[float, float]:
    tp, fp, fn = r["tp"][label], r["fp"][label], r["fn"][label]
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


def report(r: dict, show_errors: bool, only: str | None) -> None:
    print(f"{r['n_gold']} hand-labelled entities in {r['n_passages']} passages of {r['n_docs']} documents\n")
    print(f"{'label':<8}{'gold':>6}{'found':>7}{'P':>8}{'R':>8}{'R~':>8}{'norm':>8}   (R~: overlapping span)")
    for lab in LABELS:
        g = r["tp"][lab] + r["fn"][lab]
        f = r["tp"][lab] + r["fp"][lab]
        p, rec = scores(r, lab)
        goal = "  goal P>=0.90 R>=0.85" if lab in GOAL_LABELS else ""
        print(f"{lab:<8}{g:>6}{f:>7}{p:>8.3f}{rec:>8.3f}{(r['lenient'][lab] / g if g else 0):>8.3f}"
              f"{(r['norm_ok'][lab] / r['tp'][lab] if r['tp'][lab] else 0):>8.3f}{goal}")
    print("\nfound, by method (right / wrong):")
    by = Counter()
    for (lab, method, ok), n in r["methods"].items():
        by[(lab, method, ok)] += n
    for lab in LABELS:
        parts = []
        for method in ("gazetteer", "pattern", "quote", "pos"):
            ok, bad = by[(lab, method, True)], by[(lab, method, False)]
            if ok or bad:
                parts.append(f"{method} {ok}/{bad}")
        print(f"  {lab:<8}" + ", ".join(parts))
    if show_errors:
        print("\nerrors:")
        for e in sorted(r["errors"], key=lambda e: (e[1], e[0])):
            if only is None or e[1] == only:
                print("  ", " | ".join(map(str, e)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--label", help="with --errors, only this label")
    ap.add_argument("--set", choices=("gold", "heldout", "both"), default="both",
                    help="gold: entities_gold.jsonl (the rules were developed against it); "
                         "heldout: entities_heldout.jsonl (labelled later, from other documents, never used for tuning)")
    args = ap.parse_args(argv)
    for which in (("gold", "heldout") if args.set == "both" else (args.set,)):
        if not (DATA / f"entities_{which}.jsonl").exists():
            continue
        print(f"=== {which} ===")
        report(evaluate(args.corpus, which), args.errors, args.label)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
