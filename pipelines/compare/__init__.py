"""Comparing documents: `policytrace compare` and `trend` (issue 11).

Reserved: the task alignment, figure matching by metric and term keyness that
compare a new document with earlier ones will live here, built on the tasks,
figures and terms tables. It may import `records`, `lang`, `ingest`,
`extract`, `nlp` and `store`.
"""
