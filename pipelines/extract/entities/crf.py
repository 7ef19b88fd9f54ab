"""A character CRF for people, organisations and places (`method = 'model'`).

Trained with python-crfsuite on the public annotated corpora of `../shared/ner`
(see the README: MSRA NER, research use), shipped in the package as
`pipelines/data/models/ner_crf.crfsuite` with its card `ner_crf.json`, and
retrained by `make model`:

    python -m pipelines.extract.entities.crf train [--ner ../shared/ner] [--out pipelines/data/models]

Each character is labelled B-/I-/O for PER, ORG and LOC from features of the
character and its neighbours (characters, character bigrams, character
class), of the jieba word it sits in (its position in the word, the word, the
word's POS tag, the tags of the words around it) and of the gazetteers (the
label of a word the gazetteers name). The jieba words are the pipeline's own
tokens, so training and tagging see the same segmentation.

The token boundary: a character model can cut inside a jieba word (`高云江说`,
`李老师`). Measured on the People's Daily dev split, widening such spans to the
token edges cost 0.11 F1 (0.916 -> 0.807: 414 of 3,700 spans cut a word), so the
word is split instead: where a kept model span starts or ends inside a token,
`policy_entities` makes the `Doc` again with that token in pieces (`split_tokens`),
and the pieces keep the word's tag, except the name, which is tagged as jieba tags
names (`nr`, `nt`, `ns`). Spans stay
`documents.text[start:end] == text` and align with tokens.

`confidence` is the smallest marginal probability the CRF gives the span's
labels: the chance the weakest of its characters is labelled as the span says.

python-crfsuite trains the model; tagging reads the same model file and runs in
numpy (`fastcrf.py`: the same labels and marginals; the model's step over a document
2.5 times faster than a crfsuite `Tagger` fed feature strings, because the features
become array lookups).
"""

from __future__ import annotations

import argparse
import bisect
import dataclasses
import json
import re
import sys
import time
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

import numpy as np
from spacy.attrs import ORTH, SENT_START

from pipelines.extract.entities import bilstm, fastcrf
from pipelines.extract.entities.context import place_body
from pipelines.extract.entities.shapes import TokenView, bound_words
from pipelines.extract.entities.model import Entity
from pipelines.extract.entities.words import words as entity_words
from pipelines.extract.gazetteer import abbreviation_label, dictionary_entries, expand_abbreviations, name_labels, place_names
from pipelines.lang.zh.script import simplified
from pipelines.lang.zh.segment import AS_CUT_KEY, DEFAULT_USERDICT, TOKENS_KEY, Tagger, doc_text, make_doc, read_userdict

MODEL_DIR = Path(__file__).resolve().parents[2] / "data" / "models"
MODEL_PATH = MODEL_DIR / "ner_crf.crfsuite"
CARD_PATH = MODEL_DIR / "ner_crf.json"
MODEL_LABELS = ("PER", "ORG", "LOC")
CORPUS_LABEL = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC"}  # the corpora's labels -> ours
TRAIN_FILES = ("msra_train_pool.jsonl",)
PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True}


class Word(NamedTuple):
    text: str
    tag: str
    gaz: str  # gazetteer label of the word, or ""


class Span(NamedTuple):
    start: int
    end: int
    label: str  # PER, ORG or LOC
    confidence: float


def _char_class(c: str) -> str:
    return bilstm.CLASS_LETTERS[bilstm.char_class(c)]


def features(text: str, words: list[Word]) -> list[list[str]]:
    """The features of each character of `text`, which the `words` concatenate to, as
    crfsuite strings: what training sees. Tagging computes the same in `fastcrf`."""
    n = len(text)
    pos = [""] * n  # B/M/E/S of the character in its word
    word_of = [0] * n
    i = 0
    for k, w in enumerate(words):
        L = len(w.text)
        for j in range(L):
            pos[i + j] = "S" if L == 1 else "B" if j == 0 else "E" if j == L - 1 else "M"
            word_of[i + j] = k
        i += L
    pad = "^^" + text + "$$"
    out = []
    nw = len(words)
    for i in range(n):
        c = i + 2
        k = word_of[i]
        w = words[k]
        p = pos[i]
        f = [
            "b",
            "c=" + pad[c], "c-1=" + pad[c - 1], "c+1=" + pad[c + 1], "c-2=" + pad[c - 2], "c+2=" + pad[c + 2],
            "c-1c=" + pad[c - 1:c + 1], "cc+1=" + pad[c:c + 2], "c-1c+1=" + pad[c - 1] + pad[c + 1],
            "k=" + _char_class(pad[c]),
            "p=" + p, "pt=" + p + w.tag,
            "t-1=" + (words[k - 1].tag if k else "^"), "t+1=" + (words[k + 1].tag if k + 1 < nw else "$"),
        ]
        if len(w.text) > 1:
            f.append("w=" + w.text)
            f.append("wl=" + str(min(len(w.text), 6)) + p)
        if w.gaz:
            f.append("g=" + w.gaz + p)
        if k and words[k - 1].gaz:
            f.append("g-1=" + words[k - 1].gaz)
        if k + 1 < nw and words[k + 1].gaz:
            f.append("g+1=" + words[k + 1].gaz)
        out.append(f)
    return out


@lru_cache(maxsize=1)
def _gazetteer_labels() -> dict[str, str]:
    """The gazetteer names the model has features for (it was trained on these four labels)."""
    return {t: lab for t, lab in name_labels().items() if lab in ("PERSON", "ORG", "GPE", "LOC")}


def words_of(tokens: Iterable[tuple[str, str]]) -> list[Word]:
    gaz = _gazetteer_labels()
    return [Word(t, tag, gaz.get(t, "")) for t, tag in tokens]


def bio(text: str, entities: list[dict]) -> list[str]:
    labels = ["O"] * len(text)
    for e in entities:
        lab = CORPUS_LABEL.get(e["label"])
        if lab is None or text[e["start"]:e["end"]] != e["text"]:
            continue
        labels[e["start"]] = "B-" + lab
        for i in range(e["start"] + 1, e["end"]):
            labels[i] = "I-" + lab
    return labels


def spans_of(labels: list[str], marginal=None) -> list[Span]:
    """B-/I- runs as spans; an I- without its B- starts a span."""
    out = []
    start = label = None
    for i, tag in enumerate(labels + ["O"]):
        kind, _, lab = tag.partition("-")
        if label is not None and (kind != "I" or lab != label):
            conf = min(marginal(labels[j], j) for j in range(start, i)) if marginal else 1.0
            out.append(Span(start, i, label, round(conf, 4)))
            label = None
        if kind in ("B", "I") and label is None:
            start, label = i, lab
    return out


TAG_INDEX = {t: i for i, t in enumerate(bilstm.TAGS)}
# B-/I-/O paths only: an I-X follows B-X or I-X
_ALLOWED = np.array([[0.0 if not b.startswith("I-") or a[2:] == b[2:] else -np.inf for b in bilstm.TAGS] for a in bilstm.TAGS])
_START_OK = np.array([0.0 if not t.startswith("I-") else -np.inf for t in bilstm.TAGS])


def decode(P: np.ndarray) -> list[str]:
    """The B-/I-/O path with the largest product of the (n, 7) marginals `P`."""
    L = np.log(P + 1e-9)
    d = _START_OK + L[0]
    back = []
    for t in range(1, len(P)):
        x = d[:, None] + _ALLOWED
        back.append(x.argmax(0))
        d = x.max(0) + L[t]
    k = int(d.argmax())
    path = [k]
    for b in reversed(back):
        k = int(b[k])
        path.append(k)
    return [bilstm.TAGS[k] for k in reversed(path)]


# In ensemble mode a sentence goes to the BiLSTM only where the CRF gives some character's
# best label less than this marginal. On the People's Daily dev split that is 47% of the
# characters, with the same F1 as sending every sentence (0.9305 against 0.9302); on policy
# text (national, provincial and People's Daily reports) 30%: the ensemble's model step went from
# 46k to 107k chars/s on 20 national reports (the CRF alone: 540k).
ENSEMBLE_SURE = 0.99


class Model:
    """The shipped recogniser: `Model().tag(text, words)` gives spans over `text`.

    With the BiLSTM-CRF in the package (`bilstm.py`) the two models' per-character
    marginals are averaged and the best B-/I-/O path through the average is taken
    (`ensemble=True`, `POLICYTRACE_NER_MODEL=ensemble`), in the sentences where the CRF
    is unsure of some character (`ENSEMBLE_SURE`); the CRF alone tags otherwise
    (the default build). A span's confidence is the smallest marginal of
    its characters' labels, in the average or in the CRF alone."""

    def __init__(self, path: Path | None = None):
        path = path or MODEL_PATH
        if not path.exists():
            raise FileNotFoundError(f"{path}: the entity model is missing; run `make model` to train it from ../shared/ner")
        self.path = path
        self._crf = fastcrf.load(path)  # its compiled tables where `make install` wrote them

    def tag(self, text: str, words: list[Word], ensemble: bool = False) -> list[Span]:
        return self.tag_many([(text, words)], ensemble)[0]

    def tag_many(self, sentences: "list[tuple[str, list[Word]]] | fastcrf.Batch", ensemble: bool = False) -> list[list[Span]]:
        """Spans of each (text, words) sentence; both models tag the sentences as one batch.
        A word is a `Word` or any (text, tag, gazetteer label) tuple; the sentences may
        come as columns (`fastcrf.Batch`)."""
        nn = bilstm.require() if ensemble else None
        batch = fastcrf.Batch.of(sentences)
        keep = [i for i, text in enumerate(batch.texts) if text]
        out: list[list[Span]] = [[] for _ in range(len(batch))]
        if not keep:
            return out
        kept = batch.take(keep)
        if nn is None:
            direct = self._crf.spans_many(kept)
            if direct is not None:  # read as arrays by the C loops' path
                for i, spans in zip(keep, direct):
                    out[i] = [Span(*sp) for sp in spans]
                return out
        tagged = self._crf.tag_many(kept, all_marginals=nn is not None)
        if nn is None:
            for i, (labels, P) in zip(keep, tagged):
                if P is not None:  # a label other than O
                    out[i] = spans_of(labels, lambda lab, j: float(P[j, TAG_INDEX[lab]]))
            return out
        # A cascade: the BiLSTM sees only the sentences the CRF is unsure of somewhere
        unsure = [k for k, (_, Pc) in enumerate(tagged) if Pc.max(1).min() < ENSEMBLE_SURE]
        as_tuples = kept.sentences() if unsure else []
        marg = dict(zip(unsure, nn.marginals([nn.encode(*as_tuples[k]) for k in unsure])))
        for k, (i, (labels, Pc)) in enumerate(zip(keep, tagged)):
            if k not in marg:  # the CRF is sure of every character: its path stands
                if any(t != "O" for t in labels):
                    out[i] = spans_of(labels, lambda lab, j: float(Pc[j, TAG_INDEX[lab]]))
                continue
            P = (Pc + marg[k]) / 2
            if (P[:, 0] > 0.5).all():
                continue  # every character's best label is O
            out[i] = spans_of(decode(P), lambda lab, j: float(P[j, TAG_INDEX[lab]]))
        return out


_models: dict[Path, Model] = {}


def model() -> Model | None:
    """The shipped model, or None when the package was built without one. It keeps no
    state between calls, so the build's threads share it."""
    if not MODEL_PATH.exists():
        return None
    m = _models.get(MODEL_PATH)
    if m is None:
        m = _models[MODEL_PATH] = Model()
    return m


def compile_model() -> Path | None:
    """Write the shipped model's compiled tables beside it (`fastcrf.compile_model`), so a
    process loads it in milliseconds; `make install` calls this."""
    return fastcrf.compile_model(MODEL_PATH) if MODEL_PATH.exists() else None


def card() -> dict:
    return json.loads(CARD_PATH.read_text(encoding="utf-8")) if CARD_PATH.exists() else {}


def read_corpus(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{lineno}: not a JSON object: {exc}") from None


TERMS = "Trained on MSRA NER (SIGHAN 2006), research use with citation; the model inherits these terms."


def training_tagger() -> Tagger:
    """The words and tags of the pipeline's tokenizer (`pipelines.nlp`) with the shipped
    dictionary only: what both models are trained on."""
    return Tagger(dictionary_entries() + read_userdict(DEFAULT_USERDICT))


def train(ner_dir: Path, out_dir: Path, files: tuple[str, ...] = TRAIN_FILES) -> dict:
    """Train on `files` of `ner_dir`; write the model and its card into `out_dir`."""
    import pycrfsuite  # training only: tagging reads the model file itself (`fastcrf`)

    tagger = training_tagger()
    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.set_params(PARAMS)
    n_sent = n_chars = 0
    t0 = time.perf_counter()
    for name in files:
        path = ner_dir / name
        if not path.exists():
            raise FileNotFoundError(f"{path}: training data missing (see ../shared/ner/README.md)")
        for rec in read_corpus(path):
            text = rec["text"]
            if not text:
                continue
            ws, tags = tagger.tag(text)
            trainer.append(features(text, words_of(zip(ws, tags))), bio(text, rec["entities"]))
            n_sent += 1
            n_chars += len(text)
    t1 = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    model_path = out_dir / MODEL_PATH.name
    trainer.train(str(model_path))
    t2 = time.perf_counter()
    info = {
        "name": "ner_crf",
        "version": time.strftime("%Y%m%d", time.gmtime()) + f"-{n_sent}",
        "labels": list(MODEL_LABELS),
        "trained_on": list(files),
        "sentences": n_sent,
        "characters": n_chars,
        "params": PARAMS,
        "python_crfsuite": getattr(pycrfsuite, "__version__", "?"),
        "seconds_features": round(t1 - t0, 1),
        "seconds_training": round(t2 - t1, 1),
        "bytes": model_path.stat().st_size,
        "terms": TERMS,
    }
    (out_dir / CARD_PATH.name).write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return info


def training_cli(prog: str, what: str, train_fn, argv: list[str] | None, errors: tuple = (FileNotFoundError, ValueError),
                 epochs: bool = False) -> int:
    """`python -m PROG train [--ner DIR] [--out DIR] [--epochs N]` for one of the models: prints
    its card, or the reason it could not train (exit 2)."""
    ap = argparse.ArgumentParser(prog=prog)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help=f"train {what} from ../shared/ner")
    t.add_argument("--ner", type=Path, default=Path(__file__).resolve().parents[4] / "shared" / "ner")
    t.add_argument("--out", type=Path, default=MODEL_DIR)
    if epochs:
        t.add_argument("--epochs", type=int, default=None)
    args = ap.parse_args(argv)
    try:
        info = train_fn(args.ner, args.out, **({"epochs": args.epochs} if epochs else {}))
    except errors as exc:
        print(f"train-ner: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(info, ensure_ascii=False, indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    return training_cli("python -m pipelines.extract.entities.crf", "the entity CRF", train, argv)


if __name__ == "__main__":
    sys.exit(main())


def candidates(doc, ensemble: bool = False) -> list[Entity]:
    """The model's spans in a processed spaCy `Doc` as `Entity` candidates
    (`method = 'model'`), sentence by sentence; they may cut inside a token.
    PER -> PERSON, ORG -> ORG; LOC -> GPE unless the gazetteers know it as LOC
    or it ends like a landscape or a facility (`江`, `高原`, `铁路`, `公园`, ...)."""
    return candidates_many([doc], ensemble)[0]


def candidates_many(docs: Sequence, ensemble: bool = False) -> list[list[Entity]]:
    """`candidates` of each `Doc`, the sentences of all of them tagged as one batch: a
    model call has a fixed cost, which short documents (a notice of a few lines) pay
    once each otherwise."""
    m = model()
    if m is None:
        return [[] for _ in docs]
    gaz = _gazetteer_labels()
    # the sentences as columns (`fastcrf.Batch`): a document's token lists, not a tuple a word
    batch = fastcrf.Batch([], [], [], [], [])
    where = []  # (document, offset of the sentence)
    views = []
    for n, doc in enumerate(docs):
        view = TokenView(doc)
        views.append(view)
        text = view.text
        first = np.flatnonzero(doc.to_array(SENT_START) == 1).tolist() if len(doc) else []
        for k, i in enumerate(first):
            j = first[k + 1] if k + 1 < len(first) else len(view)
            a = view.idx[i]
            b = view.idx[j] if j < len(view) else len(text)
            if text[a:b].strip():
                batch.texts.append(text[a:b])
                batch.n_words.append(j - i)
                batch.words.extend(view.words[i:j])
                batch.tags.extend(view.tags[i:j])
                where.append((n, a))
    batch.gaz.extend(map(gaz.get, batch.words, repeat("")))
    spans_of_doc: list[list[tuple[int, Span]]] = [[] for _ in docs]
    for (n, a), spans in zip(where, m.tag_many(batch, ensemble)):
        spans_of_doc[n].extend((a, sp) for sp in spans)
    return [_entities(doc, view, spans, gaz) for doc, view, spans in zip(docs, views, spans_of_doc)]


def _entities(doc, view: TokenView, spans: list[tuple[int, Span]], gaz: dict[str, str]) -> list[Entity]:
    """A document's model spans (each at its sentence's offset) as `Entity` candidates."""
    W = entity_words()
    text = view.text
    starts = view.idx
    token_start = set(starts)
    out = []
    places = place_names()
    for a, sp in spans:
        s, e = sp.start + a, sp.end + a
        if sp.label == "ORG":
            # a body begins with a word (`利街小学` of 胜利街小学: with 胜利), and not with a verb
            # of policy prose (`力争|包商银行培训中心`, `深化|公立医院`: `model_org_not_first`)
            k = bisect.bisect_right(starts, s) - 1
            while k + 1 < len(starts) and starts[k + 1] < e and view.words[k] in W.model_org_not_first:
                k += 1
            s = starts[k]
        name = text[s:e]
        if not name.strip() or _BREAK.search(name) or name.count("（") != name.count("）") \
                or name.count("(") != name.count(")"):
            continue  # across a clause or half a bracket (`金（义`)
        if sp.label == "PER":
            label = "PERSON"
        elif sp.label == "ORG":
            label = "LOC" if W.model_zone_end.search(name) else "ORG"
        else:
            label = gaz.get(name) if gaz.get(name) in ("GPE", "LOC") else \
                "LOC" if W.loc_end.search(name) or W.facility_end.search(name) \
                or (W.model_loc_end.search(name) and expand(name) is None) else "GPE"  # 上海港; 粤港 is two places
        if label == "ORG":
            norm = place_body(name) or name
        else:  # a place the gazetteers know keeps their normal form (`东北` -> 东北地区)
            known = places.get(simplified(name))
            norm = known[1] if known is not None and known[0] == label else name
        out.append(Entity(s, e, name, label, norm, "model", sp.confidence))
    return join_abbreviations(out, doc)


expand = expand_abbreviations  # the name callers use (`crf.expand("中美")`)


def _is_word(doc, start: int) -> bool:
    """The one character at `start` is a jieba word of its own."""
    span = doc.char_span(start, start + 1)
    return span is not None and len(span) == 1


def _bound(doc, start: int) -> bool:
    """The character at `start` is an abbreviation bound in a two-character word as a place
    (`访华`, `中方`; `abbr_bound_before` / `abbr_bound_after` of entity_words.txt)."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None or len(span) != 1 or len(span.text) != 2:
        return False
    return bound_words().get(span.text) == start - span.start_char  # the rules' table (not 出台, 华侨)


# A lone one-character place bound in a two-character jieba word (`访[华]`, `[中]方`, `在[浙]`: see
# `abbr_bound_*` in entity_words.txt) is kept from this confidence; one that is a word of its own
# (`对 俄`) from the label's `MIN_CONFIDENCE`; one in any other word (`京剧`, `抗日`) never.
LONE_IN_WORD_MIN = 0.9


_JOINS = "及和与暨"


def join_abbreviations(spans: list[Entity], doc) -> list[Entity]:
    """One-character place spans of the model: a run of them (`中` `美` of 中美) becomes
    one GPE naming each (our convention: `中美` is one mention); a lone one is kept
    if it is an abbreviation we know, opens no word of a kind (`华侨`, `中外`: `abbr_kind_word`),
    and is a word of its own (`对 俄`) or bound in a
    two-character word as a place (`访华`, `浙企`, from `LONE_IN_WORD_MIN`); `京剧` and
    `抗日战争` keep none. Other spans pass unchanged."""
    out: list[Entity] = []
    run: list[Entity] = []

    def flush() -> None:
        text = "".join(e.text for e in run)
        norm = expand(text) if run else None
        lone_kind = len(run) == 1 and doc_text(doc)[run[0].start:run[0].start + 2] in entity_words().abbr_kind_word
        if norm and not lone_kind and (len(run) > 1 or _is_word(doc, run[0].start)
                                       or (run[0].confidence >= LONE_IN_WORD_MIN and _bound(doc, run[0].start))):
            out.append(Entity(run[0].start, run[-1].end, text, abbreviation_label(norm), norm, "model",
                              min(e.confidence for e in run)))
        run.clear()

    for e in spans:
        if e.label in ("GPE", "LOC") and e.end - e.start == 1:
            if run and run[-1].end != e.start:
                flush()
            run.append(e)
        else:
            flush()
            if e.label == "GPE" and len(e.text) > 2 and e.text[-1] in _JOINS:  # jieba's word 俄蒙及: 俄蒙
                head = expand(e.text[:-1])
                if head and head.count("、") == len(e.text) - 2:
                    e = dataclasses.replace(e, end=e.end - 1, text=e.text[:-1])
            norm = expand(e.text) if e.label == "GPE" else None
            if norm and norm.count("、") == len(e.text) - 1:  # `俄蒙` tagged as one span
                e = dataclasses.replace(e, normalized=norm, label=abbreviation_label(norm))
            out.append(e)
    flush()
    return sorted(out, key=lambda e: e.start)


_BREAK = re.compile(r"[\n，。；：、！？“”《》]")
NAME_TAG = {"PERSON": "nr", "ORG": "nt", "GPE": "ns", "LOC": "ns"}


def split_tokens(doc, ents: list, view: TokenView | None = None):
    """`doc`, or a new Doc of the same text where an entity starts or ends inside a token
    (a model span, `高云江|说`; or a rule's: the region of a strategy, `京津冀|协同发展`, a city
    and its district in one word, `上海|浦东新区`, `党|中央|八项规定`): that token is split there,
    so every entity covers whole tokens, and a piece inside an entity gets its name tag. Sentence starts, the tokenizer's text and
    every extension attribute (`doc.user_data`) carry over; a piece after the first
    never starts a sentence.

    The new Doc is made once, from the words: spaCy's retokenizer, which this replaces,
    walks every token of the Doc in Python for each token it splits (0.46 s of the
    national corpus's 312 splits; a new Doc, about 0.1 s). The Docs are the same, token
    for token (words, tags, offsets, sentence starts, entities)."""
    cut_ents = sorted(ents, key=lambda e: e.start)
    if not cut_ents:
        return doc
    cuts = sorted({edge for e in cut_ents for edge in (e.start, e.end)})
    view = TokenView(doc) if view is None else view
    plans = []
    for cut in cuts:  # the token each cut falls strictly inside, once
        k = bisect.bisect_right(view.idx, cut) - 1
        if k < 0 or (plans and plans[-1][0] == k):
            continue
        a, b = view.idx[k], view.idx[k] + len(view.words[k])
        if not a < cut < b:
            continue
        inner = cuts[bisect.bisect_right(cuts, a):bisect.bisect_left(cuts, b)]
        edges = [a, *inner, b]
        plans.append((k, [(edges[n], edges[n + 1]) for n in range(len(edges) - 1)]))
    if not plans:
        return doc
    starts = [e.start for e in cut_ents]
    text = view.text
    arr = doc.to_array([ORTH, SENT_START])  # uint64: a sentence start's -1 comes back as 2**64 - 1
    orth, sent = arr[:, 0].tolist(), arr[:, 1].astype(np.int64).tolist()
    words: list[str] = []
    tags: list[str] = []
    orths: list[int] = []
    sent_starts: list[int] = []
    done = 0
    for k, pieces in plans:
        words += view.words[done:k]
        tags += view.tags[done:k]
        orths += orth[done:k]
        sent_starts += sent[done:k]
        for n, (x, y) in enumerate(pieces):
            m = bisect.bisect_right(starts, x) - 1
            inside = m >= 0 and cut_ents[m].start <= x and y <= cut_ents[m].end
            words.append(text[x:y])
            tags.append(NAME_TAG.get(cut_ents[m].label, view.tags[k]) if inside else view.tags[k])
            orths.append(doc.vocab.strings.add(text[x:y]))
            sent_starts.append(sent[k] if n == 0 else -1)
        done = k + 1
    words += view.words[done:]
    tags += view.tags[done:]
    orths += orth[done:]
    sent_starts += sent[done:]
    new = make_doc(doc.vocab, text, words, tags, orths)
    new.from_array([SENT_START], np.asarray(sent_starts, dtype=np.int64).astype(np.uint64).reshape(-1, 1))
    new.user_data.update((key, value) for key, value in doc.user_data.items() if key != TOKENS_KEY)
    new.user_data.setdefault(AS_CUT_KEY, (view.words, view.tags))
    return new
