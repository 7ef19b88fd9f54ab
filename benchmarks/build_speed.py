"""Build speed: the build flow against bare jieba.posseg, in one run.

    .venv/bin/python benchmarks/build_speed.py [CORPUS_DIR]

CORPUS_DIR defaults to ../shared/corpus/national (about 1.4M characters).
In the same process it times, on the same cleaned texts:
  - jieba.posseg alone (the baseline; its dictionary load is excluded),
  - rjieba's tagger alone (our engine),
  - the Prefect build flow on the corpus (1 and 2 worker processes), into an
    empty dataset folder, minus
    the flow's fixed start-up cost (measured as the same flow on one short
    document, after a warm-up run that starts Prefect's temporary server),
  - the same build without Prefect (`pipelines.build.build`), with 1 and 2
    worker processes, with the trained entity model (the default) and without it
    (the fast pass, `POLICYTRACE_NER_MODEL=off`),
  - the spaCy pipeline with and without the entity model, and the model alone,
and reports chars/s, ratios to jieba.posseg, POS agreement with jieba.posseg
where the segmentations coincide, and peak memory (RSS) of the process.
Results are also written to benchmarks/out/build_speed.json.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import flows  # noqa: F401  (quiet Prefect settings)
from pipelines.build import build
from pipelines.ingest import read_documents
from pipelines.lang.zh.segment import DEFAULT_USERDICT, Tagger, read_userdict
from pipelines.qa.agreement import reference_tagger, spans

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus" / "national"
    docs, rejected = read_documents([corpus])
    texts = [d.text for d in docs]
    n_chars = sum(map(len, texts))
    print(f"corpus: {corpus} — {len(docs)} documents, {n_chars:,} characters, {len(rejected)} rejected")
    entries = read_userdict(DEFAULT_USERDICT)

    ref = reference_tagger(entries)
    ref("预热")  # dictionary load excluded from the baseline
    ref_out, t_posseg = timed(lambda: [ref(t) for t in texts])
    ours = Tagger(entries)
    ours_out, t_rjieba = timed(lambda: [ours.tag(t) for t in texts])
    aligned = same = 0
    for (rw, rt), (ow, ot) in zip(ref_out, ours_out):
        a, b = spans(ow, ot), spans(rw, rt)
        common = a.keys() & b.keys()
        aligned += len(common)
        same += sum(a[k] == b[k] for k in common)
    ref_tokens = sum(len(spans(w, t)) for w, t in ref_out)

    from flows.build import run_build

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tiny = tmp / "tiny"
        tiny.mkdir()
        (tiny / "one.txt").write_text("发展新质生产力。\n", encoding="utf-8")
        _, t_warm = timed(lambda: run_build(paths=[str(tiny)], out=str(tmp / "warm")))
        _, t_fixed = timed(lambda: run_build(paths=[str(tiny)], out=str(tmp / "fixed")))
        summary, t_flow = timed(lambda: run_build(paths=[str(corpus)], out=str(tmp / "flow"), workers=1))
        _, t_flow2 = timed(lambda: run_build(paths=[str(corpus)], out=str(tmp / "flow2"), workers=2))
        _, t_cached = timed(lambda: run_build(paths=[str(corpus)], out=str(tmp / "flow")))
        _, t_plain1 = timed(lambda: build([str(corpus)], str(tmp / "plain1"), workers=1))
        _, t_plain2 = timed(lambda: build([str(corpus)], str(tmp / "plain2"), workers=2))

        # The fast pass (POLICYTRACE_NER_MODEL=off, the rules alone), and the model's part of the spaCy pipeline.
        import pipelines.extract.entities as entities
        from pipelines.extract.entities import crf
        from pipelines.nlp import make_nlp

        os.environ["POLICYTRACE_NER_MODEL"] = "off"  # for worker processes; this one by `model_mode`
        try:
            with entities.model_mode("off"):
                _, t_fast1 = timed(lambda: build([str(corpus)], str(tmp / "fast1"), workers=1))
                _, t_fast2 = timed(lambda: build([str(corpus)], str(tmp / "fast2"), workers=2))
                nlp = make_nlp()
                _, t_nlp_off = timed(lambda: [nlp(t) for t in texts])
        finally:
            os.environ.pop("POLICYTRACE_NER_MODEL")
        with entities.model_mode("on"):
            sdocs, t_nlp_on = timed(lambda: [nlp(t) for t in texts])
            _, t_crf = timed(lambda: [crf.candidates(d) for d in sdocs])

    t_build = t_flow - t_fixed
    rows = [
        ("jieba.posseg (baseline)", t_posseg),
        ("rjieba tagger", t_rjieba),
        ("build flow, minus fixed start-up", t_build),
        ("build flow, 2 processes, minus start-up", t_flow2 - t_fixed),
        ("build without Prefect, 1 process", t_plain1),
        ("build without Prefect, 2 processes", t_plain2),
        ("fast pass (no NER model), 1 process", t_fast1),
        ("fast pass (no NER model), 2 processes", t_fast2),
        ("spaCy pipeline (rules)", t_nlp_off),
        ("spaCy pipeline with the NER model", t_nlp_on),
        ("NER model alone (features and CRF)", t_crf),
    ]
    print(f"\n{'step':<42} {'seconds':>8} {'chars/s':>12} {'x posseg':>9}")
    for name, secs in rows:
        print(f"{name:<42} {secs:>8.2f} {n_chars / secs:>12,.0f} {t_posseg / secs:>9.1f}")
    print(f"\nflow fixed start-up (one short document): {t_fixed:.2f} s; first run incl. temporary server: {t_warm:.2f} s")
    print(f"flow on the corpus, whole: {t_flow:.2f} s; unchanged rebuild: {t_cached:.2f} s")
    print(f"rows: {summary['row_counts']}")
    print(f"POS agreement with jieba.posseg where words coincide: {same / aligned:.4%} of {aligned:,} tokens "
          f"(words coincide for {aligned / ref_tokens:.2%} of posseg's tokens)")
    print(f"the NER model's share of a build (1 process): {(t_plain1 - t_fast1) / t_plain1:.0%}")
    print(f"peak memory (RSS) of this process: {peak_rss_mb():.0f} MB")
    result = {
        "corpus": str(corpus), "documents": len(docs), "chars": n_chars,
        "seconds": dict(rows), "flow_fixed_seconds": t_fixed, "flow_whole_seconds": t_flow, "flow_unchanged_seconds": t_cached,
        "build_vs_posseg": t_posseg / t_build, "build_2proc_vs_posseg": t_posseg / (t_flow2 - t_fixed), "rjieba_vs_posseg": t_posseg / t_rjieba,
        "pos_agreement": same / aligned, "aligned_tokens": aligned, "segmentation_overlap": aligned / ref_tokens,
        "ner_model_share_of_build": (t_plain1 - t_fast1) / t_plain1,
        "fast_2proc_vs_posseg": t_posseg / t_fast2,
        "peak_rss_mb": peak_rss_mb(), "cpu_count": os.cpu_count(),
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "build_speed.json").write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
