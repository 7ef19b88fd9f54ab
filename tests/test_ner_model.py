"""The trained entity recogniser (issue 12, in progress): a character CRF shipped in
the package, and how its spans join the rules' (`POLICYTRACE_NER_MODEL=on`)."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import numpy as np
import pytest

import pipelines.extract.entities as E
from pipelines.extract.entities import bilstm, crf, extract_entities, words
from pipelines.ingest import read_documents
from pipelines.lang.zh import lexicon
from pipelines.lang.zh.segment import doc_tokens, split_sentences
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
    # The combination keeps the model's precision and gives up recall where our conventions
    # differ from the paper's (a name inside a title or doctrine: 《邓小平文选》, 邓小平理论).
    # The rules reach 0.56 here (0.47 before the divisions list: 衡阳, 如东县, 瑞士; 0.54 before the
    # regions as places, `东北地区` -> 东北, which took the combination from 0.847 to 0.856).
    assert rules["all"]["F1"] < 0.6 < 0.85 <= combined["all"]["F1"] and combined["all"]["P"] >= 0.93


def test_a_bound_abbreviation_is_a_place(model_on):
    """访华, 中方: an abbreviation bound in a two-character word as a place is kept (People's
    Daily dev sentences); 京剧 and 抗日 are words, not places."""
    nlp = make_nlp()
    got = [(e.text, e.normalized) for t in ("欧盟对华投资稳定增长，在来华投资的国家和地区中", "美国向中方作出的承诺",
                                            "京剧进校园，抗日战争胜利纪念")
           for e in extract_entities(nlp(t)) if e.label == "GPE"]
    assert got == [("华", "中国"), ("华", "中国"), ("美国", "美国"), ("中", "中国")]


def test_abbreviations_join_into_one_place_naming_each(model_on):
    """中美 and 中俄 are one GPE naming each country; a lone 俄 is kept where it is a
    word of its own, not 京 inside 京剧."""
    text = "中美双方就经贸问题举行磋商。中俄两国元首会晤。对俄出口增长，京剧进校园。"
    got = {(e.text, e.normalized) for e in extract_entities(make_nlp()(text)) if e.label == "GPE"}
    assert ("中美", "中国、美国") in got and ("中俄", "中国、俄罗斯") in got
    assert crf.expand("京津冀") == "北京市、天津市、河北省" and crf.expand("沪苏") == "上海市、江苏省"
    assert ("俄", "俄罗斯") in got and not any(t == "京" for t, _ in got)
    assert crf.expand("中华") == "中国" and crf.expand("中国") is None


def test_a_body_of_several_levels_is_no_model_name(model_on):
    """`组建国家、省、市、县监察委员会`: no one body, so the model's `县监察委员会` is left out;
    `市人大` in a city's report is one body and stays the model's to find."""
    W = E.entity_words()
    assert W.generic_body.fullmatch("市县党委") and W.generic_body.fullmatch("国家、省、市、县监察委员会")
    assert not W.generic_body.fullmatch("市人大") and not W.generic_body.fullmatch("浙江省人民政府")
    text = "深化国家监察体制改革，组建国家、省、市、县监察委员会，同党的纪律检查机关合署办公。"
    assert not [e for e in extract_entities(make_nlp()(text)) if e.method == "model" and e.label == "ORG"]


def test_external_scoring_maps_our_conventions_to_the_papers():
    """GPE counts as LOC, a run of abbreviations as one LOC a character, `我国` as no name."""
    from pipelines.extract.entities.model import Entity
    from pipelines.qa.scoring import _corpus_spans

    assert _corpus_spans(Entity(0, 2, "中美", "GPE", "中国、美国", "model", 0.99)) == [(0, 1, "LOC"), (1, 2, "LOC")]
    assert _corpus_spans(Entity(0, 2, "我国", "GPE", "中国", "gazetteer")) == []
    assert _corpus_spans(Entity(3, 6, "浙江省", "GPE", "浙江省", "gazetteer")) == [(3, 6, "LOC")]
    assert _corpus_spans(Entity(0, 4, "二十大", "EVENT", "二十大", "pattern")) == []


def test_the_seed_entities_do_not_change_with_the_model():
    docs, _ = read_documents([ROOT / "seeds"])
    nlp = make_nlp()
    got = {}
    for mode in ("off", "on"):
        with E.model_mode(mode):
            got[mode] = [(e.start, e.end, e.label, e.normalized)
                         for e in extract_entities(nlp(docs[0].text), docs[0].year)]
    # 115: the 116 of 2026-12-02 less `权交易市场`, a fragment of `碳排放权交易市场` (2026-12-04)
    assert len(got["off"]) == 115 and got["on"] == got["off"]
    text = docs[0].text
    assert not [e for e in got["off"] if text[e[0]:e[1]] == "权交易市场"]


def test_every_entity_covers_whole_tokens_and_terms_do_not_depend_on_the_model(corpus):
    """A rule's entity may end inside a jieba word too (`京津冀|协同发展`, the region of a strategy;
    `上海|浦东新区`; `党|中央|八项规定`): the word is split as for a model span, so every entity is a
    span of whole tokens (`doc.ents` holds them all). The terms table counts the words as the
    tokenizer cut them, so it is the same with the entity model on or off."""
    from pipelines.analyse import analyse_document

    docs, _ = read_documents([corpus / "national" / "government_work_reports.jsonl"])
    r2018 = next(d for d in docs if d.year == 2018)
    nlp = make_nlp()
    terms = {}
    for mode in ("off", "on"):
        with E.model_mode(mode):
            doc = nlp(r2018.text)
            ents = doc._.policy_entities
            assert len(doc.ents) == len(ents) and [(s.start_char, s.end_char) for s in doc.ents] == [(e.start, e.end) for e in ents]
            words, _ = doc_tokens(doc)
            assert {"京津冀", "党"} <= set(words)  # the words the strategies' region and 党中央 cut
            t = analyse_document(r2018, nlp, sdoc=doc)["terms"]
            terms[mode] = sorted(zip(*(t.column(c).to_pylist() for c in ("term", "kind", "count"))))
    assert terms["on"] == terms["off"] and ("京津冀协同发展", "dictionary") in {(a, b) for a, b, _ in terms["on"]}


def test_model_spans_split_words_and_carry_a_confidence(model_on, monkeypatch):
    """`江说` is one jieba word after 高云: the model's name ends inside it, the word is split.
    (高云江 has confidence 0.96, under the build's 0.97 for people: lowered here, since
    what is tested is the split.)"""
    monkeypatch.setitem(E.MIN_CONFIDENCE, "PERSON", 0.9)
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
    # The split Doc is a new one, made once from the words; it keeps what the components set.
    assert doc._.model_entities and [s.text for s in doc.sents] == [text]
    assert doc_tokens(doc) == ([t.text for t in doc], [t.tag_ for t in doc])
    two = "会议今天开幕。" + text
    doc2 = make_nlp()(two)
    assert [t.tag_ for t in doc2 if t.text == "江"] == ["nr"]
    assert [s.start_char for s in doc2.sents] == [a for a, _ in split_sentences(two)] == [0, 7]


# (right, spurious, missed) with the model on, as measured (`POLICYTRACE_NER_MODEL=on
# benchmarks/eval_entities.py`); the rules alone are `MEASURED` of test_entities.py.
MEASURED_ON = {
    # then kinds of body the model took for bodies (公立医院, 革命委员会) went: gold ORG 114/4/11 -> 114/3/11,
    # heldout2026 ORG 66/24/25 -> 66/21/25, heldout2026b ORG 53/8/22 -> 53/7/22
    "gold": {"PERSON": (56, 0, 0), "ORG": (116, 1, 9), "GPE": (84, 2, 3), "LOC": (19, 0, 5)},
    "heldout": {"PERSON": (8, 0, 0), "ORG": (83, 5, 21), "GPE": (56, 2, 9), "LOC": (34, 6, 11)},
    "heldout2025": {"PERSON": (50, 2, 2), "ORG": (89, 10, 24), "GPE": (73, 16, 14), "LOC": (44, 9, 38)},
    # first run (the default build, before the fixes it prompted): PERSON 8/2/1, ORG 62/37/29,
    # GPE 63/62/30, LOC 41/27/95
    # then the model's roads became LOC (滨河路) and kinds of place (中心镇, 东道国) no places
    "heldout2026": {"PERSON": (8, 0, 1), "ORG": (72, 18, 19), "GPE": (81, 29, 12), "LOC": (74, 20, 62)},
    # first run, at f95b241: PERSON 16/2/1, ORG 53/10/22, GPE 156/40/35, LOC 27/16/63; with the
    # divisions list, written before the set existed: GPE 157/41/34, LOC 28/16/62
    "heldout2026b": {"PERSON": (17, 0, 0), "ORG": (60, 5, 15), "GPE": (173, 19, 18), "LOC": (52, 12, 38)},
    # first run, at f95b241: PERSON 23/2/0, ORG 53/20/60, GPE 108/35/24, LOC 50/18/70; with this
    # session's changes, written before the set existed: ORG 53/16/60, GPE 108/36/24, LOC 53/17/67
    # then factories, federations and offices the model names whole (`model_org_end`: 厂 联 协 署 报)
    # and the model's roads LOC (GPE 109/35/23 -> 109/33/23, LOC 53/17/67 -> 54/18/66)
    "heldout2026c": {"PERSON": (23, 2, 0), "ORG": (62, 6, 51), "GPE": (117, 21, 15), "LOC": (71, 11, 49)},
    # first run, at 9748526 (the cued people included): PERSON 40/12/4, ORG 78/33/22, GPE 329/78/6,
    # LOC 44/2/40; then names inside book titles went (PERSON 40/3/4), and the model's factories
    # won over the cities they name (ORG 78/33/22 -> 82/34/18, GPE 329/78/6 -> 328/74/7), and roads
    # and reservoirs named by places became LOC whole (GPE 328/67/7, LOC 44/2/40 -> 50/2/34)
    "heldout2026d": {"PERSON": (44, 3, 0), "ORG": (88, 14, 12), "GPE": (330, 29, 5), "LOC": (70, 3, 14)},
    # first run, traditional characters read in simplified ones (as written: PERSON 7/1/17, ORG 2/16/71,
    # GPE 89/42/271, LOC 7/4/82); then 中央人民政府 joined organs.tsv (ORG 49/42/24 -> 58/42/15)
    "heldout2026e": {"PERSON": (21, 1, 3), "ORG": (61, 21, 12), "GPE": (328, 16, 32), "LOC": (75, 10, 14)},
    # 2026-12-03: level-prefixed 人大 / 政协 inside words, `…人大及其常委会`, `工商联`, no `做强|…` (see
    # test_entities.py): ORG right gold 114 -> 115, heldout 79 -> 82, heldout2025 89 -> 90, heldout2026
    # 66 -> 71, heldout2026b 53 -> 58, no more spurious; heldout2026c LOC 54/18/66 -> 55/17/65
    # then regions as LOC places and `X地区` / `X各国` as the place alone (test_entities.py): LOC right
    # heldout2026b 40 -> 43, heldout2026c 55 -> 61, heldout2026d 50 -> 56, heldout2026e 51 -> 69; GPE spurious
    # 3-9 fewer on five sets; heldout2025 LOC one more spurious (华东 inside a port's name)
    # the ninth set, labelled blind before the rules of 2026-12-03 ran on it; the first run, with
    # them: PERSON 31/1/13, ORG 112/39/19, GPE 281/43/22, LOC 51/11/33 (at 3c6efeb, before them: ORG
    # 111/38/20, LOC 50/12/34); then, from its errors, kinds of body and place, TERM variants, lines
    # named by abbreviations, dams and fields (test_entities.py): ORG 112/39/19 -> 112/19/19, GPE
    # 281/43/22 -> 281/36/22, LOC 51/11/33 -> 58/11/26
    # then people.tsv (陆游, 东方朔, 达赖喇嘛; written after reading its errors): PERSON 31/1/13 -> 40/1/4
    "heldout2026f": {"PERSON": (40, 1, 4), "ORG": (113, 14, 18), "GPE": (294, 12, 9), "LOC": (69, 10, 15)},
    # then festivals, galas and fairs as EVENTs: GPE spurious heldout2026 42 -> 37, heldout2026b 27 -> 26
    # then streets by their section (南京西路) and cemeteries (苏军烈士陵园): heldout2026 LOC 62/29/74 -> 64/28/72
    # the tenth set, labelled blind after all the rules of 2026-12-03 and before they ran on it; its
    # first run (at 3c6efeb, the session's start: PERSON 56/53/68, ORG 78/37/29, GPE 526/82/68, LOC
    # 92/9/66). 51 spurious and 51 missed people are one convention: the set labels `周` of `周总理`
    # and `毛` of `毛主席`, we the whole title as the person; 26 spurious GPE were `祖国` (no place since the evening of 2026-12-03:
    # GPE spurious 65 -> 37), 22 missed `美帝国主义`.
    "heldout2026g": {"PERSON": (64, 53, 60), "ORG": (91, 13, 16), "GPE": (562, 19, 32), "LOC": (141, 10, 17)},
    # then countries named by their regime (美帝国主义, 苏修) and cliques named by their head (蒋介石集团),
    # from the tenth set's errors: heldout2026g GPE 526/72/68 -> 555/72/39, PERSON 61 -> 64 right, ORG
    # spurious 22 -> 18; heldout2026e PERSON 13/1/11 -> 21/1/3, ORG spurious 35 -> 22; heldout2026d PERSON
    # 40/3/4 -> 44/3/0; nothing lost
    # then `十二届中央委员会` without 第 and 不结盟运动: ORG right heldout2026g 79 -> 84, one or two more on four sets
    # then a run of abbreviations of regions is a LOC (`亚非` -> 亚洲、非洲): heldout2026g LOC 107/9/51 -> 110/9/48,
    # heldout2026f LOC 58/11/26 -> 59/11/25, GPE spurious one fewer on both
    # then jieba's `ns` words ending in 国 (德治国, 符合中国, 共和国): GPE heldout2026g 555/71/39 -> 557/68/37,
    # heldout2026e spurious 27 -> 25; heldout2026b one right fewer (庆祝共和国75周年)
    # then 中国—东盟自由贸易区 as one LOC: LOC heldout2026d 57 -> 59, heldout2026g 110 -> 112 right
    # then kinds are no names (listed common words, policy verbs before a name, `薄弱|学校`, `大中城市`,
    # `卫生院`), `中央银行` is the People's Bank, a doctrine named after a person is a TERM: ORG spurious
    # heldout2026d 26 -> 21, heldout2026c 11 -> 10 (and one more right), LOC spurious heldout2026 28 -> 23,
    # heldout2026c 16 -> 10; nothing right lost on any set.
    # then works jieba's dictionary knows as names (`官厅水库`, `梅山水库`, tagged nz) are LOC: LOC right
    # heldout2026d 59 -> 60, heldout2026e 70 -> 71, heldout2026h 73 -> 75 (written after its first run).
    # then works listed before `等…水库/水电站/铁路…` are LOCs (`南湾、薄山、佛子岭、梅山等四个大型水库`), an item
    # joining or placing others none (`中国银行和建设银行`, `湖南的柘溪`): LOC right heldout2026h 75 -> 78,
    # heldout2026g 112 -> 113; heldout2026c ORG spurious 10 -> 9, GPE 109 -> 110 right.
    # then parks, zones and landmarks listed before `等…园区/景区/示范区/地标…` too (`东方芯港、大飞机园等特色产业
    # 园区`), unless an item is common words only (`数字广告等文化产业园区`): heldout2026 LOC 64 -> 68 right.
    # then a model place ending as a port (`上海港`, `天津港`; not `粤港`, two places) is LOC, as the sets label
    # ports: heldout2025 and heldout2026 LOC one more right and GPE one fewer spurious each.
    # then the Party centre acting (`中央作出…`, `中央先后召开`, `中央相信`), 政协 after 人大 in a list, and
    # `中央政府` as a body, not a level (`中央政府投资`, `…和地方政府`): ORG right heldout2026d 83 -> 88,
    # heldout2026g 84 -> 89, heldout2026h 118 -> 121, no more spurious.
    # then 共产国际 (第三国际), 第二国际 and 红星美凯龙 joined the gazetteers, and a body's 执行委员会 and a party's
    # 驻…代表团 are shapes of names (`共产国际执行委员会`, `中共驻共产国际代表团`; the sender a known name, not
    # `译自中共`): ORG right one to three more on seven sets, no spurious.
    # The eleventh set, labelled blind while those rules were written. First run, the default build:
    # at 7a7c1bb (session start) PERSON 39/44/34, ORG 118/14/38, GPE 464/76/40, LOC 73/8/63; with them
    # PERSON 39/36/34 (doctrines), the rest the same.
    "heldout2026h": {"PERSON": (39, 36, 34), "ORG": (126, 11, 30), "GPE": (469, 32, 35), "LOC": (84, 8, 52)},
    # The twelfth set, labelled blind while the later rules were written. First run, the default build:
    # at 7a7c1bb (session start) PERSON 27/4/1, ORG 168/42/53, GPE 155/57/38, LOC 59/28/93; with them
    # ORG 175/33/46, GPE 155/56/38, LOC 60/24/92. Then China's macro regions (`中西部地区`) are LOC, as in
    # every set since 2026 (gold and heldout aligned to it): LOC 60/24/92 -> 69/25/83 here, heldout2026g
    # 113 -> 121, heldout2026f 59 -> 63 right; and a model place the gazetteers know takes their normal form.
    # Then a meeting the model took for a body is none (`呼伦贝尔市第四次党代会`, `…全委会`), the place before it
    # the mention: heldout2026i ORG spurious 33 -> 28, GPE 155 -> 160 right. Then a road named after a place
    # (`加格达奇|路`, `望城|路`) is one LOC, and 利用 opens no name: LOC one more right on 2026c and 2026i, GPE
    # spurious 28 -> 27 and 56 -> 54.
    "heldout2026i": {"PERSON": (27, 4, 1), "ORG": (177, 22, 44), "GPE": (166, 42, 27), "LOC": (100, 24, 52)},
    # The thirteenth set (海拉尔区 2012-2019, labelled blind while mainland China, 亚非 and lists of roads
    # were written); its first run: PERSON 4/0/0, ORG 145/18/84, GPE 81/38/47, LOC 61/28/102 (at 9c67522,
    # before them: LOC 60/28/103). Then, from its errors, wider road lists, a place before a fused
    # `工业园区`, and model bodies ending as parks or zones (`model_zone_end`) as LOC: GPE 36 spurious,
    # LOC 68/28/95; heldout2026b GPE spurious 25 -> 24, LOC 43 -> 44 right; heldout2026c the kind
    # `通用航空产业园` spurious as a LOC instead of an ORG; heldout2026i LOC 77 -> 79 right. Then community
    # health centres and markets: ORG 145/18/84 -> 151/18/78 here, no other set changed. Then a town named by
    # a verb (`奋斗|镇`): GPE 81 -> 86 right here, one more on gold, heldout2026, 2026b, 2026c and 2026i.
    "heldout2026j": {"PERSON": (4, 0, 0), "ORG": (152, 19, 77), "GPE": (88, 28, 40), "LOC": (82, 23, 81)},
    # the fourteenth set, labelled blind while the strategies' regions were written; its first run with the
    # model, at 2992c3f: PERSON 15/15/15, ORG 89/8/11, GPE 183/31/18, LOC 50/6/22; with the regions
    # (24326af) LOC 50/7/22 (`京津冀`, which this set labels GPE).
    "heldout2026k": {"PERSON": (15, 15, 15), "ORG": (90, 5, 10), "GPE": (191, 12, 10), "LOC": (58, 7, 14)},
    # the fifteenth set, labelled blind while the zones and kinds were written: at 41ae317 ORG 84/13/8, GPE
    # 221/33/21, LOC 78/24/54; first run ORG 84/13/8, GPE 220/30/22, LOC 84/22/48; then, from its errors,
    # `党中央` before the rules it names, `中央支持`, a count's classifier: ORG 91/12/1.
    "heldout2026l": {"PERSON": (24, 0, 0), "ORG": (91, 9, 1), "GPE": (226, 27, 16), "LOC": (92, 21, 40)},
    # the sixteenth set, labelled blind while the levels and overseas Chinese were written: at 41ae317 PERSON
    # 29/2/1, ORG 139/18/27, GPE 265/17/16, LOC 106/8/30; first run ORG 139/17/27, GPE 266/16/15; then, from
    # its errors, bare `中央` by what it does, `人民政协`, `台湾当局`, `台胞`, `南水北调`, `三峡工程`, `东北三省`.
    "heldout2026m": {"PERSON": (29, 2, 1), "ORG": (163, 11, 3), "GPE": (275, 9, 6), "LOC": (114, 7, 22)},
    # the seventeenth set, labelled blind while the bound abbreviations and parties were written: its first run,
    # the same before them (60a11b9).
    "heldout2026n": {"PERSON": (12, 0, 0), "ORG": (39, 3, 0), "GPE": (85, 2, 1), "LOC": (8, 1, 3)},
}


@pytest.mark.parametrize("which", sorted(MEASURED_ON))
def test_hand_labelled_sets_with_the_model(corpus, model_on, which):
    """The first run on heldout2025, labelled before the model ran: PERSON 50, ORG 84, GPE 68
    right (rules: 31, 60, 61) with 10, 30, 80 spurious. Now, with per-label confidence,
    abbreviations, multi-level bodies, fused bodies and named lines and zones: as `MEASURED_ON`."""
    r = evaluate_entities(corpus, which)
    got = {lab: (r["tp"][lab], r["fp"][lab], r["fn"][lab]) for lab in MEASURED_ON[which]}
    assert got == MEASURED_ON[which]


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


def test_external_scoring_names_a_missing_file(tmp_path, capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("eval_entities", ROOT / "benchmarks" / "eval_entities.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--external", str(tmp_path / "test.jsonl")]) == 2
    assert f"{tmp_path / 'test.jsonl'} is missing" in capsys.readouterr().err


def test_external_scoring_runs_with_or_without_the_bilstm(pd_dev, tmp_path, capsys, monkeypatch):
    """`eval_entities.py --external` scores the rules, the build and the model on an
    annotated file; from a fresh clone (no BiLSTM in git) it says why the ensemble row is
    missing instead of failing."""
    import importlib.util

    lines = pd_dev.read_text(encoding="utf-8").splitlines()[:40]
    (tmp_path / "dev40.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("eval_entities", ROOT / "benchmarks" / "eval_entities.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--external", str(tmp_path / "dev40.jsonl")]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.split() and line.split()[0] in
            ("rules", "combined", "model", "ensemble")}
    assert {"rules", "combined", "model"} <= rows.keys()
    assert "ensemble" in rows  # the BiLSTM-CRF ships in git
    cells = {k: re.findall(r"(\d\.\d{3}) (\d\.\d{3}) (\d\.\d{3}) \(\s*(\d+)\)", " ".join(v)) for k, v in rows.items()}
    all_f1 = {k: float(c[3][2]) for k, c in cells.items()}  # P R F1 (gold) of PER, ORG, LOC, all
    assert all_f1["model"] > all_f1["rules"]
    monkeypatch.setattr(bilstm, "MODEL_PATH", tmp_path / "ner_bilstm.npz")  # a tree that lost it
    assert mod.main(["--external", str(tmp_path / "dev40.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "no ensemble row: ner_bilstm.npz is missing" in out and "\nensemble " not in out


def test_a_person_the_model_is_less_sure_of_is_taken_with_a_title_or_a_verb_of_saying(pd_dev, model_on, monkeypatch):
    """People's Daily dev sentences: people the CRF gives 0.79-0.93 (under the 0.97 people
    need alone) are taken where a title or 说/强调 is next to them (`PERSON_CUED_MIN`);
    without that cue they are not."""
    wanted = {"pd-dev-00058": "梅方权", "pd-dev-00231": "高云江", "pd-dev-01219": "差瓦立", "pd-dev-01367": "莉萨·科斯马斯",
              "pd-dev-02026": "金人庆"}
    recs = [r for r in crf.read_corpus(pd_dev) if r["id"] in wanted]
    assert len(recs) == len(wanted)
    nlp = make_nlp()

    def people(r):
        doc = nlp(r["text"])
        unsure = {e.text for e in doc._.model_entities if e.label == "PERSON" and e.confidence < E.MIN_CONFIDENCE["PERSON"]}
        return unsure, {e.text for e in doc._.policy_entities if e.label == "PERSON" and e.method == "model"}

    for r in recs:
        unsure, taken = people(r)
        assert wanted[r["id"]] in unsure and wanted[r["id"]] in taken, (r["id"], unsure, taken)
    monkeypatch.setattr(E, "PERSON_CUED_MIN", 1.1)  # no cue rule: none of them
    assert not any(wanted[r["id"]] in people(r)[1] for r in recs)


def test_a_person_the_model_is_less_sure_of_is_taken_in_a_list_with_a_sure_one(pd_dev, corpus_docs, model_on, monkeypatch):
    """People's Daily dev sentences: people the CRF gives under 0.97, joined by `、`, `和`,
    `与` or `及` to a person it is sure of (or the gazetteer knows), are taken, down the list
    (`PERSON_LISTED`); so are the model heroes of the 1983 report's list, whose first names
    the gazetteer does not hold. Without the rule none of them is."""
    from tests.conftest import doc_by_source

    wanted = {"pd-dev-00411": {"赫里斯坚科"}, "pd-dev-00608": {"傅家峻"}, "pd-dev-01696": {"谢璞", "沈石溪"},
              "pd-dev-02049": {"高懿屏"}}
    texts = {r["id"]: r["text"] for r in crf.read_corpus(pd_dev) if r["id"] in wanted}
    r1983 = doc_by_source(corpus_docs[0], "government_work_reports.jsonl:55").text
    at = r1983.index("雷雨顺")
    texts["1983"], wanted["1983"] = r1983[at - 40:at + 40], {"雷雨顺", "安珂"}
    nlp = make_nlp()

    def people(text):
        return {e.text for e in extract_entities(nlp(text)) if e.label == "PERSON" and e.method == "model"}

    for key, text in texts.items():
        assert wanted[key] <= people(text), (key, people(text))
    monkeypatch.setattr(E, "PERSON_LISTED", frozenset())
    for key, text in texts.items():
        assert not wanted[key] & people(text), key


def test_a_model_body_holding_a_place_wins_where_its_ending_vouches_for_it(pd_dev, model_on, monkeypatch, tmp_path):
    """People's Daily dev sentences: the model's whole body wins over the gazetteer's place
    (or body) inside it when it ends as a factory, a federation, an association, an office
    or a newspaper does (`model_org_end`: 厂 联 协 署 报); with the older endings alone the
    place stood and the body was lost."""
    wanted = {"pd-dev-00207": "山西省残联", "pd-dev-00336": "西藏自治区科协", "pd-dev-00413": "埃及金字塔报",
              "pd-dev-00604": "联合国禁毒署", "pd-dev-00806": "西安电影制片厂", "pd-dev-01086": "天津市妇联",
              "pd-dev-01401": "青岛电冰箱总厂"}
    texts = {r["id"]: r["text"] for r in crf.read_corpus(pd_dev) if r["id"] in wanted}
    nlp = make_nlp()

    def bodies(text):
        return {e.text for e in extract_entities(nlp(text)) if e.label == "ORG"}

    assert all(wanted[k] in bodies(t) for k, t in texts.items()), {k: bodies(t) for k, t in texts.items()}
    lists = lexicon.path_of("entity_words.txt").read_text(encoding="utf-8")
    assert "\nmodel_org_end 队 会 团 社 馆 站 台 厂 联 协 署 报\n" in lists
    (tmp_path / "older.txt").write_text(lists.replace(" 台 厂 联 协 署 报\n", " 台\n"), encoding="utf-8")
    older = words.load(tmp_path / "older.txt")
    monkeypatch.setattr(E, "entity_words", lambda: older)
    assert not any(wanted[k] in bodies(t) for k, t in texts.items())


def test_words_the_model_takes_for_names_in_the_corpus_are_not_names(corpus_docs, model_on):
    """Read in the corpus's model people (142 mentions) and bodies (551): `林田湖` of 山水林田湖草
    (2014, 2016 reports), `许可权` (1990) and `黄麻` (jute, 1958) were people at 0.97 or more;
    `公立医院` (11 mentions), `革命委员会` (9) and `燃煤电厂` (5) were bodies: kinds of body, not
    bodies. `model_stop` (and the `generic` words) keep them out. `苏修` (the Soviet revisionists,
    in the 十届 and 十一大 reports), which the model took for a person, is now a gazetteer GPE, the
    Soviet Union, as the hand-labelled sets have it."""
    from tests.conftest import doc_by_source

    for src in ("cpc_congress_reports.jsonl:5", "cpc_congress_reports.jsonl:7"):
        ents = extract_entities(make_nlp()(doc_by_source(corpus_docs[0], src).text))
        assert {(e.label, e.normalized) for e in ents if e.text == "苏修"} == {("GPE", "苏联")}, src
    docs = {"cpc_congress_reports.jsonl:5": [("革命委员会", "ORG")],
            "government_work_reports.jsonl:14": [("林田湖", "PERSON"), ("燃煤电厂", "ORG")],
            "government_work_reports.jsonl:38": [("许可权", "PERSON")],
            "government_work_reports.jsonl:66": [("黄麻", "PERSON")], "hailaer/2015.txt": [("公立医院", "ORG")]}
    nlp = make_nlp()
    for src, words in docs.items():
        doc = nlp(doc_by_source(corpus_docs[0], src).text)
        model = {(e.text, e.label) for e in doc._.model_entities if e.confidence >= E.MIN_CONFIDENCE[e.label]}
        assert set(words) <= model, (src, words)
        assert not {e.text for e in extract_entities(doc)} & {w for w, _ in words}, src


def test_roads_the_model_finds_are_loc_and_kinds_of_place_are_no_places(corpus_docs, model_on):
    """The model's places ending in 路 are roads (`LOC`: the district reports' `滨河路`,
    `西外环路`), not divisions (`GPE`, as they came out before); `中心镇` (2008, 2012 reports)
    and `东道国` (1998) are kinds of place, neither a model span nor a name from jieba's
    `ns` tag."""
    from tests.conftest import doc_by_source

    def ents(src):
        return {(e.text, e.label) for e in extract_entities(make_nlp()(doc_by_source(corpus_docs[0], src).text))}

    assert ("滨河路", "LOC") in ents("hailaer/2015.txt") and ("西外环路", "LOC") in ents("hailaer/2012.txt")
    for src, word in (("government_work_reports.jsonl:18", "中心镇"), ("government_work_reports.jsonl:46", "东道国")):
        assert not {t for t, _ in ents(src)} & {word}, src


def test_a_model_body_starts_after_a_verb_of_policy_prose(corpus_docs, model_on):
    """The model's `力争包商银行培训中心` (海拉尔区 2014) is the body `包商银行培训中心`; its
    `深化公立医院` (the 2024 report, seven documents in all) is `公立医院`, a kind of body,
    so no entity (`model_org_not_first`)."""
    from tests.conftest import doc_by_source

    nlp = make_nlp()
    h2014 = nlp(doc_by_source(corpus_docs[0], "hailaer/2014.txt").text)
    assert ("包商银行培训中心", "ORG") in {(e.text, e.label) for e in extract_entities(h2014)}
    r2024 = nlp(doc_by_source(corpus_docs[0], "government_work_reports.jsonl:1").text)
    model = {e.text for e in r2024._.model_entities if e.label == "ORG"}
    assert "公立医院" in model and "深化公立医院" not in model
    assert not {e.text for e in extract_entities(r2024)} & {"公立医院", "深化公立医院"}


def test_projects_and_listed_places_are_not_model_names(model_on):
    """`红星美凯龙城市商贸综合体` is a project, `谢尔塔拉` a site in a list of places."""
    text = "推进红星美凯龙城市商贸综合体建设。哈克、团结、谢尔塔拉等三处文化遗址被列入名录。李强等同志出席。"
    got = {(e.text, e.label) for e in extract_entities(make_nlp()(text))}
    assert not {t for t, lab in got if t.endswith("综合体") or (lab == "PERSON" and t == "谢尔塔拉")}
    W = E.entity_words()
    assert W.place_list.match("等三处文化遗址") and W.place_list.match("等地") and not W.place_list.match("等同志在地方")


def test_a_local_body_that_names_its_place_is_normalised(model_on):
    """The model's `浙江省委` and the gazetteer's `省政协` (resolved by the document's place)
    come out in the same normal forms as the rules give a district's `区委`."""
    from pipelines.extract.entities.context import place_body

    assert place_body("中共上海市委") == "中共上海市委员会" and place_body("内蒙古自治区党委") == "中共内蒙古自治区委员会"
    assert place_body("北京市人大常委会") == "北京市人民代表大会常务委员会" and place_body("省政协") is None
    text = "浙江省委书记王浩出席会议。省政协召开常委会议。"
    got = {(e.text, e.normalized) for e in extract_entities(make_nlp()(text), 2026, {"province": "浙江省"}) if e.label == "ORG"}
    assert got == {("浙江省委", "中共浙江省委员会"), ("省政协", "政协浙江省委员会")}


def test_the_trained_bilstm_loads_with_its_card():
    """The second trained model ships in git (under 5 MB, `bilstm.pack`): float16 weights, the
    character table int8 with a float32 scale a row, the bigram and word tables 4 bits a value
    with a float16 scale a row, the bigrams seen fewer than 6 times in training dropped, the
    vocabularies xz-compressed JSON; loaded with no PyTorch installed."""
    with np.load(bilstm.MODEL_PATH) as z:
        assert z["ec"].dtype == np.int8 and z["ec_scale"].dtype == np.float32
        for k in bilstm.PACKED4:
            assert z[k + "_q4"].dtype == np.uint8 and z[k + "_scale"].dtype == np.float16
            assert z[k + "_q4"].shape == (z[k + "_scale"].shape[0], 25)  # 50 columns, two a byte
        assert z["wih_f"].dtype == np.float16 and "vocab" not in z.files and "vocab_xz" in z.files
    size = bilstm.MODEL_PATH.stat().st_size
    assert bilstm.MODEL_PATH.is_relative_to(ROOT / "pipelines") and size < 5_000_000
    card = bilstm.card()
    assert card["trained_on"] == ["msra_train_pool.jsonl"] and card["sentences"] == 41921
    assert card["bytes"] == size and "research use" in card["terms"] and card["version"].endswith("-q4")
    m = bilstm.model()
    assert m is not None and m.H == card["config"]["H"] and set(m.vocab) == set("cbpwg")
    # the bigrams kept: those seen from 6 times, as the card says; the training vocabulary had 86,653
    assert len(m.vocab["b"]) == card["shipped"]["bigrams"] == m.tables[1].shape[0] < card["vocabulary"]["b"]
    assert m.vocab["b"]["<unk>"] == 0 and "国务" in m.vocab["b"]


def test_bilstm_tables_quantize_within_half_a_step():
    """`quantize_rows`: each value of a float16 table is within half a step (its row's largest
    magnitude / 254 at 8 bits, / 14 at 4 bits) of the integer times the row's scale, a zero row
    stays zero; `pack4` puts two 4-bit values in a byte and `unpack4` gives them back; the shipped
    tables, back as float16 and packed again, give the same bytes (or one step apart)."""
    rng = np.random.default_rng(0)
    a = rng.normal(0, 0.3, (50, 8)).astype(np.float16)
    a[7] = 0
    for bits, top in ((8, 127), (4, 7)):
        q, scale = bilstm.quantize_rows(a, bits)
        assert q.dtype == np.int8 and np.abs(q).max() <= top
        assert scale.dtype == (np.float32 if bits == 8 else np.float16)
        back = q * scale.astype(np.float32)[:, None]
        step = scale.astype(np.float32)
        assert np.all(np.abs(back - a.astype(np.float32)) <= step[:, None] / 2 + 1e-6) and not back[7].any()
        if bits == 4:
            assert np.array_equal(bilstm.unpack4(bilstm.pack4(q)), q)
    vocab, tables = bilstm.load_arrays(bilstm.MODEL_PATH)
    with np.load(bilstm.MODEL_PATH) as z:
        for k in bilstm.PACKED4:
            q, _ = bilstm.quantize_rows(tables[k].astype(np.float16), 4)
            assert np.abs(q.astype(int) - bilstm.unpack4(z[k + "_q4"])).max() <= 1


def test_rare_bigrams_are_dropped_and_read_as_unknown():
    """`prune_bigrams`: a bigram seen fewer than `min_count` times loses its row and its index,
    the others keep their rows in order, renumbered; `encode` then reads it as unknown (0)."""
    vocab = {"b": {"<unk>": 0, "国务": 1, "稀有": 2, "院长": 3}, "c": {}, "p": {}, "w": {}, "g": {}}
    eb = np.arange(8, dtype=np.float16).reshape(4, 2)
    arrays, pruned = bilstm.prune_bigrams({"eb": eb}, vocab, {"国务": 9, "稀有": 5, "院长": 6}, 6)
    assert pruned["b"] == {"<unk>": 0, "国务": 1, "院长": 2}
    assert arrays["eb"].tolist() == [[0, 1], [2, 3], [6, 7]]
    enc = bilstm.encode(pruned, "稀有", [("稀有", "a", "")])
    assert enc[1] == [0, 0]  # ^稀 and 稀有: unknown


def test_bilstm_marginals_do_not_depend_on_the_batch():
    """A sentence's marginals are the same tagged alone or padded in a batch of others,
    sum to one per character, and the 2,318 dev sentences' lengths batch as they should."""
    from pipelines.extract.entities import bilstm

    m = bilstm.model()
    nlp = make_nlp()
    texts = ["国务院总理李强主持召开国务院常务会议。", "新华社北京电", "深度求索公司和浙江大学参加了在杭州举行的会议，浙江省委书记王浩出席。"]
    encs = [m.encode(t, [(w.text, w.tag, w.gaz) for w in crf.words_of((x.text, x.tag_) for x in nlp.tokenizer(t))]) for t in texts]
    together = m.marginals(encs)
    for enc, P in zip(encs, together):
        alone = m.marginals([enc])[0]
        assert P.shape == (len(enc[0]), len(bilstm.TAGS)) and abs(P - alone).max() < 1e-4
        assert abs(P.sum(1) - 1).max() < 1e-3
    labels = crf.decode(together[0])
    assert [("".join(texts[0][s.start:s.end]), s.label) for s in crf.spans_of(labels)] == [
        ("国务院", "ORG"), ("李强", "PER"), ("国务院", "ORG")]


def test_the_ensemble_beats_the_crf_alone_on_the_dev_split(pd_dev):
    """First 500 sentences of the People's Daily dev split (not trained on), strict spans:
    the two models' averaged marginals against the CRF alone, as measured (the whole
    split: 0.931 against 0.916, `eval_entities.py --external`)."""
    crf_alone = evaluate_external(pd_dev, "model", limit=500)
    both = evaluate_external(pd_dev, "ensemble", limit=500)
    assert crf_alone["all"]["F1"] >= 0.925
    assert both["all"]["F1"] >= ENSEMBLE_500["all"] and both["all"]["F1"] > crf_alone["all"]["F1"]
    for lab in ("PER", "ORG", "LOC"):
        assert both[lab]["F1"] >= ENSEMBLE_500[lab]



def test_the_ensemble_in_the_build_on_a_real_sentence():
    """`POLICYTRACE_NER_MODEL=ensemble`: the build takes the averaged models' spans with the
    same admission rules; the rules' entities of the seed are kept."""
    docs, _ = read_documents([ROOT / "seeds"])
    nlp = make_nlp()
    with E.model_mode("ensemble"):
        ents = extract_entities(nlp(docs[0].text), docs[0].year)
    with E.model_mode("off"):
        rules = extract_entities(nlp(docs[0].text), docs[0].year)
    keys = {(e.start, e.end, e.label) for e in ents}
    assert {(e.start, e.end, e.label) for e in rules} <= keys
    assert all(e.confidence >= E.MIN_CONFIDENCE_ENSEMBLE[e.label] for e in ents if e.method == "model")


# The ensemble with its own thresholds on the two sets they were chosen on (right/spurious/missed),
# as measured with the BiLSTM trained on 2026-12-03 and packed for git (`-q4`; LOC from 0.55; int8 tables:
# heldout LOC 33/5/12) and the rules of that day (with the strategies' regions of 2026-12-03 evening: gold LOC
# 17/0/7 → 19/0/5, heldout 34/5/11 → 35/5/10; without `祖国`: heldout GPE 54/4/11 → 54/3/11). The test
# holds the claim they were chosen for: no label of either set has fewer right or more spurious names
# with the ensemble than with the CRF alone (`MEASURED_ON`), and these figures exactly.
ENSEMBLE_MEASURED = {
    "gold": {"PERSON": (56, 0, 0), "ORG": (116, 1, 9), "GPE": (84, 2, 3), "LOC": (19, 0, 5)},
    "heldout": {"PERSON": (8, 0, 0), "ORG": (83, 5, 21), "GPE": (56, 1, 9), "LOC": (35, 5, 10)},
}


@pytest.mark.parametrize("which", sorted(ENSEMBLE_MEASURED))
def test_the_ensemble_loses_no_name_the_crf_finds_on_our_sets(corpus, which):
    """`MIN_CONFIDENCE_ENSEMBLE`: on gold and heldout no label has fewer right or more spurious
    names than the CRF's default build (`MEASURED_ON`); with the CRF's thresholds heldout LOC
    fell from 29 to 27 right. (First run on the four later sets, which the thresholds were not
    chosen on: in the README.)"""
    with E.model_mode("ensemble"):
        r = evaluate_entities(corpus, which)
    got = {lab: (r["tp"][lab], r["fp"][lab], r["fn"][lab]) for lab in ENSEMBLE_MEASURED[which]}
    for lab, (tp, fp, _) in got.items():
        crf_tp, crf_fp, _ = MEASURED_ON[which][lab]
        assert tp >= crf_tp and fp <= crf_fp, (lab, got[lab], MEASURED_ON[which][lab])
    assert got == ENSEMBLE_MEASURED[which]


# Ensemble F1 on the first 500 dev sentences, as measured with the BiLSTM packed for git (`-q4`; CRF
# alone: 0.9257 all, ORG 0.8763; the same BiLSTM with int8 tables: 0.9349, PER 0.9451, LOC 0.958;
# the first BiLSTM, never shipped: 0.9347, PER 0.9503, ORG 0.8732, LOC 0.9627)
ENSEMBLE_500 = {"all": 0.9361, "PER": 0.9477, "ORG": 0.8861, "LOC": 0.9593}


def test_bilstm_training_names_missing_data(tmp_path, capsys):
    from pipelines.extract.entities import bilstm_train

    assert bilstm_train.main(["train", "--ner", str(tmp_path / "nowhere"), "--out", str(tmp_path / "m")]) == 2
    assert f"{tmp_path / 'nowhere' / 'msra_train_pool.jsonl'}: training data missing" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_the_crf_loops_are_built_with_the_package():
    """`pip install -e .` (`make install`) compiles `_crfloops.c` where there is a C compiler
    (optional: elsewhere the build runs the numpy loops, the same labels at about half the
    model's speed); here, with one, it must have been built."""
    import shutil
    import sysconfig

    from pipelines.extract.entities import fastcrf

    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(cc) is None:
        pytest.skip(f"no C compiler ({cc}): the optional extension is not built here")
    assert fastcrf._crfloops is not None
    assert {"viterbi", "marginals", "add_rows", "hash_build", "hash_index"} <= set(dir(fastcrf._crfloops))
    import numpy as np

    C, E, T = fastcrf._crfloops, np.zeros((4, 3)), np.zeros((3, 3))
    for bad in ([0, 10**9, 4], [-1, 4], [0, 3, 2, 4]):  # offsets outside the rows, or going back
        with pytest.raises(ValueError, match="do not fit"):
            C.viterbi(E, np.array(bad, dtype=np.int64), T, np.empty(4, dtype=np.int64))
        with pytest.raises(ValueError, match="do not fit"):
            C.marginals(E, np.array(bad, dtype=np.int64), np.ones(len(bad) - 1, dtype=bool), T, np.zeros_like(E))
    with pytest.raises(IndexError):
        C.add_rows(E, T, np.array([0, 1, 2, 3], dtype=np.int64))
    keys = np.array([5 << 21 | 7, 3, 1 << 40], dtype=np.int64)
    with pytest.raises(ValueError, match="power of two"):  # 6 slots
        C.hash_build(keys, np.full(6, -1, dtype=np.int64), np.zeros(6, dtype=np.int64))
    slots, rows, out = np.full(4, -1, dtype=np.int64), np.zeros(4, dtype=np.int64), np.empty(5, dtype=np.int64)
    C.hash_build(keys, slots, rows)
    C.hash_index(slots, rows, np.array([3, 1 << 40, 4, 5 << 21 | 7, 0], dtype=np.int64), -1, out)
    assert out.tolist() == [1, 2, -1, 0, -1]


@pytest.mark.parametrize("loops", ["C", "numpy"])
def test_numpy_tagging_is_crfsuites_on_real_text(corpus, monkeypatch, loops):
    """`fastcrf` reads crfsuite's model file and tags with array lookups and the loops of
    `_crfloops.c` (or numpy's, where it is not built): the same Viterbi labels and the same
    marginals as a crfsuite `Tagger` fed `crf.features`, on the seed and ten national
    reports (2,000+ sentences of real text); and the spans the build reads from them."""
    import re

    import numpy as np
    import pycrfsuite

    from pipelines.extract.entities import bilstm, fastcrf

    if loops == "numpy":
        monkeypatch.setattr(fastcrf, "_crfloops", None)

    docs, _ = read_documents([ROOT / "seeds"])
    national, _ = read_documents([corpus / "national"])
    texts = [s for d in docs + national[:10] for s in re.split(r"(?<=[。！？\n])", d.text) if s.strip()]
    tagger = crf.training_tagger()
    sentences = [(t, crf.words_of(zip(*tagger.tag(t)))) for t in texts]
    ref = pycrfsuite.Tagger()
    ref.open(str(crf.MODEL_PATH))
    fast = fastcrf.FastCRF(crf.MODEL_PATH)
    got = fast.tag_many(sentences, all_marginals=True)
    monkeypatch.setattr(fastcrf, "GROUP_CHARS", 500)  # the same, a few sentences at a time
    small = fast.tag_many(sentences, all_marginals=True)
    assert all(a[0] == b[0] and np.allclose(a[1], b[1], rtol=0, atol=1e-12) for a, b in zip(got, small))
    batch = fastcrf.Batch.of(sentences)  # the build's columns: the same sentences, and a part of them taken
    assert batch.sentences() == sentences and batch.take([3, 1]).sentences() == [sentences[3], sentences[1]]
    spans = fast.spans_many(sentences)  # the build's path with the C loops: spans read as arrays
    if loops == "C":
        assert spans == [[tuple(sp) for sp in crf.spans_of(labels, lambda lab, j: float(P[j, crf.TAG_INDEX[lab]]))]
                         if P is not None else [] for labels, P in got] and any(spans)
    else:
        assert spans is None
    n_entity = 0
    for (text, words), (labels, P) in zip(sentences, got):
        expect = ref.tag(crf.features(text, words))
        assert labels == expect, text
        Q = np.array([[ref.marginal(t, j) for t in bilstm.TAGS] for j in range(len(text))])
        assert np.abs(P - Q).max() < 1e-9, text
        n_entity += sum(t != "O" for t in expect)
    assert len(sentences) > 2000 and n_entity > 2000


def test_numpy_tagging_names_a_file_that_is_no_model(tmp_path):
    from pipelines.extract.entities import fastcrf

    bad = tmp_path / "ner_crf.crfsuite"
    bad.write_bytes(b"not a model at all, just bytes" * 4)
    with pytest.raises(ValueError, match=f"{bad}: not a crfsuite CRF1d model file"):
        fastcrf.FastCRF(bad)



def test_the_compiled_model_tags_as_the_model_and_a_stale_one_is_not_used(tmp_path, monkeypatch):
    """`fastcrf.load` reads the tables `compile_model` wrote beside the model (`make install`)
    instead of building them; they tag the seed's sentences exactly as the tables built from
    the crfsuite file. A compiled file of another model, or a truncated one, is not used."""
    import re
    import shutil

    import numpy as np

    from pipelines.extract.entities import fastcrf

    model = tmp_path / "ner_crf.crfsuite"
    shutil.copyfile(crf.MODEL_PATH, model)
    built = fastcrf.FastCRF(model)
    assert fastcrf.compile_model(model) == fastcrf.compiled_path(model)
    builds = []
    real_init = fastcrf.FastCRF.__init__

    def counted_init(self, path):
        builds.append(path)
        real_init(self, path)

    monkeypatch.setattr(fastcrf.FastCRF, "__init__", counted_init)
    loaded = fastcrf.load(model)
    assert builds == []  # read, not built
    docs, _ = read_documents([ROOT / "seeds"])
    texts = [t for t in re.split(r"(?<=[。！？\n])", docs[0].text) if t.strip()]
    tagger = crf.training_tagger()
    sentences = [(t, crf.words_of(zip(*tagger.tag(t)))) for t in texts]
    a, b = built.tag_many(sentences, all_marginals=True), loaded.tag_many(sentences, all_marginals=True)
    assert [x[0] for x in a] == [x[0] for x in b] and all(np.array_equal(x[1], y[1]) for x, y in zip(a, b))
    assert any(l != "O" for x in a for l in x[0])
    with model.open("ab") as fh:  # the model file changes: its compiled tables are stale
        fh.write(b"\0")
    fastcrf.load(model)
    assert builds == [model]  # built from the model file
    shutil.copyfile(crf.MODEL_PATH, model)
    fastcrf.compiled_path(model).write_bytes(b"truncated")
    fastcrf.load(model)
    assert builds == [model, model]  # the broken file ignored


def test_the_ensemble_sends_only_the_sentences_the_crf_is_unsure_of(monkeypatch):
    """The cascade (`crf.ENSEMBLE_SURE`): on the seed, a sentence whose every character the
    CRF labels with marginal >= 0.99 keeps the CRF's own spans and never reaches the
    BiLSTM; the others are averaged."""
    import re

    from pipelines.extract.entities import bilstm

    docs, _ = read_documents([ROOT / "seeds"])
    tagger = crf.training_tagger()
    sents = [(t, crf.words_of(zip(*tagger.tag(t)))) for t in re.split(r"(?<=[。！？\n])", docs[0].text) if t.strip()]
    m = crf.model()
    nn = bilstm.model()
    seen = []
    real = type(nn).marginals
    monkeypatch.setattr(type(nn), "marginals", lambda self, encs: seen.extend(encs) or real(self, encs))
    alone = m.tag_many(sents)
    both = m.tag_many(sents, ensemble=True)
    sure = [P.max(1).min() >= crf.ENSEMBLE_SURE for _, P in m._crf.tag_many(sents, all_marginals=True)]
    assert 0 < sure.count(False) < len(sents) and len(seen) == sure.count(False)
    assert all(a == b for a, b, s in zip(alone, both, sure) if s)


def test_ensemble_mode_without_the_trained_bilstm_says_how_to_make_it(tmp_path, monkeypatch):
    """A tree whose BiLSTM-CRF is missing (deleted; it ships in git), asked for the ensemble, is
    told to restore it or run `make model`, by the build and by the model."""
    from pipelines.build import load_pipeline

    monkeypatch.setattr(bilstm, "MODEL_PATH", tmp_path / "ner_bilstm.npz")
    load_pipeline()  # the default mode loaded first (a notebook, an earlier build) hides nothing
    with E.model_mode("ensemble"), pytest.raises(FileNotFoundError, match="run `make model` to train it"):
        load_pipeline()
    with pytest.raises(FileNotFoundError, match="POLICYTRACE_NER_MODEL=ensemble needs the BiLSTM-CRF"):
        crf.model().tag("国务院总理李强主持会议。", crf.words_of([("国务院", "nt"), ("总理", "n"), ("李强", "nr"),
                                                           ("主持", "v"), ("会议", "n"), ("。", "x")]), ensemble=True)


def test_each_model_mode_has_its_own_pipeline_version():
    """The pipeline version keys the per-document cache: an ensemble build after a default
    one counted as unchanged and kept the CRF's entities, since only `off` changed it."""
    from pipelines.build import pipeline_version

    versions = {}
    for mode in ("off", "on", "ensemble"):
        with E.model_mode(mode):
            versions[mode] = pipeline_version()
    assert len(set(versions.values())) == 3
    assert versions["ensemble"].startswith(versions["on"] + ".ens") and versions["on"].startswith(versions["off"] + ".ner")
