"""Score the entity recogniser against the hand-labelled gold set.

    .venv/bin/python benchmarks/eval_entities.py [--corpus ../shared/corpus] [--errors] [--label ORG]
    .venv/bin/python benchmarks/eval_entities.py --external [FILE.jsonl ...]

Sixteen hand-labelled sets (`--set`, default all), labelled by reading the text:
`tests/data/entities_gold.jsonl`, 598 mentions in 6 passages of 5 documents of
different kinds (the seed article, the 2024 national report, the 19th congress
report, the 海拉尔区 2016 district report, the 1978 report), labelled before the
recogniser existed and then used to develop it; and
`tests/data/entities_heldout.jsonl`, 397 mentions in 5 passages of 5 other
documents (2019, 1997, 1957 reports, the 20th congress report, 海拉尔区 2013),
labelled afterwards; `entities_2025_heldout.jsonl` (334 PERSON/ORG/GPE/LOC mentions in
2025 prints and 2026 provincial reports), `entities_2026_heldout.jsonl` (329, other
passages), `entities_2026b_heldout.jsonl`, `entities_2026c_heldout.jsonl` (388) and
`entities_2026d_heldout.jsonl` (563, congress and national reports of 1956-2010 and two
2025 prints), `entities_2026e_heldout.jsonl` (546, in traditional characters) and
`entities_2026f_heldout.jsonl` (562: the 1959, 1981, 1998, 2008 and 2021 reports, the 十三大
and 一大 reports, four 2025 prints, two web pages) and `entities_2026g_heldout.jsonl` (983: the
1964, 1979, 1988, 2003, 2013 and 2023 reports, the 十大, 十七大 and 一大 Guangzhou reports) and
`entities_2026h_heldout.jsonl` (869: the 1955, 1958, 1983, 1994 and 2006 reports, the 九大, 十五大
and 十八大 reports) and `entities_2026i_heldout.jsonl` (594: other passages of the 2026 provincial reports
and 海拉尔区 2015, 2017, 2018, the 2016 and 2022 reports) and `entities_2026j_heldout.jsonl` (524: the
unlabelled passages of 海拉尔区 2012, 2013, 2014, 2016 and 2019 and a 德清 web page) and
`entities_2026k_heldout.jsonl` (403: the 2012, 2007, 1987 and 1975 reports, three 2025 prints, the
last unlabelled passages of the provincial and 海拉尔区 reports) and `entities_2026l_heldout.jsonl` (490: the
2018, 2017, 2015, 2014, 2011 and 2009 reports) and `entities_2026m_heldout.jsonl` (613: the 2005, 2004, 2001,
2000, 1999 and 1995 reports) and `entities_2026n_heldout.jsonl` (148: the 1985 and 1980 reports, four NPC
resolutions), each labelled before the code it measures first ran on it (first runs: the
README and tests/test_entities.py). Conventions are in the
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

from pipelines.extract.entities import LABELS
from pipelines.qa.scoring import (
    DATA,
    ENTITY_SETS,
    GOAL_LABELS,
    ROOT,
    entity_scores,
    evaluate_entities,
    evaluate_external,
)


def report(r: dict, show_errors: bool, only: str | None) -> None:
    print(f"{r['n_gold']} hand-labelled entities in {r['n_passages']} passages of {r['n_docs']} documents\n")
    print(f"{'label':<8}{'gold':>6}{'found':>7}{'P':>8}{'R':>8}{'R~':>8}{'norm':>8}   (R~: overlapping span)")
    for lab in LABELS:
        g = r["tp"][lab] + r["fn"][lab]
        f = r["tp"][lab] + r["fp"][lab]
        p, rec = entity_scores(r, lab)
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


def external(paths: list[Path]) -> int:
    """Strict PER/ORG/LOC scores on annotated corpora in `../shared/ner`'s JSONL format
    (default: its People's Daily dev split), our conventions mapped to theirs."""
    import time

    for path in paths:
        if not path.exists():
            print(f"eval_entities: {path} is missing (an annotated corpus in ../shared/ner's JSONL format)", file=sys.stderr)
            return 2
    from pipelines.extract.entities import bilstm

    systems = ["rules", "combined", "model", "ensemble"]
    if not bilstm.MODEL_PATH.exists():  # it ships in git; a tree that lost it
        systems.remove("ensemble")
        print(f"(no ensemble row: {bilstm.MODEL_PATH.name} is missing; git checkout restores it, `make model` trains it)\n")
    for path in paths:
        print(f"{path.name}: strict spans; P / R / F1 per label (gold count)\n")
        print(f"{'system':<10}" + "".join(f"{lab + ' P R F1 (gold)':>26}" for lab in ("PER", "ORG", "LOC", "all")) + f"{'chars/s':>10}")
        for system in systems:
            t0 = time.perf_counter()
            r = evaluate_external(path, system)
            rate = r["chars"] / (time.perf_counter() - t0)
            cells = "".join(f"  {r[lab]['P']:.3f} {r[lab]['R']:.3f} {r[lab]['F1']:.3f} ({r[lab]['gold']:>4})" for lab in ("PER", "ORG", "LOC", "all"))
            print(f"{system:<10}{cells}{rate:>10,.0f}")
        print()
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--label", help="with --errors, only this label")
    ap.add_argument("--set", choices=(*ENTITY_SETS, "all"), default="all",
                    help="gold: entities_gold.jsonl (the rules were developed against it); "
                         "heldout: entities_heldout.jsonl (labelled later, from other documents); "
                         "heldout2025: entities_2025_heldout.jsonl (PERSON/ORG/GPE/LOC in 2025 prints and 2026 "
                         "provincial reports, labelled before the trained model was run on them); "
                         "heldout2026: entities_2026_heldout.jsonl (PERSON/ORG/GPE/LOC in other passages of the "
                         "provincial reports, a 海拉尔区 report and two 2025 prints, labelled before the "
                         "enterprises gazetteer and the line/zone rule ran on them); "
                         "heldout2026b: entities_2026b_heldout.jsonl (PERSON/ORG/GPE/LOC in the 北京 2026 report, "
                         "海拉尔区 2019, the 1984 national report and three 2025 prints, labelled before the "
                         "divisions list and the abbreviation-run rule ran on them); "
                         "heldout2026c: entities_2026c_heldout.jsonl (PERSON/ORG/GPE/LOC in 海拉尔区 2012-2017, "
                         "the 1982, 1992 and 1993 national reports and two congress reports, labelled before "
                         "this session's zone, campus, line and institution rules ran on them); "
                         "heldout2026d: entities_2026d_heldout.jsonl (PERSON/ORG/GPE/LOC in the 十二大 and 十六大 "
                         "reports, the 1956, 1960, 1986, 2002 and 2010 national reports and two 2025 prints, labelled "
                         "by a reader who had not seen the code, before the recogniser ran on them); "
                         "heldout2026e: entities_2026e_heldout.jsonl (PERSON/ORG/GPE/LOC in the 1954 report and the "
                         "三大 report, written in traditional characters, labelled the same way); "
                         "heldout2026f: entities_2026f_heldout.jsonl (PERSON/ORG/GPE/LOC in the 1959, 1981, 1998, 2008 "
                         "and 2021 national reports, the 十三大 report, the 一大 Beijing report, four 2025 prints and two "
                         "saved web pages, labelled the same way, before the rules of 2026-12-03 ran on them); "
                         "heldout2026g: entities_2026g_heldout.jsonl (PERSON/ORG/GPE/LOC in the 1964, 1979, 1988, 2003, "
                         "2013 and 2023 national reports, the 十大 and 十七大 reports and the 一大 Guangzhou report, labelled "
                         "the same way after all of them were written and before they ran on it); "
                         "heldout2026h: entities_2026h_heldout.jsonl (PERSON/ORG/GPE/LOC in the 1955, 1958, 1983, 1994 "
                         "and 2006 national reports and the 九大, 十五大 and 十八大 reports, labelled the same way after the "
                         "kind rules of 2026-12-03's second session were written and before they ran on it); "
                         "heldout2026i: entities_2026i_heldout.jsonl (PERSON/ORG/GPE/LOC in unlabelled passages of the "
                         "three 2026 provincial reports and 海拉尔区 2015, 2017 and 2018, and the 2016 and 2022 national "
                         "reports, labelled the same way while the later rules of that session were written); "
                         "heldout2026j: entities_2026j_heldout.jsonl (PERSON/ORG/GPE/LOC in the unlabelled passages of "
                         "海拉尔区 2012, 2013, 2014, 2016 and 2019, labelled the same way while mainland China, 亚非 and "
                         "lists of roads were written); heldout2026k: entities_2026k_heldout.jsonl (PERSON/ORG/GPE/LOC in "
                         "the 2012, 2007, 1987 and 1975 national reports, three 2025 prints and the last unlabelled passages "
                         "of the provincial and 海拉尔区 reports, labelled the same way while the strategies' regions were "
                         "written); heldout2026l: entities_2026l_heldout.jsonl (PERSON/ORG/GPE/LOC in the 2018, 2017, "
                         "2015, 2014, 2011 and 2009 national reports, labelled the same way while the zones named by a "
                         "place and the kinds of place and body were written); heldout2026m: entities_2026m_heldout.jsonl "
                         "(PERSON/ORG/GPE/LOC in the 2005, 2004, 2001, 2000, 1999 and 1995 national reports, labelled the "
                         "same way while the levels and overseas Chinese were written); heldout2026n: entities_2026n_heldout.jsonl "
                         "(PERSON/ORG/GPE/LOC in the 1985 and 1980 national reports and four NPC resolutions, labelled the "
                         "same way while the bound abbreviations, parties and unbracketed documents were written)")
    ap.add_argument("--external", nargs="*", type=Path, metavar="JSONL",
                    help="instead: strict PER/ORG/LOC on annotated corpora in ../shared/ner's JSONL format (records "
                         "with text and entities start/end/label; default: NER/peoples_daily_ner_dev.jsonl, not trained "
                         "on), for the rules (POLICYTRACE_NER_MODEL=off), rules + model (the default build), the model alone "
                         "and the CRF + BiLSTM ensemble (when `make model` has trained the BiLSTM)")
    ap.add_argument("--ner", type=Path, default=ROOT.parent / "shared" / "ner")
    args = ap.parse_args(argv)
    if args.external is not None:
        return external(args.external or [args.ner / "peoples_daily_ner_dev.jsonl"])
    for which in (ENTITY_SETS if args.set == "all" else (args.set,)):
        if not (DATA / f"{ENTITY_SETS[which]}.jsonl").exists():
            continue
        print(f"=== {which} ===")
        report(evaluate_entities(args.corpus, which), args.errors, args.label)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
