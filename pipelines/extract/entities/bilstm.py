"""A character BiLSTM-CRF for people, organisations and places, run in numpy.

The second trained recogniser beside the character CRF (`crf.py`):
`POLICYTRACE_NER_MODEL=ensemble` averages the two models' per-character marginals
(`crf.Model.tag_many`), which scores above either alone on the People's Daily dev
split (README, "The trained recogniser").

Inputs of each character, the same the CRF sees: the character, the two
character bigrams around it, the jieba word it sits in (its position in the
word with the word's POS tag, the word itself) and the gazetteer label of that
word, and the character's class. Embeddings -> one bidirectional LSTM layer ->
per-character scores -> a CRF layer over B-/I-/O tags.

Trained with PyTorch (`make model`, a training-only dependency: torch==2.13.0,
CPU) on the MSRA NER training pool of `../shared/ner` with a fixed seed and a
fixed number of epochs (no model selection on the dev split):

    python -m pipelines.extract.entities.bilstm_train train [--ner ../shared/ner] [--out pipelines/data/models]

and written to `pipelines/data/models/ner_bilstm.npz` (3.9 MB, in git: float16 weights, the embedding
tables packed by `pack`) with its card `ner_bilstm.json`. Tagging needs numpy only:
all sentences of a document run through the LSTM as one batch.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

MODEL_DIR = Path(__file__).resolve().parents[2] / "data" / "models"
MODEL_PATH = MODEL_DIR / "ner_bilstm.npz"
CARD_PATH = MODEL_DIR / "ner_bilstm.json"
TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
CONFIG = {"E_c": 100, "E_b": 50, "E_pt": 20, "E_w": 50, "E_g": 10, "E_k": 5, "H": 128, "dropout": 0.5,
          "epochs": 12, "batch": 32, "lr": 0.002, "clip": 5.0, "seed": 0,
          "min_count": {"c": 2, "b": 3, "p": 1, "w": 3, "g": 1}}
BATCH_CELLS = 16384  # padded characters a batch of the BiLSTM holds
TORCH = "2.13.0"  # the version `make model` installs (CPU build)


CLASS_LETTERS = "PDNAH"  # the CRF's names for the five classes of `char_class` (its `k=` feature)


def char_class(c: str) -> int:
    """0 other, 1 digit, 2 Chinese numeral, 3 Latin letter, 4 Han character (the CRF's P D N A H)."""
    if "0" <= c <= "9" or "０" <= c <= "９":
        return 1
    if c in "零〇○一二三四五六七八九十百千万亿两":
        return 2
    if c.isascii() and c.isalpha() or "ａ" <= c.lower() <= "ｚ":
        return 3
    if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf":
        return 4
    return 0


def raw_inputs(text: str, words: Sequence[tuple[str, str, str]]) -> tuple[list[str], ...]:
    """The string inputs of each character: bigram before, bigram after, position+POS,
    the word (if longer than one character), gazetteer label+position."""
    pad = "^" + text + "$"
    n = len(text)
    pos, wd, gz = [], [], []
    for w, tag, g in words:
        L = len(w)
        for j in range(L):
            p = "S" if L == 1 else "B" if j == 0 else "E" if j == L - 1 else "M"
            pos.append(p + tag)
            wd.append(w if L > 1 else "")
            gz.append(g + p if g else "")
    if len(pos) != n:
        raise ValueError(f"the words ({len(pos)} characters) do not make up the text ({n}): {text[:40]!r}")
    return [pad[i:i + 2] for i in range(n)], [pad[i + 1:i + 3] for i in range(n)], pos, wd, gz


def encode(vocab: dict, text: str, words) -> list[list[int]]:
    """Index lists of the seven inputs (char, bigram before, bigram after, pos, word, gaz, class)."""
    b1, b2, pos, wd, gz = raw_inputs(text, words)
    c, b, p, w, g = (vocab[k] for k in ("c", "b", "p", "w", "g"))
    return [[c.get(x, 0) for x in text], [b.get(x, 0) for x in b1], [b.get(x, 0) for x in b2],
            [p.get(x, 0) for x in pos], [w.get(x, 0) for x in wd], [g.get(x, 0) for x in gz],
            [char_class(x) for x in text]]


def _lse(a: np.ndarray, axis: int) -> np.ndarray:
    m = a.max(axis, keepdims=True)
    return (m + np.log(np.exp(a - m).sum(axis, keepdims=True))).squeeze(axis)


# The embedding tables of characters, bigrams and words are 85% of the parameters. The shipped file
# (`pack`) keeps them small enough for git (under 5 MB; float16 weights would be 15.3 MB):
# - the character table as int8 with a float32 scale a row (`quantize_rows`);
# - the bigram and word tables at 4 bits a value (two a byte) with a float16 scale a row;
# - only the bigrams seen at least `SHIP_MIN_COUNT["b"]` times in the training pool (training
#   keeps those seen 3 times); the others read as unknown, as unseen bigrams do;
# - the vocabularies as xz-compressed JSON.
# Measured on the People's Daily dev split, the ensemble scores the same with the float16 tables
# (0.931; README, "The trained recogniser").
QUANTIZED = ("ec", "eb", "ew")
PACKED4 = ("eb", "ew")
SHIP_MIN_COUNT = {"b": 6}
_SCALE = "_scale"
_Q4 = "_q4"


def quantize_rows(a: np.ndarray, bits: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """A table's float16 values as integers of `bits` bits (int8 storage), each row scaled by its
    largest magnitude over 2**(bits-1) - 1 (127 for int8, 7 for 4 bits); the table is
    `q * scale[:, None]`. From float16 values, so that a float16 file converts to the same bytes.
    The 4-bit scales are float16 (the values are rounded with the stored scale)."""
    top = 2 ** (bits - 1) - 1
    a = a.astype(np.float16).astype(np.float32)
    scale = np.abs(a).max(axis=1) / top
    scale[scale == 0] = 1.0
    scale = scale.astype(np.float32 if bits == 8 else np.float16)
    q = np.rint(a / scale.astype(np.float32)[:, None]).clip(-top, top)
    return q.astype(np.int8), scale


def pack4(q: np.ndarray) -> np.ndarray:
    """4-bit values (-7..7, int8) two to a byte: the even column in the low nibble."""
    if q.shape[1] % 2:
        raise ValueError(f"a 4-bit table needs an even number of columns, not {q.shape[1]}")
    u = (q.astype(np.int16) + 8).astype(np.uint8)
    return u[:, 0::2] | (u[:, 1::2] << 4)


def unpack4(packed: np.ndarray) -> np.ndarray:
    out = np.empty((packed.shape[0], packed.shape[1] * 2), np.int8)
    out[:, 0::2] = (packed & 0x0F).astype(np.int8) - 8
    out[:, 1::2] = (packed >> 4).astype(np.int8) - 8
    return out


def prune_bigrams(arrays: dict, vocab: dict, counts, min_count: int) -> tuple[dict, dict]:
    """Drop the bigram rows of bigrams seen fewer than `min_count` times (`counts`: the training
    pool's); the kept ones keep their order, renumbered from 1 (0 is unknown)."""
    kept = [(i, b) for b, i in sorted(vocab["b"].items(), key=lambda kv: kv[1]) if i == 0 or counts.get(b, 0) >= min_count]
    vocab = dict(vocab, b={b: j for j, (_, b) in enumerate(kept)})
    return dict(arrays, eb=arrays["eb"][[i for i, _ in kept]]), vocab


def pack(arrays: dict, bigram_counts) -> dict:
    """The trained float16 arrays (with `vocab`: the vocabularies' JSON bytes) as the shipped file
    holds them (see `SHIP_MIN_COUNT`, `PACKED4`)."""
    import lzma

    vocab = json.loads(bytes(arrays["vocab"]).decode("utf-8"))
    out, vocab = prune_bigrams({k: v for k, v in arrays.items() if k != "vocab"}, vocab, bigram_counts, SHIP_MIN_COUNT["b"])
    for k in QUANTIZED:
        if k in PACKED4:
            q, out[k + _SCALE] = quantize_rows(out.pop(k), bits=4)
            out[k + _Q4] = pack4(q)
        else:
            out[k], out[k + _SCALE] = quantize_rows(out[k])
    raw = json.dumps(vocab, ensure_ascii=False).encode("utf-8")
    out["vocab_xz"] = np.frombuffer(lzma.compress(raw, preset=9), dtype=np.uint8)
    return out


def load_arrays(path: Path) -> tuple[dict, dict]:
    """The vocabularies and the float32 arrays of a model file, in any of its formats
    (float16, int8 tables, `pack`'s)."""
    import lzma

    with np.load(path) as z:
        names = set(z.files)
        raw = lzma.decompress(bytes(z["vocab_xz"])) if "vocab_xz" in names else bytes(z["vocab"])
        p = {k: z[k].astype(np.float32) for k in names
             if k not in ("vocab", "vocab_xz") and not k.endswith(_SCALE) and not k.endswith(_Q4)}
        for k in QUANTIZED:
            if k + _Q4 in names:  # 4-bit values two a byte, a float16 scale a row
                p[k] = unpack4(z[k + _Q4]).astype(np.float32) * z[k + _SCALE].astype(np.float32)[:, None]
            elif k + _SCALE in names:  # int8 values, a float32 scale a row
                p[k] *= z[k + _SCALE][:, None]
    return json.loads(raw.decode("utf-8")), p


class BiLSTMCRF:
    """The shipped model: `marginals(batch)` gives each sentence's (n, 7) tag marginals."""

    def __init__(self, path: Path | None = None):
        path = path or MODEL_PATH
        if not path.exists():
            raise FileNotFoundError(f"{path}: the BiLSTM entity model is missing; run `make model` to train it from ../shared/ner")
        self.path = path
        self.vocab, p = load_arrays(path)
        self.tables = [p["ec"], p["eb"], p["eb"], p["ep"], p["ew"], p["eg"], p["ek"]]
        self.H = H = p["whh_f"].shape[1]
        # both directions' input projections in one matrix: one GEMM per batch
        self.w_in = np.ascontiguousarray(np.concatenate([p["wih_f"], p["wih_r"]], 0).T)  # D x 8H
        self.b_in = np.concatenate([p["b_f"], p["b_r"]])
        self.w_hh = np.stack([p["whh_f"].T, p["whh_r"].T])  # 2 x H x 4H
        # sigmoid(x) = (tanh(x/2) + 1) / 2: one tanh over all four gates
        self.gate_scale = np.concatenate([np.full(H, .5), np.full(H, .5), np.ones(H), np.full(H, .5)]).astype(np.float32)
        self.w_out, self.b_out = np.ascontiguousarray(p["wout"].T), p["bout"]
        self.trans, self.start, self.end = p["trans"], p["start"], p["end"]

    def encode(self, text: str, words) -> list[list[int]]:
        return encode(self.vocab, text, words)

    def emissions(self, encs: list[list[list[int]]]) -> tuple[np.ndarray, np.ndarray]:
        """(B, T, 7) scores of the batch, sentences padded at the end, and their lengths."""
        H = self.H
        lens = np.array([len(e[0]) for e in encs])
        B, T = len(encs), int(lens.max())
        X = np.concatenate([tab[np.concatenate([e[f] for e in encs]).astype(np.int64)]
                            for f, tab in enumerate(self.tables)], 1)
        G = X @ self.w_in + self.b_in  # N x 8H
        # padded (2, B, T, 4H): direction 0 forwards, direction 1 each sentence reversed
        Gp = np.zeros((2, B, T, 4 * H), np.float32)
        off = np.concatenate([[0], np.cumsum(lens)])
        for i in range(B):
            g = G[off[i]:off[i + 1]]
            Gp[0, i, :lens[i]] = g[:, :4 * H]
            Gp[1, i, :lens[i]] = g[::-1, 4 * H:]
        h = np.zeros((2, B, H), np.float32)
        c = np.zeros((2, B, H), np.float32)
        hs = np.empty((2, B, T, H), np.float32)
        scale = self.gate_scale
        for t in range(T):
            z = np.tanh((Gp[:, :, t] + np.matmul(h, self.w_hh)) * scale)
            i_, f_, o_ = (z[..., :H] + 1) * .5, (z[..., H:2 * H] + 1) * .5, (z[..., 3 * H:] + 1) * .5
            c = f_ * c + i_ * z[..., 2 * H:3 * H]
            h = o_ * np.tanh(c)
            hs[:, :, t] = h
        back = hs[1]
        for i in range(B):
            back[i, :lens[i]] = back[i, :lens[i]][::-1].copy()
        return np.concatenate([hs[0], back], 2) @ self.w_out + self.b_out, lens

    def marginals(self, encs: list[list[list[int]]]) -> list[np.ndarray]:
        """Per-character tag marginals (forward-backward of the CRF layer), one (n, 7) array a
        sentence. Sentences run in batches of similar length, at most BATCH_CELLS padded
        characters each, so a long sentence does not pad a batch of short ones."""
        order = sorted(range(len(encs)), key=lambda i: len(encs[i][0]))
        out: list[np.ndarray] = [None] * len(encs)  # type: ignore[list-item]
        k = 0
        while k < len(order):
            n = 1
            while k + n < len(order) and (n + 1) * len(encs[order[k + n]][0]) <= BATCH_CELLS:
                n += 1
            idx = order[k:k + n]
            for i, P in zip(idx, self._marginals([encs[i] for i in idx])):
                out[i] = P
            k += n
        return out

    def _marginals(self, encs: list[list[list[int]]]) -> list[np.ndarray]:
        em, lens = self.emissions(encs)
        B, T, K = em.shape
        tr = self.trans[None]
        mask = np.arange(T)[None] < lens[:, None]
        al = np.empty((B, T, K), np.float32)
        al[:, 0] = self.start + em[:, 0]
        for t in range(1, T):
            al[:, t] = np.where(mask[:, t, None], _lse(al[:, t - 1][:, :, None] + tr, 1) + em[:, t], al[:, t - 1])
        last = lens - 1
        be = np.zeros((B, T, K), np.float32)
        be[np.arange(B), last] = self.end
        for t in range(T - 2, -1, -1):
            nb = _lse(tr + (em[:, t + 1] + be[:, t + 1])[:, None, :], 2)
            be[:, t] = np.where(mask[:, t + 1, None], nb, be[:, t])
        Z = _lse(al[np.arange(B), last] + self.end, 1)
        P = np.exp(al + be - Z[:, None, None])
        return [P[i, :lens[i]] for i in range(B)]


@lru_cache(maxsize=1)
def _loaded(path: Path, mtime: float) -> BiLSTMCRF:
    return BiLSTMCRF(path)


def model() -> BiLSTMCRF | None:
    """The trained model (in git), or None where its file is missing."""
    return _loaded(MODEL_PATH, MODEL_PATH.stat().st_mtime) if MODEL_PATH.exists() else None


def require() -> BiLSTMCRF:
    """The model, for `POLICYTRACE_NER_MODEL=ensemble`, or why it is not there."""
    m = model()
    if m is None:
        raise missing()
    return m


def missing() -> FileNotFoundError:
    return FileNotFoundError(f"{MODEL_PATH}: POLICYTRACE_NER_MODEL=ensemble needs the BiLSTM-CRF, which ships in the "
                             "repository and is missing here: restore it (git checkout) or run `make model` to train "
                             "it from ../shared/ner (about 40 minutes)")


def card() -> dict:
    return json.loads(CARD_PATH.read_text(encoding="utf-8")) if CARD_PATH.exists() else {}
