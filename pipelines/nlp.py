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
import re

import spacy
from spacy.attrs import LIKE_NUM
from spacy.lang.zh import lex_attrs as zh_lex
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


# spaCy's Chinese `like_num` (`spacy.lang.zh.lex_attrs`) builds and looks up its pattern for each
# new word: a third of the time spaCy spends making a lexeme (about 25,000 new words in a
# process's first pass over the national corpus, 0.5 s in all). The same test, the pattern
# compiled once; `tests/test_segment.py` checks it against spaCy's on every dictionary word.
_ZH_NUMBER = re.compile("^((" + "|".join(zh_lex._count_num_words) + "){1}" + "(" + "|".join(zh_lex._base_num_words) + "){1})+"
                        + "(" + "|".join(zh_lex._count_num_words) + ")?$")
_ZH_SINGLE_NUMBERS = frozenset(zh_lex._single_num_words)


def like_num(text: str) -> bool:
    """`spacy.lang.zh.lex_attrs.like_num`, its pattern compiled once."""
    if text.startswith(("+", "-", "±", "~")):
        text = text[1:]
    text = text.replace(",", "").replace(".", "").replace("，", "").replace("。", "")
    if text.isdigit():
        return True
    if text.count("/") == 1:
        num, denom = text.split("/")
        if num.isdigit() and denom.isdigit():
            return True
    return text in _ZH_SINGLE_NUMBERS or _ZH_NUMBER.match(text) is not None


@functools.lru_cache(maxsize=4)
def _make_nlp(userdicts: tuple[str, ...], key: tuple[tuple[str, str], ...]) -> Language:
    config = {"nlp": {"tokenizer": {"@tokenizers": "policytrace.JiebaTokenizer.v1", "userdicts": list(userdicts)}}}
    nlp = spacy.blank("zh", config=config)
    nlp.vocab.lex_attr_getters[LIKE_NUM] = like_num
    nlp.add_pipe("policy_sentences")
    entities.add_to(nlp)
    return nlp
