"""Scoring against the hand-labelled sets in `tests/data/`, shared by
`benchmarks/eval_figures.py`, `benchmarks/eval_entities.py` and the tests.

Figures: a prediction matches a gold figure when the spans overlap and the
kinds agree; then value (`value` and `value_high`) and every other column are
compared. Entities: strict (same span and label) and lenient (overlapping span,
same label) matches, and the share of strict matches whose `normalized` agrees.
Inside each labelled passage every mention is labelled, so precision and recall
are measured there; predictions outside the passages are not scored.

>>> relative_source("/work/shared/corpus/hailaer/2016.txt")
'corpus/hailaer/2016.txt'
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from itertools import islice
from pathlib import Path

from pipelines.extract.entities import extract_entities, place_of
from pipelines.extract.figures import extract_figures
from pipelines.ingest import read_documents
from pipelines.nlp import make_nlp

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
GOAL_LABELS = ("PERSON", "ORG", "EVENT", "LAW")


def relative_source(source: str) -> str:
    """`/work/shared/corpus/hailaer/2016.txt` -> `corpus/hailaer/2016.txt`, as in the gold files."""
    m = re.search(r"(?:^|/)((?:corpus|seeds)/.*)$", source)
    return m.group(1) if m else source


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def passages_in(md: Path) -> list[dict]:
    """The `{"passage": ...}` lines of a set's description."""
    return [json.loads(line) for line in md.read_text(encoding="utf-8").splitlines() if line.startswith('{"passage"')]


def documents_by_source(corpus: Path) -> dict:
    docs, _ = read_documents([ROOT / "seeds", corpus])
    return {relative_source(d.source): d for d in docs}


def _doc(docs: dict, src: str):
    """The document a label names: by its source, or the one whose source starts so."""
    return docs.get(src) or next(d for s, d in docs.items() if s.startswith(src))


def load_figure_gold(which: str = "gold", data: Path = DATA):
    """`gold`: the set the extractor was developed against; `heldout`: a second
    hand-labelled set from other documents, labelled later."""
    if which == "heldout":
        return jsonl(data / "figures_heldout.jsonl"), [], jsonl(data / "figures_heldout_passages.jsonl")
    return jsonl(data / "figures_gold.jsonl"), jsonl(data / "figures_negatives.jsonl"), passages_in(data / "README.md")


def same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=0.01)


def norm_subject(s: str | None) -> str:
    return re.sub(r"比上年|比去年|同比|[的“”（）()]", "", s or "")


def evaluate_figures(corpus: Path, which: str = "gold", data: Path = DATA) -> dict:
    """Match the figures of the documents named by a hand-labelled set against it (see module doc)."""
    gold, negatives, passages = load_figure_gold(which, data)
    by_source = documents_by_source(corpus)
    needed = {g["doc"] for g in gold} | {n["doc"] for n in negatives}
    missing = needed - set(by_source)
    if missing:
        raise SystemExit(f"documents of the gold set not found under {corpus}: {sorted(missing)}")
    preds = {src: extract_figures(by_source[src].text, by_source[src].year) for src in needed}

    tp, fp, fn = Counter(), Counter(), Counter()
    exact, value_ok = Counter(), Counter()
    cols = Counter()
    col_total = Counter()
    errors = []
    for p in passages:
        src = p["doc"]
        text = by_source[src].text
        g_items = [g for g in gold if g["doc"] == src and g["passage"] == p["passage"]]
        p_items = [f for f in preds[src] if p["char_start"] <= f.start < p["char_end"]]
        used = set()
        for g in g_items:
            best, best_ov = None, 0
            for i, f in enumerate(p_items):
                if i in used or f.kind != g["kind"]:
                    continue
                ov = min(f.end, g["end"]) - max(f.start, g["start"])
                if ov > best_ov:
                    best, best_ov = i, ov
            if best is None:
                fn[g["kind"]] += 1
                errors.append(("missed", src, g["text"], g["kind"], g["context"]))
                continue
            used.add(best)
            f = p_items[best]
            tp[g["kind"]] += 1
            exact[g["kind"]] += (f.start, f.end) == (g["start"], g["end"])
            ok = same_value(f.value, g["value"]) and same_value(f.value_high, g["value_high"])
            value_ok[g["kind"]] += ok
            if not ok:
                errors.append(("value", src, g["text"], f"{f.value}/{f.value_high} != {g['value']}/{g['value_high']}", g["context"]))
            checks = {
                "unit": (f.unit, g["unit"]),
                "qualifier": (f.qualifier, g["qualifier"]),
                "direction": (f.direction, g["direction"]),
                "target": (f.target, g["target"]),
                "period_start": (f.period_start and f.period_start.isoformat(), g["period_start"]),
                "period_end": (f.period_end and f.period_end.isoformat(), g["period_end"]),
                "plenum": (f.plenum, g["plenum"]),
            }
            for col, (a, b) in checks.items():
                col_total[col] += 1
                cols[col] += a == b
                if a != b:
                    errors.append((col, src, g["text"], f"{a!r} != {b!r}", g["context"]))
            if g["kind"] not in ("year", "date", "period", "plan_period", "congress"):
                col_total["subject (exact)"] += 1
                col_total["subject (normalised)"] += 1
                cols["subject (exact)"] += f.subject == g["subject"]
                cols["subject (normalised)"] += norm_subject(f.subject) == norm_subject(g["subject"])
                if norm_subject(f.subject) != norm_subject(g["subject"]):
                    errors.append(("subject", src, g["text"], f"{f.subject!r} != {g['subject']!r}", g["context"]))
        for i, f in enumerate(p_items):
            if i not in used:
                fp[f.kind] += 1
                errors.append(("spurious", src, f.text, f.kind, text[max(0, f.start - 12):f.end + 12].replace("\n", " ")))
    neg_hits = []
    for n in negatives:
        for f in preds[n["doc"]]:
            if f.start < n["end"] and n["start"] < f.end:
                neg_hits.append((n["text"], n["why"], f.text, f.kind))
    return {"tp": tp, "fp": fp, "fn": fn, "exact": exact, "value_ok": value_ok, "cols": cols,
            "col_total": col_total, "errors": errors, "neg_hits": neg_hits, "n_neg": len(negatives),
            "n_gold": len(gold), "n_docs": len({g['doc'] for g in gold})}



ENTITY_SETS = {"gold": "entities_gold", "heldout": "entities_heldout", "heldout2025": "entities_2025_heldout",
               "heldout2026": "entities_2026_heldout", "heldout2026b": "entities_2026b_heldout",
               "heldout2026c": "entities_2026c_heldout", "heldout2026d": "entities_2026d_heldout",
               "heldout2026e": "entities_2026e_heldout", "heldout2026f": "entities_2026f_heldout",
               "heldout2026g": "entities_2026g_heldout",
               "heldout2026h": "entities_2026h_heldout", "heldout2026i": "entities_2026i_heldout",
               "heldout2026j": "entities_2026j_heldout", "heldout2026k": "entities_2026k_heldout",
               "heldout2026l": "entities_2026l_heldout", "heldout2026m": "entities_2026m_heldout",
               "heldout2026n": "entities_2026n_heldout"}


def load_entity_gold(which: str = "gold", data: Path = DATA):
    name = ENTITY_SETS[which]
    return jsonl(data / f"{name}.jsonl"), passages_in(data / f"{name}.md")


def evaluate_entities(corpus: Path, which: str = "gold", data: Path = DATA) -> dict:
    """Strict (span and label) and lenient matches of the entities in a hand-labelled set."""
    gold, passages = load_entity_gold(which, data)
    # A set may label only some kinds (entities_2025_heldout: PERSON, ORG, GPE, LOC).
    labelled = {g["label"] for g in gold}
    by_source = documents_by_source(corpus)
    nlp = make_nlp()
    preds = {}
    for src in {p["doc"] for p in passages}:
        d = by_source[src]
        preds[src] = extract_entities(nlp(d.text), d.year, place_of(d.issuer, d.occasion, d.title))
    tp, fp, fn, lenient_tp, norm_ok, methods = Counter(), Counter(), Counter(), Counter(), Counter(), Counter()
    errors = []
    for p in passages:
        src, text = p["doc"], by_source[p["doc"]].text
        g_items = [g for g in gold if g["doc"] == src and g["passage"] == p["passage"]]
        p_items = [e for e in preds[src] if p["char_start"] <= e.start < p["char_end"] and e.label in labelled]
        g_keys = {(g["start"], g["end"], g["label"]): g for g in g_items}
        p_keys = {(e.start, e.end, e.label): e for e in p_items}
        for k, e in p_keys.items():
            methods[(e.label, e.method, k in g_keys)] += 1
            if k in g_keys:
                tp[e.label] += 1
                g = g_keys[k]
                norm_ok[e.label] += e.normalized == g["normalized"]
                if e.normalized != g["normalized"]:
                    errors.append(("normalized", e.label, e.text, f"{e.normalized} != {g['normalized']}", ""))
            else:
                fp[e.label] += 1
                over = [g for g in g_items if g["start"] < e.end and e.start < g["end"]]
                hint = "; gold: " + ",".join(f"{g['text']}/{g['label']}" for g in over) if over else ""
                errors.append(("spurious", e.label, e.text, e.method + hint, text[max(0, e.start - 10):e.end + 10].replace("\n", " ")))
        for k, g in g_keys.items():
            if k not in p_keys:
                fn[g["label"]] += 1
                over = [e for e in p_items if e.start < g["end"] and g["start"] < e.end]
                hint = ",".join(f"{e.text}/{e.label}" for e in over)
                errors.append(("missed", g["label"], g["text"], hint, g["context"].replace("\n", " ")))
            if any(e.label == g["label"] and e.start < g["end"] and g["start"] < e.end for e in p_items):
                lenient_tp[g["label"]] += 1
    return {"tp": tp, "fp": fp, "fn": fn, "lenient": lenient_tp, "norm_ok": norm_ok, "methods": methods,
            "errors": errors, "n_gold": len(gold), "n_docs": len({g["doc"] for g in gold}), "n_passages": len(passages)}


def evaluate_external(path: Path, system: str = "combined", limit: int | None = None) -> dict:
    """Strict PER/ORG/LOC scores on an annotated corpus in `../shared/ner`'s format
    (our GPE and LOC count as its LOC). `system`: `rules` (gazetteers, shapes and POS,
    as `POLICYTRACE_NER_MODEL=off` builds), `combined` (the rules and the trained CRF:
    the build's default), `model` (the CRF alone, its raw spans) or `ensemble` (the CRF's
    and the BiLSTM-CRF's marginals averaged, their raw spans)."""
    from pipelines.extract.entities import crf, model_mode

    tp, fp, fn = Counter(), Counter(), Counter()
    nlp = make_nlp()
    m = crf.model() if system in ("model", "ensemble") else None
    recs = list(islice(crf.read_corpus(path), limit))
    n, chars = len(recs), sum(len(r["text"]) for r in recs)
    with model_mode("on" if system == "combined" else "off"):
        if m is not None:  # all sentences in one batch, as the build tags a document's
            sents = [(r["text"], crf.words_of((t.text, t.tag_) for t in nlp.tokenizer(r["text"]))) for r in recs]
            preds = [{(s.start, s.end, s.label) for s in spans} for spans in m.tag_many(sents, ensemble=system == "ensemble")]
        else:
            preds = [{k for e in extract_entities(nlp(r["text"])) for k in _corpus_spans(e)} for r in recs]
    for rec, pred in zip(recs, preds):
        gold = {(e["start"], e["end"], crf.CORPUS_LABEL.get(e["label"], e["label"])) for e in rec["entities"]}
        for k in pred:
            (tp if k in gold else fp)[k[2]] += 1
        for k in gold - pred:
            fn[k[2]] += 1
    out = {"sentences": n, "chars": chars}
    for lab in ("PER", "ORG", "LOC", "all"):
        t = sum(tp.values()) if lab == "all" else tp[lab]
        f_p = sum(fp.values()) if lab == "all" else fp[lab]
        f_n = sum(fn.values()) if lab == "all" else fn[lab]
        p = t / (t + f_p) if t + f_p else 0.0
        r = t / (t + f_n) if t + f_n else 0.0
        out[lab] = {"gold": t + f_n, "P": round(p, 4), "R": round(r, 4), "F1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}
    return out


_UNNAMED = re.compile(r"^(?:我|本|该)|^祖国$")
_UNNAMED_LOC = frozenset({"内地", "內地"})  # mainland China beside Hong Kong: never a name in MSRA (0 of 82)


def _corpus_spans(e) -> list[tuple[int, int, str]]:
    """Our entity as the annotated corpora mark it: GPE counts as LOC; a run of
    abbreviations (`中美`, one GPE for us; `亚非`, one LOC) is one LOC per character there; places
    named by reference (`我国`, `本市`, `祖国`, `内地`) are not names there; EVENT, LAW and
    TERM have no counterpart."""
    from pipelines.extract.entities import crf

    label = crf.CORPUS_LABEL.get(e.label)
    if label is None or (e.label == "GPE" and _UNNAMED.search(e.text)) or e.text in _UNNAMED_LOC:
        return []
    if e.label in ("GPE", "LOC") and len(e.text) > 1 and (e.normalized == crf.expand(e.text) or (
            len(e.text) == 2 and e.normalized.count("、") == 1)):  # 亚非, 欧美 (欧洲、美洲), 港澳 (香港、澳门): one a character
        return [(i, i + 1, label) for i in range(e.start, e.end)]
    return [(e.start, e.end, label)]


def entity_scores(r: dict, label: str) -> tuple[float, float]:
    tp, fp, fn = r["tp"][label], r["fp"][label], r["fn"][label]
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)




# ---------------------------------------------------------------- structure and metadata of new documents

def _norm_path(path: str | None) -> str | None:
    """A path with unmarked parts in one notation: leads `¶n`, bullets `•n`, questions `?n`."""
    if path is None:
        return None
    parts = []
    for part in path.split("/"):
        part = re.sub(r"^(?:—|■|•)(\d+)$", r"•\1", part)
        part = re.sub(r"^？(\d+)$", r"?\1", part)
        parts.append(part)
    return "/".join(parts)


def _opening(title: str) -> str:
    """The first four characters of a title, blanks and quotes aside."""
    return re.sub(r"[\s“”\"*]", "", title)[:4]


def evaluate_structure(corpus: Path, gold_file: str, docs: dict | None = None) -> dict:
    """Units matched unit for unit on (path, marker, ordinal, kind) against a
    hand-labelled structure file (tests/data/structure_2025_*.jsonl,
    provincial_structure.jsonl). Gold that labels only some levels (`levels`)
    is compared on those kinds only."""
    from pipelines.extract.tasks import extract_tasks

    gold = jsonl(DATA / gold_file)
    docs = docs or documents_by_source(corpus)
    by_doc: dict[str, list[dict]] = {}
    for g in gold:
        by_doc.setdefault(g["doc"], [])
        if not g.get("none"):
            by_doc[g["doc"]].append(g)
    out = {}
    for src, units in by_doc.items():
        doc = _doc(docs, src)
        kinds = {u["kind"] for u in units}
        # A unit is the same when path, marker, ordinal and kind agree, and its title opens alike.
        want = [(_norm_path(u["path"]), u["marker"], u["ordinal"], u["kind"], _opening(u["title"])) for u in units]
        got_all = [(_norm_path(t.path), t.marker, t.ordinal, t.kind, _opening(t.title)) for t in extract_tasks(doc.text)]
        got = [g for g in got_all if not gold_file.startswith("provincial") or g[3] in kinds]
        want_set, got_set = set(want), set(got)
        out[src] = {"gold": len(want), "found": len(got), "matched": len(want_set & got_set), "exact": want == got,
                    "missed": [w for w in want if w not in got_set], "spurious": [g for g in got if g not in want_set]}
    return out


METADATA_FIELDS = ("title", "published", "issuer", "author", "doc_type", "doc_number", "level", "region")


def evaluate_metadata(corpus: Path, docs: dict | None = None, only: set[str] | None = None) -> dict:
    """Each metadata field against tests/data/metadata_2025.jsonl (titles
    compared with runs of blanks folded)."""
    docs = docs or documents_by_source(corpus)
    right, wrong = Counter(), []
    labels = [g for g in jsonl(DATA / "metadata_2025.jsonl") if only is None or g["doc"] in only]
    for g in labels:
        doc = _doc(docs, g["doc"])
        for field in METADATA_FIELDS:
            value = getattr(doc, field)
            value = value.isoformat() if hasattr(value, "isoformat") else value
            want = g[field]
            same = (re.sub(r"\s+", " ", value or "") == re.sub(r"\s+", " ", want or "")) if field == "title" else value == want
            right[field] += same
            if not same:
                wrong.append((g["doc"].rsplit("/", 1)[-1][:40], field, value, want))
    return {"n": len(labels), "right": right, "wrong": wrong}


TARGET_FIELDS = ("kind", "value", "value_high", "unit", "qualifier", "direction", "target", "subject")


def evaluate_targets(corpus: Path, docs: dict | None = None) -> dict:
    """The figures of the provincial reports' 2026 targets paragraphs against
    tests/data/provincial_targets.jsonl: each labelled figure is found by its
    context and text, then every column is compared."""
    docs = docs or documents_by_source(corpus)
    found, right, wrong = 0, Counter(), []
    labels = jsonl(DATA / "provincial_targets.jsonl")
    cache: dict[str, list] = {}
    for g in labels:
        doc = _doc(docs, g["doc"])
        if doc.doc_id not in cache:
            cache[doc.doc_id] = extract_figures(doc.text, doc.year)
        figs = cache[doc.doc_id]
        at = doc.text.find(g["context"] + g["text"])
        start = at + len(g["context"]) if at >= 0 else -1
        hit = next((f for f in figs if f.start == start and f.text == g["text"]), None)
        if hit is None:
            wrong.append((g["doc"].rsplit("/", 1)[-1][:30], g["text"], "not found", None, g["context"]))
            continue
        found += 1
        for field in TARGET_FIELDS:
            a, b = getattr(hit, field), g[field]
            same = same_value(a, b) if field in ("value", "value_high") else a == b
            right[field] += same
            if not same:
                wrong.append((g["doc"].rsplit("/", 1)[-1][:30], g["text"], field, a, b))
    return {"n": len(labels), "found": found, "right": right, "wrong": wrong}


def evaluate_task_alignment(out: str, a_ref: str, b_ref: str, gold_file: str = "compare_tasks_2023_2024.jsonl") -> dict:
    """Pairs and statuses of `policytrace compare` against an alignment written
    by reading (tests/data/compare_tasks_*.jsonl): a gold row names units by the
    opening of their title (and section); a pair is right when B's unit is paired
    with the A unit the reader paired it with (or, for `new`, with none)."""
    from pipelines.compare import compare

    rows = compare(out, a_ref, b_ref)["compare_tasks"].to_pylist()
    gold = jsonl(DATA / gold_file)

    def find(side: str, lead: str | None, section: str | None):
        if lead is None:
            return None
        key = _opening(lead)
        hits = [r for r in rows if r[f"{side}_title"] and _opening(r[f"{side}_title"]) == key
                and (section is None or section in (r[f"{side}_path"] or ""))]
        return hits[0] if hits else None

    gold_pairs = [g for g in gold if g["a_lead"] and g["b_lead"]]
    right_pairs = right_status = 0
    errors = []
    for g in gold:
        side, lead, section = ("b", g["b_lead"], g["b_section"]) if g["b_lead"] else ("a", g["a_lead"], g["a_section"])
        r = find(side, lead, section)
        if r is None:
            errors.append(("unit not found", g))
            continue
        want_a = _opening(g["a_lead"]) if g["a_lead"] else None
        got_a = _opening(r["a_title"]) if r["a_title"] and r["b_title"] else None
        if g["a_lead"] and g["b_lead"]:
            ok = got_a == want_a
            right_pairs += ok
            if not ok:
                errors.append(("pair", g["a_lead"], g["b_lead"], r["a_title"], r["status"]))
        right_status += r["status"] == g["status"]
        if r["status"] != g["status"]:
            errors.append(("status", g["a_lead"], g["b_lead"], r["status"], g["status"]))
    ours = [r for r in rows if r["a_task_id"] and r["b_task_id"] and any(
        g["b_lead"] and _opening(g["b_lead"]) == _opening(r["b_title"] or "") for g in gold)]
    return {"gold_units": len(gold), "gold_pairs": len(gold_pairs), "right_pairs": right_pairs, "our_pairs": len(ours),
            "right_status": right_status, "errors": errors}


def evaluate_target_pairs(out: str, gold_file: str = "compare_targets.jsonl") -> dict:
    """`compare_figures` of consecutive national reports against target pairs
    written by reading (tests/data/compare_targets.jsonl): for each labelled pair
    of figures (by their text and context), is it a row of compare_figures with
    both sides, and with the labelled status?"""
    from pipelines.compare import compare

    gold = jsonl(DATA / gold_file)
    years = sorted({int(y) for g in gold for y in g["pair"].split("->")})
    out_rows: dict[str, list[dict]] = {}
    for a, b in zip(years, years[1:]):
        tabs = compare(out, f"{a}年中华人民共和国国务院政府工作报告", f"{b}年中华人民共和国国务院政府工作报告")
        out_rows[f"{a}->{b}"] = tabs["compare_figures"].to_pylist()
    right_pair = right_status = 0
    errors = []
    for g in gold:
        rows = out_rows[g["pair"]]
        hit = next((r for r in rows if (g["b_text"] is None or r["b_text"] == g["b_text"])
                    and (g["a_text"] is None or r["a_text"] == g["a_text"])
                    and (r["a_text"] is not None) == (g["a_text"] is not None)
                    and (r["b_text"] is not None) == (g["b_text"] is not None)), None)
        if hit is None:
            errors.append((g["pair"], g["metric"], g["a_text"], g["b_text"], "not paired"))
            continue
        right_pair += 1
        right_status += hit["status"] == g["status"]
        if hit["status"] != g["status"]:
            errors.append((g["pair"], g["metric"], g["a_text"], g["b_text"], hit["status"], g["status"]))
    return {"gold": len(gold), "right_pair": right_pair, "right_status": right_status, "errors": errors}
