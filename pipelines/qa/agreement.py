"""POS agreement between our tagger (rjieba) and the reference, jieba.posseg.

Agreement is measured where the two segmentations coincide: over tokens with
the same start and end offsets, the share whose tags are equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.lang.zh.segment import DictEntry, Tagger


@dataclass
class Agreement:
    tokens_ours: int
    tokens_reference: int
    aligned: int
    same_tag: int

    @property
    def segmentation_overlap(self) -> float:
        return self.aligned / max(self.tokens_reference, 1)

    @property
    def pos_agreement(self) -> float:
        return self.same_tag / max(self.aligned, 1)


def spans(words: Iterable[str], tags: Iterable[str]) -> dict[tuple[int, int], str]:
    out, pos = {}, 0
    for w, t in zip(words, tags):
        if w.strip():
            out[(pos, pos + len(w))] = t
        pos += len(w)
    return out


def reference_tokenizer(entries: Iterable[DictEntry]):
    """jieba's own tokenizer with the same user dictionary entries."""
    import jieba

    tk = jieba.Tokenizer()
    tk.initialize()
    for e in entries:
        tk.add_word(e.word, e.freq, e.tag)
    return tk


def reference_tagger(entries: Iterable[DictEntry]):
    """jieba.posseg with the same user dictionary entries.

    Note: posseg re-segments runs of unknown characters with its own POS HMM,
    so its words differ from `jieba.lcut` (and rjieba) there (`一是` vs
    `一`/`是`); tags are compared where the words coincide.
    """
    import jieba.posseg

    pt = jieba.posseg.POSTokenizer(reference_tokenizer(entries))

    def tag(text: str) -> tuple[list[str], list[str]]:
        pairs = [(p.word, p.flag) for p in pt.cut(text)]
        return [w for w, _ in pairs], [t for _, t in pairs]

    return tag


def measure(texts: Iterable[str], entries: list[DictEntry]) -> Agreement:
    ours, ref = Tagger(entries), reference_tagger(entries)
    total = Agreement(0, 0, 0, 0)
    for text in texts:
        a = spans(*ours.tag(text))
        b = spans(*ref(text))
        common = a.keys() & b.keys()
        total.tokens_ours += len(a)
        total.tokens_reference += len(b)
        total.aligned += len(common)
        total.same_tag += sum(a[k] == b[k] for k in common)
    return total
