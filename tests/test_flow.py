"""The Prefect flow end to end (one temporary Prefect backend for all)."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, SEED, SEEDS

from pipelines.store.dataset import Dataset


def test_build_flow_writes_a_version_then_reports_nothing_changed(prefect_harness, tmp_path, corpus):
    from prefect.artifacts import Artifact

    from flows.build import build_flow

    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / SEED.name)
    shutil.copytree(corpus / "hailaer", inputs / "hailaer")
    (inputs / "broken.jsonl").write_text('{"title": "好", "content": "发展新质生产力。"}\n{"title": \n', encoding="utf-8")
    out = tmp_path / "datasets"
    summary = asyncio.run(build_flow(paths=[str(inputs)], out=str(out)))
    assert summary["unchanged"] is False
    assert summary["documents"] == 10
    assert summary["rejected"] == [{"source": f"{inputs}/broken.jsonl:2", "reason": "malformed JSON (Expecting value at column 11)"}]
    assert summary["row_counts"]["documents"] == 10
    assert Dataset(out).latest() == summary["version"]
    artifact = Artifact.get("build-summary")
    assert summary["version"] in artifact.data and "broken.jsonl:2" in artifact.data

    again = asyncio.run(build_flow(paths=[str(inputs)], out=str(out)))
    assert again["unchanged"] is True and again["version"] == summary["version"]
    assert Dataset(out).versions() == [summary["version"]]


def test_with_a_server_up_a_build_with_nothing_new_loads_no_pipeline(prefect_harness, tmp_path, monkeypatch, capsys):
    """With a Prefect server configured (here the harness's) `policytrace build` has no
    server boot to load the pipeline behind: it loads it only when a document needs
    analysing, so a scheduled run that finds nothing new skips the load (0.8 s here);
    a BiLSTM that ensemble mode needs and lacks is still named before the flow starts."""
    import pipelines.build as steps
    from flows.cli import main
    from pipelines.extract import entities

    calls = []
    monkeypatch.setattr(steps, "make_nlp", lambda ud=(), _f=steps.make_nlp: calls.append(ud) or _f(ud))
    monkeypatch.setattr(steps, "load_pipeline", lambda *a: pytest.fail("the pipeline was loaded up front"))
    out = tmp_path / "datasets"
    assert main(["build", str(SEEDS), "--out", str(out)]) == 0
    assert calls, "the analysis loads the pipeline itself"
    calls.clear()
    assert main(["build", str(SEEDS), "--out", str(out)]) == 0
    assert calls == [] and "nothing changed" in capsys.readouterr().out.lower()
    with entities.model_mode("ensemble"):
        monkeypatch.setattr(entities.bilstm, "MODEL_PATH", tmp_path / "ner_bilstm.npz")
        with pytest.raises(SystemExit, match=r"ner_bilstm.npz: POLICYTRACE_NER_MODEL=ensemble needs the BiLSTM-CRF.*make model"):
            main(["build", str(SEEDS), "--out", str(tmp_path / "other")])
    assert not (tmp_path / "other").exists()
    monkeypatch.setenv("POLICYTRACE_USERDICT", str(tmp_path / "missing.txt"))  # nor a user dictionary
    with pytest.raises(SystemExit, match=r"user dictionary .*missing.txt does not exist"):
        main(["build", str(SEEDS), "--out", str(tmp_path / "other")])
    assert not (tmp_path / "other").exists()


def test_serve_deployment_carries_the_cron_schedule(prefect_harness):
    from flows.serve import make_deployment

    deployment = make_deployment("0 6 * * *", ["seeds"], "datasets")
    (schedule,) = deployment.schedules
    assert schedule.schedule.cron == "0 6 * * *"
    assert deployment.parameters == {"paths": ["seeds"], "out": "datasets"}
    assert deployment.flow_name == "policytrace-build"


def test_cli_build_and_sql_from_a_fresh_process(tmp_path):
    """What a user types: `policytrace build` then `policytrace sql` (`python -m flows`)."""
    out = tmp_path / "datasets"
    env = {"PREFECT_HOME": str(tmp_path / "prefect"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    built = subprocess.run([sys.executable, "-X", "importtime", "-m", "flows", "build", str(SEEDS), "--out", str(out)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    # pyarrow asks for pandas at its first list; the program keeps it out (flows.cli.console)
    imported = re.findall(r"^import time:.*\| +(\S+)$", built.stderr, re.M)
    # (a refused import is listed too, but none of pandas' own modules is loaded)
    assert "pyarrow" in imported and "pyarrow.pandas_compat" not in imported
    assert not [m for m in imported if m.startswith("pandas.")]
    assert re.search(r"^  documents: 1  \(analysed 1, from cache 0\)$", built.stdout, re.M), built.stdout
    assert "No input was rejected." in built.stdout
    # the temporary server was started early by policytrace (flows.serve), not late by Prefect
    assert "Starting temporary server" not in built.stdout + built.stderr
    assert "Finished in state Completed()" in built.stdout + built.stderr
    q = subprocess.run(
        [sys.executable, "-m", "flows", "sql", "SELECT author FROM documents", "--out", str(out), "--format", "csv"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert q.returncode == 0 and q.stdout.splitlines() == ["author", "何立峰"]


def test_compare_flow_writes_a_version_and_an_artifact(prefect_harness, tmp_path, corpus):
    from prefect.artifacts import Artifact

    from flows.compare import compare_flow
    from pipelines.build import build

    out = tmp_path / "datasets"
    build([str(corpus / "hailaer" / "2015.txt"), str(corpus / "hailaer" / "2016.txt")], str(out))
    ids = {r["source"][-8:-4]: r["doc_id"] for r in Dataset(out).read("documents").select(["source", "doc_id"]).to_pylist()}
    result = asyncio.run(compare_flow(a=ids["2015"], b=ids["2016"], out=str(out)))
    assert Dataset(out).latest() == result["version"]
    assert set(result["summary"]) == {"compare_tasks", "compare_figures", "compare_terms"}
    artifact = Artifact.get("compare-summary")
    assert result["version"] in artifact.data and "compare_figures" in artifact.data


def test_compare_flow_takes_a_file_and_builds_it_on_the_way(prefect_harness, tmp_path, corpus):
    from flows.compare import compare_flow
    from pipelines.build import build

    out = tmp_path / "datasets"
    build([str(corpus / "hailaer" / "2016.txt")], str(out))
    (old,) = Dataset(out).read("documents").column("doc_id").to_pylist()
    result = asyncio.run(compare_flow(a=old, b=str(corpus / "hailaer" / "2017.txt"), out=str(out)))
    assert Dataset(out).manifest(result["version"]).row_counts["documents"] == 2  # 2017 was built into the dataset
    assert result["summary"]["compare_figures"]


def test_a_build_on_a_dask_local_cluster_equals_the_local_build(prefect_harness, tmp_path, corpus):
    """`--dask local:2`: the batches run on a `LocalCluster` of two worker processes through
    prefect-dask; every table equals the build without Dask, row for row, and the flow's
    task runs still reach Prefect."""
    import asyncio

    from prefect import get_client

    from flows.build import run_build
    from pipelines.build import build

    async def analyse_runs() -> int:
        async with get_client() as client:
            runs = await client.read_task_runs()
            return len([r for r in runs if r.name.startswith("analyse-") and r.state_name == "Completed"])

    paths = [str(SEEDS), str(corpus / "provincial"), str(corpus / "hailaer")]
    local = tmp_path / "local"
    build(paths, str(local))
    on_dask = tmp_path / "dask"
    before = asyncio.run(analyse_runs())
    summary = run_build(dask="local:2", paths=paths, out=str(on_dask))
    assert summary["documents"] == 12 and summary["analysed"] == 12
    a, b = Dataset(local), Dataset(on_dask)
    assert a.tables() == b.tables()
    for t in a.tables():
        assert a.read(t).to_pylist() == b.read(t).to_pylist(), t
    assert a.manifest().pipeline_version == b.manifest().pipeline_version and b.verify() == []
    assert asyncio.run(analyse_runs()) - before == 4  # 2 batches a worker: each a task run in Prefect


def test_a_bad_dask_address_is_refused_by_name(capsys):
    from flows.cli import main

    for bad in ("local:0", "local:two", "http://example.org:8786"):
        try:
            main(["build", "--dask", bad, "--out", "/nonexistent"])
        except SystemExit as exc:
            assert "--dask wants local:N" in str(exc) and repr(bad) in str(exc)
        else:
            raise AssertionError(f"{bad} accepted")


def test_a_long_lived_server_is_used_by_later_builds(tmp_path, corpus):
    """`policytrace server start` leaves a Prefect server running and, beside it, the warm
    builder (flows/warm.py). A later `policytrace build` runs in a fork of the builder: no
    temporary server, its flow run kept in the server, the same rows as a build in its own
    process (`POLICYTRACE_WARM=off`), the same error and exit code for a bad `--out`. A
    build with other settings (`POLICYTRACE_NER_MODEL=off`) runs in its own process; a
    killed command takes its build down with it; a changed file of the code retires the
    builder. `stop` ends both."""
    import json
    import os
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"PREFECT_HOME": str(tmp_path / "prefect"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}

    def cli(*args, timeout=180, **more):
        return subprocess.run([sys.executable, "-m", "flows", *args], cwd=ROOT, env={**env, **more}, capture_output=True,
                              text=True, timeout=timeout)

    def served() -> int:
        status = cli("server", "status").stdout
        return int(re.search(r"warm builder: pid \d+, (\d+) build", status).group(1))

    def api(what: str) -> list[dict]:
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/{what}/filter", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)

    def flow_runs() -> list[str]:
        return [run["state_type"] for run in api("flow_runs")]

    started = cli("server", "start", "--port", str(port), timeout=400)
    try:
        assert started.returncode == 0 and f"Prefect server running at http://127.0.0.1:{port}/api" in started.stdout, started.stderr
        assert "warm builder running" in started.stdout
        assert cli("server", "status").returncode == 0 and served() == 0
        paths = [str(SEEDS), str(corpus / "hailaer")]
        built = cli("build", *paths, "--out", str(tmp_path / "warm"))
        assert built.returncode == 0, built.stderr[-2000:]
        assert "temporary server" not in built.stdout + built.stderr and "documents: 9" in built.stdout
        assert served() == 1 and flow_runs() == ["COMPLETED"]
        assert [a["key"] for a in api("artifacts")] == ["build-summary"]  # the run's artifact and logs reach Prefect
        assert any("wrote version" in log["message"] for log in api("logs"))
        alone = cli("build", *paths, "--out", str(tmp_path / "alone"), POLICYTRACE_WARM="off")
        assert alone.returncode == 0 and served() == 1 and flow_runs() == ["COMPLETED"] * 2
        a, b = Dataset(tmp_path / "warm"), Dataset(tmp_path / "alone")
        for t in a.tables():
            assert a.read(t).to_pylist() == b.read(t).to_pylist(), t
        assert a.verify() == []

        (tmp_path / "a-file").write_text("x", encoding="utf-8")
        bad = [cli("build", str(SEEDS), "--out", str(tmp_path / "a-file"), **more) for more in ({}, {"POLICYTRACE_WARM": "off"})]
        assert [r.returncode for r in bad] == [1, 1] and served() == 2
        assert bad[0].stderr == bad[1].stderr and "is a file, not a folder" in bad[0].stderr

        other = cli("build", str(SEEDS), "--out", str(tmp_path / "fast"), POLICYTRACE_NER_MODEL="off")
        assert other.returncode == 0 and served() == 2  # other settings: built in its own process

        proc = subprocess.Popen([sys.executable, "-m", "flows", "build", str(corpus / "national"), "--out",
                                 str(tmp_path / "killed")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while served() < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        builder = json.loads((tmp_path / "prefect" / "policytrace-builder.json").read_text(encoding="utf-8"))["pid"]

        def children() -> list[int]:
            found = []
            for d in os.listdir("/proc"):
                try:
                    if d.isdigit() and int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1]) == builder:
                        found.append(int(d))
                except (OSError, IndexError, ValueError):
                    pass
            return found

        deadline = time.monotonic() + 30
        while children() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert children() == []  # the killed command's build is gone too
        assert cli("build", str(SEEDS), "--out", str(tmp_path / "killed")).returncode == 0 and served() == 4
        assert Dataset(tmp_path / "killed").verify() == []

        touched = ROOT / "flows" / "__init__.py"
        times = (touched.stat().st_atime_ns, touched.stat().st_mtime_ns)
        os.utime(touched, ns=(times[0], times[1] + 1))
        try:
            stale = cli("build", str(SEEDS), "--out", str(tmp_path / "stale"))
        finally:
            os.utime(touched, ns=times)
        assert stale.returncode == 0 and "the warm builder was started with other code" in stale.stderr
        assert "warm builder" not in cli("server", "status").stdout  # it retired
    finally:
        stopped = cli("server", "stop")
    assert stopped.returncode == 0 and "stopped the Prefect server" in stopped.stdout
    assert cli("server", "status").returncode == 1


def test_the_early_temporary_server_ends_with_a_killed_build(tmp_path):
    """`policytrace build` starts Prefect's temporary server itself (flows.serve); if the
    build is killed, the server goes with it instead of lingering."""
    import os
    import signal
    import time

    env = {"PREFECT_HOME": str(tmp_path / "prefect"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = None

    def servers() -> list[int]:
        found = []
        for pid in os.listdir("/proc"):
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    cmd = fh.read()
            except (OSError, ValueError, IndexError):
                continue
            if b"prefect.server.api.server:create_app" in cmd and (proc is None or ppid in (proc.pid, 1)):
                found.append(int(pid))
        return [p for p in found if p not in earlier]

    earlier: list[int] = []
    earlier = servers()  # servers of other processes on this machine are not this test's
    proc = subprocess.Popen([sys.executable, "-m", "flows", "build", str(SEEDS), "--out", str(tmp_path / "d")],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not servers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert servers(), "no temporary server was started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while servers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert servers() == []


def test_an_async_flow_call_runs_to_its_end_inside_a_running_loop():
    """The flows are async; `run_to_end` runs one from plain Python or from a notebook,
    whose event loop is already running (where `asyncio.run` raises)."""
    from flows.build import run_to_end

    async def flow_call():
        await asyncio.sleep(0)
        return {"version": "v1"}

    async def notebook_cell():
        return run_to_end(flow_call())

    assert run_to_end(flow_call()) == {"version": "v1"}
    assert asyncio.run(notebook_cell()) == {"version": "v1"}


def test_the_flow_fails_with_the_reason_when_nothing_gives_a_document(prefect_harness, tmp_path):
    from flows.build import run_build
    from pipelines.build import NothingToBuild

    with pytest.raises(NothingToBuild, match="no such file or folder"):
        run_build(paths=[str(tmp_path / "nowhere")], out=str(tmp_path / "ds"))
    assert not (tmp_path / "ds" / "LATEST").exists()
