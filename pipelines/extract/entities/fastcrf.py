"""The character CRF's tagging in numpy: the same model file, the same path and marginals.

python-crfsuite trains the model (`crf.train`) and writes it as a crfsuite file.
Tagging with crfsuite needs a list of feature strings per character (`crf.features`)
and one call per sentence; on the national corpus that was half of the build. Here
the file's weights are read once (`read_model`) and the features become array
lookups over all sentences at once:

- character features (`c`, `c-1`, ..., `c-1c+1`) look up code points in dense tables
  and pairs of them in a hash table (`_crfloops.hash_index`; `np.searchsorted` over
  sorted keys where the extension was not built);
- word features (`p`, `pt`, `t-1`, `t+1`, `w`, `wl`, `g`, `g-1`, `g+1`) are looked up
  once a word and spread over its characters;
- Viterbi and forward-backward run in C (`_crfloops.c`, built with the package) over
  the sentences laid end to end; where the extension was not built, in numpy over
  length-sorted batches of sentences.

The labels, the Viterbi path's ties (the first best label wins, as in crfsuite) and
the marginals (to 1e-9 in the test; 1e-14 measured) are crfsuite's: `tests/test_ner_model.py` compares
the two on real text.

The file format (crfsuite's `crf1d_model.c`): a header of twelve little-endian
uint32 (`lCRF`, size, `FOMC`, version, features, labels, attributes and five
offsets), a `FEAT` chunk of (type, source, destination, float64 weight) records
(type 0: attribute -> label, type 1: label -> label), and the label and attribute
names in two CQDB chunks, read through their id -> record arrays.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from itertools import accumulate, repeat
from operator import itemgetter
from pathlib import Path
from typing import Iterator, NamedTuple, Sequence

import numpy as np

from pipelines.extract.entities import bilstm

try:  # the loops in C, built with the package (`_crfloops.c`); else numpy's below
    from pipelines.extract.entities import _crfloops
except ImportError:  # pragma: no cover - a build without a C compiler
    _crfloops = None

CHAR_TYPES = {"c": (0,), "c-1": (-1,), "c+1": (1,), "c-2": (-2,), "c+2": (2,),
              "c-1c": (-1, 0), "cc+1": (0, 1), "c-1c+1": (-1, 1)}
POSITIONS = "BMES"
BATCH_CELLS = 65536  # padded characters in one batch of Viterbi and forward-backward
GROUP_CHARS = 262144  # sentences are scored in groups of about this many characters (15 MB); a longer sentence alone
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("w", "<f8")])


class ModelFile(NamedTuple):
    labels: list[str]
    attrs: list[str]
    state: np.ndarray  # (attribute, label, weight) records
    transitions: np.ndarray  # (label, label) float64


def _cqdb(b: bytes, off: int, path: Path) -> list[str]:
    cid, _size, _flag, _order, n, bwd = struct.unpack_from("<4sIIIII", b, off)
    if cid != b"CQDB":
        raise ValueError(f"{path}: not a crfsuite model (no CQDB chunk at {off})")
    out = []
    for k in range(n):
        (r,) = struct.unpack_from("<I", b, off + bwd + 4 * k)
        _id, ks = struct.unpack_from("<II", b, off + r)
        out.append(b[off + r + 8:off + r + 7 + ks].decode("utf-8"))
    return out


def read_model(path: Path) -> ModelFile:
    """The labels, attribute names and float64 weights of a crfsuite model file."""
    b = path.read_bytes()
    if len(b) < 48 or b[:4] != b"lCRF" or b[8:12] != b"FOMC":
        raise ValueError(f"{path}: not a crfsuite CRF1d model file")
    _m, _s, _t, _v, _nf, n_labels, _na, off_f, off_l, off_a, _lr, _ar = struct.unpack_from("<4sI4sIIIIIIIII", b, 0)
    labels = _cqdb(b, off_l, path)
    attrs = _cqdb(b, off_a, path)
    cid, _size, n = struct.unpack_from("<4sII", b, off_f)
    if cid != b"FEAT":
        raise ValueError(f"{path}: no FEAT chunk")
    feats = np.frombuffer(b, dtype=_FEATURE, count=n, offset=off_f + 12)
    trans = np.zeros((n_labels, n_labels))
    t = feats[feats["type"] == 1]
    trans[t["src"], t["dst"]] = t["w"]
    return ModelFile(labels, attrs, feats[feats["type"] == 0].copy(), trans)


@lru_cache(maxsize=1)
def _class_table() -> np.ndarray:
    """`bilstm.char_class` of every code point of the basic plane."""
    return np.array([bilstm.char_class(chr(i)) for i in range(0x10000)], dtype=np.int8)


def char_classes(cp: np.ndarray) -> np.ndarray:
    out = np.zeros(len(cp), dtype=np.int64)
    low = cp < 0x10000
    out[low] = _class_table()[cp[low]]
    for i in np.flatnonzero(~low):
        out[i] = bilstm.char_class(chr(int(cp[i])))
    return out


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)


class Batch(NamedTuple):
    """Sentences as columns: their texts, how many words each has, and the words' texts,
    POS tags and gazetteer labels ("" for none), sentence after sentence. The build makes
    one from a document's token lists (`crf.candidates_many`) without a tuple a word; a
    list of (text, words) sentences, each word a (text, tag, gazetteer label) tuple such
    as `crf.Word`, becomes one with `Batch.of`."""

    texts: list[str]
    n_words: list[int]
    words: list[str]
    tags: list[str]
    gaz: list[str]

    @classmethod
    def of(cls, sentences: "Sequence[tuple[str, Sequence]] | Batch") -> "Batch":
        if isinstance(sentences, Batch):
            return sentences
        flat = [w for _, ws in sentences for w in ws]
        words, tags, gaz = (list(map(itemgetter(i), flat)) for i in range(3))
        return cls([t for t, _ in sentences], [len(ws) for _, ws in sentences], words, tags, gaz)

    def __len__(self) -> int:
        return len(self.texts)

    def take(self, which: Sequence[int]) -> "Batch":
        """The sentences `which` (indices, in order) as a Batch."""
        if len(which) == len(self.texts):
            return self
        first = list(accumulate(self.n_words, initial=0))
        cols: tuple[list, list, list] = ([], [], [])
        for k in which:
            a, b = first[k], first[k + 1]
            for col, src in zip(cols, (self.words, self.tags, self.gaz)):
                col += src[a:b]
        return Batch([self.texts[k] for k in which], [self.n_words[k] for k in which], *cols)

    def sentences(self) -> list[tuple[str, list[tuple[str, str, str]]]]:
        """The sentences as (text, words), each word a (text, tag, gazetteer label) tuple."""
        first = list(accumulate(self.n_words, initial=0))
        return [(t, list(zip(self.words[a:b], self.tags[a:b], self.gaz[a:b])))
                for t, a, b in zip(self.texts, first, first[1:])]


def _groups(batch: Batch) -> Iterator[list[int]]:
    """The indices of the non-empty sentences, in groups of about `GROUP_CHARS` characters
    (a longer sentence alone), which are scored together."""
    group: list[int] = []
    size = 0
    for i, t in enumerate(batch.texts):
        if t:
            group.append(i)
            size += len(t)
        if group and (size >= GROUP_CHARS or i == len(batch) - 1):
            yield group
            group, size = [], 0


def _add_rows(E: np.ndarray, rows: np.ndarray, idx: np.ndarray) -> None:
    """E[t] += rows[idx[t]] (a negative index from the end), in C where it was built."""
    if _crfloops is not None:
        _crfloops.add_rows(E, rows, np.ascontiguousarray(idx, dtype=np.int64))
    else:
        E += rows[idx]


class _Keyed:
    """Integer keys -> weight rows, looked up with `searchsorted`; missing keys weigh 0."""

    def __init__(self, keys: list[int], rows: np.ndarray):
        order = np.argsort(keys, kind="stable")
        self.keys = np.asarray(keys, dtype=np.int64)[order]
        self.rows = np.vstack([rows[order], np.zeros((1, rows.shape[1]))])  # last row: missing

        self.dense = self.slots = None
        if len(self.keys) and self.keys[-1] < 0x30000:  # code points: a dense table
            self.dense = np.full(int(self.keys[-1]) + 2, len(self.rows) - 1, dtype=np.int64)
            self.dense[self.keys] = np.arange(len(self.keys))
        elif len(self.keys) and _crfloops is not None and hasattr(_crfloops, "hash_index"):  # pairs: a hash table
            size = 1 << int(2 * len(self.keys) - 1).bit_length()  # at most half full
            self.slots = np.full(size, -1, dtype=np.int64)
            self.slot_rows = np.zeros(size, dtype=np.int64)
            _crfloops.hash_build(self.keys, self.slots, self.slot_rows)

    def index(self, q: np.ndarray) -> np.ndarray:
        if self.dense is not None:
            return self.dense[np.minimum(q, len(self.dense) - 1)]
        if not len(self.keys):
            return np.full(len(q), len(self.rows) - 1)
        if self.slots is not None and _crfloops is not None:
            out = np.empty(len(q), dtype=np.int64)
            _crfloops.hash_index(self.slots, self.slot_rows, np.ascontiguousarray(q, dtype=np.int64), len(self.rows) - 1, out)
            return out
        i = np.searchsorted(self.keys, q).clip(0, len(self.keys) - 1)
        return np.where(self.keys[i] == q, i, len(self.rows) - 1)

    def __call__(self, q: np.ndarray) -> np.ndarray:
        return self.rows[self.index(q)]


class FastCRF:
    """`tag_many(sentences)` -> (Viterbi labels, marginals) of each sentence, marginals
    as an (n, 7) array in `bilstm.TAGS` order. A sentence is (text, words) with
    `crf.Word`s (text, tag, gazetteer label) that concatenate to the text."""

    def __init__(self, path: Path):
        m = read_model(path)
        self.labels = m.labels
        nl = len(m.labels)
        self.trans = m.transitions
        self.exp_trans = np.exp(m.transitions)
        self.to_tags = [m.labels.index(t) for t in bilstm.TAGS]  # column of each TAGS label
        self.types = sorted({lab[2:] for lab in m.labels if lab[:2] in ("B-", "I-")})
        self._span_tables = (  # of each label: kind (0 O, 1 B-, 2 I-) and entity type, for `spans_many`
            np.array([{"B-": 1, "I-": 2}.get(lab[:2], 0) for lab in m.labels], dtype=np.int64),
            np.array([self.types.index(lab[2:]) if lab[:2] in ("B-", "I-") else -1 for lab in m.labels], dtype=np.int64))
        by_type: dict[str, dict[str, np.ndarray]] = {}
        attr_rows = np.zeros((len(m.attrs), nl))
        np.add.at(attr_rows, (m.state["src"], m.state["dst"]), m.state["w"])
        for a, name in enumerate(m.attrs):
            kind, _, value = name.partition("=")
            by_type.setdefault(kind, {})[value] = attr_rows[a]
        zero = np.zeros(nl)
        self.bias = by_type.get("b", {}).get("", zero)  # the feature "b", on every character
        self.chars = []
        for kind, offs in CHAR_TYPES.items():
            vals = by_type.get(kind, {})
            keys, rows = [], []
            for v, row in vals.items():
                if len(v) == len(offs):
                    k = 0
                    for ch in v:
                        k = (k << 21) | ord(ch)
                    keys.append(k)
                    rows.append(row)
            self.chars.append((offs, _Keyed(keys, np.array(rows).reshape(-1, nl))))
        self.klass = np.array([by_type.get("k", {}).get(c, zero) for c in bilstm.CLASS_LETTERS])
        tags = sorted({v for kind in ("t-1", "t+1") for v in by_type.get(kind, {})}
                      | {v[1:] for v in by_type.get("pt", {})} | {"^", "$"})
        self.tag_id = {t: i for i, t in enumerate(tags)}
        self.unknown_tag = len(tags)  # its rows in the tables below are zeros

        def table(kind: str, values: list[str]) -> np.ndarray:
            d = by_type.get(kind, {})
            return np.array([d.get(v, zero) for v in values] + [zero]).reshape(-1, nl)  # last row: none

        self.p = table("p", list(POSITIONS))
        self.pt = table("pt", [p + t for t in tags + ["\0"] for p in POSITIONS])  # index tag*4 + position
        self.prev_t = table("t-1", tags)
        self.next_t = table("t+1", tags)
        self.wl = table("wl", [f"{n}{p}" for n in range(7) for p in POSITIONS])  # index length*4 + position
        gaz = sorted({v[:-1] for v in by_type.get("g", {})} | set(by_type.get("g-1", {})) | set(by_type.get("g+1", {})))
        self.gaz_id = {g: i for i, g in enumerate(gaz)}
        self.g = table("g", [g + p for g in gaz for p in POSITIONS])  # index gazetteer label*4 + position; -1 none
        self.prev_g = table("g-1", gaz)
        self.next_g = table("g+1", gaz)
        words = by_type.get("w", {})
        self.word_id = {w: i for i, w in enumerate(words)}
        self.w = np.vstack([np.array(list(words.values())).reshape(-1, nl), zero])

    def emissions(self, sentences: "Sequence[tuple[str, Sequence]] | Batch") -> np.ndarray:
        """The (total characters, labels) state scores of the sentences, one after another."""
        batch = Batch.of(sentences)
        texts = batch.texts
        padded = _codes("".join("^^" + t + "$$" for t in texts))
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        # the position of each real character in `padded`
        starts = np.cumsum(np.concatenate([[2], lengths[:-1] + 4]))
        at = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(lengths.sum())
        E = np.tile(self.bias, (len(at), 1))
        for offs, keyed in self.chars:
            key = padded[at + offs[0]]
            for o in offs[1:]:
                key = (key << 21) | padded[at + o]
            _add_rows(E, keyed.rows, keyed.index(key))
        _add_rows(E, self.klass, char_classes(padded[at]))
        # words: lengths, tags, gazetteer labels, neighbours within the sentence
        n_words = np.asarray(batch.n_words, dtype=np.int64)
        wtext, wtag, wgaz = batch.words, batch.tags, batch.gaz
        if not wtext:
            raise ValueError("sentences without words")
        nw = len(wtext)
        wlen = np.fromiter(map(len, wtext), dtype=np.int64, count=nw)
        if wlen.sum() != len(at):
            raise ValueError("the words do not concatenate to the sentences")
        unk = self.unknown_tag
        tid = np.fromiter(map(self.tag_id.get, wtag, repeat(unk)), dtype=np.int64, count=nw)
        gid = np.fromiter(map(self.gaz_id.get, wgaz, repeat(-1)), dtype=np.int64, count=nw)
        wid = np.fromiter(map(self.word_id.get, wtext, repeat(-1)), dtype=np.int64, count=nw)
        wid[wlen == 1] = -1  # "w=" is a feature of words of two characters or more
        first = np.zeros(nw, dtype=bool)
        last = np.zeros(nw, dtype=bool)
        ends = np.cumsum(n_words)
        first[(ends - n_words)[n_words > 0]] = True
        last[(ends - 1)[n_words > 0]] = True
        prev_tid = np.where(first, self.tag_id["^"], np.roll(tid, 1))
        next_tid = np.where(last, self.tag_id["$"], np.roll(tid, -1))
        prev_gid = np.where(first, -1, np.roll(gid, 1))
        next_gid = np.where(last, -1, np.roll(gid, -1))
        # per character: its word and its position in the word (B M E S)
        word_of = np.repeat(np.arange(nw), wlen)
        j = np.arange(len(at)) - np.repeat(np.cumsum(wlen) - wlen, wlen)
        L = wlen[word_of]
        pos = np.where(L == 1, 3, np.where(j == 0, 0, np.where(j == L - 1, 2, 1)))
        _add_rows(E, self.p, pos)
        _add_rows(E, self.pt, tid[word_of] * 4 + pos)  # an unknown tag's rows (the last) are zeros
        _add_rows(E, self.prev_t, prev_tid[word_of])
        _add_rows(E, self.next_t, next_tid[word_of])
        _add_rows(E, self.wl, np.where(L > 1, np.minimum(L, 6) * 4 + pos, len(self.wl) - 1))
        _add_rows(E, self.w, wid[word_of])  # -1: the zero row
        _add_rows(E, self.g, np.where(gid[word_of] >= 0, gid[word_of] * 4 + pos, -1))
        _add_rows(E, self.prev_g, prev_gid[word_of])
        _add_rows(E, self.next_g, next_gid[word_of])
        return E

    def tag_many(self, sentences: "Sequence[tuple[str, Sequence]] | Batch", all_marginals: bool = False
                 ) -> list[tuple[list[str], np.ndarray | None]]:
        """(labels, marginals) of each sentence; the marginals (n, 7, in `bilstm.TAGS` order)
        of every sentence with `all_marginals`, else only where a label is not O (None there)."""
        batch = Batch.of(sentences)
        out: list = [([], np.zeros((0, len(bilstm.TAGS))))] * len(batch)
        for group in _groups(batch):
            for k, r in zip(group, self._tag_group(batch.take(group), all_marginals)):
                out[k] = r
        return out

    def _tag_group(self, batch: Batch, all_marginals: bool) -> list:
        """`tag_many` of non-empty sentences, scored together."""
        if _crfloops is not None:
            return self._tag_group_c(batch, all_marginals)
        out: list = [None] * len(batch)
        E = self.emissions(batch)
        lengths = np.array([len(t) for t in batch.texts])
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        order = np.argsort(lengths, kind="stable")
        o_label = self.labels.index("O")
        b = 0
        while b < len(order):
            e = b + 1
            while e < len(order) and lengths[order[e]] * (e - b + 1) <= BATCH_CELLS:
                e += 1
            batch = order[b:e]
            lens = lengths[batch]
            idx = np.minimum(offsets[batch][:, None] + np.arange(lens[-1])[None], len(E) - 1)
            X = E[idx]  # past a sentence's end: other characters' scores, never read
            paths = self._viterbi(X, lens)
            mask = np.arange(lens[-1])[None] < lens[:, None]
            need = np.ones(len(batch), dtype=bool) if all_marginals else ((paths != o_label) & mask).any(1)
            marg = self._marginals(X[need], lens[need]) if need.any() else None
            rows_m = np.cumsum(need) - 1
            for r, k in enumerate(batch):
                n = lens[r]
                if need[r]:
                    out[k] = ([self.labels[i] for i in paths[r, :n].tolist()], marg[rows_m[r], :n][:, self.to_tags])
                else:  # every label O
                    out[k] = (["O"] * n, None)
            b = e
        return out

    def spans_many(self, sentences: "Sequence[tuple[str, Sequence]] | Batch") -> list[list[tuple[int, int, str, float]]] | None:
        """The (start, end, type, confidence) spans of each sentence, as `crf.spans_of` reads
        them from `tag_many`'s labels and marginals, read from the paths as arrays (no label
        list per sentence); None where the C loops were not built (then `tag_many`)."""
        if _crfloops is None:
            return None
        batch = Batch.of(sentences)
        out: list[list] = [[] for _ in range(len(batch))]
        kind, entity = self._span_tables
        for group in _groups(batch):
            E, offsets, path = self._paths(batch.take(group))
            k_of = np.repeat(np.arange(len(group)), np.diff(offsets))
            knd, ent = kind[path], entity[path]
            first = np.zeros(len(path), dtype=bool)
            first[offsets[:-1]] = True
            prev_knd = np.concatenate([[0], knd[:-1]])
            prev_ent = np.concatenate([[-1], ent[:-1]])
            start = (knd == 1) | ((knd == 2) & (first | (prev_knd == 0) | (prev_ent != ent)))
            inside = knd != 0
            end = inside & ~np.append(inside[1:] & ~start[1:], False)
            a, b = np.flatnonzero(start), np.flatnonzero(end) + 1
            if len(a):
                M = np.zeros_like(E)
                _crfloops.marginals(E, offsets, np.add.reduceat(inside, offsets[:-1]) > 0, self.exp_trans, M)
                own = np.append(M[np.arange(len(path)), path], 1.0)
                low = np.minimum.reduceat(own, np.column_stack([a, b]).ravel())[::2]
                ks = k_of[a]
                base = offsets[ks]
                for k, s0, e0, ty, c in zip(ks.tolist(), (a - base).tolist(), (b - base).tolist(), ent[a].tolist(), low.tolist()):
                    out[group[k]].append((s0, e0, self.types[ty], round(c, 4)))
        return out

    def _paths(self, batch: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Scores, sentence offsets and best paths of non-empty sentences laid end to end (C loops)."""
        E = np.ascontiguousarray(self.emissions(batch))
        offsets = np.zeros(len(batch) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, batch.texts), dtype=np.int64, count=len(batch)), out=offsets[1:])
        path = np.empty(len(E), dtype=np.int64)
        _crfloops.viterbi(E, offsets, self.trans, path)
        return E, offsets, path

    def _tag_group_c(self, batch: Batch, all_marginals: bool) -> list:
        """`_tag_group` with the loops of `_crfloops`, over the sentences laid end to end."""
        E, offsets, path = self._paths(batch)
        o_label = self.labels.index("O")
        need = np.ones(len(batch), dtype=bool) if all_marginals else np.add.reduceat(path != o_label, offsets[:-1]) > 0
        M = np.zeros_like(E)
        _crfloops.marginals(E, offsets, need, self.exp_trans, M)
        M = M[:, self.to_tags]
        out: list = []
        labels = self.labels
        for k, (a, b) in enumerate(zip(offsets[:-1].tolist(), offsets[1:].tolist())):
            if need[k]:
                out.append(([labels[i] for i in path[a:b].tolist()], M[a:b]))
            else:  # every label O
                out.append((["O"] * (b - a), None))
        return out

    def _viterbi(self, X: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Best paths of the rows of X (B, T, labels), rows sorted by length `lens`."""
        B, T, nl = X.shape
        d = X[:, 0].copy()
        back = np.zeros((B, T, nl), dtype=np.int8)
        longer = np.searchsorted(lens, np.arange(T), side="right").tolist()  # rows longer than t from longer[t]
        for t in range(1, T):
            lo = longer[t]
            s = d[lo:, :, None] + self.trans[None]
            back[lo:, t] = s.argmax(1)  # the first best previous label, as crfsuite
            d[lo:] = s.max(1) + X[lo:, t]
        path = np.zeros((B, T), dtype=np.int64)
        k = d.argmax(1)
        rows = np.arange(B)
        path[rows, lens - 1] = k
        for t in range(T - 1, 0, -1):
            lo = longer[t]
            k[lo:] = back[rows[lo:], t, k[lo:]]
            path[lo:, t - 1] = k[lo:]
        return path

    def _marginals(self, X: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Per-character label marginals (forward-backward, scaled at each step)."""
        B, T, nl = X.shape
        ex = np.exp(X - X.max(2, keepdims=True))
        alpha = np.ones_like(ex)
        a = ex[:, 0] / ex[:, 0].sum(1, keepdims=True)
        alpha[:, 0] = a
        longer = np.searchsorted(lens, np.arange(T + 1), side="right").tolist()
        for t in range(1, T):
            lo = longer[t]
            n = (a[lo:] @ self.exp_trans) * ex[lo:, t]
            a = a.copy()
            a[lo:] = n / n.sum(1, keepdims=True)
            alpha[lo:, t] = a[lo:]
        beta = np.ones_like(ex)
        bt = np.ones((B, nl))
        for t in range(T - 2, -1, -1):
            lo = longer[t + 1]  # rows with a character after t
            n = (ex[lo:, t + 1] * bt[lo:]) @ self.exp_trans.T
            bt[lo:] = n / n.sum(1, keepdims=True)
            beta[lo:, t] = bt[lo:]
        m = alpha * beta
        return m / m.sum(2, keepdims=True)


# The tables `FastCRF` builds from a crfsuite file (0.16-0.27 s at every start) are kept
# beside it, compiled: `<model>.compiled.pkl`, written by `compile_model` (`make install`
# runs it) and read by `load` in a few milliseconds. The file holds the sha256 of the model
# and of this module's source; if either differs, or the file is missing or unreadable,
# `load` builds the tables from the model as before. It is a pickle of the package's own
# making, in the package, like the compiled C extension; git ignores it.
COMPILED_SUFFIX = ".compiled.pkl"


def compiled_path(path: Path) -> Path:
    return path.with_name(path.name + COMPILED_SUFFIX)


def _compiled_key(path: Path) -> str:
    import hashlib

    h = hashlib.sha256(path.read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()


def compile_model(path: Path) -> Path:
    """Build the tables of the crfsuite model at `path` and write them beside it
    (atomically), for `load`. Returns the compiled file's path."""
    import os
    import pickle

    out = compiled_path(path)
    tmp = out.with_name(out.name + f".{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps((_compiled_key(path), FastCRF(path)), protocol=5))
    os.replace(tmp, out)
    return out


def load(path: Path) -> "FastCRF":
    """The model at `path`, from its compiled tables where they match it, else built."""
    import pickle

    compiled = compiled_path(path)
    if compiled.exists():
        try:
            key, model = pickle.loads(compiled.read_bytes())
        except Exception:  # a truncated or foreign file: build instead
            key, model = None, None
        if key == _compiled_key(path) and isinstance(model, FastCRF):
            return model
    return FastCRF(path)
