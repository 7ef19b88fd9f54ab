"""Compare two dataset versions table by table, row for row.

    python -m pipelines.qa.dataset_diff DIR_A DIR_B [--version-a V] [--version-b V]

Two builds of the same inputs must give the same rows in the same order; only
the pipeline version (in the manifest and the Parquet metadata) may differ.
Prints, for every table, the rows of each side and the first rows that differ,
and exits 1 when any table differs.

>>> a = pa.table({"text": ["十五五", "二十届四中全会"], "value": [15.0, 20.0]})
>>> diff_tables(a, pa.table({"text": ["十五五", "二十届四中全会"], "value": [15.0, 4.0]}))
(1, [(1, {'text': '二十届四中全会', 'value': 20.0}, {'text': '二十届四中全会', 'value': 4.0})])
"""

from __future__ import annotations

import argparse
import sys

import pyarrow as pa

from pipelines.store.dataset import Dataset


def diff_tables(a: pa.Table, b: pa.Table, show: int = 3) -> tuple[int, list[tuple[int, dict | None, dict | None]]]:
    """(number of differing row positions, the first `show` of them as (row, a, b)).

    Data only: schema metadata (descriptions, versions) is not compared."""
    if a.schema.remove_metadata() != b.schema.remove_metadata():
        return max(a.num_rows, b.num_rows), [(-1, {"schema": str(a.schema.remove_metadata())}, {"schema": str(b.schema.remove_metadata())})]
    if a.num_rows == b.num_rows and a.equals(b):
        return 0, []
    rows_a, rows_b = a.to_pylist(), b.to_pylist()
    bad = [i for i in range(max(len(rows_a), len(rows_b)))
           if i >= len(rows_a) or i >= len(rows_b) or rows_a[i] != rows_b[i]]
    first = [(i, rows_a[i] if i < len(rows_a) else None, rows_b[i] if i < len(rows_b) else None) for i in bad[:show]]
    return len(bad), first


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipelines.qa.dataset_diff", description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--version-a")
    ap.add_argument("--version-b")
    args = ap.parse_args(argv)
    da, db = Dataset(args.a), Dataset(args.b)
    ma, mb = da.manifest(args.version_a), db.manifest(args.version_b)
    print(f"A {args.a} version {ma.version} pipeline {ma.pipeline_version}")
    print(f"B {args.b} version {mb.version} pipeline {mb.pipeline_version}")
    differ = False
    for table in sorted(set(ma.row_counts) | set(mb.row_counts)):
        if table not in ma.row_counts or table not in mb.row_counts:
            print(f"{table:<10} only in {'A' if table in ma.row_counts else 'B'}")
            differ = True
            continue
        n, first = diff_tables(da.read(table, ma.version), db.read(table, mb.version))
        print(f"{table:<10} rows A {ma.row_counts[table]:>8}  B {mb.row_counts[table]:>8}  differing rows {n}")
        for i, ra, rb in first:
            print(f"    row {i}\n      A {ra}\n      B {rb}")
        differ = differ or n > 0
    print("identical" if not differ else "DIFFERENT")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
