"""Score document metadata against labels written by reading (tests/data/metadata_2025.jsonl).

    .venv/bin/python benchmarks/eval_metadata.py [--corpus ../shared/corpus]

For the 17 人民日报 2025 prints and the 3 provincial 2026 reports: title,
published, issuer, author, doc_type, doc_number, level and region, each right
or wrong per document (titles compared with runs of blanks folded); the wrong
ones are listed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.qa.scoring import (
    METADATA_FIELDS,
    ROOT,
    documents_by_source,
    evaluate_metadata,
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = ap.parse_args(argv)
    r = evaluate_metadata(args.corpus, documents_by_source(args.corpus))
    print(f"{r['n']} documents labelled by reading")
    for field in METADATA_FIELDS:
        print(f"  {field:<12}{r['right'][field]:>3} of {r['n']}")
    for doc, field, got, want in r["wrong"]:
        print(f"  wrong: {doc} {field}: {got!r}, labelled {want!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
