"""Kill tests: a build is sent SIGKILL at every point of its run (`pipelines.store.faults`),
and each time the previous version still reads whole, no half-written version is
visible, and the next build completes with the rows a clean build gives."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from conftest import ROOT, SEED

from pipelines.build import build
from pipelines.store.dataset import Dataset
from pipelines.store.query import connect
from pipelines.store.schemas import DERIVED_TABLES

TABLES = ["documents", *DERIVED_TABLES]  # what a build writes
POINTS = (
    ["collected", "analysed", "cached"]
    + [f"writing:{t}" for t in TABLES]
    + [f"staged:{t}" for t in TABLES]
    + [f"moved:{t}" for t in TABLES]
    + ["manifest-tmp", "manifest", "latest-tmp", "committed", "pruned"]
)
NOTE = "---\ntitle: 关于推进新型工业化的意见\ndate: 2025-01-02\n---\n\n一、推进新型工业化。全年增长5%左右。\n\n二、发展新质生产力，国家发展改革委牵头。\n"


def _tables(out) -> dict[str, list[dict]]:
    ds = Dataset(out)
    return {t: ds.read(t).to_pylist() for t in ds.tables()}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """v1 (the seed) in `base`; `inputs` adds a note; `clean` is v2 built without a fault."""
    root = tmp_path_factory.mktemp("faults")
    inputs = root / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / SEED.name)
    base = root / "base"
    v1 = build([str(inputs)], str(base)).version
    (inputs / "note.md").write_text(NOTE, encoding="utf-8")
    clean = root / "clean"
    shutil.copytree(base, clean)
    build([str(inputs)], str(clean))
    return root, inputs, base, v1, _tables(clean)


def _killed_build(inputs, out, point: str) -> int:
    """Run the build in a forked child with `POLICYTRACE_FAULT=point`; its exit signal."""
    pid = os.fork()
    if pid == 0:  # the child: the parent's pipeline is already loaded, so this is quick
        try:
            os.environ["POLICYTRACE_FAULT"] = point
            sys.stderr = open(os.devnull, "w")  # noqa: SIM115
            build([str(inputs)], str(out))
        finally:
            os._exit(0)  # reached only if the point was not
    _, status = os.waitpid(pid, 0)
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status)


def test_there_are_twenty_or_more_kill_points():
    assert len(POINTS) >= 20 and len(set(POINTS)) == len(POINTS)


@pytest.mark.parametrize("point", POINTS)
def test_a_build_killed_at_any_point_loses_nothing(setup, tmp_path, point):
    root, inputs, base, v1, expected = setup
    out = tmp_path / "datasets"
    shutil.copytree(base, out)
    before = _tables(out)
    assert _killed_build(inputs, out, point) == signal.SIGKILL, f"{point} was not reached"

    ds = Dataset(out)
    latest = ds.latest()
    after_latest = point in ("committed", "pruned")
    assert (latest != v1) == after_latest
    for v in ds.versions():  # every committed version reads whole, as its manifest says
        assert ds.verify(v) == [], (point, v)
        for t in ds.tables(v):  # a Parquet glob of a committed version
            assert pq.read_table(out / t / f"version={v}").num_rows == ds.manifest(v).row_counts[t]
    if not after_latest:
        assert _tables(out) == before and ds.versions() == [v1]
    con = connect(out)  # `policytrace sql` sees the latest committed version only
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == (2 if after_latest else 1)

    again = build([str(inputs)], str(out))  # the next build completes and is right
    assert again.version is not None and Dataset(out).verify() == []
    assert _tables(out) == expected
    leftovers = [p.name for p in out.glob(".staging-*")] + [
        str(p.relative_to(out)) for t in TABLES for p in (out / t).glob("version=*")
        if p.name.removeprefix("version=") not in Dataset(out).versions()]
    assert leftovers == []


def test_two_builds_at_once_take_turns_and_say_so(tmp_path):
    """A second build into a folder another build is writing waits for it, says so, and
    then writes the next version; both versions are whole."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / SEED.name)
    out = tmp_path / "datasets"
    first = build([str(inputs)], str(out))
    # The holder keeps the lock until the test has seen the second build say it waits (no
    # sleep to race against: a slow start of the second build under load cannot miss it).
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pipelines.store.dataset import Dataset\n"
         "with Dataset(sys.argv[1]).lock():\n    print('locked', flush=True); sys.stdin.readline()", str(out)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    (inputs / "note.md").write_text(NOTE, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from pipelines.build import build; build([sys.argv[1]], sys.argv[2])",
                             str(inputs), str(out)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    said = []
    for line in proc.stderr:
        said.append(line)
        if "waiting for it to finish" in line:
            break
    holder.stdin.write("go\n")
    holder.stdin.close()
    holder.wait()
    rest = proc.stderr.read()
    assert proc.wait(timeout=300) == 0, "".join(said) + rest
    assert f"is being written by another build (pid {holder.pid}); waiting for it to finish" in "".join(said)
    assert "the other build finished" in rest
    ds = Dataset(out)
    assert len(ds.versions()) == 2 and ds.manifest().parent_version == first.version
    assert all(ds.verify(v) == [] for v in ds.versions())


@pytest.mark.parametrize("keep", [0, 100, -1, -10, -12], ids=["empty", "100 bytes", "magic cut", "trailer gone", "footer cut"])
def test_a_cut_short_cache_file_is_analysed_again(setup, tmp_path, keep):
    """The cache checks a file's trailer (footer length, `ARROW1`), written last."""
    root, inputs, base, v1, expected = setup
    out = tmp_path / "datasets"
    shutil.copytree(base, out)
    cached = sorted((out / ".cache").rglob("*.tokens.arrow"))
    assert len(cached) == 1
    cached[0].write_bytes(cached[0].read_bytes()[:keep])
    result = build([str(inputs)], str(out))
    assert (result.analysed, result.from_cache) == (2, 0) and _tables(out) == expected


@pytest.mark.parametrize("damage", ["footer", "batches"])
def test_a_cache_file_damaged_inside_is_analysed_again(setup, tmp_path, damage):
    """A cache file whose trailer is whole but whose footer (`readable` parses it) or record
    batches (the writer finds it reading them) are zeroed: the document is analysed again,
    in the build and not by hand, and the version is a clean build's. Here the seed's part
    cannot be shared (the note beside it changed), so the writer reads the seed's cache."""
    root, inputs, base, v1, expected = setup
    out = tmp_path / "datasets"
    (tmp_path / "one").mkdir()
    shutil.copy(inputs / SEED.name, tmp_path / "one" / SEED.name)
    (tmp_path / "one" / "note.md").write_text(NOTE.replace("。", "，", 1), encoding="utf-8")
    build([str(tmp_path / "one")], str(out))  # the seed and another note in one part
    (cached,) = [p for p in (out / ".cache").rglob("*.tokens.arrow") if p.stat().st_size > 20000]
    data = cached.read_bytes()
    n = int.from_bytes(data[-10:-6], "little")
    start, end = (len(data) - 10 - n, len(data) - 10) if damage == "footer" else (8, len(data) // 2)
    cached.write_bytes(data[:start] + bytes(end - start) + data[end:])
    shutil.copy(inputs / "note.md", tmp_path / "one" / "note.md")  # now as in `inputs`
    result = build([str(tmp_path / "one")], str(out))
    assert (result.analysed, result.from_cache) == ((2, 0) if damage == "footer" else (1, 1))
    build([str(tmp_path / "one")], str(tmp_path / "clean"))
    assert _tables(out) == _tables(tmp_path / "clean")
    assert {t: rows for t, rows in _tables(out).items() if t != "documents"} == {t: rows for t, rows in expected.items() if t != "documents"}


def test_an_out_that_is_a_file_is_refused_before_any_work(tmp_path, capsys):
    """`--out` naming a file: the command stops at once with the reason (it was a
    NotADirectoryError traceback from deep in the cache), and the file is untouched."""
    from flows.cli import main

    out = tmp_path / "notes.txt"
    out.write_text("my notes", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["build", str(ROOT / "seeds"), "--out", str(out)])
    assert str(exc.value) == f"policytrace build: --out {out} is a file, not a folder: name a folder for the dataset"
    with pytest.raises(NotADirectoryError, match="the dataset folder \\(--out\\) is a file"):
        build([str(ROOT / "seeds")], str(out))
    assert out.read_text(encoding="utf-8") == "my notes"


def test_a_mistyped_input_path_writes_no_empty_version(tmp_path):
    """`policytrace build ../corpus/nationl`: nothing under the path gives a document. It
    used to write a version with no documents and make it LATEST; now no version is
    written, the error names the path and why, and LATEST still reads."""
    from pipelines.build import NothingToBuild

    out = tmp_path / "ds"
    first = build([str(ROOT / "seeds")], str(out))
    (tmp_path / "empty").mkdir()
    for paths, why in (([str(ROOT / "seedz")], f"{ROOT / 'seedz'}: no such file or folder"),
                       ([str(tmp_path / "empty")], "(no input files there)")):
        with pytest.raises(NothingToBuild) as exc:
            build(paths, str(out))
        assert str(exc.value).startswith(f"no document to build from under {paths[0]}; no version written") and why in str(exc.value)
        assert Dataset(str(out)).latest() == first.version
    assert connect(str(out)).sql("SELECT count(*) FROM documents").fetchall() == [(1,)]


def test_bad_build_options_are_refused_by_name_before_any_work(tmp_path, capsys):
    """`--workers 0` ran as one worker without a word, and a missing `--userdict` stopped
    with a FileNotFoundError traceback after Prefect had started."""
    from flows.cli import main

    with pytest.raises(SystemExit):
        main(["build", str(ROOT / "seeds"), "--out", str(tmp_path / "ds"), "--workers", "0"])
    assert "--workers '0': give a whole number of processes, 1 or more" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["build", str(ROOT / "seeds"), "--out", str(tmp_path / "ds"), "--userdict", str(tmp_path / "words.txt")])
    assert str(exc.value) == f"policytrace build: --userdict {tmp_path / 'words.txt'}: no such file"
    assert not (tmp_path / "ds").exists()
