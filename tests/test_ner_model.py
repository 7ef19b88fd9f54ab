"""The trained entity recogniser (issue 12, in progress): a character CRF shipped in
the package, and how its spans join the rules' (`POLICYTRACE_NER_MODEL=on`)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

import pipelines.extract.entities as E
from pipelines.extract.entities import crf, extract_entities
from pipelines.ingest import read_documents
from pipelines.nlp import make_nlp
from pipelines.qa.scoring import ROOT, evaluate_entities, evaluate_external

NER = ROOT.parent / "shared" / "ner"


@pytest.fixture
def model_on():
    with E.model_mode("on"):
        yield


@pytest.fixture(scope="module")
def pd_dev() -> Path:
    path = NER / "peoples_daily_ner_dev.jsonl"
    if not path.exists():
        pytest.skip(f"{path} not found (the annotated corpora of ../shared/ner)")
    return path


def test_the_model_ships_in_the_package_with_its_card():
    assert crf.MODEL_PATH.is_relative_to(ROOT / "pipelines")
    assert crf.MODEL_PATH.stat().st_size < 50_000_000
    card = json.loads(crf.CARD_PATH.read_text(encoding="utf-8"))
    assert card["trained_on"] == ["msra_train_pool.jsonl"] and card["sentences"] == 41921
    assert card["bytes"] == crf.MODEL_PATH.stat().st_size and "research use" in card["terms"]
    assert crf.model() is not None


def test_model_alone_on_the_peoples_daily_dev_split(pd_dev):
    """Not trained on (the pool had every overlap with it removed); first 500 sentences,
    strict spans, as measured (the whole split: F1 0.916, `eval_entities.py --external`)."""
    r = evaluate_external(pd_dev, "model", limit=500)
    assert (r["all"]["gold"], r["PER"]["gold"], r["ORG"]["gold"], r["LOC"]["gold"]) == (871, 184, 250, 437)
    assert r["all"]["F1"] >= 0.925 and r["PER"]["F1"] >= 0.924 and r["ORG"]["F1"] >= 0.876 and r["LOC"]["F1"] >= 0.952
    combined = evaluate_external(pd_dev, "combined", limit=500)
    rules = evaluate_external(pd_dev, "rules", limit=500)
    assert rules["all"]["F1"] < 0.48 < 0.83 <= combined["all"]["F1"]


def test_the_seed_entities_do_not_change_with_the_model():
    docs, _ = read_documents([ROOT / "seeds"])
    nlp = make_nlp()
    got = {}
    for mode in ("off", "on"):
        with E.model_mode(mode):
            got[mode] = [(e.start, e.end, e.label, e.normalized)
                         for e in extract_entities(nlp(docs[0].text), docs[0].year)]
    assert len(got["off"]) == 116 and got["on"] == got["off"]


def test_model_spans_split_words_and_carry_a_confidence(model_on):
    """`高云江说` is one jieba word after 高云: the model's name ends inside it, the word is split."""
    text = "高云江说，北京九十中学李铁辰老师在工业和信息化部见到了梁文锋。"
    doc = make_nlp()(text)
    ents = extract_entities(doc)
    got = {(e.text, e.label, e.method) for e in ents}
    assert {("高云江", "PERSON", "model"), ("梁文锋", "PERSON", "model"), ("工业和信息化部", "ORG", "gazetteer")} <= got
    assert "".join(t.text for t in doc) == text
    for e in ents:
        assert text[e.start:e.end] == e.text and doc.char_span(e.start, e.end) is not None
        assert (e.confidence is not None) == (e.method == "model")
        assert e.confidence is None or 0.6 <= e.confidence <= 1
    assert [t.tag_ for t in doc if t.text == "江"] == ["nr"]


def test_new_2025_set_recall_rises_with_the_model(corpus, model_on):
    """First run of the model on the set labelled before it ran (rules: PERSON 31, ORG 60 right)."""
    r = evaluate_entities(corpus, "heldout2025")
    assert r["tp"]["PERSON"] == 50 and r["tp"]["ORG"] == 80 and r["tp"]["GPE"] == 65 and r["tp"]["LOC"] == 16


def test_one_tagger_a_thread(model_on):
    """A crfsuite Tagger keeps its last sequence for `marginal`: the build's threads each get their own."""
    text = "新华社北京电 国务院总理李强主持召开国务院常务会议，深度求索公司和浙江大学参加。" * 3
    nlp = make_nlp()
    alone = [(e.start, e.end, e.label, e.confidence) for e in extract_entities(nlp(text))]
    results, errors = [], []

    def run():
        try:
            for _ in range(20):
                results.append([(e.start, e.end, e.label, e.confidence) for e in extract_entities(nlp(text))])
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 60 and all(r == alone for r in results)


def test_training_names_missing_data(tmp_path, capsys):
    assert crf.main(["train", "--ner", str(tmp_path / "nowhere"), "--out", str(tmp_path / "m")]) == 2
    assert f"{tmp_path / 'nowhere' / 'msra_train_pool.jsonl'}: training data missing" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()
