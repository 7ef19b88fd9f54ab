"""Columns computed when a table is read, not stored in its files.

They depend on every document of a version, so storing them would rewrite every row
whenever one document is added, and no part file could be shared between versions.
This module is outside the pipeline version (`pipelines.build.ANALYSIS_CODE`): changing
how a view computes them re-analyses no document.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from pipelines.store.schemas import SCHEMAS, _col

# Added by the `terms` view of `policytrace sql` / `pipelines.store.query.connect` and by
# `Dataset.read("terms")` (`weighted_terms_sql`); a reader of the Parquet files runs the same SQL.
COMPUTED_COLUMNS: dict[str, pa.Schema] = {
    "terms": pa.schema([
        _col("df", pa.int32(), "Documents of this version with the term (same kind). Computed on reading: not in the Parquet files.", False),
        _col("tfidf", pa.float64(), "count / content words of the document x (ln((1 + N) / (1 + df)) + 1), N = documents of this version. Computed on reading: not in the Parquet files.", False),
    ]),
}


def weighted_terms_sql(terms: str, documents: str, by_version: bool = False, carry: Sequence[str] = ()) -> str:
    """A query adding `df` and `tfidf` (`COMPUTED_COLUMNS`) to the stored `terms` rows:
    `terms` and `documents` are relations (a view, a table, `read_parquet(...)`) of one
    version, or of several with a `version` column when `by_version`. The `carry`
    columns of `terms` are passed through after the stored ones.

    >>> import duckdb, pyarrow as pa
    >>> t = pa.table({"doc_id": ["a", "a", "b"], "term": ["创新", "改革", "创新"], "kind": ["word"] * 3,
    ...               "pos": ["vn"] * 3, "count": [3, 1, 2]})
    >>> d = pa.table({"doc_id": ["a", "b", "c"]})
    >>> duckdb.sql(weighted_terms_sql("t", "d") + " ORDER BY doc_id, term").fetchall()  # doctest: +ELLIPSIS
    [('a', '创新', 'word', 'vn', 3, 2, 0.965...), ('a', '改革', 'word', 'vn', 1, 1, 0.423...), ('b', '创新', 'word', 'vn', 2, 2, 1.287...)]
    """
    v = "version, " if by_version else ""
    stored = ", ".join([*SCHEMAS["terms"].names, *carry])
    n_docs = (f"JOIN (SELECT version, count(*) AS n_docs FROM {documents} GROUP BY version) USING (version)" if by_version
              else f"CROSS JOIN (SELECT count(*) AS n_docs FROM {documents})")
    last = ", version" if by_version else ""  # as in the other `<table>_all` views
    return (
        f"SELECT {stored}, df, count / greatest(words, 1) * (ln((1 + n_docs) / (1 + df)) + 1) AS tfidf{last} FROM ("
        f"SELECT {v}{stored}, CAST(count(*) OVER (PARTITION BY {v}term, kind) AS INTEGER) AS df, "
        f"sum(CASE WHEN kind = 'word' THEN count ELSE 0 END) OVER (PARTITION BY {v}doc_id) AS words, n_docs "
        f"FROM (SELECT {v}{stored} FROM {terms}) {n_docs})"
    )
