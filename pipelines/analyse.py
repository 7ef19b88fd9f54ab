"""Per-document analysis: from a cleaned `Document` to rows of derived tables.

Every row carries offsets into `Document.text`.
"""

from __future__ import annotations

from itertools import compress

import numpy as np
import pyarrow as pa
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc

from pipelines.extract.entities import extract_entities, place_of, quoted_terms
from pipelines.extract.figures import extract_figures
from pipelines.extract.gazetteer import policy_terms
from pipelines.extract.tasks import extract_tasks
from pipelines.extract.terms import document_terms
from pipelines.lang.zh.segment import AS_CUT_KEY, ORIGINAL_KEY, SENTENCES_KEY, doc_tokens, split_sentences
from pipelines.records import Document
from pipelines.store.schemas import SCHEMAS, to_table


def analyse_document(doc: Document, nlp: Language, userdicts: tuple[str, ...] = (), sdoc: Doc | None = None) -> dict[str, pa.Table]:
    """Sentences, tokens, enumerated tasks, figures, entities and terms of one document, as Arrow tables.
    `sdoc` is `nlp(doc.text)` when the caller already has it (from `nlp.pipe`).

    >>> from pipelines.nlp import make_nlp
    >>> d = Document(doc_id="x", text="发展新质生产力。要因地制宜！", source="-", encoding="utf-8", sha256="-")
    >>> t = analyse_document(d, make_nlp())
    >>> t["sentences"].column("text").to_pylist()
    ['发展新质生产力。', '要因地制宜！']
    >>> list(zip(t["tokens"].column("text").to_pylist(), t["tokens"].column("pos").to_pylist()))[:3]
    [('发展', 'vn'), ('新质生产力', 'nz'), ('。', 'x')]
    """
    text = doc.text
    sdoc = nlp(text) if sdoc is None else sdoc
    spans = sdoc.user_data.get(SENTENCES_KEY) if ORIGINAL_KEY not in sdoc.user_data else None
    spans = split_sentences(text) if spans is None else spans  # `policy_sentences` split the same text
    sent_starts = np.fromiter((s for s, _ in spans), dtype=np.int64, count=len(spans))
    sentences = pa.table(
        {
            "doc_id": pa.array([doc.doc_id] * len(spans), pa.string()),
            "sentence_id": pa.array(np.arange(len(spans), dtype=np.int32)),
            "start": pa.array(sent_starts.astype(np.int32)),
            "end": pa.array(np.fromiter((e for _, e in spans), dtype=np.int32, count=len(spans))),
            "text": pa.array([text[s:e] for s, e in spans], pa.string()),
        },
        schema=SCHEMAS["sentences"],
    )

    words, tags = doc_tokens(sdoc)  # without making a Token per word
    starts = sdoc.to_array(IDX).astype(np.int64)
    kept_words, kept_tags, starts, ends = _kept_tokens(sdoc, text, words, tags, starts)
    sentence_of = _sentence_ids(sent_starts, starts)
    tokens = pa.table(
        {
            "doc_id": pa.array([doc.doc_id] * len(kept_words), pa.string()),
            "sentence_id": pa.array(sentence_of.astype(np.int32)),
            "token_id": pa.array(np.arange(len(kept_words), dtype=np.int32)),
            "text": pa.array(kept_words, pa.string()),
            "pos": pa.array(kept_tags, pa.string()),
            "start": pa.array(starts.astype(np.int32)),
            "end": pa.array(ends.astype(np.int32)),
        },
        schema=SCHEMAS["tokens"],
    )
    tasks = extract_tasks(text)
    figs = extract_figures(text, doc.year)
    ents = extract_entities(sdoc, doc.year, place_of(doc.issuer, doc.occasion, doc.title))
    if AS_CUT_KEY in sdoc.user_data:
        # entities split some words: the terms count the words as the tokenizer cut them (`京津冀协同发展`),
        # so that they are the same with the entity model on or off
        cut_words, cut_tags = sdoc.user_data[AS_CUT_KEY]
        cut_starts = np.cumsum([0] + [len(w) for w in cut_words[:-1]], dtype=np.int64) if cut_words else np.zeros(0, np.int64)
        term_words, term_tags, term_starts, _ = _kept_tokens(sdoc, text, cut_words, cut_tags, cut_starts)
        term_sentences = _sentence_ids(sent_starts, term_starts)
    else:
        term_words, term_tags, term_sentences = kept_words, kept_tags, sentence_of
    terms = document_terms(text, term_words, term_tags, term_sentences.tolist(), [e.text for e in quoted_terms(text)],
                           policy_terms(userdicts))
    return {
        "sentences": sentences,
        "tokens": tokens,
        "tasks": to_table(
            "tasks", tasks, doc_id=doc.doc_id,
            task_id=[f"{doc.doc_id}-{t.index:04d}" for t in tasks],
            parent_id=[None if t.parent is None else f"{doc.doc_id}-{t.parent:04d}" for t in tasks],
            text=[text[t.start:t.end] for t in tasks]),
        "figures": to_table(
            "figures", figs, doc_id=doc.doc_id, figure_id=range(len(figs)),
            sentence_id=_sentence_ids(sent_starts, [f.start for f in figs]).tolist()),
        "entities": to_table(
            "entities", ents, doc_id=doc.doc_id, entity_id=range(len(ents)),
            sentence_id=_sentence_ids(sent_starts, [e.start for e in ents]).tolist()),
        "terms": to_table("terms", terms, doc_id=doc.doc_id),
    }


def _kept_tokens(sdoc: Doc, text: str, words: list[str], tags: list[str], starts: np.ndarray):
    """The words (as written, where the Doc was segmented in simplified characters), tags, starts
    and ends of the tokens that are not blank."""
    ends = np.append(starts[1:], len(text))
    if ORIGINAL_KEY in sdoc.user_data:  # segmented in simplified characters: the words as written
        words = [text[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
    blank = list(map(str.isspace, words))
    if not any(blank):
        return words, tags, starts, ends
    keep = ~np.array(blank, dtype=bool)
    return list(compress(words, keep.tolist())), list(compress(tags, keep.tolist())), starts[keep], ends[keep]


def _sentence_ids(sent_starts: np.ndarray, offsets) -> np.ndarray:
    """The sentence each offset falls in (sentences are sorted by start)."""
    return np.maximum(np.searchsorted(sent_starts, np.asarray(offsets, dtype=np.int64), side="right") - 1, 0)
