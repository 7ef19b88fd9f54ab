"""Segmentation and tagging: jieba's model, our dictionary, spaCy Docs."""

from __future__ import annotations

from conftest import SEEDS

from pipelines.analyse import analyse_document
from pipelines.extract.gazetteer import policy_terms
from pipelines.ingest import read_documents
from pipelines.lang.zh.script import analysis_text
from pipelines.lang.zh.segment import (
    DEFAULT_USERDICT,
    ORIGINAL_KEY,
    JiebaTokenizer,
    Tagger,
    read_userdict,
    split_sentences,
)
from pipelines.nlp import make_nlp
from pipelines.qa.agreement import measure, reference_tokenizer


def seed_doc():
    (doc,), _ = read_documents([SEEDS])
    return doc


def test_pos_tags_agree_with_jieba_posseg_on_the_seed():
    entries = read_userdict(DEFAULT_USERDICT)
    result = measure([seed_doc().text], entries)
    assert result.aligned > 2400
    assert result.pos_agreement >= 0.99, result


def test_words_are_jiebas_words(corpus_docs):
    """rjieba is jieba's algorithm and dictionary: the same words as jieba.lcut."""
    entries = read_userdict(DEFAULT_USERDICT)
    reference = reference_tokenizer(entries)
    ours = Tagger(entries)
    docs, _ = corpus_docs
    sample = [d for d in docs if d.year in (1957, 1997, 2024) or "hailaer/2016" in d.source or d.source.endswith(".txt") and "seeds" in d.source]
    assert len(sample) >= 5
    for d in sample:
        assert ours.tag(d.text)[0] == reference.lcut(d.text), d.source


def test_the_tokenizers_doc_is_spacys_own_with_tags(corpus_docs):
    """The tokenizer sets the tags as one array; the Doc is the one `Doc(words, tags=...)`
    makes, byte for byte, on the seed and reports of three decades (of the text it segments:
    the 1957 report's in simplified characters, `analysis_text`)."""
    from spacy.tokens import Doc

    nlp = make_nlp()
    docs, _ = corpus_docs
    sample = [seed_doc()] + [d for d in docs if d.year in (1957, 1997, 2024)]
    for d in sample:
        words, tags = nlp.tokenizer.tagger.tag(analysis_text(d.text))
        ours = nlp.make_doc(d.text)
        assert ours.to_bytes(exclude=["user_data"]) == Doc(nlp.vocab, words=words, spaces=[False] * len(words), tags=tags).to_bytes(
            exclude=["user_data"]), d.source
        assert [t.tag_ for t in ours] == tags
    assert len(nlp.make_doc("")) == 0 and [t.tag_ for t in nlp.make_doc(" ")] == ["x"]


def test_policy_dictionary_keeps_terms_whole_with_their_tags():
    doc = make_nlp()(seed_doc().text)
    tagged = {(t.text, t.tag_) for t in doc}
    for term in [("新质生产力", "nz"), ("十五五", "j"), ("人工智能+", "nz"), ("专精特新", "nz"), ("碳达峰", "nz"), ("新型举国体制", "nz"), ("新三样", "j")]:
        assert term in tagged, term


def test_user_dictionary_from_the_environment(tmp_path, monkeypatch):
    """The cached pipeline follows the dictionaries in force: set, edited, unset."""
    text = "要因地制宜发展新质生产力"
    before = make_nlp()
    assert [t.text for t in before(text)] == ["要", "因地制宜", "发展", "新质生产力"]
    extra = tmp_path / "mine.txt"
    extra.write_text("# my terms\n因地制宜发展 nz\n", encoding="utf-8")
    monkeypatch.setenv("POLICYTRACE_USERDICT", str(extra))
    assert [t.text for t in make_nlp()(text)] == ["要", "因地制宜发展", "新质生产力"]
    assert "因地制宜发展" in policy_terms()  # the terms table's dictionary follows too
    extra.write_text("# my terms\n要因地制宜 l\n", encoding="utf-8")
    assert [t.text for t in make_nlp()(text)] == ["要因地制宜", "发展", "新质生产力"]
    assert "因地制宜发展" not in policy_terms() and "要因地制宜" in policy_terms()
    monkeypatch.delenv("POLICYTRACE_USERDICT")
    assert make_nlp() is before


def test_one_doc_per_document_with_offsets_and_sentences():
    text = seed_doc().text
    doc = make_nlp()(text)
    assert doc.text == text
    assert all(text[t.idx : t.idx + len(t)] == t.text for t in doc)
    sents = [s.text.strip() for s in doc.sents if s.text.strip()]
    assert sents == [text[s:e] for s, e in split_sentences(text)]


def test_sentences_keep_closing_quotes_and_split_on_semicolons_and_lines():
    text = "他说：“要发展新质生产力。”我们要落实；还要推进！\n（一）坚持全国一盘棋"
    assert [text[s:e] for s, e in split_sentences(text)] == ["他说：“要发展新质生产力。”", "我们要落实；", "还要推进！", "（一）坚持全国一盘棋"]


def test_tokens_and_sentences_tables_of_the_seed():
    d = seed_doc()
    tables = analyse_document(d, make_nlp())
    tokens = tables["tokens"].to_pylist()
    assert tokens[0]["token_id"] == 0 and tokens[-1]["token_id"] == len(tokens) - 1
    assert all(d.text[t["start"] : t["end"]] == t["text"] and t["text"].strip() for t in tokens)
    sentences = tables["sentences"].to_pylist()
    for t in tokens[::50]:
        s = sentences[t["sentence_id"]]
        assert s["start"] <= t["start"] and t["end"] <= s["end"]
    assert "（一）强化科技创新是发展新质生产力的核心驱动。" in [s["text"] for s in sentences]


def test_tokenizer_saves_and_reloads_its_dictionary(tmp_path):
    nlp = make_nlp()
    nlp.to_disk(tmp_path / "nlp")
    tok = JiebaTokenizer(nlp.vocab).from_disk(tmp_path / "nlp" / "tokenizer")
    assert [t.text for t in tok("发展新质生产力")] == ["发展", "新质生产力"]


def test_traditional_script_is_segmented_and_recognised_in_simplified_characters(corpus_docs):
    """The 1954 report and the 三大 report are written in traditional characters, which
    jieba's dictionary, the gazetteers and the entity model do not know (`中華|人民|共和|國`).
    The tokenizer segments their simplified form, offset for offset (`analysis_text`); the
    tokens and entities keep the text as written, and the entities' normal forms are
    simplified. A simplified text (the seed, the 2024 report) is segmented as it is."""
    from conftest import doc_by_source

    from pipelines.extract.entities import extract_entities

    docs, _ = corpus_docs
    r1954 = doc_by_source(docs, "government_work_reports.jsonl:70")
    r2024 = doc_by_source(docs, "government_work_reports.jsonl:1")
    seed = seed_doc().text
    assert analysis_text(seed) is seed and analysis_text(r2024.text) is r2024.text
    few = "中国的發展。" + "发展新质生产力。" * 2000  # a few traditional characters: as it is
    assert analysis_text(few) is few
    simple = analysis_text(r1954.text)
    assert len(simple) == len(r1954.text) and simple != r1954.text and "中华人民共和国" in simple

    nlp = make_nlp()
    sdoc = nlp(r1954.text)
    assert sdoc.user_data[ORIGINAL_KEY] == r1954.text and "中华人民共和国" in [t.text for t in sdoc]
    ents = extract_entities(sdoc, r1954.year)
    assert all(r1954.text[e.start:e.end] == e.text for e in ents)
    found = {(e.text, e.label, e.normalized) for e in ents}
    assert {("中華人民共和國", "GPE", "中国"), ("美國", "GPE", "美国"), ("毛澤東", "PERSON", "毛泽东"),
            ("全國人民代表大會", "ORG", "全国人民代表大会")} <= found
    assert len(ents) > 400  # 120 when it was read as written
    tables = analyse_document(r1954, nlp, (), sdoc)
    tokens = tables["tokens"].to_pydict()
    assert "".join(tokens["text"]) == "".join(r1954.text.split()) and "中華人民共和國" in tokens["text"]


def test_like_num_is_spacys_on_every_dictionary_word():
    """`make_nlp` replaces spaCy's Chinese `like_num` with the same test, its pattern compiled
    once (a third of the cost of each new lexeme): the same answer on all 349,000 words of
    jieba's and our dictionaries, and on tokens."""
    from spacy.lang.zh.lex_attrs import like_num as spacys

    from pipelines.lang.zh.segment import dictionary_words
    from pipelines.nlp import like_num, make_nlp

    words = sorted(dictionary_words()) + ["一十\n", "+五", "3/4", "3/x", "1,000", "二十三", "壹拾", ""]
    assert [like_num(w) for w in words] == [spacys(w) for w in words] and sum(map(like_num, words)) > 300
    doc = make_nlp()("投入一千二百亿元，二十三个和3/4的人")
    assert [t.text for t in doc if t.like_num] == [t.text for t in doc if spacys(t.text)] == ["一千二百", "3", "4"]
