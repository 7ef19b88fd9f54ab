"""The spaCy pipeline, assembled from its parts (as `spacy/lang/zh/__init__.py` does).

- tokenizer `policytrace.JiebaTokenizer.v1`: jieba's words and POS tags
  (`pipelines.lang.zh.segment`), with the gazetteer names and the user
  dictionaries in force as dictionary entries;
- `policy_sentences`: sentence starts;
- `policy_gazetteer` (an `EntityRuler`), `policy_ner_model` (the trained CRF's
  spans; none with `POLICYTRACE_NER_MODEL=off`) and `policy_entities`, which joins
  them (`pipelines.extract.entities`).

`make_nlp` is cached by the contents of the user dictionaries in force, so
setting `$POLICYTRACE_USERDICT` or editing a dictionary gives a new pipeline.

>>> nlp = make_nlp()
>>> nlp.pipe_names
['policy_sentences', 'policy_gazetteer', 'policy_ner_model', 'policy_entities']
>>> doc = nlp("我国“新三样”发展表明。要发展新质生产力！")
>>> [(t.text, t.tag_) for t in doc][:4]
[('我国', 'r'), ('“', 'x'), ('新三样', 'j'), ('”', 'x')]
>>> [s.text for s in doc.sents]
['我国“新三样”发展表明。', '要发展新质生产力！']
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

from pipelines.extract import entities
from pipelines.extract.gazetteer import dictionary_entries
from pipelines.lang.zh.segment import (
    JiebaTokenizer,
    read_userdict,
    userdict_key,
    userdict_paths,
)


@spacy.registry.tokenizers("policytrace.JiebaTokenizer.v1")
def create_jieba_tokenizer(userdicts: list[str] = []):  # noqa: B006 (spaCy config default)
    def make(nlp: Language) -> JiebaTokenizer:
        # Gazetteer names first, so that the user's dictionaries override them.
        entries = dictionary_entries() + [e for p in userdict_paths(userdicts) for e in read_userdict(p)]
        return JiebaTokenizer(nlp.vocab, entries)

    return make


def make_nlp(userdicts: tuple[str, ...] = ()) -> Language:
    """A blank Chinese spaCy pipeline: the jieba tokenizer, the sentence splitter
    and the entity recogniser; one per set of user dictionaries in force."""
    return _make_nlp(tuple(userdicts), userdict_key(userdicts))


@functools.lru_cache(maxsize=4)
def _make_nlp(userdicts: tuple[str, ...], key: tuple[tuple[str, str], ...]) -> Language:
    config = {"nlp": {"tokenizer": {"@tokenizers": "policytrace.JiebaTokenizer.v1", "userdicts": list(userdicts)}}}
    nlp = spacy.blank("zh", config=config)
    nlp.add_pipe("policy_sentences")
    entities.add_to(nlp)
    return nlp
