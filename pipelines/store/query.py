"""DuckDB access to a dataset folder.

Views: one per table of the chosen version (latest by default), one
`<table>_all` per table over every committed version with a `version` column,
`versions` listing the manifests, and `task_tree` (each enumerated unit
with its readable path, depth and title).

>>> import tempfile
>>> from pipelines.build import build
>>> out = tempfile.mkdtemp()
>>> _ = build(["seeds"], out)
>>> con = connect(out)
>>> con.sql("SELECT author, published FROM documents").fetchall()
[('何立峰', datetime.date(2025, 11, 11))]
>>> con.sql("SELECT path, title FROM task_tree WHERE path = '二/（四）'").fetchall()
[('二/（四）', '建设强大国内市场是发展新质生产力的雄厚基础')]
"""

from __future__ import annotations

import os

import duckdb

from pipelines.store.dataset import Dataset, DatasetError
from pipelines.store.computed import weighted_terms_sql


def _quote(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def connect(out: str | os.PathLike = "datasets", version: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with views over the dataset in `out`."""
    ds = Dataset(out)
    versions = ds.versions()
    if not versions:
        raise DatasetError(f"{out} holds no dataset yet: run `policytrace build` first")
    version = version or versions[-1]
    if version not in versions:
        raise DatasetError(f"version {version} is not in {out} (latest versions: {', '.join(versions[-5:])})")
    con = duckdb.connect()
    tables = ds.tables(version)
    for table in sorted(tables, key=lambda t: t == "terms"):  # `terms` reads the `documents` view
        stored = f"read_parquet({_quote(ds.table_glob(table, version))})"
        if table == "terms" and "documents" in tables:  # with its computed `df` and `tfidf`
            con.execute(f"CREATE VIEW terms AS {weighted_terms_sql(stored, 'documents')}")
        else:
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM {stored}")
    if "tasks" in tables:
        con.execute(
            "CREATE VIEW task_tree AS SELECT t.doc_id, d.title AS doc_title, t.task_id, t.path, t.depth, t.kind, t.marker, t.title "
            "FROM tasks t JOIN documents d USING (doc_id) ORDER BY t.doc_id, t.start"
        )
    every: dict[str, list[str]] = {}
    for v in versions:
        for table in ds.tables(v):
            every.setdefault(table, []).append(ds.table_glob(table, v))
    for table, paths in sorted(every.items(), key=lambda kv: kv[0] == "terms"):
        files = "[" + ", ".join(_quote(p) for p in paths) + "]"
        stored = f"read_parquet({files}, hive_partitioning = true, hive_types = {{'version': VARCHAR}}, union_by_name = true)"
        if table == "terms" and "documents" in every:
            con.execute(f"CREATE VIEW terms_all AS {weighted_terms_sql(stored, 'documents_all', by_version=True)}")
        else:
            con.execute(f"CREATE VIEW {table}_all AS SELECT * FROM {stored}")
    if "documents" in tables:
        # trend('新质生产力'): occurrences per year, and per 10,000 characters, in the documents' text.
        con.execute(
            "CREATE MACRO trend(term) AS TABLE "
            "SELECT year, count(*) AS documents, sum(n) AS count, round(sum(n) * 10000.0 / sum(n_chars), 3) AS per_10k, "
            "sum(n_chars) AS chars "
            "FROM (SELECT year, n_chars, (length(text) - length(replace(text, term, ''))) // length(term) AS n FROM documents) "
            "GROUP BY year ORDER BY year"
        )
        con.execute(
            "CREATE MACRO trend_by_document(term) AS TABLE "
            "SELECT doc_id, year, title, n AS count, round(n * 10000.0 / n_chars, 3) AS per_10k, n_chars AS chars FROM "
            "(SELECT doc_id, year, title, n_chars, (length(text) - length(replace(text, term, ''))) // length(term) AS n FROM documents) "
            "ORDER BY year, doc_id"
        )
    if "figures" in tables:
        # target_series('gdp_growth'): the target a national 政府工作报告 sets for a metric, one row a
        # report (its first such target); target_series('gdp_growth', lvl := 'provincial') for the provinces.
        con.execute(
            "CREATE MACRO target_series(m, lvl := 'national') AS TABLE "
            "SELECT d.year, f.value, f.value_high, f.qualifier, f.unit, f.text, f.subject, d.region "
            "FROM figures f JOIN documents d USING (doc_id) "
            "WHERE f.metric = m AND f.target AND d.doc_type = 'government_work_report' AND d.level = lvl "
            "QUALIFY row_number() OVER (PARTITION BY d.doc_id ORDER BY f.start) = 1 ORDER BY d.year"
        )
    manifests = "[" + ", ".join(_quote(str(ds.manifests_dir / f"{v}.json")) for v in versions) + "]"
    con.execute(
        "CREATE VIEW versions AS SELECT version, parent_version, created_at, pipeline_version, row_counts, "
        f"len(documents) AS n_documents, len(rejected) AS n_rejected FROM read_json({manifests}, union_by_name = true)"
    )
    return con
