"""The dataset on disk: schemas, versions, the per-document cache, queries, docs."""
