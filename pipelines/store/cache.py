"""The per-document cache: derived tables of a document, keyed by its doc_id
(a hash of its text) and the pipeline version, as Arrow IPC files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from pipelines.store.schemas import DERIVED_TABLES

_MAGIC = b"ARROW1"


def _read(path: Path) -> pa.Table:
    """An Arrow IPC file read whole. Its bytes are read first and parsed from memory:
    `ipc.open_file(path)` costs 0.1 ms a file in pyarrow's file handling, thirteen times
    the parse, and a build of many short documents opens six files a document."""
    with open(path, "rb") as fh:
        data = fh.read()
    return ipc.open_file(pa.py_buffer(data)).read_all()


class DocCache:
    """Derived tables per document, keyed by doc_id (a hash of the text) and
    the pipeline version. Lives in `DIR/.cache/<pipeline version>/`."""

    def __init__(self, out: str | os.PathLike, version: str):
        self.root = Path(out) / ".cache" / version

    def readable(self, doc_id: str) -> bool:
        """Every table of `doc_id` is cached and its file whole at the end: an Arrow IPC
        file ends with its footer (the schema and where the record batches are), the
        footer's length and `ARROW1`, written last, so a cut-short file fails here. Only
        the footer is read and checked, as `ipc.open_file` checks it; damage inside the
        record batches shows when `table` reads them (`pipelines.build.commit` then
        analyses the document again)."""
        for name in DERIVED_TABLES:
            try:
                with open(self.root / f"{doc_id}.{name}.arrow", "rb") as fh:
                    size = fh.seek(0, os.SEEK_END)
                    fh.seek(max(size - 10, 0))
                    tail = fh.read(10)
                    n = int.from_bytes(tail[:4], "little", signed=True)
                    if len(tail) < 10 or tail[4:] != _MAGIC or not 0 < n <= size - 18:
                        return False
                    fh.seek(size - 10 - n)
                    footer = fh.read(n)
                ipc.open_file(pa.py_buffer(_MAGIC + b"\0\0" + footer + tail))  # parses the footer and the schema
            except (pa.ArrowInvalid, OSError):
                return False
        return True

    def table(self, doc_id: str, name: str) -> pa.Table:
        """One cached table of `doc_id` (it must be there: see `readable`)."""
        return _read(self.root / f"{doc_id}.{name}.arrow")

    def put(self, doc_id: str, tables: dict[str, pa.Table]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            tmp = self.root / f"{doc_id}.{name}.arrow.{os.getpid()}.tmp"  # a process's own: two may write one document
            with ipc.new_file(tmp, table.schema) as writer:
                writer.write_table(table)
            os.replace(tmp, self.root / f"{doc_id}.{name}.arrow")

    def prune(self) -> None:
        """Drop caches of other pipeline versions: they can never be hit again."""
        for other in self.root.parent.glob("*"):
            if other != self.root:
                shutil.rmtree(other, ignore_errors=True)
