"""Scale: peak memory, throughput and output size at 1x, 4x and 10x the national corpus,
and the storage a one-document change adds.

    .venv/bin/python benchmarks/scale.py [--factors 1,4,10] [--workers 1]

The copies are distinct documents: copy k of each national report has its paragraphs
shuffled with seed k (so every doc_id differs), written as JSONL. Each build runs in
a fresh process (`pipelines.build.build`, no Prefect) into an empty folder, with the
trained entity model (the default); peak RSS is that process's (`ru_maxrss`; with
--workers > 1 the worker processes are not counted). Throughput is compared with the
1x build of the same run.

Then the storage of a change: the 1x dataset plus one more report (a shuffled copy of
the 2024 report), against that report's own table bytes (a dataset of it alone). Bytes
on disk count a file that versions share by hard link once.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = """
import json, resource, sys, time
from pipelines.build import build
t = time.perf_counter()
r = build([sys.argv[1]], sys.argv[2], workers=int(sys.argv[3]))
print(json.dumps({"seconds": time.perf_counter() - t, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": r.row_counts, "version": r.version}))
"""


def inodes(path: Path) -> dict[tuple[int, int], tuple[str, int]]:
    """Every Parquet file under `path` once, by inode: a part two versions share by hard
    link takes its bytes on disk once. -> {(dev, inode): (table, bytes)}"""
    out = {}
    for p in path.rglob("*.parquet"):
        st = p.stat()
        out[(st.st_dev, st.st_ino)] = (p.relative_to(path).parts[0], st.st_size)
    return out


def folder_bytes(path: Path) -> int:
    return sum(size for _, size in inodes(path).values())


def version_bytes(out: Path, version: str) -> int:
    return sum(p.stat().st_size for p in out.glob(f"*/version={version}/*.parquet"))


def run_build(inputs: Path, out: Path, workers: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", BUILD, str(inputs), str(out), str(workers)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def shuffled(text: str, seed: int) -> str:
    paras = [p for p in text.split("\n") if p.strip()]
    random.Random(seed).shuffle(paras)
    return "\n".join(paras)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--factors", default="1,4,10")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "national")
    args = ap.parse_args()
    from pipelines.ingest import read_documents

    docs, _ = read_documents([args.corpus])
    chars = sum(len(d.text) for d in docs)
    factors = [int(f) for f in args.factors.split(",")]
    print(f"national corpus: {len(docs)} documents, {chars:,} characters; workers={args.workers}")
    print(f"{'copies':>6} {'documents':>10} {'characters':>12} {'seconds':>8} {'chars/s':>9} {'vs 1x':>6} {'peak RSS MB':>12} {'Parquet MB':>11}")
    base_rate = None
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for k in factors:
            inputs = tmp / f"in{k}"
            inputs.mkdir()
            with open(inputs / "copies.jsonl", "w", encoding="utf-8") as fh:
                for c in range(k):
                    for d in docs:
                        text = d.text if c == 0 else shuffled(d.text, c)
                        fh.write(json.dumps({"title": f"{d.title or ''} [{c}]", "text": text}, ensure_ascii=False) + "\n")
            out = tmp / f"out{k}"
            r = run_build(inputs, out, args.workers)
            rate = chars * k / r["seconds"]
            base_rate = base_rate or rate
            print(f"{k:>6} {len(docs) * k:>10,} {chars * k:>12,} {r['seconds']:>8.1f} {rate:>9,.0f} {rate / base_rate:>6.2f} "
                  f"{r['rss_mb']:>12,.0f} {folder_bytes(out) / 2**20:>11.1f}")
            if k == 1:
                one = tmp / "one"
                one.mkdir()
                extra = next(d for d in docs if d.year == 2024)
                rec = {"title": "added report", "text": shuffled(extra.text, 999)}
                (one / "added.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
                alone = run_build(one, tmp / "alone", args.workers)
                own = version_bytes(tmp / "alone", alone["version"])
                (inputs / "added.jsonl").write_text((one / "added.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
                before = inodes(out)
                run_build(inputs, out, args.workers)
                new = {k: v for k, v in inodes(out).items() if k not in before}
                added = sum(size for _, size in new.values())
                by_table: dict[str, int] = {}
                for table, size in new.values():
                    by_table[table] = by_table.get(table, 0) + size
                print(f"       one report added to the 1x dataset: {added / 2**20:.2f} MB more on disk "
                      f"({', '.join(f'{t} {b / 2**10:.0f} KB' for t, b in sorted(by_table.items(), key=lambda kv: -kv[1]))}); "
                      f"the report's own tables {own / 2**20:.2f} MB; ratio {added / own:.2f}x (goal <= 2x)")

if __name__ == "__main__":
    main()
