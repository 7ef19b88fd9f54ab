"""Terms: per-document counts of content words, quoted terms, dictionary terms,
and candidate new terms.

Kinds (the `kind` column):

- `word`: content words by jieba POS (`n`, `nz`, `vn`, `v`, `a`, ...), two or
  more Chinese characters; `pos` holds the tag.
- `quoted`: terms in quotation marks found by the entity recogniser
  (`新三样`, `两重`, `人工智能+`).
- `dictionary`: entries of the policy dictionary (`pipelines/data/userdict.txt`
  and the user's `--userdict` files) and the gazetteer's TERMs, counted as
  substrings of the text, so `高质量发展` inside `推动高质量发展` counts.
- `candidate`: frequent word sequences the dictionary splits (`数字 经济` ...):
  2–4 adjacent content words, 4–10 characters, at least 3 times in the
  document, not already a dictionary term; the longest sequence is kept when
  a shorter one occurs no more often. Review them and add the good ones to a
  user dictionary.

`df` (documents of the version containing the term, same kind) and `tfidf`
(`count / content words of the document * (ln((1 + N) / (1 + df)) + 1)`, N the
documents of the version) depend on every document of a version, so they are
computed when the table is read (`pipelines.store.computed.weighted_terms_sql`),
not stored: each document's rows stay the same from version to version.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import compress
from typing import NamedTuple

import numpy as np

from pipelines.lang.zh.script import HAN_RUN_RE

CONTENT_POS = frozenset({"n", "nz", "vn", "v", "a", "an", "ad", "nt", "ns", "nr", "nrt", "j", "l", "i", "b", "ng", "vd"})
EDGE_POS = frozenset({"n", "nz", "vn", "j", "nt", "ns", "an", "b", "l"})
MAX_CANDIDATES = 30


class Term(NamedTuple):
    """A stored row of the `terms` table of one document."""

    term: str
    kind: str
    pos: str | None
    count: int


def document_terms(
    text: str,
    words: Sequence[str],
    tags: Sequence[str],
    sentence_of: Sequence[int],
    quoted: Iterable[str],
    dictionary: Iterable[str],
) -> list[Term]:
    """The terms of one document, by kind.

    >>> document_terms("推动高质量发展。", ["推动", "高质量", "发展", "。"], ["v", "n", "vn", "x"], [0] * 4, [], ["高质量发展"])
    [Term(term='推动', kind='word', pos='v', count=1), Term(term='高质量', kind='word', pos='n', count=1), Term(term='发展', kind='word', pos='vn', count=1), Term(term='高质量发展', kind='dictionary', pos=None, count=1)]
    """
    rows: list[Term] = []
    # each distinct (word, tag) is tested once, not each of its occurrences
    counted = Counter(compress(zip(words, tags), map(CONTENT_POS.__contains__, tags)))  # content words only
    han = _han_words({w for w, _ in counted})
    tagged = Counter({(w, t): n for (w, t), n in counted.items() if len(w) >= 2 and han[w]})
    # One row a word: a word the entity model split out of a longer one (`政府` of 市政府X) may carry
    # a name tag there; the row counts every occurrence and gives the word's most frequent tag.
    word_counts: Counter[str] = Counter()
    word_tag: dict[str, str] = {}
    for (w, t), n in tagged.most_common():
        word_counts[w] += n
        word_tag.setdefault(w, t)
    rows += [Term(w, "word", word_tag[w], n) for w, n in word_counts.most_common()]
    rows += [Term(w, "quoted", None, n) for w, n in Counter(quoted).most_common()]
    dict_terms = sorted(set(dictionary))
    counts = {t: text.count(t) for t in dict_terms}
    rows += [Term(t, "dictionary", None, n) for t, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n]
    rows += [Term(t, "candidate", None, n) for t, n in candidates(words, tags, sentence_of, set(dict_terms))]
    return rows


def _han_words(words: Iterable[str]) -> dict[str, bool]:
    """Whether each of `words` is Han characters only (`is_han`), tested in C (`map`)."""
    words = list(words)
    return dict(zip(words, map(bool, map(HAN_RUN_RE.fullmatch, words))))


def candidates(words: Sequence[str], tags: Sequence[str], sentence_of: Sequence[int], known: set[str]) -> list[tuple[str, int]]:
    """Frequent word sequences that the dictionary splits, longest first among equals.

    >>> w = ["数字", "经济", "发展", "。"] * 3
    >>> t = ["n", "n", "vn", "x"] * 3
    >>> candidates(w, t, [0] * 12, set())
    [('数字经济发展', 3)]
    """
    grams: Counter[str] = Counter()
    n_words = len(words)
    if n_words < 2:
        return []
    # the tests of each distinct (word, tag) once, then as arrays over the tokens
    han = _han_words(set(words))
    content_tag = {t: t in CONTENT_POS for t in set(tags)}
    edge_tag = {t: t in EDGE_POS for t in content_tag}
    content = np.fromiter(map(han.__getitem__, words), dtype=bool, count=n_words) \
        & np.fromiter(map(content_tag.__getitem__, tags), dtype=bool, count=n_words)
    edge = np.fromiter(map(edge_tag.__getitem__, tags), dtype=bool, count=n_words)
    sent = np.asarray(sentence_of, dtype=np.int64)
    ends = np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=n_words))  # characters up to each word's end
    # A sequence starts with a content word that may edge one, goes on through content words of
    # its sentence, and ends with one that may edge it; 2-4 words, 4-10 characters.
    alive = edge & content
    for n in (2, 3, 4):
        i = np.arange(n_words - n + 1)
        alive = alive[:len(i)] & content[i + n - 1] & (sent[i + n - 1] == sent[i])
        j = i[alive & edge[i + n - 1]]
        size = ends[j + n - 1] - np.where(j > 0, ends[j - 1], 0)
        for a in j[(size >= 4) & (size <= 10)].tolist():
            gram = "".join(words[a:a + n])
            if gram not in known:
                grams[gram] += 1
    frequent = {g: c for g, c in grams.items() if c >= 3}
    # Drop a sequence contained in a longer one that occurs as often: each sequence's own
    # substrings are looked up (at most 28 of 4-9 characters in one of 10), where testing
    # every pair grew with the document squared (one document of 700,000 characters:
    # 1.47 s, now 0.14 s).
    dropped = set()
    for h, ch in frequent.items():
        for a in range(len(h) - 3):
            for b in range(a + 4, len(h) + 1):
                g = h[a:b]
                if len(g) < len(h) and g in frequent and ch >= frequent[g]:
                    dropped.add(g)
    kept = [g for g in frequent if g not in dropped]
    kept.sort(key=lambda g: (-frequent[g], -len(g), g))
    return [(g, frequent[g]) for g in kept[:MAX_CANDIDATES]]
