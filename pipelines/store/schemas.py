"""Table schemas, declared once, with what goes with them.

Each column carries its description. These declarations drive writing and
validation (`pipelines.store.dataset`), the rows of every table
(`to_table`), the order of rows in a version (`SORT_KEYS`), the DuckDB views
(`pipelines.store.query`) and the data dictionary in `datasets/README.md`
(`python -m pipelines.store.docs`).

>>> from pipelines.extract.figures import extract_figures
>>> figs = extract_figures("城镇新增就业1200万人以上。")
>>> to_table("figures", figs, doc_id="d1", figure_id=[0], sentence_id=[0]).select(["text", "value", "unit"]).to_pylist()
[{'text': '1200万人以上', 'value': 12000000.0, 'unit': '人'}]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

import pyarrow as pa


def _col(name: str, type_: pa.DataType, description: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


TABLE_DESCRIPTIONS = {
    "documents": "One row per document: cleaned text and metadata.",
    "sentences": "Sentences, split on 。！？； and line breaks (closing quotes and brackets stay with their sentence).",
    "tokens": "Words from jieba's segmentation with jieba's POS tags; whitespace is not a token. Where an entity starts or ends inside a word, the word is split there, so that every entity covers whole tokens (`京津冀|协同发展`, the region of a strategy; `高云江|说`, a name the trained model finds); a piece inside the entity takes the tag of its label (`nr`, `nt`, `ns`).",
    "tasks": "Enumerated units at every level (一、 / （一） / 一是 / 1. / ①, 第一章 / 第一条, `——` and ■ bullets, questions, unmarked lead-sentence paragraphs), nested.",
    "entities": "Named entities: people, organisations, places, meetings and congresses, laws and documents, policy terms; with a normal form and the method that found them.",
    "terms": "Per-document counts of content words, quoted terms, policy-dictionary terms and candidate new terms; `df` and `tfidf` over the documents of the version are computed on reading (the `terms` view, `Dataset.read`). Words are counted as jieba cut them, before entities split any, so `terms` is the same with the entity model on or off.",
    "figures": "Every figure: percentages, money, quantities, years, dates, periods, five-year plans, congresses and plenums, ranks; normalised, with qualifier, direction, target flag and the metric it measures.",
}

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        _col("doc_id", pa.string(), "Stable id: the first 16 hex digits of the sha256 of `text`. The same text gives the same id.", False),
        _col("title", pa.string(), "Title, from the input's fields, front matter, a first `#` heading or the first short line."),
        _col("issuer", pa.string(), "Issuing or publishing body (`国务院`, `海拉尔区人民政府`, `人民日报`)."),
        _col("author", pa.string(), "Author or speaker (`何立峰`, `李强`)."),
        _col("published", pa.date32(), "Date of issue, delivery or publication; NULL when the text gives no full date."),
        _col("year", pa.int32(), "Year of the document: from the input's `year` field, `published`, or a title starting `2024年`."),
        _col("url", pa.string(), "Where the text was published, from the input's fields or a repost footer."),
        _col("source", pa.string(), "Input path, with `:line` for JSONL records.", False),
        _col("occasion", pa.string(), "Meeting the text was delivered at (`第十四届全国人民代表大会第二次会议`)."),
        _col("doc_type", pa.string(), "Kind of document: `government_work_report`, `npc_resolution`, `cpc_congress_report`, `opinion` (意见), `plan` (规划, 纲要, 方案, 计划), `law` (法, 条例, 规定, 办法), `decision` (决定), `notice` (通知), `communique` (公报), `readout` (会议报道), `speech`, `editorial` (社论), `commentary`, `theory_article`, `explainer` (政策解读), `news`, `article`, or the input's `type` field."),
        _col("doc_number", pa.string(), "Document number (发文字号, `国发〔2025〕5号`), from the input's fields, a web page's info table or the text; NULL when none is given."),
        _col("level", pa.string(), "Level of the issuing government: `national`, `provincial`, `municipal` or `district`; NULL when unknown."),
        _col("region", pa.string(), "Province, city or district a sub-national document speaks for (`浙江省`, `海拉尔区`); NULL for national documents."),
        _col("encoding", pa.string(), "Encoding the input was decoded from (`utf-8`, `gb18030`, `utf-16-le`, ...).", False),
        _col("sha256", pa.string(), "sha256 of the input bytes of this document (of its line, for JSONL).", False),
        _col("n_chars", pa.int64(), "Length of `text` in characters.", False),
        _col("text", pa.string(), "Cleaned text that every other table's offsets point into. Wording is never changed; metadata footers are cut.", False),
    ]),
    "sentences": pa.schema([
        _col("doc_id", pa.string(), "Document id.", False),
        _col("sentence_id", pa.int32(), "Order of the sentence in the document, from 0.", False),
        _col("start", pa.int32(), "Start offset in `documents.text`.", False),
        _col("end", pa.int32(), "End offset; `documents.text[start:end] == text`.", False),
        _col("text", pa.string(), "The sentence.", False),
    ]),
    "tokens": pa.schema([
        _col("doc_id", pa.string(), "Document id.", False),
        _col("sentence_id", pa.int32(), "Sentence the token belongs to.", False),
        _col("token_id", pa.int32(), "Order of the token in the document, from 0.", False),
        _col("text", pa.string(), "The word.", False),
        _col("pos", pa.string(), "jieba's POS tag (`n`, `v`, `vn`, `nz`, `ns`, `nt`, `nr`, `m`, `x` for punctuation, ...).", False),
        _col("start", pa.int32(), "Start offset in `documents.text`.", False),
        _col("end", pa.int32(), "End offset; `documents.text[start:end] == text`.", False),
    ]),
    "tasks": pa.schema([
        _col("doc_id", pa.string(), "Document id.", False),
        _col("task_id", pa.string(), "`<doc_id>-<order in document, 4 digits>`.", False),
        _col("parent_id", pa.string(), "task_id of the enclosing unit; NULL at the top."),
        _col("depth", pa.int32(), "Nesting level, 1 = top.", False),
        _col("marker", pa.string(), "Marker as written (`一、`, `（二）`, `三是`, `第一，`, `1.`, `①`, `第三章`, `第十二条`, `——`, `■`); `''` for unmarked lead-sentence paragraphs and questions.", False),
        _col("ordinal", pa.int32(), "The number the marker stands for (`（二）` -> 2); for unmarked units, their order among siblings.", False),
        _col("kind", pa.string(), "`part` (一、 as a line, a `###` heading or a bold line; 第一篇, 第一部分), `chapter` (第一章), `section` (（一）; 第一节), `article` (第一条 of a law), `item` (一是, 第一，, 首先; （一） inside an article), `numbered` (1. （1） ①), `bullet` (——, ■), `question` (a question of an explainer), `lead` (unmarked lead sentence).", False),
        _col("title", pa.string(), "Lead clause or sentence without the marker.", False),
        _col("text", pa.string(), "The whole unit: `documents.text[start:end]`.", False),
        _col("start", pa.int32(), "Start offset (at the marker or lead sentence).", False),
        _col("end", pa.int32(), "End offset: where the next sibling or an ancestor's next sibling begins.", False),
        _col("path", pa.string(), "Readable path (`二/（一）/一是`, `第八章/第七十一条/（一）`; `¶n` for the n-th lead, `—n` or `■n` for the n-th bullet, `?n` for the n-th question).", False),
    ]),
    "figures": pa.schema([
        _col("doc_id", pa.string(), "Document id.", False),
        _col("figure_id", pa.int32(), "Order of the figure in the document, from 0.", False),
        _col("sentence_id", pa.int32(), "Sentence the figure is in.", False),
        _col("text", pa.string(), "The figure as written, with a qualifier written after it (`5%左右`, `1200万人以上`); `documents.text[start:end] == text`.", False),
        _col("kind", pa.string(), "`percent`, `percentage_point`, `amount`, `quantity`, `year`, `date`, `period`, `plan_period`, `congress` or `rank`.", False),
        _col("value", pa.float64(), "Normalised value: percent as written (18); money in base units (`1.3万亿元` -> 1.3e12); quantities in their unit (`1200万人` -> 1.2e7); the (first) year for years, dates and periods; the plan's number (`十五五` -> 15); the congress or 届 number (`二十届四中全会` -> 20); the rank (`第二位` -> 2). For ranges the lower bound.", False),
        _col("value_high", pa.float64(), "Upper bound of a range (`6%－6.5%` -> 6.5); NULL otherwise."),
        _col("unit", pa.string(), "`%`, `个百分点`, `元` (or `美元`, `欧元`, ...), or the counter of a quantity (`人`, `吨`, `千瓦`, `倍`, `年`); an implied counter for bare counts (`6600多万纳税人` -> `人`). NULL for years, dates, periods, plans, congresses and ranks."),
        _col("qualifier", pa.string(), "`左右`, `以上`, `以下`, `以内`, `超过`, `不低于`, `约`, `近`, `逾` or `多` (`突破` -> `超过`, `将近` -> `近`, `不到` -> `以下`); NULL when none."),
        _col("direction", pa.string(), "For a change: `增长` (also 上涨, 涨幅, 递增), `增加` (also 扩大, 比…多), `提高` (also 比…高), `下降` (also 减少, 回落), `降低`. NULL for levels (`提高到66.2%`) and for years, plans and congresses."),
        _col("target", pa.bool_(), "TRUE for a planned or expected figure (预期目标, 拟, 力争, 将, 今年, a future year); FALSE for a result achieved; NULL for years, dates, periods, plans, congresses and durations."),
        _col("subject", pa.string(), "The metric the figure measures, in simplified characters (`国内生产总值增长`, `城镇调查失业率`, `赤字率`, `地方政府专项债券比上年增加`); for congresses the body (`党的全国代表大会`, `党的中央委员会全会`, `全国人民代表大会`). NULL when none is found."),
        _col("metric", pa.string(), "What the figure measures, as one id of the editable vocabulary `pipelines/data/figure_metrics.tsv` (`gdp_growth`, `cpi`, `deficit_ratio`, `local_special_bonds`, `new_urban_jobs`, …), so a target lines up across years however it is worded; NULL when no entry matches."),
        _col("period_start", pa.date32(), "First day a year, date, period or plan covers (`十五五` -> 2026-01-01, `19世纪中叶` -> 1840-01-01)."),
        _col("period_end", pa.date32(), "Last day it covers (`十五五` -> 2030-12-31); NULL when open-ended (`18世纪以来`)."),
        _col("plenum", pa.int32(), "Plenum or session number: `二十届四中全会` -> 4, `十四届全国人大二次会议` -> 2; NULL otherwise."),
        _col("start", pa.int32(), "Start offset in `documents.text`.", False),
        _col("end", pa.int32(), "End offset; `documents.text[start:end] == text`.", False),
    ]),
    "entities": pa.schema([
        _col("doc_id", pa.string(), "Document id.", False),
        _col("entity_id", pa.int32(), "Order of the entity in the document, from 0.", False),
        _col("sentence_id", pa.int32(), "Sentence the entity is in.", False),
        _col("text", pa.string(), "The mention as written (titles and 《》 left out: `习近平`, `人民日报`); `documents.text[start:end] == text`.", False),
        _col("label", pa.string(), "`PERSON`, `ORG`, `GPE`, `LOC`, `EVENT` (meetings, congresses, plenums), `LAW` (laws, plans, decisions, named documents) or `TERM` (policy concepts and slogans).", False),
        _col("normalized", pa.string(), "One form for the variants: `我国` -> `中国`, `党中央` -> `中共中央`, `十八大` -> `中国共产党第十八次全国代表大会`, `毛主席` -> `毛泽东`, `我区` -> the document's district, `嘉兴` -> `嘉兴市` (a division by its full name), `中美` -> `中国、美国` (a run of abbreviations, each place named).", False),
        _col("method", pa.string(), "What found it: `gazetteer` (the lists in pipelines/data/gazetteer/ and the policy dictionary), `pattern` (shapes: 《…》, X届X中全会, …委员会, a name before 同志), `quote` (a short term in quotation marks), `pos` (jieba's ns/nt tag) or `model` (the trained character CRF; `POLICYTRACE_NER_MODEL=ensemble` averages its marginals with a BiLSTM-CRF's, `POLICYTRACE_NER_MODEL=off` builds without either).", False),
        _col("start", pa.int32(), "Start offset in `documents.text`.", False),
        _col("end", pa.int32(), "End offset; `documents.text[start:end] == text`.", False),
        _col("confidence", pa.float32(), "For `method = 'model'`: the smallest marginal probability the model gives the span's characters' labels (the CRF's; with `POLICYTRACE_NER_MODEL=ensemble` the average of the CRF's and the BiLSTM's, except in sentences the CRF is sure of, where it stands alone), from the label's threshold as admitted (the CRF: PERSON 0.97, ORG 0.9, GPE 0.95, LOC 0.9; the ensemble: GPE 0.97, LOC 0.55, the rest the same); NULL for the rules."),
    ]),
    "terms": pa.schema([
        _col("doc_id", pa.string(), "Document id.", False),
        _col("term", pa.string(), "The word or term.", False),
        _col("kind", pa.string(), "`word` (content word, by POS), `quoted` (in quotation marks), `dictionary` (policy-dictionary or gazetteer term, counted as a substring) or `candidate` (a frequent word sequence the dictionary splits: review and add to a user dictionary).", False),
        _col("pos", pa.string(), "jieba's POS tag, for kind `word`; NULL otherwise."),
        _col("count", pa.int32(), "Occurrences in the document.", False),
    ]),
}

TABLE_DESCRIPTIONS.update({
    "compare_tasks": "`policytrace compare A B`: every enumerated unit of A and B, paired by content (kept, modified, moved) or not (new in B, dropped from A), with the words added and removed.",
    "compare_figures": "`policytrace compare A B`: the targets of A and B paired by metric, with both values and qualifiers and the change.",
    "compare_terms": "`policytrace compare A B`: terms of A and B ranked by keyness (log-likelihood G²); new, dropped, rising, falling or steady.",
})
SCHEMAS.update({
    "compare_tasks": pa.schema([
        _col("a_doc_id", pa.string(), "The older document.", False),
        _col("b_doc_id", pa.string(), "The newer document.", False),
        _col("a_task_id", pa.string(), "A's unit; NULL when the unit is new in B."),
        _col("b_task_id", pa.string(), "B's unit; NULL when A's unit was dropped."),
        _col("depth", pa.int32(), "Level of the units (units are paired within a level).", False),
        _col("a_path", pa.string(), "A's unit path (`三/（二）/¶1`)."),
        _col("b_path", pa.string(), "B's unit path."),
        _col("a_title", pa.string(), "A's unit title."),
        _col("b_title", pa.string(), "B's unit title."),
        _col("similarity", pa.float64(), "0..1: character 2–3-gram TF-IDF cosine (numbers masked) combined with word containment; 0 for unpaired units.", False),
        _col("status", pa.string(), "`kept` (similarity >= threshold_kept), `modified`, `moved` (left its place or its parent), `new`, `dropped`.", False),
        _col("words_added", pa.list_(pa.string()), "Words (jieba's segmentation) in B's unit and not in A's, for modified and moved pairs; numbers aside."),
        _col("words_removed", pa.list_(pa.string()), "Words in A's unit and not in B's."),
        _col("threshold_match", pa.float64(), "Similarity below which two units are not paired.", False),
        _col("threshold_kept", pa.float64(), "Similarity from which a pair is kept.", False),
    ]),
    "compare_figures": pa.schema([
        _col("a_doc_id", pa.string(), "The older document.", False),
        _col("b_doc_id", pa.string(), "The newer document.", False),
        _col("metric", pa.string(), "The metric both targets measure (`figures.metric`).", False),
        _col("subject", pa.string(), "B's subject, else A's."),
        _col("kind", pa.string(), "Figure kind."),
        _col("unit", pa.string(), "Unit (B's, else A's)."),
        _col("a_value", pa.float64(), "A's value."),
        _col("a_value_high", pa.float64(), "A's upper bound of a range."),
        _col("b_value", pa.float64(), "B's value."),
        _col("b_value_high", pa.float64(), "B's upper bound of a range."),
        _col("a_qualifier", pa.string(), "A's qualifier (`左右`, `以上`, …)."),
        _col("b_qualifier", pa.string(), "B's qualifier."),
        _col("a_text", pa.string(), "A's figure as written."),
        _col("b_text", pa.string(), "B's figure as written."),
        _col("change", pa.float64(), "b_value - a_value, in percentage points for percentages, else in the unit."),
        _col("change_pct", pa.float64(), "The change in percent of a_value (not for percentages)."),
        _col("change_unit", pa.string(), "`pp` for percentages, else the unit."),
        _col("status", pa.string(), "`same` (value, range, qualifier and unit equal), `changed`, `new` (only B sets it), `dropped` (A set it, B did not).", False),
    ]),
    "compare_terms": pa.schema([
        _col("a_doc_id", pa.string(), "The older document.", False),
        _col("b_doc_id", pa.string(), "The newer document.", False),
        _col("term", pa.string(), "The term.", False),
        _col("kind", pa.string(), "The terms table's kind (`word`, `dictionary`, `quoted`).", False),
        _col("a_count", pa.int32(), "Count in A.", False),
        _col("b_count", pa.int32(), "Count in B.", False),
        _col("g2", pa.float64(), "Log-likelihood G² of the difference (3.84: p < 0.05).", False),
        _col("log_ratio", pa.float64(), "log2 of B's relative frequency over A's (counts + 0.5).", False),
        _col("status", pa.string(), "`new`, `dropped`, `rising`, `falling` or `steady`.", False),
        _col("first_in_dataset", pa.bool_(), "TRUE when no document of the dataset dated before B has the term.", False),
    ]),
})

# Tables computed per document from its text alone (cacheable by doc_id).
DERIVED_TABLES = ("sentences", "tokens", "tasks", "figures", "entities", "terms")

# Order of rows within a document; documents keep the order of the inputs.
SORT_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "sentences": (("sentence_id", "ascending"),),
    "tokens": (("token_id", "ascending"),),
    "tasks": (("task_id", "ascending"),),
    "figures": (("figure_id", "ascending"),),
    "entities": (("entity_id", "ascending"),),
    "terms": (("kind", "ascending"), ("count", "descending"), ("term", "ascending")),
}


def to_table(name: str, records: Sequence[Any], **columns: Any) -> pa.Table:
    """The Arrow table `name` from `records` (dataclasses, named tuples or
    objects), in the declared schema. Each column comes from `columns` when
    given there (one value for every row, or a sequence with one per record),
    else from the record's attribute of the same name; so no column list is
    written twice."""
    schema = SCHEMAS[name]
    n = len(records)
    data = {}
    for field in schema:
        if field.name in columns:
            value = columns[field.name]
            if isinstance(value, (str, bytes, int, float, bool, dt.date)) or value is None:
                data[field.name] = pa.array([value] * n, field.type)
            else:
                values = list(value)
                if len(values) != n:
                    raise ValueError(f"table {name}: column {field.name} has {len(values)} values for {n} records")
                data[field.name] = pa.array(values, field.type)
        else:
            try:
                data[field.name] = pa.array(list(map(attrgetter(field.name), records)), field.type)
            except AttributeError as exc:
                kind = type(records[0]).__name__ if records else "record"
                raise ValueError(f"table {name}: column {field.name} is neither given nor an attribute of {kind}") from exc
    return pa.table(data, schema=schema)


@dataclasses.dataclass
class Manifest:
    """What a version holds: `DIR/manifests/<VERSION>.json` (see DATASET_CONTRACT.md)."""

    version: str
    parent_version: str | None
    created_at: str
    pipeline_version: str
    options: dict
    inputs: list[dict]         # {"path", "sha256", "bytes"}
    documents: list[dict]      # {"doc_id", "source", "sha256", "title"}
    rejected: list[dict]       # {"source", "reason"}
    row_counts: dict[str, int]
    analysed: int = 0
    from_cache: int = 0
    skipped: list[dict] = dataclasses.field(default_factory=list)  # {"source", "reason"}: files no reader takes
    # table -> its Parquet files in row order, each {"path" (under DIR), "sha256", "bytes", "rows",
    # "schema" (sha256 of the Arrow schema)}, recorded at write time for `policytrace verify`; a file
    # shared with the parent version by hard link keeps its record. Versions written before parts
    # hold one dict a table; before `verify`, nothing.
    files: dict[str, list[dict] | dict] = dataclasses.field(default_factory=dict)
    # The document tables' parts: [{"part": file name, "doc_ids": [...]}], the documents whose rows
    # each part holds, so the next version can share the parts whose documents did not change.
    segments: list[dict] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Manifest":
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
