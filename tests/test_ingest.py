"""Ingest: reading every format and encoding, cleaning, metadata, rejections."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re

from conftest import SEED, SEEDS, corpus_inventory, doc_by_source

from pipelines.ingest import discover, read_documents
from pipelines.ingest.clean import clean_text
from pipelines.ingest.encoding import decode_bytes

_WS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def test_the_seed_and_every_corpus_document_are_read_none_rejected(corpus_docs, corpus):
    docs, rejected = corpus_docs
    n_corpus, _ = corpus_inventory(corpus)
    assert rejected == []
    assert len(docs) == 1 + n_corpus
    assert len({d.doc_id for d in docs}) == 1 + n_corpus
    assert len([d for d in docs if "peoples_daily/" in d.source]) == 17


def test_files_no_reader_takes_are_skipped_by_name(tmp_path):
    """A spreadsheet or an old .doc has no reader: listed with the reason, never read or crashed on."""
    (tmp_path / "good.md").write_bytes(SEED.read_bytes())
    (tmp_path / "table.xlsx").write_bytes(b"PK\x03\x04")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    files, rejected, skipped = discover([tmp_path])
    assert [f.name for f in files] == ["good.md"] and rejected == []
    reads = ".txt, .md, .markdown, .jsonl, .csv, .tsv, .html, .htm, .pdf, .docx"
    assert [(r.source.rsplit("/", 1)[-1], r.reason) for r in skipped] == [
        ("old.doc", f"no reader for .doc yet: policytrace reads {reads}"),
        ("table.xlsx", f"no reader for .xlsx yet: policytrace reads {reads}")]


def test_gb18030_district_reports_read_as_chinese(corpus_docs):
    docs, _ = corpus_docs
    hailaer = [d for d in docs if "hailaer" in d.source]
    assert len(hailaer) == 8
    for d in hailaer:
        assert d.encoding == "gb18030"
        assert d.text.startswith(("政府工作报告", "\u3000—2017年")), d.text[:20]
        assert "海拉尔区" in d.text and "各位代表" in d.text
        assert "\r" not in d.text


def test_report_header_gives_date_occasion_issuer_and_speaker(corpus_docs):
    docs, _ = corpus_docs
    gwr2024 = doc_by_source(docs, "government_work_reports.jsonl:1")
    assert gwr2024.published == dt.date(2024, 3, 5)
    assert gwr2024.occasion == "第十四届全国人民代表大会第二次会议"
    assert (gwr2024.issuer, gwr2024.author, gwr2024.year) == ("国务院", "李强", 2024)
    h2012 = doc_by_source(docs, "hailaer/2012.txt")
    assert (h2012.published, h2012.issuer, h2012.author) == (dt.date(2012, 2, 29), "海拉尔区人民政府", "张天喜")
    h2017 = doc_by_source(docs, "hailaer/2017.txt")  # header line starts `　—2017年2月11日`
    assert (h2017.published, h2017.author) == (dt.date(2017, 2, 11), "杨国宏")
    cpc19 = doc_by_source(docs, "cpc_congress_reports.jsonl:15")
    assert (cpc19.published, cpc19.author, cpc19.occasion) == (dt.date(2017, 10, 18), "习近平", "中国共产党第十九次全国代表大会")
    resolution = doc_by_source(docs, "government_work_reports.jsonl:4")
    assert resolution.published == dt.date(2023, 3, 13) and resolution.doc_type == "npc_resolution"


def test_seed_metadata_from_heading_blockquote_and_repost_footer():
    docs, rejected = read_documents([SEEDS])
    assert rejected == []
    (seed,) = docs
    assert seed.title == "何立峰同志署名文章：因地制宜发展新质生产力"
    assert (seed.author, seed.issuer, seed.published) == ("何立峰", "人民日报", dt.date(2025, 11, 11))
    assert seed.url.startswith("https://tyd2000.github.io/posts/%E4%BD%95%E7%AB%8B%E5%B3%B0")
    # The footer is metadata, not content to analyse.
    assert "t0ur1st" not in seed.text and "https://" not in seed.text
    assert seed.text.endswith("共促全球经济繁荣、稳定和可持续发展。")
    assert seed.extra["reposted_by"] == "t0ur1st"


def test_cleaning_never_changes_wording(corpus_docs, corpus):
    """Only whitespace and zero-width characters go, and the footers the
    document says were cut: the rest of the raw text is the cleaned text, to
    the character."""
    docs, _ = corpus_docs
    n_corpus, _ = corpus_inventory(corpus)
    raw_by_source = {}
    for name in ("government_work_reports.jsonl", "cpc_congress_reports.jsonl"):
        path = corpus / "national" / name
        for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            if line.strip():
                raw_by_source[f"{path}:{i}"] = json.loads(line)["content"]
    for p in sorted((corpus / "hailaer").glob("*.txt")):
        raw_by_source[str(p)] = p.read_bytes().decode("gb18030")
    for p in sorted((corpus / "peoples_daily").glob("*.md")):
        raw_by_source[str(p)] = re.sub(r"\A---\n.*?\n---\n", "", p.read_text(encoding="utf-8"), flags=re.S)
    for p in sorted((corpus / "provincial").glob("*.csv")):
        raw_by_source[f"{p}:2"] = list(csv.DictReader(p.read_text(encoding="utf-8-sig").splitlines(keepends=True)))[0]["full_text"]
    raw_by_source[str(SEEDS / SEED.name)] = SEED.read_text(encoding="utf-8")
    cut_by_footer = {"licence": 0, "repost": 0}
    removed_lines = []
    for d in docs:
        if d.source not in raw_by_source:
            continue  # web pages: their text is what the HTML reader extracted (tests/test_readers.py)
        raw = raw_by_source[d.source]
        for cut in d.extra.get("removed_lines", []):  # noise lines, each recorded with its kind
            removed_lines.append(cut)
            line = cut.split(": ", 1)[1]
            assert line in raw, (d.source, cut)
            raw = raw.replace(line, "", 1)
        kept, original = _WS.sub("", d.text), _WS.sub("", raw)
        assert original.startswith(kept), d.source
        cut = original[len(kept):]
        footers = d.extra.get("removed_footers", [])
        if not footers:
            assert cut == "", (d.source, cut[:60])
        elif footers == ["licence"]:
            assert re.match(r"[^。]{0,80}(?:本作品|这部作品)", cut), (d.source, cut[:60])
        else:
            assert footers == ["repost"] and re.match(r"(?:-{3,}|\*{3,}|_{3,})>", cut), (d.source, cut[:60])
        for f in footers:
            cut_by_footer[f] += 1
    assert len(docs) == 1 + n_corpus
    assert cut_by_footer == {"licence": 77, "repost": 1}
    toolbar = ["toolbar: " + w for w in ("下载", "打印", "全屏", "收藏", "【字号：", "加大", "还原", "减小", "】")]
    assert sorted(removed_lines) == sorted(
        ["caption: 新华社记者  王  晔摄", "credit: 数据来源：国家医保局", "credit: 制图：蔡华伟"] + 3 * toolbar
        + ["head_meta: 来源：浙江日报", "head_meta: 时间：2026-01-22", "head_meta: 来源：北京日报", "head_meta: 时间：2026-02-02",
           "head_meta: 来源：解放日报", "head_meta: 时间：2026-02-09"])  # 77 Wikisource records; the seed


def test_cleaning_repairs_known_defects(corpus_docs):
    docs, _ = corpus_docs
    gwr2021 = doc_by_source(docs, "government_work_reports.jsonl:7")
    assert gwr2021.text.startswith("政府工作报告\n")  # was `政府工作报\n告` after a zero-width line
    assert "交出一份人民满意" in gwr2021.text  # was `人\n\u200b\n民满意`
    for d in docs:
        assert not re.search("[\u200b\u200c\u200d\u2060\ufeff]", d.text), d.source
    h2012 = doc_by_source(docs, "hailaer/2012.txt")
    assert h2012.text.startswith("政府工作报告")  # was `政 府 工 作 报 告`
    gwr2024 = doc_by_source(docs, "government_work_reports.jsonl:1")
    assert "本作品是中华人民共和国的" not in gwr2024.text  # Wikisource licence footer cut


def test_clean_text_keeps_paragraphs_of_one_line_each():
    text = "第一段，没有空行。\n第二段\n第三段。"
    assert clean_text(text) == text


def test_encodings_are_detected_and_recorded():
    s = "国务院总理李强作政府工作报告。"
    assert decode_bytes(s.encode("utf-8"), "a") == (s, "utf-8")
    assert decode_bytes("\ufeff".encode() + s.encode("utf-8"), "a") == (s, "utf-8-sig")
    assert decode_bytes(s.encode("utf-16"), "a") == (s, "utf-16")
    assert decode_bytes(s.encode("utf-16-le"), "a") == (s, "utf-16-le")
    assert decode_bytes(s.encode("gbk"), "a") == (s, "gb18030")


def test_bad_inputs_are_rejected_by_name_and_the_rest_is_read(tmp_path):
    seed_copy = tmp_path / "good.txt"
    seed_copy.write_bytes(SEED.read_bytes())
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "gbk.txt").write_bytes("政府工作报告\n\n各位代表：现在我代表区政府作报告。".encode("gbk"))
    lines = [json.dumps({"title": "一", "content": "第一篇。"}, ensure_ascii=False), '{"title": "坏的", "content": ', json.dumps({"title": "三", "content": "第三篇。"}, ensure_ascii=False)]
    (tmp_path / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    docs, rejected = read_documents([tmp_path])
    reasons = {r.source.removeprefix(str(tmp_path) + "/"): r.reason for r in rejected}
    assert reasons["binary.txt"].startswith("binary file")
    assert reasons["empty.md"] == "empty file"
    assert reasons["corpus.jsonl:2"].startswith("malformed JSON")
    assert reasons["notes.docx"].startswith("not a readable .docx file (BadZipFile")  # a truncated Word file
    assert len(reasons) == 4
    by_name = {d.source.removeprefix(str(tmp_path) + "/"): d for d in docs}
    assert set(by_name) == {"good.txt", "gbk.txt", "corpus.jsonl:1", "corpus.jsonl:3"}
    assert by_name["gbk.txt"].encoding == "gb18030" and by_name["gbk.txt"].text.startswith("政府工作报告")
    assert by_name["corpus.jsonl:3"].title == "三"


def test_half_a_surrogate_pair_is_rejected_by_line_and_field(tmp_path):
    """A JSON escape `\\ud800` without its partner decodes to no character at all: the line
    is rejected, naming the field and the position; its neighbours are read, and a pair
    (`\\ud83d\\ude00`, one emoji) is text like any other."""
    (tmp_path / "c.jsonl").write_text(
        '{"title": "一", "content": "国务院总理李强主持会议。"}\n'
        '{"title": "二", "content": "国务院总理李强\\ud800主持会议。"}\n'
        '{"title": "三\\udc00", "content": "第三篇。"}\n'
        '{"title": "四", "content": "第四篇\\ud83d\\ude00。"}\n', encoding="utf-8")
    docs, rejected = read_documents([tmp_path])
    reasons = {r.source.removeprefix(str(tmp_path) + "/"): r.reason for r in rejected}
    assert reasons == {
        "c.jsonl:2": "not valid text: field 'text' holds a lone UTF-16 surrogate \\ud800 at character 7 "
                     "(half of an escaped pair, e.g. a JSON \\ud800 without its partner)",
        "c.jsonl:3": "not valid text: field 'title' holds a lone UTF-16 surrogate \\udc00 at character 1 "
                     "(half of an escaped pair, e.g. a JSON \\udc00 without its partner)",
    }
    assert [d.text for d in docs] == ["国务院总理李强主持会议。", "第四篇\U0001F600。"]


def test_jsonl_fields_can_be_named_by_the_user(tmp_path):
    from pipelines.ingest import FieldMap

    (tmp_path / "c.jsonl").write_text(json.dumps({"标题": "通知", "正文": "各地区：现将有关事项通知如下。", "发布日期": "2025-03-05"}, ensure_ascii=False) + "\n", encoding="utf-8")
    docs, rejected = read_documents([tmp_path], FieldMap({"title": "标题"}))
    assert rejected == []
    assert (docs[0].title, docs[0].published, docs[0].text) == ("通知", dt.date(2025, 3, 5), "各地区：现将有关事项通知如下。")


def test_doc_id_is_derived_from_content(tmp_path):
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b.txt").write_bytes(SEED.read_bytes().replace(b"\n", b"\r\n"))
    docs, rejected = read_documents([tmp_path])
    (seed,), _ = read_documents([SEED])
    assert [d.doc_id for d in docs] == [seed.doc_id]  # CRLF copy cleans to the same text
    assert rejected[0].reason.startswith("duplicate of")


def _official_text(corpus, line: int) -> str:
    """The body of an official document from the corpus (public domain in China)."""
    path = corpus / "national" / "government_work_reports.jsonl"
    return json.loads(path.read_text(encoding="utf-8").split("\n")[line - 1])["content"]


def test_front_matter_in_the_formats_crawlers_write(tmp_path, corpus):
    """Front matter as public crawlers of gov.cn write it (their documented
    headers, copied verbatim), over a real resolution's text."""
    body = _official_text(corpus, 2)
    (tmp_path / "law_crawler.md").write_text(
        "---\ntitle: 第十四届全国人民代表大会第二次会议关于政府工作报告的决议\nsource_url: https://www.gov.cn/yaowen/liebiao/202403/content_6939563.htm\n"
        "source_site: www_gov_cn\ncategory: regulation\npublished_at: '2024-03-11'\ncrawled_at: '2026-03-05T08:00:00.000000Z'\nkeyword: 政府工作报告\n---\n\n" + body,
        encoding="utf-8",
    )
    (tmp_path / "tax_kb.md").write_text(
        "---\nsource_url: https://www.gov.cn/zhengce/content/202308/content_6901206.htm\ndoc_number: 国发〔2023〕13号\neffective_from: 2023-01-01\n"
        "expiry_date: null\nmodule: 一\ncategory: tax_law\ncity: national\ndoc_title: 国务院关于提高个人所得税有关专项附加扣除标准的通知\n---\n\n"
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n\n为进一步减轻家庭生育养育和赡养老人的支出负担，依据《中华人民共和国个人所得税法》有关规定，国务院决定，提高个人所得税有关专项附加扣除标准。\n",
        encoding="utf-8",
    )
    (tmp_path / "hexo_post.md").write_text("---\ntitle: 政府工作报告词云\nauthor:\n\tname: someone\n---\n\n正文。\n", encoding="utf-8")
    docs, rejected = read_documents([tmp_path])
    by_name = {d.source.rsplit("/", 1)[-1]: d for d in docs}
    crawler = by_name["law_crawler.md"]
    assert crawler.title == "第十四届全国人民代表大会第二次会议关于政府工作报告的决议"
    assert crawler.published == dt.date(2024, 3, 11)
    assert crawler.url == "https://www.gov.cn/yaowen/liebiao/202403/content_6939563.htm"
    assert crawler.text.startswith("第十四届全国人民代表大会第二次会议听取和审议了国务院总理李强所作的政府工作报告。")
    assert "source_site" not in crawler.text
    tax = by_name["tax_kb.md"]
    assert tax.title == "国务院关于提高个人所得税有关专项附加扣除标准的通知" and tax.issuer == "国务院"
    assert tax.url.endswith("content_6901206.htm")
    # Tab-indented YAML (as some blog generators write it) is not valid YAML.
    assert [(r.source.rsplit("/", 1)[-1], r.reason.split(" (")[0]) for r in rejected] == [("hexo_post.md", "front matter is not valid YAML")]


def test_a_folder_that_links_back_to_itself_is_read_once(tmp_path):
    """A symlink loop (`a/back -> ..`) does not hang discovery, and no file is read twice."""
    import shutil

    (tmp_path / "a").mkdir()
    shutil.copy(SEED, tmp_path / "a" / SEED.name)
    (tmp_path / "a" / "back").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "self").symlink_to(tmp_path / "a", target_is_directory=True)
    docs, rejected = read_documents([tmp_path])
    assert [d.source for d in docs] == [str(tmp_path / "a" / SEED.name)] and rejected == []


def test_a_200_mb_input_is_refused_by_name_before_it_is_read(tmp_path, monkeypatch):
    """A file over `$POLICYTRACE_MAX_FILE_MB` (default 100) is rejected with its size and the
    limit, without reading it (a sparse file here); the rest of the folder is read."""
    import shutil

    shutil.copy(SEED, tmp_path / SEED.name)
    with open(tmp_path / "huge.jsonl", "wb") as fh:
        fh.truncate(200 * 2**20)
    docs, rejected = read_documents([tmp_path])
    assert [d.source for d in docs] == [str(tmp_path / SEED.name)]
    assert [(r.source, r.reason) for r in rejected] == [(str(tmp_path / "huge.jsonl"),
        "200 MB, over the 100 MB limit for one input file (POLICYTRACE_MAX_FILE_MB): split it, JSONL and CSV into several files")]
    monkeypatch.setenv("POLICYTRACE_MAX_FILE_MB", "0.01")
    assert read_documents([tmp_path / SEED.name])[1][0].reason.startswith("0.015 MB, over the 0.01 MB limit")


def test_unicode_line_breaks_are_line_endings(tmp_path):
    """Text copied from the web or Word breaks lines with U+2028 or \\x0b, and PDF pages with
    \\x0c: they are line endings, so a heading stays on its own line and the tasks under
    it are found."""
    from pipelines.extract.tasks import extract_tasks

    (tmp_path / "a.txt").write_text("政府工作报告\x0c\n一、过去一年工作回顾\u2028（一）稳定经济增长。\x0b（二）扩大内需。\u2029二、今年主要任务\n",
                                    encoding="utf-8")
    (doc,), rejected = read_documents([tmp_path])
    assert rejected == []
    assert doc.text == "政府工作报告\n\n一、过去一年工作回顾\n（一）稳定经济增长。\n（二）扩大内需。\n\n二、今年主要任务"
    tasks = extract_tasks(doc.text)
    assert [(t.path, t.title) for t in tasks] == [
        ("一", "过去一年工作回顾"), ("一/（一）", "稳定经济增长"), ("一/（二）", "扩大内需"), ("二", "今年主要任务")]


def test_file_names_that_are_not_utf8_are_read_and_named(tmp_path):
    """A GBK file name (an archive made on Chinese Windows) reaches Python as surrogates,
    which crashed the build when `source` went to Parquet: it is named in GB18030, and a
    name that is not that either shows its bytes."""
    import os

    from pipelines.build import build

    folder = os.fsencode(tmp_path)
    with open(folder + b"/\xd5\xfe\xb8\xae.txt", "wb") as fh:  # 政府 in GBK
        fh.write("国务院总理李强主持会议。".encode())
    with open(folder + b"/\xff\xfe.txt", "wb") as fh:
        fh.write("第二篇。".encode())
    docs, rejected = read_documents([tmp_path])
    assert rejected == []
    assert sorted(d.source.removeprefix(str(tmp_path) + "/") for d in docs) == ["\\xff\\xfe.txt", "政府.txt"]
    result = build([str(tmp_path)], str(tmp_path / "out"))
    assert result.row_counts["documents"] == 2
    # the manifest names them readably and keeps the bytes, so `compare FILE` can find them again
    from pathlib import Path

    from pipelines.build import input_path
    from pipelines.store.dataset import Dataset

    inputs = Dataset(str(tmp_path / "out")).manifest().inputs
    assert sorted(Path(i["path"]).name for i in inputs) == ["\\xff\\xfe.txt", "政府.txt"]
    assert all(Path(input_path(i)).is_file() for i in inputs)
