"""Training of the BiLSTM-CRF of `bilstm.py` with PyTorch (`make model`; torch is a
training-only dependency, the `train` extra):

    python -m pipelines.extract.entities.bilstm_train train [--ner ../shared/ner] [--out pipelines/data/models] [--epochs N]
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from pipelines.extract.entities import crf
from pipelines.extract.entities.bilstm import CARD_PATH, CONFIG, MODEL_PATH, SHIP_MIN_COUNT, TAGS, TORCH, encode, pack, raw_inputs


def _vocab(counts, min_count: int) -> dict[str, int]:
    v = {"<unk>": 0}
    for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if n >= min_count and k:
            v[k] = len(v)
    return v


def train(ner_dir: Path, out_dir: Path, files: tuple[str, ...] | None = None, epochs: int | None = None) -> dict:
    """Train on `files` of `ner_dir` (the CRF's training files); write the model and its card into `out_dir`."""
    from collections import Counter

    files = files or crf.TRAIN_FILES
    for name in files:
        if not (ner_dir / name).exists():
            raise FileNotFoundError(f"{ner_dir / name}: training data missing (see ../shared/ner/README.md)")
    try:
        import torch
        from torch import nn
    except ImportError:
        raise RuntimeError(f"training the BiLSTM needs PyTorch: pip install torch=={TORCH} (`make model` does)") from None
    cfg = dict(CONFIG, epochs=epochs or CONFIG["epochs"])
    random.seed(cfg["seed"])
    np.random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    torch.use_deterministic_algorithms(True)
    t0 = time.perf_counter()
    tagger = crf.training_tagger()
    recs = []
    for name in files:
        for rec in crf.read_corpus(ner_dir / name):
            text = rec["text"]
            if text:
                ws, tags = tagger.tag(text)
                words = crf.words_of(zip(ws, tags))
                recs.append((text, words, crf.bio(text, rec["entities"])))
    counts = {k: Counter() for k in "cbpwg"}
    for text, words, _ in recs:
        b1, b2, pos, wd, gz = raw_inputs(text, words)
        counts["c"].update(text)
        counts["b"].update(b1)
        counts["b"].update(b2[-1:])
        counts["p"].update(pos)
        counts["w"].update(wd)
        counts["g"].update(gz)
    vocab = {k: _vocab(counts[k], cfg["min_count"][k]) for k in "cbpwg"}
    ti = {t: i for i, t in enumerate(TAGS)}
    data = [encode(vocab, text, words) + [[ti[y] for y in labels]] for text, words, labels in recs]

    class CRF(nn.Module):
        def __init__(self, K):
            super().__init__()
            self.trans = nn.Parameter(torch.zeros(K, K))
            self.start = nn.Parameter(torch.zeros(K))
            self.end = nn.Parameter(torch.zeros(K))

        def nll(self, em, y, mask):
            score = self.start[y[:, 0]] + em[:, 0].gather(1, y[:, :1]).squeeze(1)
            alpha = self.start + em[:, 0]
            for t in range(1, em.shape[1]):
                m = mask[:, t]
                score = score + (self.trans[y[:, t - 1], y[:, t]] + em[:, t].gather(1, y[:, t:t + 1]).squeeze(1)) * m
                na = torch.logsumexp(alpha.unsqueeze(2) + self.trans + em[:, t].unsqueeze(1), dim=1)
                alpha = torch.where(m.unsqueeze(1), na, alpha)
            score = score + self.end[y.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)]
            return (torch.logsumexp(alpha + self.end, 1) - score).sum()

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.ec = nn.Embedding(len(vocab["c"]), cfg["E_c"])
            self.eb = nn.Embedding(len(vocab["b"]), cfg["E_b"])
            self.ep = nn.Embedding(len(vocab["p"]), cfg["E_pt"])
            self.ew = nn.Embedding(len(vocab["w"]), cfg["E_w"])
            self.eg = nn.Embedding(len(vocab["g"]), cfg["E_g"])
            self.ek = nn.Embedding(5, cfg["E_k"])
            D = cfg["E_c"] + 2 * cfg["E_b"] + cfg["E_pt"] + cfg["E_w"] + cfg["E_g"] + cfg["E_k"]
            self.drop = nn.Dropout(cfg["dropout"])
            self.lstm = nn.LSTM(D, cfg["H"], batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * cfg["H"], len(TAGS))
            self.crf = CRF(len(TAGS))

        def forward(self, X, lens):
            c, b1, b2, p, w, g, k = X
            x = self.drop(torch.cat([self.ec(c), self.eb(b1), self.eb(b2), self.ep(p), self.ew(w), self.eg(g), self.ek(k)], -1))
            packed = nn.utils.rnn.pack_padded_sequence(x, lens, batch_first=True, enforce_sorted=False)
            h, _ = nn.utils.rnn.pad_packed_sequence(self.lstm(packed)[0], batch_first=True)
            return self.out(self.drop(h))

    def batch(items):
        lens = [len(it[0]) for it in items]
        arr = np.zeros((8, len(items), max(lens)), dtype=np.int64)
        for i, it in enumerate(items):
            for f in range(8):
                arr[f, i, :lens[i]] = it[f]
        mask = torch.arange(max(lens))[None, :] < torch.tensor(lens)[:, None]
        return [torch.from_numpy(arr[f]) for f in range(7)], torch.from_numpy(arr[7]), mask, lens

    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"])
    order = sorted(range(len(data)), key=lambda i: (len(data[i][0]), random.random()))
    batches = [order[i:i + cfg["batch"]] for i in range(0, len(order), cfg["batch"])]
    t1 = time.perf_counter()
    losses = []
    for ep in range(cfg["epochs"]):
        random.shuffle(batches)
        total = 0.0
        for b in batches:
            X, y, mask, lens = batch([data[i] for i in b])
            loss = net.crf.nll(net(X, lens), y, mask) / len(b)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), cfg["clip"])
            opt.step()
            total += loss.item()
        losses.append(round(total / len(batches), 4))
        print(f"epoch {ep + 1}/{cfg['epochs']}: loss {losses[-1]} ({time.perf_counter() - t1:.0f} s)", file=sys.stderr, flush=True)
    t2 = time.perf_counter()
    s = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    f16 = lambda a: a.astype(np.float16)  # noqa: E731  halves the file; the scores are the same
    arrays = dict(ec=f16(s["ec.weight"]), eb=f16(s["eb.weight"]), ep=f16(s["ep.weight"]), ew=f16(s["ew.weight"]),
                  eg=f16(s["eg.weight"]), ek=f16(s["ek.weight"]),
                  wih_f=f16(s["lstm.weight_ih_l0"]), whh_f=f16(s["lstm.weight_hh_l0"]),
                  b_f=f16(s["lstm.bias_ih_l0"] + s["lstm.bias_hh_l0"]),
                  wih_r=f16(s["lstm.weight_ih_l0_reverse"]), whh_r=f16(s["lstm.weight_hh_l0_reverse"]),
                  b_r=f16(s["lstm.bias_ih_l0_reverse"] + s["lstm.bias_hh_l0_reverse"]),
                  wout=f16(s["out.weight"]), bout=f16(s["out.bias"]),
                  trans=s["crf.trans"], start=s["crf.start"], end=s["crf.end"],
                  vocab=np.frombuffer(json.dumps(vocab, ensure_ascii=False).encode("utf-8"), dtype=np.uint8))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / MODEL_PATH.name
    packed = pack(arrays, counts["b"])
    np.savez_compressed(path, **packed)
    info = {
        "name": "ner_bilstm",
        # `-q4`: the tables as `bilstm.pack` writes them (4-bit bigrams and words, rare bigrams dropped)
        "version": time.strftime("%Y%m%d", time.gmtime()) + f"-{len(data)}-q4",
        "labels": ["PER", "ORG", "LOC"],
        "trained_on": list(files),
        "sentences": len(data),
        "characters": sum(len(r[0]) for r in recs),
        "config": cfg,
        "vocabulary": {k: len(v) for k, v in vocab.items()},
        "shipped": {"min_count": SHIP_MIN_COUNT, "bigrams": int(packed["eb_scale"].shape[0])},
        "parameters": int(sum(v.numel() for v in net.parameters())),
        "losses": losses,
        "torch": torch.__version__,
        "seconds_features": round(t1 - t0, 1),
        "seconds_training": round(t2 - t1, 1),
        "bytes": path.stat().st_size,
        "terms": crf.TERMS,
    }
    (out_dir / CARD_PATH.name).write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    return crf.training_cli("python -m pipelines.extract.entities.bilstm_train", "the entity BiLSTM-CRF (needs torch)",
                            train, argv, errors=(FileNotFoundError, ValueError, RuntimeError), epochs=True)


if __name__ == "__main__":
    sys.exit(main())
