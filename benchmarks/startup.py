"""Fixed start-up: the wall time of a one-document `policytrace build`, everything included.

    .venv/bin/python benchmarks/startup.py [RUNS]

In the same run, each a fresh process building the seed (about 5,000 characters)
into an empty folder, best of RUNS (default 3):
  - baseline: the same build without Prefect (`pipelines.build.build`): imports, the
    pipeline and the analysis, no orchestration;
  - `policytrace build` with no Prefect server configured (a temporary server is
    started early, while the pipeline loads: `flows.serve.start_temporary_server_early`);
  - `policytrace build` with `policytrace server start` running (on a free port,
    with its own PREFECT_HOME, stopped at the end): the build runs in a fork of the
    warm builder the server start leaves beside the server (flows/warm.py);
  - the same with `POLICYTRACE_WARM=off`: the build in a process of its own, against
    the same server.
Goals (issue 13): <= 6 s without a server, <= 3 s with one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def best(cmd: list[str], env: dict, runs: int, tmp: Path) -> float:
    times = []
    for i in range(runs):
        out = tmp / f"out-{len(os.listdir(tmp))}-{i}"
        t = time.perf_counter()
        subprocess.run([*cmd, str(out)], cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    py = sys.executable
    seed = str(ROOT / "seeds")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "PREFECT_HOME": str(tmp / "prefect")}
        env.pop("PREFECT_API_URL", None)
        plain = best([py, "-c", "import sys; from pipelines.build import build; build([sys.argv[1]], sys.argv[2])", seed], env, runs, tmp)
        no_server = best([py, "-m", "flows", "build", seed, "--out"], env, runs, tmp)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        subprocess.run([py, "-m", "flows", "server", "start", "--port", str(port)], cwd=ROOT, env=env, check=True, capture_output=True)
        try:
            with_server = best([py, "-m", "flows", "build", seed, "--out"], env, runs, tmp)
            cold = best([py, "-m", "flows", "build", seed, "--out"], {**env, "POLICYTRACE_WARM": "off"}, runs, tmp)
        finally:
            subprocess.run([py, "-m", "flows", "server", "stop"], cwd=ROOT, env=env, capture_output=True)
    print(f"one-document build, wall time, best of {runs} fresh processes:")
    print(f"{'':<44}{'seconds':>8}{'x baseline':>12}{'goal':>8}")
    for name, secs, goal in (("without Prefect (baseline)", plain, ""), ("policytrace build, no server configured", no_server, "<= 6 s"),
                             ("policytrace build, `policytrace server` up", with_server, "<= 3 s"),
                             ("  the same, POLICYTRACE_WARM=off", cold, "")):
        print(f"{name:<44}{secs:>8.2f}{secs / plain:>12.2f}{goal:>8}")


if __name__ == "__main__":
    main()
