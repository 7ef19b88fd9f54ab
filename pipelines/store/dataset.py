"""The versioned dataset writer: every table goes through here.

Layout (see DATASET_CONTRACT.md):

    DIR/LATEST                          the latest version id
    DIR/manifests/<VERSION>.json        what that version holds
    DIR/<table>/version=<VERSION>/part-*.parquet

A table of a version is one or more Parquet files (`Part`): rows written now, or a
file of the parent version shared by a hard link (the rows of documents that did
not change, see `pipelines.build.commit`), so a version costs storage in proportion
to what changed while every `version=` folder stays a complete snapshot.

A version is written atomically: all tables are written into a staging
folder and fsynced, moved into place, the manifest is written and fsynced,
and only then is LATEST replaced. A reader that starts from LATEST (or from the manifests) never sees a
half-written version, and an interrupted run leaves the previous version as it
was; its leftovers are removed by the next run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.store.faults import checkpoint
from pipelines.store.computed import COMPUTED_COLUMNS, weighted_terms_sql
from pipelines.store.schemas import SCHEMAS, TABLE_DESCRIPTIONS, Manifest

PART_NAME = "part-0.parquet"


@dataclasses.dataclass(frozen=True)
class Part:
    """One Parquet file of a table in a new version, named `name` in its folder: either
    `pieces` to write (a table, or pieces in row order), or `link`, a file of a committed
    version to share by hard link (it never changes once committed)."""

    name: str
    pieces: pa.Table | Iterable[pa.Table] | None = None
    link: Path | None = None


class DatasetError(RuntimeError):
    """The dataset folder is not in a state we can read or write."""


def new_version_id(after: str | None = None) -> str:
    """A version id that sorts after `after`: UTC time to the microsecond.

    >>> new_version_id("29991231T235959999999Z")
    '30000101T000000000000Z'
    """
    fmt = "%Y%m%dT%H%M%S%fZ"
    now = dt.datetime.now(dt.timezone.utc)
    if after is not None:
        # Clock went backwards or two builds in one microsecond: stay ordered.
        now = max(now, dt.datetime.strptime(after, fmt).replace(tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=1))
    return now.strftime(fmt)


def validate(table: str, data: pa.Table) -> pa.Table:
    """Cast `data` to the declared schema (with descriptions), or explain why not."""
    schema = SCHEMAS[table]
    if not data.schema.equals(schema):  # what `to_table` made already is (one check a document)
        names = set(data.column_names)
        missing = [f.name for f in schema if f.name not in names]
        if missing:
            raise DatasetError(f"table {table}: missing columns {missing}")
        data = data.select(schema.names)
        try:
            data = data.cast(schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise DatasetError(f"table {table}: does not match its schema: {exc}") from exc
    for f in schema:
        if not f.nullable and data.column(f.name).null_count:
            raise DatasetError(f"table {table}: column {f.name} must not be NULL")
    return data


def _stored_names(table: str) -> list[list[str]]:
    """The column lists a file of `table` may hold: as written now, and, for a table with
    `COMPUTED_COLUMNS`, as written before they were computed on reading (with them)."""
    names = SCHEMAS[table].names
    return [names] + ([names + COMPUTED_COLUMNS[table].names] if table in COMPUTED_COLUMNS else [])


def with_computed(table: str, data: pa.Table, doc_ids: Sequence[str]) -> pa.Table:
    """`data`, the stored rows of `table` in one version of documents `doc_ids`, with the
    `COMPUTED_COLUMNS` added (`weighted_terms_sql`), rows in their stored order."""
    import duckdb

    stored = data.select(SCHEMAS[table].names)
    stored = stored.append_column("row_", pa.array(range(stored.num_rows), pa.int64()))
    documents = pa.table({"doc_id": pa.array(doc_ids, pa.string())})
    con = duckdb.connect()
    try:
        con.register("stored", stored)
        con.register("docs", documents)
        out = con.sql(weighted_terms_sql("stored", "docs", carry=["row_"]) + " ORDER BY row_").to_arrow_table()
    finally:
        con.close()
    schema = pa.schema([*SCHEMAS[table], *COMPUTED_COLUMNS[table]], metadata=data.schema.metadata)
    return out.select(schema.names).cast(schema)


def empty_table(table: str) -> pa.Table:
    return SCHEMAS[table].empty_table()


class Dataset:
    """A dataset folder: read versions and manifests, commit new versions."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    # -- reading ----------------------------------------------------------
    @property
    def manifests_dir(self) -> Path:
        return self.root / "manifests"

    def latest(self) -> str | None:
        path = self.root / "LATEST"
        if not path.exists():
            return None
        vid = path.read_text(encoding="utf-8").strip()
        if not (self.manifests_dir / f"{vid}.json").exists():
            raise DatasetError(f"{path} names version {vid}, which has no manifest in {self.manifests_dir}")
        return vid

    def versions(self) -> list[str]:
        """Committed versions, oldest first (those with a manifest, up to LATEST)."""
        latest = self.latest()
        if latest is None:
            return []
        found = sorted(p.stem for p in self.manifests_dir.glob("*.json"))
        return [v for v in found if v <= latest]

    def manifest(self, version: str | None = None) -> Manifest:
        version = version or self.latest()
        if version is None:
            raise DatasetError(f"{self.root} holds no dataset yet: run `policytrace build` first")
        path = self.manifests_dir / f"{version}.json"
        if not path.exists():
            known = ", ".join(self.versions()[-5:]) or "none"
            raise DatasetError(f"version {version} is not in {self.root} (latest versions: {known})")
        return Manifest.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def table_path(self, table: str, version: str) -> Path:
        """The folder of `table` in `version`."""
        return self.root / table / f"version={version}"

    def table_files(self, table: str, version: str | None = None) -> list[Path]:
        """The Parquet files of `table` in `version`, in row order (as the manifest lists them)."""
        return self._files(self.manifest(version), table)

    def _files(self, m: Manifest, table: str) -> list[Path]:
        recs = _records(m.files.get(table))
        if recs:
            return [self.root / r["path"] for r in recs]
        return sorted(self.table_path(table, m.version).glob("*.parquet"))  # written before `files`

    def table_glob(self, table: str, version: str) -> str:
        """A glob of `table`'s files in `version`, for DuckDB's `read_parquet`."""
        return str(self.table_path(table, version) / "*.parquet")

    def tables(self, version: str | None = None) -> list[str]:
        return list(self.manifest(version).row_counts)

    def read(self, table: str, version: str | None = None) -> pa.Table:
        version = version or self.latest()
        if version is None:
            raise DatasetError(f"{self.root} holds no dataset yet: run `policytrace build` first")
        m = self.manifest(version)
        if table not in m.row_counts:
            raise DatasetError(f"table {table} is not in version {version} of {self.root}")
        files = self._files(m, table)
        data = pa.concat_tables([pq.read_table(p) for p in files]) if files else empty_table(table)
        if table in COMPUTED_COLUMNS:
            data = with_computed(table, data, [d["doc_id"] for d in m.documents])
        return data

    # -- checking ---------------------------------------------------------
    def _file_record(self, path: Path) -> dict:
        return {"path": path.relative_to(self.root).as_posix(), "sha256": _sha256(path), "bytes": path.stat().st_size,
                "rows": pq.read_metadata(path).num_rows, "schema": schema_digest(pq.read_schema(path))}

    def verify(self, version: str | None = None) -> list[str]:
        """Every file of `version` (default LATEST) against its manifest: present, the
        recorded bytes and sha256, readable as Parquet, the recorded rows and the table's
        schema. Returns the problems, one line each naming the file; [] when whole."""
        m = self.manifest(version)
        problems = []
        if not m.files:
            problems.append(f"manifests/{m.version}.json records no checksums (written before `verify` existed); "
                            "rows and schemas checked only")
        for table, rows in m.row_counts.items():
            recs = _records(m.files.get(table))
            # without records (versions written before `verify`): the folder's files, rows summed
            paths = self._files(m, table) or [self.table_path(table, m.version) / PART_NAME]
            total = 0
            for rec, path in zip(recs or [None] * len(paths), paths):
                name = path.relative_to(self.root).as_posix()
                if not path.exists():
                    problems.append(f"{name}: missing")
                    continue
                if rec:
                    size = path.stat().st_size
                    if size != rec["bytes"]:
                        problems.append(f"{name}: {size} bytes, the manifest records {rec['bytes']} (truncated or rewritten)")
                        continue
                    if _sha256(path) != rec["sha256"]:
                        problems.append(f"{name}: sha256 differs from the manifest's (corrupted)")
                        continue
                try:
                    meta = pq.read_metadata(path)
                    schema = pq.read_schema(path)
                except (pa.ArrowException, OSError) as exc:
                    problems.append(f"{name}: not readable as Parquet ({exc})")
                    continue
                if rec and meta.num_rows != rec["rows"]:
                    problems.append(f"{name}: {meta.num_rows} rows, the manifest records {rec['rows']}")
                total += meta.num_rows
                if (schema_digest(schema) != rec["schema"]) if rec else (schema.names not in _stored_names(table)):
                    problems.append(f"{name}: its schema is not the one table {table} was written with")
            if total != rows and not any(p.startswith(f"{table}/") for p in problems):
                problems.append(f"{table}/version={m.version}: {total} rows in its files, the manifest's row_counts {rows}")
        return problems

    def gc(self, keep: int) -> tuple[list[str], int]:
        """Remove every committed version but the newest `keep` (LATEST always stays):
        their manifests, then their table folders. Returns the versions removed and the
        bytes freed (a part a kept version shares stays, and is not counted). Call inside `lock()`."""
        if keep < 1:
            raise DatasetError(f"gc --keep must be at least 1 (the latest version stays), got {keep}")
        old = self.versions()[:-keep]
        freed = 0
        for v in old:
            # the manifest first: a gc killed half-way leaves folders of no version, which
            # `recover` removes, never a listed version with files missing
            manifest = self.manifests_dir / f"{v}.json"
            freed += manifest.stat().st_size
            manifest.unlink()
            for folder in self.root.glob(f"*/version={v}"):
                # a part a newer version shares (hard link) stays on disk: not freed
                freed += sum(st.st_size for st in (p.stat() for p in folder.rglob("*") if p.is_file()) if st.st_nlink == 1)
                shutil.rmtree(folder)
        return old, freed

    # -- writing ----------------------------------------------------------
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One writer at a time: a second build waits for the first, and says so on
        stderr (naming the process that holds `DIR/.lock`), then writes its own version
        on top of the first's. The lock is the kernel's (`flock`): it dies with its
        holder, so a killed build never leaves the folder locked."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "?"
                print(f"policytrace: {self.root} is being written by another build (pid {holder}); "
                      "waiting for it to finish, then this build writes the next version", file=sys.stderr, flush=True)
                fcntl.flock(fh, fcntl.LOCK_EX)
                print(f"policytrace: the other build finished; writing to {self.root}", file=sys.stderr, flush=True)
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def recover(self) -> list[str]:
        """Remove what an interrupted run left: staging folders, orphan versions."""
        removed = []
        for staging in self.root.glob(".staging-*"):
            shutil.rmtree(staging, ignore_errors=True)
            removed.append(str(staging))
        committed = set(self.versions())
        for table_dir in self.root.iterdir() if self.root.exists() else ():
            if not table_dir.is_dir() or table_dir.name.startswith(".") or table_dir.name == "manifests":
                continue
            for vdir in table_dir.glob("version=*"):
                if vdir.name.removeprefix("version=") not in committed:
                    shutil.rmtree(vdir, ignore_errors=True)
                    removed.append(str(vdir))
        for manifest in self.manifests_dir.glob("*.json.tmp"):
            manifest.unlink()
        return removed

    def commit(self, tables: dict[str, pa.Table | Iterable[pa.Table]], manifest: dict) -> str:
        """Write `tables` as a new version and make it LATEST; return its id.

        A table is given whole or as an iterable of pieces in row order (a document's
        rows at a time), which is written as it comes, in row groups of up to
        `ROW_GROUP_ROWS`: memory then holds one row group, not the table.
        Call inside `lock()`. `manifest` holds the fields of `Manifest` that the
        build knows; the version, parent, creation time and row counts are added.
        Parquet parts and the manifest are fsynced before LATEST names them.
        """
        parent = self.latest()
        version = new_version_id(parent)
        staging = self.root / f".staging-{version}"
        records: dict[str, list[dict]] = {}
        shared = self._parent_records(parent)
        try:
            for name, data in tables.items():
                target = staging / name / f"version={version}"
                target.mkdir(parents=True)
                schema_meta = {
                    b"policytrace.table": name.encode(),
                    b"policytrace.version": version.encode(),
                    b"policytrace.description": TABLE_DESCRIPTIONS[name].encode(),
                    b"policytrace.pipeline_version": str(manifest.get("pipeline_version", "")).encode(),
                }
                schema = SCHEMAS[name].with_metadata({**(SCHEMAS[name].metadata or {}), **schema_meta})
                records[name] = []
                parts = data if isinstance(data, list) and data and all(isinstance(p, Part) for p in data) \
                    else [Part(PART_NAME, data)]
                for part in parts:
                    path = target / part.name
                    final = self.root / name / f"version={version}" / part.name
                    if part.link is not None:
                        os.link(part.link, path)  # committed files never change: share, do not copy
                        rec = shared.get(Path(os.path.relpath(part.link, self.root)).as_posix())
                        rec = dict(rec) if rec else self._file_record(path)
                    else:
                        with pq.ParquetWriter(path, schema, compression="zstd") as writer:
                            pieces = part.pieces
                            for group in _row_groups(validate(name, piece) for piece in ([pieces] if isinstance(pieces, pa.Table) else pieces)):
                                writer.write_table(group.replace_schema_metadata(schema.metadata))
                        _fsync(path)
                        rec = self._file_record(path)
                    rec["path"] = final.relative_to(self.root).as_posix()
                    records[name].append(rec)
                    checkpoint(f"writing:{name}")
                _fsync(target)
                checkpoint(f"staged:{name}")
            for name in records:
                dest = self.root / name
                dest.mkdir(parents=True, exist_ok=True)
                os.rename(staging / name / f"version={version}", dest / f"version={version}")
                _fsync(dest)
                checkpoint(f"moved:{name}")
            full = Manifest(
                **{k: v for k, v in manifest.items() if k != "files"},  # a parent's files are not this version's
                version=version,
                parent_version=parent,
                created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                row_counts={name: sum(r["rows"] for r in recs) for name, recs in records.items()},
                files=records,
            )
            self.manifests_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.manifests_dir / f"{version}.json.tmp"
            tmp.write_text(json.dumps(full.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
            _fsync(tmp)
            checkpoint("manifest-tmp")
            os.replace(tmp, self.manifests_dir / f"{version}.json")
            _fsync(self.manifests_dir)
            checkpoint("manifest")
            latest_tmp = self.root / "LATEST.tmp"
            latest_tmp.write_text(version + "\n", encoding="utf-8")
            _fsync(latest_tmp)
            checkpoint("latest-tmp")
            os.replace(latest_tmp, self.root / "LATEST")
            _fsync(self.root)
            checkpoint("committed")
        except BaseException:
            # LATEST still names the parent; remove this version's pieces.
            shutil.rmtree(staging, ignore_errors=True)
            for name in tables:
                shutil.rmtree(self.root / name / f"version={version}", ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                (self.manifests_dir / f"{version}.json").unlink()
            raise
        shutil.rmtree(staging, ignore_errors=True)
        return version

    def _parent_records(self, parent: str | None) -> dict[str, dict]:
        """The parent version's file records by path, to reuse for the files a new version links."""
        if parent is None:
            return {}
        try:
            m = self.manifest(parent)
        except DatasetError:
            return {}
        return {r["path"]: r for recs in m.files.values() for r in _records(recs)}


def _records(entry: dict | list | None) -> list[dict]:
    """A table's file records: a list (one per part); versions written before parts
    recorded one dict."""
    if entry is None:
        return []
    return [entry] if isinstance(entry, dict) else list(entry)


ROW_GROUP_ROWS = 128 * 1024


def _row_groups(pieces: Iterable[pa.Table], size: int = ROW_GROUP_ROWS) -> Iterator[pa.Table]:
    """Pieces regrouped into tables of about `size` rows, the last one smaller; none when
    there are no rows (the file then holds the schema and no row group)."""
    held: list[pa.Table] = []
    n = 0
    for piece in pieces:
        if piece.num_rows == 0:
            continue
        held.append(piece)
        n += piece.num_rows
        if n >= size:
            yield pa.concat_tables(held)
            held, n = [], 0
    if held:
        yield pa.concat_tables(held)


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def schema_digest(schema: pa.Schema) -> str:
    """The sha256 of a table's column names, types and nullability (metadata aside)."""
    text = "\n".join(f"{f.name}\t{f.type}\t{f.nullable}" for f in schema)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
