"""`policytrace serve`: the build flow as a Prefect deployment on a schedule.

Cron schedules fire only against a running Prefect server. If
PREFECT_API_URL is not set, we start one (`prefect server start`) on
127.0.0.1:4200 for the user and stop it when serving stops.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import flows  # noqa: F401

DEFAULT_API = "http://127.0.0.1:4200/api"


def make_deployment(cron: str, paths: list[str], out: str, name: str = "policytrace-scheduled-build"):
    """The deployment object (no server needed to make it)."""
    from flows.build import build_flow

    return build_flow.to_deployment(name=name, cron=cron, parameters={"paths": list(paths), "out": out})


def _healthy(api: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api}/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def start_server(api: str = DEFAULT_API, timeout: float = 90) -> subprocess.Popen | None:
    """Start `prefect server start` unless one already answers at `api`."""
    if _healthy(api):
        return None
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", "4200"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _healthy(api):
            return proc
        if proc.poll() is not None:
            raise RuntimeError("`prefect server start` exited early; run it yourself to see why")
        time.sleep(1)
    proc.terminate()
    raise RuntimeError(f"Prefect server did not answer at {api} within {timeout:.0f} s")


def serve(cron: str, paths: list[str], out: str, name: str = "policytrace-scheduled-build") -> int:
    from prefect import serve as prefect_serve

    deployment = make_deployment(cron, paths, out, name)
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        print(f"PREFECT_API_URL is not set: starting a Prefect server at {DEFAULT_API} ...", flush=True)
        server = start_server()
        os.environ["PREFECT_API_URL"] = DEFAULT_API
    print(f"Serving {name}: build {' '.join(paths)} -> {out}/ on cron {cron!r}. Ctrl-C stops.", flush=True)
    try:
        prefect_serve(deployment)
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    return 0
