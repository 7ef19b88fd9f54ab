"""Main-text extraction from saved web pages: trafilatura, readability-lxml and GNE.

    .venv/bin/python benchmarks/html_extractors.py [CORPUS_DIR]

For each page of CORPUS_DIR/web (default ../shared/corpus) the article was
labelled by reading (tests/data/web_pages.jsonl: its first and last sentence).
The reference article is the page's visible text from the first sentence to the
last. For each library this prints, per page, the share of the article's
characters the library kept (recall) and the share of what it extracted that
is not article (boilerplate), both over non-blank characters, aligned with
difflib (autojunk off). The chosen library must reach >= 0.95 kept and
<= 0.05 boilerplate on every page. Exit status 1 when trafilatura does not.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path

import lxml.html

from pipelines.ingest.readers.html import main_text, page_metadata

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "web_pages.jsonl"


def visible_text(html: str) -> str:
    tree = lxml.html.fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    return tree.text_content()


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def reference(html: str, first: str, last: str) -> str:
    page = squash(visible_text(html))
    a, b = page.find(squash(first)), page.rfind(squash(last))
    if a < 0 or b < 0:
        raise SystemExit(f"labelled sentences not found in the page: {first[:20]!r} / {last[:20]!r}")
    return page[a:b + len(squash(last))]


def scores(ref: str, out: str) -> tuple[float, float]:
    out = squash(out)
    matched = sum(m.size for m in difflib.SequenceMatcher(None, ref, out, autojunk=False).get_matching_blocks())
    return matched / max(len(ref), 1), (len(out) - matched) / max(len(out), 1)


def extractors():
    import trafilatura
    from gne import GeneralNewsExtractor
    from readability import Document

    def tree_title(html):
        tree = lxml.html.fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
        return page_metadata(tree).get("title")

    return {
        "trafilatura (policytrace)": lambda html: main_text(html, tree_title(html)),
        "trafilatura (default)": lambda html: trafilatura.extract(html) or "",
        "readability-lxml": lambda html: lxml.html.fromstring(Document(html).summary()).text_content(),
        "gne": lambda html: GeneralNewsExtractor().extract(html)["content"],
    }


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    ok = True
    print(f"{'page':<48}{'library':<28}{'kept':>8}{'boilerplate':>13}")
    for lab in labels:
        html = (corpus / lab["doc"].removeprefix("corpus/")).read_text(encoding="utf-8")
        ref = reference(html, lab["first_sentence"], lab["last_sentence"])
        for name, fn in extractors().items():
            try:
                kept, noise = scores(ref, fn(html))
            except Exception as exc:  # a library that fails on a page scores 0 there
                kept, noise = 0.0, 1.0
                name += f" ({type(exc).__name__})"
            print(f"{Path(lab['doc']).name[:46]:<48}{name:<28}{kept:>8.3f}{noise:>13.3f}")
            if name == "trafilatura (policytrace)" and (kept < 0.95 or noise > 0.05):
                ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
