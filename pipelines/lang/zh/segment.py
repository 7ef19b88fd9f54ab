"""Segmentation, POS tagging and sentence splitting, as a spaCy pipeline.

Words and tags come from jieba's model. The engine is rjieba (jieba's
algorithm and dictionary in Rust, about 75x faster than `jieba.posseg` here);
`jieba.posseg` stays the reference we measure agreement against
(`benchmarks/build_speed.py`, `tests/test_segment.py`).

The tokenizer knows no entity or gazetteer: `pipelines.nlp` assembles the
pipeline and hands it the dictionary entries.

>>> words, tags = Tagger(read_userdict(DEFAULT_USERDICT)).tag("我国“新三样”发展表明。要发展新质生产力！")
>>> list(zip(words, tags))[:4]
[('我国', 'r'), ('“', 'x'), ('新三样', 'j'), ('”', 'x')]
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import numpy
import rjieba
from spacy.attrs import IDX, SENT_START, TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipelines.lang.zh import lexicon
from pipelines.lang.zh.script import analysis_text

DEFAULT_USERDICT = lexicon.path_of("userdict.txt")


@dataclass(frozen=True)
class DictEntry:
    word: str
    freq: int | None
    tag: str | None


def read_userdict(path: str | os.PathLike) -> list[DictEntry]:
    """Parse a jieba user dictionary: `word [freq] [tag]` a line, `#` comments.

    Words may contain `+` (`人工智能+`); a malformed line raises with the file
    and line number.
    """
    entries = []
    for lineno, line in lexicon.lines(path):
        parts = line.split()
        word, rest = parts[0], parts[1:]
        freq = tag = None
        if rest and rest[0].isdigit():
            freq = int(rest.pop(0))
        if rest:
            tag = rest.pop(0)
            if not re.fullmatch(r"[a-z]{1,5}", tag):
                raise lexicon.LexiconError(f"{path}:{lineno}: {tag!r} is not a frequency or a jieba POS tag (`word [freq] [tag]`)")
        if rest:
            raise lexicon.LexiconError(f"{path}:{lineno}: expected `word [freq] [tag]`, got {line!r}")
        entries.append(DictEntry(word, freq, tag))
    return entries


def userdict_paths(extra: Iterable[str | os.PathLike] = ()) -> list[Path]:
    """The shipped dictionary, then $POLICYTRACE_USERDICT files, then `extra`."""
    env = [p for p in os.environ.get("POLICYTRACE_USERDICT", "").split(os.pathsep) if p]
    paths = [DEFAULT_USERDICT, *map(Path, env), *map(Path, extra)]
    for p in paths:
        if not p.is_file():
            raise FileNotFoundError(f"user dictionary {p} does not exist")
    return list(dict.fromkeys(paths))


def userdict_key(extra: Iterable[str | os.PathLike] = ()) -> tuple[tuple[str, str], ...]:
    """The user dictionaries in force, as `(path, sha256 of its bytes)`: a cache
    key that changes when $POLICYTRACE_USERDICT or a file's contents change."""
    return tuple((str(p), hashlib.sha256(p.read_bytes()).hexdigest()) for p in userdict_paths(extra))


_FIRST, _SECOND = itemgetter(0), itemgetter(1)


class Tagger:
    """jieba's segmentation and POS tags (via rjieba) with offsets.

    Entries of the user dictionaries are added with their tag, so that
    `新质生产力` is one token tagged `nz`.
    """

    def __init__(self, entries: Sequence[DictEntry] = ()):
        self.entries = list(entries)
        self._jieba = rjieba.Jieba()
        for e in self.entries:
            self._jieba.add_word(e.word, e.freq, e.tag)
        # rjieba keeps an existing word's tag; remember ours to apply them.
        self._tags = {e.word: e.tag for e in self.entries if e.tag}

    def tag(self, text: str) -> tuple[list[str], list[str]]:
        """Words and their jieba tags; the words concatenate to `text`. (The pairs are taken
        apart by `map`, in C: two comprehensions over them cost 0.15 s of the national corpus.)"""
        pairs = self._jieba.tag(text)
        words = list(map(_FIRST, pairs))
        return words, list(map(self._tags.get, words, map(_SECOND, pairs)))


# Tags of common words in jieba's dictionary: nouns, verbs, adjectives, adverbs, idioms, pronouns,
# directions, numerals (not names: `nr`, `ns`, `nt`, `nz`, `j`).
_COMMON_TAGS = frozenset("n vn v a an ad d l b r f i h m q z".split())


def dictionary_words() -> frozenset[str]:
    """The words of jieba's dictionary (the one rjieba compiles in) and of the shipped
    user dictionary. A token outside them was made by jieba's HMM for an unknown word,
    often a name (`杭衢` of 杭衢高铁, `温福` of 温福高铁)."""
    return _dictionary()[0]


def common_word(word: str) -> str | None:
    """The tag jieba's dictionary gives `word` if it is a common word there, tagged as one
    and counted at least 100 times (`铁道` n, `工业` n); None for a name (`大唐` nz), a rare
    word, or a word it does not know. Such a word is a kind, not a name."""
    return _dictionary()[1].get(word)


@lru_cache(maxsize=1)
def _dictionary() -> tuple[frozenset[str], dict[str, str]]:
    """Loaded on first use (0.25 s); jieba's package is found, not imported (importing it
    costs another 0.25 s). Its lines are `word freq tag`."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("jieba is not installed: its dictionary tells known words from new ones")
    path = Path(spec.origin).parent / "dict.txt"
    fields = path.read_text(encoding="utf-8").split()
    if len(fields) % 3 or not all(map(str.isdigit, fields[1::3])):  # one short line would shift every pair after it
        raise ValueError(f"{path}: not one `word freq tag` a line, as jieba's dictionary is")
    words = fields[0::3]
    common = {w: t for w, f, t in zip(words, fields[1::3], fields[2::3]) if len(f) > 2 and t in _COMMON_TAGS}
    ours = read_userdict(DEFAULT_USERDICT)
    for e in ours:  # the shipped dictionary's tags win
        if e.tag:
            common.pop(e.word, None)
    return frozenset(words).union(e.word for e in ours), common


# Sentence ends: 。！？； (and ASCII !?;) with any closing quotes or brackets
# after them, or a line break.
_SENT_END_RE = re.compile(r"[。！？；!?;…]+[”’」』）)》】\]\"']*|\n")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans `(start, end)`, trimmed of surrounding blanks.

    >>> t = "他说：“要发展。”然后走了！\\n  新的一行"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['他说：“要发展。”', '然后走了！', '新的一行']
    """
    spans = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        end = m.end() if m.group() != "\n" else m.start()
        _add_span(text, start, end, spans)
        start = m.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


# What the tokenizer made, kept on the Doc: `Doc.text` joins every token (a Python object
# each) on every call, and the components read the text and the tokens many times.
TEXT_KEY = "policytrace.text"
TOKENS_KEY = "policytrace.tokens"  # (words, tags); a Doc made again with split tokens has its own
ORIGINAL_KEY = "policytrace.original"  # the text as given, where the Doc holds its simplified form
SENTENCES_KEY = "policytrace.sentences"  # `split_sentences` of the Doc's text, from `policy_sentences`
# (words, tags) as the tokenizer cut them, where entities split tokens since (`crf.split_tokens`): what
# the terms table counts, the same with the entity model on or off
AS_CUT_KEY = "policytrace.as_cut"


def doc_text(doc: Doc) -> str:
    """`doc.text`, without joining its tokens again (retokenising never changes the text)."""
    text = doc.user_data.get(TEXT_KEY)
    return doc.text if text is None else text


def doc_tokens(doc: Doc) -> tuple[list[str], list[str]]:
    """The words and tags of `doc`, without making a `Token` per word."""
    cached = doc.user_data.get(TOKENS_KEY)
    if cached is not None and len(cached[0]) == len(doc):
        return cached
    text = doc_text(doc)
    arr = doc.to_array([IDX, TAG])
    starts = arr[:, 0].tolist() if len(doc) else []
    ends = starts[1:] + [len(text)]
    strings = doc.vocab.strings
    return [text[a:b] for a, b in zip(starts, ends)], [strings[int(t)] for t in (arr[:, 1].tolist() if len(doc) else [])]


def make_doc(vocab: Vocab, text: str, words: list[str], tags: list[str], orths: list[int] | None = None) -> Doc:
    """A Doc of `words` (which concatenate to `text`, no spaces) with their POS `tags`,
    keeping the text and the tokens for `doc_text` and `doc_tokens`. `orths`, the words'
    hashes in `vocab.strings` where the caller has them, spare hashing each word again."""
    doc = Doc(vocab, words=words if orths is None else orths, spaces=[False] * len(words))
    # The tags as one array: `Doc(tags=...)` adds and looks up each token's tag string in
    # the StringStore, token by token (1.1-1.5 s of the national corpus; this, 0.1 s).
    # The Doc is the same, byte for byte (`tests/test_segment.py`).
    hashes = {t: vocab.strings.add(t) for t in set(tags)}
    doc.from_array([TAG], numpy.fromiter(map(hashes.__getitem__, tags), dtype=numpy.uint64, count=len(tags)))
    doc.user_data[TEXT_KEY] = text
    doc.user_data[TOKENS_KEY] = (words, tags)
    return doc


class JiebaTokenizer:
    """A spaCy tokenizer: jieba words with jieba POS tags in `token.tag_`.

    It saves its dictionary entries with the pipeline, so a reloaded pipeline
    segments the same way.
    """

    def __init__(self, vocab: Vocab, entries: Sequence[DictEntry] = ()):
        self.vocab = vocab
        self.tagger = Tagger(entries)

    def __call__(self, text: str) -> Doc:
        original, text = text, analysis_text(text)  # traditional script: its simplified form, offset for offset
        doc = make_doc(self.vocab, text, *self.tagger.tag(text))
        if text is not original:
            doc.user_data[ORIGINAL_KEY] = original
        return doc

    def pipe(self, texts, batch_size=1000):
        for text in texts:
            yield self(text)

    def to_bytes(self, *, exclude=()) -> bytes:
        return json.dumps([[e.word, e.freq, e.tag] for e in self.tagger.entries], ensure_ascii=False).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude=()) -> "JiebaTokenizer":
        self.tagger = Tagger([DictEntry(*e) for e in json.loads(data)])
        return self

    def to_disk(self, path, *, exclude=()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        (Path(path) / "userdict.json").write_bytes(self.to_bytes())

    def from_disk(self, path, *, exclude=()) -> "JiebaTokenizer":
        return self.from_bytes((Path(path) / "userdict.json").read_bytes())


@Language.component("policy_sentences")
def policy_sentences(doc: Doc) -> Doc:
    """Mark sentence starts from `split_sentences` (token boundaries agree)."""
    if not len(doc):
        return doc
    spans = doc.user_data[SENTENCES_KEY] = split_sentences(doc_text(doc))  # the sentences table reads them too
    starts = {s for s, _ in spans}
    idx = doc.to_array(IDX)
    # SENT_START: 1 starts a sentence, -1 continues one.
    values = numpy.fromiter((1 if i in starts else -1 for i in idx.tolist()), dtype="int64", count=len(idx)).astype("uint64")
    values[0] = 1
    doc.from_array([SENT_START], values.reshape(-1, 1))
    return doc
