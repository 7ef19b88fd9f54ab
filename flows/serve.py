"""`policytrace serve`: the build flow as a Prefect deployment on a schedule.

Cron schedules fire only against a running Prefect server. If
PREFECT_API_URL is not set, we start one (`prefect server start`) on
127.0.0.1:4200 for the user and stop it when serving stops.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import flows  # noqa: F401
from flows import warm
from pipelines.store.faults import die_with_parent

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


def start_server(api: str = DEFAULT_API, timeout: float = 90, log=None, detach: bool = False) -> subprocess.Popen | None:
    """Start `prefect server start` on `api`'s port unless one already answers there, and
    wait until it does. `log`: a file for its output; `detach`: it outlives this process."""
    if _healthy(api):
        return None
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(urlsplit(api).port)],
        stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=detach,
    )
    _answer(proc, lambda: _healthy(api), timeout, 0.25, "`prefect server start` exited early; run it yourself to see why",
            f"Prefect server did not answer at {api} within {timeout:.0f} s")
    return proc


def _answer(proc: subprocess.Popen, answer: Callable[[], object], timeout: float, step: float, exited: str, silent: str):
    """Wait until `answer()` gives something while `proc` runs, and return it; RuntimeError(`exited`,
    `{code}` its exit code) if `proc` ends first; after `timeout` s, `proc` is terminated and RuntimeError(`silent`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = answer()
        if found:
            return found
        if proc.poll() is not None:
            raise RuntimeError(exited.format(code=proc.returncode))
        time.sleep(step)
    proc.terminate()
    raise RuntimeError(silent)


def _record() -> Path:
    return Path(os.environ["PREFECT_HOME"]).expanduser() / "policytrace-server.json"


def running_server() -> str | None:
    """The API URL of the server `policytrace server start` left running, if it answers."""
    path = _record()
    if not path.exists():
        return None
    try:
        api = json.loads(path.read_text(encoding="utf-8"))["api"]
    except (OSError, ValueError, KeyError):
        return None
    return api if _healthy(api) else None


def use_running_server() -> str | None:
    """Point this process at the long-lived server, unless PREFECT_API_URL says otherwise."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    api = running_server()
    if api:
        os.environ["PREFECT_API_URL"] = api
    return api


def start_temporary_server_early() -> Callable[[], None] | None:
    """With no server to talk to, Prefect starts a temporary one at the flow's first API
    call and waits ~3.5 s for it, after this process has imported everything. Here the
    same server (uvicorn serving Prefect's app factory, as `SubprocessASGIServer` runs it)
    is started first, in its own process, so it boots on the other core while this one
    imports spaCy and loads the pipeline. Call the returned function before the flow: it
    waits until the server answers. The server is stopped when this process exits."""
    if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
        return None  # a server is configured, or Prefect has read its settings already (a test, a notebook)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api = f"http://127.0.0.1:{port}/api"
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "error", "--lifespan", "on"],
        env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=partial(die_with_parent, signal.SIGTERM))  # ends with this command

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()

    atexit.register(stop)
    os.environ["PREFECT_API_URL"] = api  # before Prefect is imported: its settings are read then

    def ready() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if _healthy(api):
                return
            time.sleep(0.05)
        stop()
        raise RuntimeError(f"the temporary Prefect server did not answer at {api} (exit code {proc.poll()}); "
                           "start one with `policytrace server start` or set PREFECT_API_URL")

    return ready


def server_command(action: str, port: int = 4200, builder: bool = True) -> int:
    """`policytrace server start|stop|status`: a long-lived local Prefect server that
    every later command uses (one-document builds then skip the temporary server), and
    beside it the warm builder (`flows.warm`) that later builds run in, unless `builder`
    is false (`--no-builder`)."""
    api = f"http://127.0.0.1:{port}/api"
    path = _record()
    if action == "status":
        found = running_server()
        print(f"Prefect server: {found} (policytrace commands use it)" if found else "no policytrace Prefect server is running")
        builder = warm.ping()
        if builder:
            print(f"warm builder: pid {builder['pid']}, {builder['served']} build(s) run since "
                  f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(builder['since']))}")
        return 0 if found else 1
    if action == "stop":
        stop_builder()
        if not path.exists():
            print("no policytrace Prefect server is running")
            return 0
        info = json.loads(path.read_text(encoding="utf-8"))
        try:
            os.kill(info["pid"], signal.SIGTERM)
        except ProcessLookupError:
            pass
        path.unlink()
        print(f"stopped the Prefect server at {info['api']} (pid {info['pid']})")
        return 0
    found = running_server()
    if found:
        print(f"a Prefect server already answers at {found}")
        return _with_builder(found, path.with_suffix(".log"), builder)
    if _healthy(api):
        print(f"a Prefect server already answers at {api}; set PREFECT_API_URL={api} to use it")
        return 0
    log = path.with_suffix(".log")
    try:
        with open(log, "ab") as out:
            proc = start_server(api, log=out, detach=True)
    except RuntimeError as exc:
        print(f"policytrace server: {exc}; see {log}", file=sys.stderr)
        return 2
    path.write_text(json.dumps({"pid": proc.pid, "api": api}), encoding="utf-8")
    print(f"Prefect server running at {api} (pid {proc.pid}, log {log}); policytrace commands use it "
          "until `policytrace server stop`")
    return _with_builder(api, log, builder)


def _with_builder(api: str, log: Path, builder: bool) -> int:
    if not builder or not warm.supported():
        return 0
    try:
        pid = start_builder(api, log)
    except RuntimeError as exc:
        print(f"policytrace server: {exc}; see {log}. Builds still use the server, each in its own process.",
              file=sys.stderr)
        return 2
    print(f"warm builder running (pid {pid}): `policytrace build` runs in a fork of it, with Prefect and the "
          "pipeline already loaded")
    return 0


def start_builder(api: str, log: Path, timeout: float = 300) -> int:
    """Start the warm builder (`flows.warm`) for the server at `api`, unless one answers
    already, and wait until it does: its pid."""
    found = warm.ping()
    if found:
        return found["pid"]
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "flows", "--warm-builder", warm.socket_path()], env={**os.environ, "PREFECT_API_URL": api},
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    found = _answer(proc, warm.ping, timeout, 0.1, "the warm builder exited early (exit code {code})",
                    f"the warm builder did not answer within {timeout:.0f} s")
    return found["pid"]


def stop_builder() -> None:
    """End the warm builder, if one runs (its commands running at the time finish)."""
    path = warm.record_path()
    try:
        pid = json.loads(path.read_text(encoding="utf-8"))["pid"]
    except (OSError, ValueError, KeyError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
        print(f"stopped the warm builder (pid {pid})")
    except ProcessLookupError:
        pass
    path.unlink(missing_ok=True)


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
