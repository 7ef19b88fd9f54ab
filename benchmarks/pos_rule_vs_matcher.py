"""Why jieba's POS tags are read by a rule, not by a spaCy `Matcher`: same output, speed ratio.

    .venv/bin/python benchmarks/pos_rule_vs_matcher.py [CORPUS_DIR]

The POS candidates of the entity recogniser (a token tagged `ns`/`nt`, three or
more Han characters, ending like a place or a body, not a stop word) can be
written as three spaCy `Matcher` token patterns. This script runs both on the
same Docs (CORPUS_DIR defaults to ../shared/corpus/national), checks that they
find the same spans, and prints the time of each and their ratio.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from spacy.matcher import Matcher

from pipelines.extract.entities.shapes import TokenView, pos_candidates
from pipelines.extract.entities.words import words
from pipelines.ingest import read_documents
from pipelines.lang.zh.script import HAN
from pipelines.nlp import make_nlp


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "corpus" / "national"
    w = words()
    nlp = make_nlp()
    docs, _ = read_documents([corpus])
    sdocs = [nlp.make_doc(d.text) for d in docs]
    stop = sorted(w.pos_stop)
    matcher = Matcher(nlp.vocab)
    matcher.add("LOC", [[{"TAG": "ns", "LENGTH": {">=": 3}, "TEXT": {"REGEX": f"^[{HAN}]+{w.loc_end.pattern}", "NOT_IN": stop}}]])
    matcher.add("GPE", [[{"TAG": "ns", "LENGTH": {">=": 3}, "TEXT": {"REGEX": f"^[{HAN}]+{w.gpe_end.pattern}", "NOT_IN": stop}}]])
    matcher.add("ORG", [[{"TAG": "nt", "LENGTH": {">=": 3}, "TEXT": {"REGEX": f"^[{HAN}]+{w.org_end.pattern}",
                                                                    "NOT_IN": stop + sorted(w.generic)}}]])
    views = [TokenView(d) for d in sdocs]
    t = time.perf_counter()
    by_rule = [sorted((e.start, e.end, e.label) for e in pos_candidates(v)) for v in views]
    t_rule = time.perf_counter() - t
    t = time.perf_counter()
    by_matcher = [sorted((d[s].idx, d[e - 1].idx + len(d[e - 1]), nlp.vocab.strings[k]) for k, s, e in matcher(d)) for d in sdocs]
    t_matcher = time.perf_counter() - t
    n_tokens = sum(len(d) for d in sdocs)
    print(f"{len(sdocs)} documents, {n_tokens:,} tokens, {sum(map(len, by_rule))} candidates")
    print(f"same spans and labels: {by_rule == by_matcher}")
    print(f"rule    {t_rule:.3f} s")
    print(f"Matcher {t_matcher:.3f} s  ({t_matcher / t_rule:.0f}x the rule)")
    return 0 if by_rule == by_matcher else 1


if __name__ == "__main__":
    raise SystemExit(main())
