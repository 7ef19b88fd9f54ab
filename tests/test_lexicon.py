"""Data files fail loudly: a typo in any of them names `path:line` and the reason.

Each loader is run on a copy of the shipped data with one bad line appended.
"""

from __future__ import annotations

import shutil

import pytest

from pipelines.compare import tasks as compare_tasks
from pipelines.extract import gazetteer
from pipelines.extract.entities import crf
from pipelines.extract.entities import words as entity_words
from pipelines.extract.figures import metrics as figure_metrics
from pipelines.extract.figures import words as figure_words
from pipelines.extract.tasks import markers
from pipelines.ingest import kinds, noise
from pipelines.lang.zh import lexicon, numerals
from pipelines.lang.zh.lexicon import LexiconError
from pipelines.lang.zh.segment import read_userdict

CASES = [
    # file, bad line, loader, reason
    ("figure_units.tsv", "万吨\tweight\t吨", lambda: figure_words.words(),
     "kind is 'weight'; it must be one of percent, percentage_point, amount, quantity"),
    ("figure_scales.tsv", "兆\t1e12x", lambda: figure_words.words(), "factor is '1e12x', not a number"),
    ("figure_qualifiers.tsv", "大约\tbefor\t约", lambda: figure_words.words(), "position is 'befor'; it must be one of before, after"),
    ("figure_directions.tsv", "抬高\t提高\tcomparitive", lambda: figure_words.words(),
     "the third column is 'comparitive'; it must be one of comparative"),
    ("figure_idioms.txt", "一带一路\t倡议", lambda: figure_words.words(), "a word list takes words, not tab-separated columns"),
    ("figure_counters.tsv", "农场主", lambda: figure_words.words(), "expected noun<TAB>counter separated by tabs, got 1 field(s)"),
    ("figure_century_parts.tsv", "末叶\t80\t109", lambda: figure_words.words(), "years within a century run from 0 to 99"),
    ("figure_subject_words.txt", "leed 其中", lambda: figure_words.words(), "expected `KEY word ...` with KEY one of lead, trail"),
    ("task_lead_words.txt", "verbs 推进", lambda: markers.lead_words(), "expected `KEY word ...` with KEY one of adverb, verb, not, stop"),
    ("task_salutations.txt", "各位代表 同志们", lambda: markers.salutation_re(), "one entry a line, got 2"),
    ("entity_words.txt", "org_sufix 公司", lambda: entity_words.words(), "expected `KEY word ...` with KEY one of press_suffix"),
    ("gazetteer/organs.tsv", "国家数据局\tORGANISATION", lambda: gazetteer.names(), "label is 'ORGANISATION'; it must be one of PERSON, ORG"),
    ("gazetteer/leaders.tsv", "李强\t总理 2023", lambda: gazetteer.leaders(), "title '总理 2023' is not `title YYYY-YYYY`"),
    ("gazetteer/abbreviations.tsv", "中国\t中国", lambda: gazetteer.abbreviations(),
     "'中国' is not one character with a country or a province it stands for"),
    ("gazetteer/surnames.txt", "欧阳修", lambda: gazetteer.surnames(), "'欧阳修' is not a surname of one or two characters"),
    ("userdict.txt", "新质生产力 100x", lambda: read_userdict(lexicon.DATA_DIR / "userdict.txt"),
     "'100x' is not a frequency or a jieba POS tag"),
    ("scraper_noise.tsv", "captions\t.*摄", lambda: noise.rules(), "kind is 'captions'; it must be one of placeholder_title"),
    ("figure_metrics.tsv", "GDP_growth\t生产总值增长\tpercent", lambda: figure_metrics.vocabulary(), "metric 'GDP_growth' is not a snake_case id"),
    ("compare_modifiers.txt", "进一步 加快", lambda: compare_tasks.modifiers(), "one entry a line, got 2"),
    ("doc_types.tsv", "title\t(意见\topinion", lambda: kinds._rules(), "pattern is not a regular expression (missing ), unterminated subpattern"),
]
CACHED = [figure_words.words, markers.lead_words, markers.salutation_re, entity_words.words,
          gazetteer.names, gazetteer.leaders, gazetteer.surnames, noise.rules, kinds._rules,
          figure_metrics.vocabulary, compare_tasks.modifiers, gazetteer.abbreviations, gazetteer.division_names]


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(lexicon.DATA_DIR, data)
    monkeypatch.setattr(lexicon, "DATA_DIR", data)
    monkeypatch.setattr(gazetteer, "GAZ_DIR", data / "gazetteer")
    for f in CACHED:
        f.cache_clear()
    yield data
    for f in CACHED:
        f.cache_clear()


@pytest.mark.parametrize("name,line,load,reason", CASES, ids=[c[0] for c in CASES])
def test_a_typo_names_the_file_the_line_and_the_reason(data_copy, name, line, load, reason):
    path = data_copy / name
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    lineno = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(LexiconError) as err:
        load()
    assert str(err.value).startswith(f"{path}:{lineno}: "), str(err.value)
    assert reason in str(err.value)


def test_the_shipped_data_loads(data_copy):
    assert figure_words.words().units["%"] == ("percent", "%")
    assert markers.salutation_re().match("各位代表！") and markers.lead_words()[0].match("推进")
    assert "公司" in entity_words.words().org_suffix.pattern and len(gazetteer.names()) > 500
    assert gazetteer.title_holder("总理", 2024) == "李强" and "欧阳" in gazetteer.surnames()[1]


def test_every_data_file_has_a_case():
    shipped = {str(p.relative_to(lexicon.DATA_DIR)) for p in lexicon.DATA_DIR.rglob("*")
               if p.is_file() and p.parent.name != "models"}  # the trained model: tests/test_ner_model.py
    assert shipped == {c[0] for c in CASES} | {"gazetteer/" + f for f in gazetteer.NAME_FILES if f != "organs.tsv"}
    for f in gazetteer.NAME_FILES:  # the other name files go through the same loader as organs.tsv
        assert gazetteer.read_names(lexicon.DATA_DIR / "gazetteer" / f)


def test_numerals_cn2an_reads_and_what_it_rejects():
    assert [numerals.plan_number(s) for s in ("十五五", "九五", "十五", "十六")] == [15, 9, 10, None]  # “十五”: the 10th plan
    assert [numerals.ordinal(s) for s in ("二十", "十", "３", "一九九七", "二○二四")] == [20, 10, 3, 1997, 2024]
    assert numerals.chinese(20) == "二十" and numerals.chinese(12) == "十二"
