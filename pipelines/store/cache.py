"""The per-document cache: derived tables of a document, keyed by its doc_id
(a hash of its text) and the pipeline version, as Arrow IPC files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from pipelines.store.schemas import DERIVED_TABLES


class DocCache:
    """Derived tables per document, keyed by doc_id (a hash of the text) and
    the pipeline version. Lives in `DIR/.cache/<pipeline version>/`."""

    def __init__(self, out: str | os.PathLike, version: str):
        self.root = Path(out) / ".cache" / version

    def get(self, doc_id: str) -> dict[str, pa.Table] | None:
        tables = {}
        for name in DERIVED_TABLES:
            path = self.root / f"{doc_id}.{name}.arrow"
            if not path.exists():
                return None
            try:
                with ipc.open_file(path) as reader:
                    tables[name] = reader.read_all()
            except (pa.ArrowInvalid, OSError):
                return None  # unreadable (a disk that filled up, a copy cut short): analyse again
        return tables

    def readable(self, doc_id: str) -> bool:
        """Every table of `doc_id` is cached and opens: the footer of an Arrow IPC file is
        written last, so a cut-short file does not. Nothing is read into memory."""
        for name in DERIVED_TABLES:
            try:
                with ipc.open_file(self.root / f"{doc_id}.{name}.arrow"):
                    pass
            except (pa.ArrowInvalid, OSError):
                return False
        return True

    def table(self, doc_id: str, name: str, columns: list[str] | None = None) -> pa.Table:
        """One cached table of `doc_id` (it must be there: see `readable`)."""
        with ipc.open_file(self.root / f"{doc_id}.{name}.arrow") as reader:
            t = reader.read_all()
        return t.select(columns) if columns else t

    def put(self, doc_id: str, tables: dict[str, pa.Table]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            tmp = self.root / f"{doc_id}.{name}.arrow.tmp"
            with ipc.new_file(tmp, table.schema) as writer:
                writer.write_table(table)
            os.replace(tmp, self.root / f"{doc_id}.{name}.arrow")

    def prune(self) -> None:
        """Drop caches of other pipeline versions: they can never be hit again."""
        for other in self.root.parent.glob("*"):
            if other != self.root:
                shutil.rmtree(other, ignore_errors=True)
