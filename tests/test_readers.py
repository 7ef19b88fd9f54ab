"""Readers for the forms documents really arrive in: CSV exports, saved web
pages, PDF and Word files; and the metadata of the new documents against labels
written by reading (tests/data/metadata_2025.jsonl, web_pages.jsonl)."""

from __future__ import annotations

import io
import json
import re

from conftest import DATA, SEED

from pipelines.ingest import read_documents
from pipelines.qa.scoring import METADATA_FIELDS, documents_by_source, evaluate_metadata

PROVINCIAL_TEXT = ("2026年浙江省政府工作报告\n2026年1月14日在浙江省第十四届人民代表大会第四次会议上\n浙江省省长 刘捷\n各位代表：\n"
                   "现在，我代表省人民政府向大会作政府工作报告。\n一、2025年主要工作和“十四五”发展成就\n"
                   "全省生产总值增长5.5%，一般公共预算收入增长1.8%。")


def _labels(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


# ---------------------------------------------------------------- CSV


def test_provincial_csv_reports_are_read_with_their_metadata(corpus):
    docs, rejected = read_documents([corpus / "provincial"])
    assert rejected == []
    got = {(d.title, d.issuer, d.author, str(d.published), d.level, d.region, d.doc_type) for d in docs}
    assert got == {
        ("2026年浙江省政府工作报告", "浙江省人民政府", "刘捷", "2026-01-22", "provincial", "浙江省", "government_work_report"),
        ("2026年北京市政府工作报告", "北京市人民政府", "殷勇", "2026-02-02", "provincial", "北京市", "government_work_report"),
        ("2026年上海市政府工作报告", "上海市人民政府", "龚正", "2026-02-09", "provincial", "上海市", "government_work_report"),
    }
    for d in docs:
        assert d.source.endswith(".csv:2") and d.text.startswith(d.title), d.text[:40]  # toolbar and 来源/时间 lines cut
        assert "下载" not in d.text[:20] and d.extra["source_name"].endswith("日报")


def test_a_broken_csv_row_is_rejected_by_line_and_the_others_are_read(tmp_path):
    rows = ["province,year,title,full_text", f'浙江,2026,第一篇,"{PROVINCIAL_TEXT}"', "北京,2026,缺一列", "上海,2026,第三篇,各位代表：现在，我代表市人民政府作报告。"]
    (tmp_path / "reports.csv").write_text("\ufeff" + "\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "open_quote.csv").write_text('title,text\n好,"没有结束的引号\n', encoding="utf-8")
    docs, rejected = read_documents([tmp_path])
    reasons = {r.source.rsplit("/", 1)[-1]: r.reason for r in rejected}
    first_row_lines = PROVINCIAL_TEXT.count("\n") + 1
    assert reasons == {
        f"reports.csv:{2 + first_row_lines}": "malformed CSV row: 3 fields where the header has 4",
        "open_quote.csv:2": "malformed CSV row (unexpected end of data)",
    }
    assert [(d.title, d.source.rsplit("/", 1)[-1]) for d in docs] == [("第一篇", "reports.csv:2"), ("第三篇", f"reports.csv:{3 + first_row_lines}")]
    assert docs[0].author == "刘捷" and docs[0].issuer == "浙江省人民政府"


# ---------------------------------------------------------------- HTML


def test_saved_pages_give_the_article_and_the_page_metadata(corpus):
    docs = {d.source.rsplit("/", 1)[-1]: d for d in read_documents([corpus / "web"])[0]}
    for label in _labels("web_pages.jsonl"):
        d = docs[label["doc"].rsplit("/", 1)[-1]]
        squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
        text = squash(d.text)
        assert text.startswith(squash(label["first_sentence"])), (d.source, d.text[:60])
        assert squash(label["last_sentence"]) in text[-len(squash(label["last_sentence"])) - 12:], (d.source, d.text[-60:])
        assert (d.title, str(d.published)) == (label["title"], label["published"])
        assert "\n\n" in d.text or d.text.count("。") < 6  # paragraphs kept
    assert docs["2016-11-22_zhejiang-drc-deqing-investment-stats-page.html"].url == "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html"


def test_a_page_without_an_article_is_rejected_with_the_reason(tmp_path):
    nav = "".join(f'<li><a href="/n{i}.html">国务院政策文件库 第{i}页</a></li>' for i in range(30))
    (tmp_path / "index.html").write_text(f"<html><head><title>政策文件-中国政府网</title></head><body><ul>{nav}</ul></body></html>", encoding="utf-8")
    docs, rejected = read_documents([tmp_path])
    assert docs == [] and len(rejected) == 1
    assert rejected[0].reason.startswith("no article found: the page's main text has ")
    assert rejected[0].reason.endswith("so it is an index or navigation page, not a document")


def test_gov_cn_info_table_gives_number_issuer_and_dates(tmp_path):
    body = "".join(f"<p>{p}</p>" for p in SEED.read_text(encoding="utf-8").split("\n") if len(p) > 40 and not p.startswith(">"))
    table = ("<table><tr><td>索引号：</td><td>000014349/2025-00012</td><td>主题分类：</td><td>国民经济管理</td></tr>"
             "<tr><td>发文机关：</td><td>国务院办公厅</td><td>成文日期：</td><td>2025年03月02日</td></tr>"
             "<tr><td>标题：</td><td>国务院办公厅关于做好新质生产力培育工作的通知</td></tr>"
             "<tr><td>发文字号：</td><td>国办发〔2025〕5号</td><td>发布日期：</td><td>2025年03月05日</td></tr></table>")
    html = (f"<html><head><title>国务院办公厅关于做好新质生产力培育工作的通知_国务院文件_中国政府网</title></head>"
            f"<body><div class='nav'>首页 | 简 | 繁 | EN</div>{table}<div class='article'>{body}</div>"
            f"<div class='footer'>版权所有：中国政府网 | 中文域名：中国政府网.政务</div></body></html>")
    (tmp_path / "content_1.htm").write_text(html, encoding="utf-8")
    (doc,), rejected = read_documents([tmp_path])
    assert rejected == []
    assert (doc.title, doc.issuer, doc.doc_number, str(doc.published)) == (
        "国务院办公厅关于做好新质生产力培育工作的通知", "国务院办公厅", "国办发〔2025〕5号", "2025-03-02")
    assert (doc.doc_type, doc.level) == ("notice", "national")
    assert "版权所有" not in doc.text and "首页" not in doc.text and "新质生产力" in doc.text


# ---------------------------------------------------------------- PDF (made here from the seed with reportlab)


def _pdf(paragraphs: list[str], *, header: str | None = "国务院公报", encrypt: str | None = None, text: bool = True) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    indented = ["\u3000\u3000" + p for p in paragraphs]  # Chinese paragraphs open with two blanks
    lines = [p[i:i + 38] for p in indented for i in range(0, len(p), 38)]
    page = 1
    for start in range(0, len(lines), 40):
        if header:
            c.setFont("STSong-Light", 9)
            c.drawString(72, 810, header)
        c.setFont("STSong-Light", 11)
        if text:
            for k, line in enumerate(lines[start:start + 40]):
                c.drawString(60, 780 - 18 * k, line)
        else:
            c.rect(60, 100, 400, 600, fill=1)  # a scanned page: an image, no text
        c.setFont("STSong-Light", 9)
        c.drawString(290, 40, f"— {page} —")
        c.showPage()
        page += 1
    c.save()
    return buf.getvalue()


def _seed_paragraphs() -> list[str]:
    (seed,), _ = read_documents([SEED])
    return [p.strip().lstrip("#").strip() for p in seed.text.split("\n") if p.strip() and not p.startswith(">") and "---" not in p]


def test_pdf_text_layer_without_headers_footers_page_numbers_and_with_paragraphs_joined(tmp_path):
    paragraphs = _seed_paragraphs()
    (tmp_path / "seed.pdf").write_bytes(_pdf(paragraphs))
    (doc,), rejected = read_documents([tmp_path])
    assert rejected == [] and doc.encoding == "pdf"
    assert "国务院公报" not in doc.text and not re.search(r"—\s*\d+\s*—", doc.text)
    got = [p for p in doc.text.split("\n\n")]
    assert got == paragraphs  # every paragraph back whole, across line and page breaks


def test_a_scanned_or_encrypted_pdf_is_rejected_with_the_reason(tmp_path):
    (tmp_path / "scan.pdf").write_bytes(_pdf(["扫描件"] * 50, text=False, header=None))
    (tmp_path / "locked.pdf").write_bytes(_pdf(_seed_paragraphs()[:5], encrypt="secret"))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n")
    docs, rejected = read_documents([tmp_path])
    reasons = {r.source.rsplit("/", 1)[-1]: r.reason for r in rejected}
    assert docs == []
    assert reasons["scan.pdf"] == "no text layer: a scanned PDF of 2 page(s); policytrace does no OCR"
    assert reasons["locked.pdf"] == "encrypted PDF: it needs a password to be read"
    assert reasons["broken.pdf"].startswith("not a readable PDF (")


# ---------------------------------------------------------------- Word (made here with python-docx)


def test_docx_paragraphs_and_heading_styles(tmp_path):
    import docx

    d = docx.Document()
    d.core_properties.author = "国务院办公厅"
    d.add_heading("关于加快发展新质生产力的意见", level=0)
    d.add_heading("一、总体要求", level=1)
    d.add_paragraph("坚持以习近平新时代中国特色社会主义思想为指导，因地制宜发展新质生产力。")
    d.add_heading("二、重点任务", level=1)
    d.add_paragraph("（一）强化科技创新。加快高水平科技自立自强。")
    d.add_paragraph("（二）培育壮大新兴产业。实施产业创新工程。")
    d.save(tmp_path / "opinion.docx")
    data = (tmp_path / "opinion.docx").read_bytes()
    (tmp_path / "truncated.docx").write_bytes(data[: len(data) // 2])
    docs, rejected = read_documents([tmp_path])
    assert [(r.source.rsplit("/", 1)[-1], r.reason.split(" (")[0]) for r in rejected] == [("truncated.docx", "not a readable .docx file")]
    (doc,) = docs
    assert doc.title == "关于加快发展新质生产力的意见" and doc.doc_type == "opinion"
    assert doc.text.split("\n\n")[1:3] == ["## 一、总体要求", "坚持以习近平新时代中国特色社会主义思想为指导，因地制宜发展新质生产力。"]
    from pipelines.extract.tasks import extract_tasks

    assert [(t.path, t.title) for t in extract_tasks(doc.text)] == [
        ("一", "总体要求"), ("二", "重点任务"), ("二/（一）", "强化科技创新"), ("二/（二）", "培育壮大新兴产业")]


# ---------------------------------------------------------------- metadata against labels written by reading


# First run (before the metadata rules for prints): 20 documents, title 14, published 20,
# issuer 7, author 16, doc_type 19, doc_number 19, level 6, region 20 (121 of 160). Now every field.
def test_metadata_of_the_new_documents_as_labelled(corpus):
    r = evaluate_metadata(corpus, documents_by_source(corpus))
    assert r["n"] == 20
    assert r["wrong"] == []
    assert all(r["right"][f] == 20 for f in METADATA_FIELDS)
