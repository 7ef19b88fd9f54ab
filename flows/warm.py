"""The warm builder: a process that has imported Prefect and loaded the pipeline once, and
forks a copy of itself for each `policytrace build` while a long-lived server is up.

`policytrace server start` starts it beside the Prefect server; `stop` ends both. A
`policytrace build` run from then on connects to it over a Unix socket (in `PREFECT_HOME`)
and hands it its arguments, working folder, environment and its standard input, output
and error (the file descriptors themselves, `SCM_RIGHTS`). The builder forks; the child
takes those descriptors and that folder and runs the same `flows.cli.main` the command
would have run, against the same server, so the flow run, its task runs, logs and
artifact reach Prefect as before. The command waits, prints nothing of its own and exits
with the child's exit code. What it skips is the start-up every fresh process pays:
Python's imports (spaCy, Prefect, pyarrow: about 1.5 s on a fast day) and the pipeline's
load (the dictionary, the gazetteers, the entity model: about 0.5 s).

The command runs in its own process instead (the builder is not used) when:
- its settings differ from the builder's: any `PREFECT_*` or `POLICYTRACE_*` variable
  (`POLICYTRACE_NER_MODEL=off`, another `PREFECT_API_URL`) or `DO_NOT_TRACK`, since the
  builder read them once, at its start;
- the code differs: a file of `flows/` or `pipelines/` (their data included) changed since
  the builder started, or Python or the installed packages did. The builder then exits,
  and the command says so and how to start a new one;
- `POLICYTRACE_WARM=off`, no builder answers, or the platform has no `fork`.

If the command is interrupted or killed, its connection closes and the child is
interrupted (SIGINT) and killed 3 s later: a killed build leaves its dataset as any killed
build does (the previous version whole, nothing half-written visible).
"""

from __future__ import annotations

import atexit
import hashlib
import io
import json
import os
import signal
import socket
import struct
import sys
import sysconfig
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path

COMMANDS = ("build",)
SOCKET_NAME = "policytrace-builder.sock"
RECORD_NAME = "policytrace-builder.json"
_KEYED_PREFIXES = ("PREFECT_", "POLICYTRACE_")
_KEYED_NAMES = ("DO_NOT_TRACK",)
_NOT_KEYED = frozenset({"POLICYTRACE_WARM"})
_OFF = ("0", "off", "no", "false")
_HEADER = struct.Struct("!Q")


def _home() -> Path:
    return Path(os.environ["PREFECT_HOME"]).expanduser()


def record_path() -> Path:
    return _home() / RECORD_NAME


def socket_path() -> str:
    """The builder's socket in `PREFECT_HOME`; where that path is too long for a Unix socket
    (108 bytes on Linux), a name made from it in a folder of this user's under the temp folder."""
    path = _home() / SOCKET_NAME
    if len(os.fsencode(path)) < 100:
        return str(path)
    folder = Path(tempfile.gettempdir()) / f"policytrace-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return str(folder / (hashlib.sha256(os.fsencode(path)).hexdigest()[:20] + ".sock"))


def supported() -> bool:
    return hasattr(os, "fork") and hasattr(socket, "AF_UNIX") and hasattr(socket, "send_fds")


def code_key() -> str:
    """What the builder's loaded code and data came from: every file of the `flows` and
    `pipelines` packages (path, size, modification time), Python, and the installed packages'
    folder (a package installed or removed changes its modification time)."""
    h = hashlib.sha256(f"{sys.executable}\0{sys.version}".encode())
    for name in ("flows", "pipelines"):
        spec = find_spec(name)
        root = Path(next(iter(spec.submodule_search_locations)))  # no import: a package's folder
        h.update(os.fsencode(root))
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for f in sorted(files):
                if f.endswith((".pyc", ".lock")):
                    continue
                st = os.stat(os.path.join(folder, f))
                h.update(f"{folder}/{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    purelib = sysconfig.get_paths()["purelib"]
    h.update(f"{purelib}\0{os.stat(purelib).st_mtime_ns}".encode())
    return h.hexdigest()


def settings_key(env: dict[str, str]) -> str:
    """The settings the builder read at its start: Prefect's and policytrace's variables."""
    keyed = sorted((k, v) for k, v in env.items()
                   if (k.startswith(_KEYED_PREFIXES) or k in _KEYED_NAMES) and k not in _NOT_KEYED)
    return hashlib.sha256(json.dumps(keyed).encode()).hexdigest()


def _send(conn: socket.socket, obj: dict) -> None:
    conn.sendall(json.dumps(obj).encode() + b"\n")


def _lines(conn: socket.socket):
    buf = b""
    while True:
        while b"\n" in buf:
            line, _, buf = buf.partition(b"\n")
            yield json.loads(line)
        chunk = conn.recv(65536)
        if not chunk:
            return
        buf += chunk


# ---- the command's side -------------------------------------------------------------------


def run_warm(argv: list[str]) -> int | None:
    """Run `policytrace ARGV` in the warm builder, if one answers and may run it: its exit
    code; None when the command should run in this process instead."""
    if os.environ.get("POLICYTRACE_WARM", "").lower() in _OFF or not supported():
        return None
    if argv[:1] != ["build"] or any(a in ("-h", "--help") for a in argv):
        return None
    path = socket_path()
    if not os.path.exists(path):
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError:
        conn.close()
        return None
    with conn:
        request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ),
                              "code": code_key(), "settings": settings_key(os.environ)}).encode()
        try:
            socket.send_fds(conn, [_HEADER.pack(len(request))], [0, 1, 2])
            conn.sendall(request)
            replies = _lines(conn)
            first = next(replies, None)
        except OSError:
            return None
        if first is None or "fallback" in first:
            if first and first.get("stale"):
                print(f"policytrace: {first['fallback']}; building in this process. `policytrace server start` "
                      "starts a new warm builder.", file=sys.stderr)
            return None
        try:
            for reply in replies:
                if "exit" in reply:
                    return int(reply["exit"])
        except KeyboardInterrupt:
            return 130  # the connection closes: the child is interrupted
        print(f"policytrace: the warm builder's run of this command (pid {first.get('pid')}) ended without an "
              "exit code (killed?)", file=sys.stderr)
        return 1


def ping(timeout: float = 2) -> dict | None:
    """The builder's answer to a status request (its pid and how many commands it ran), or None."""
    path = socket_path()
    if not supported() or not os.path.exists(path):
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(path)
            request = json.dumps({"ping": True}).encode()
            conn.sendall(_HEADER.pack(len(request)) + request)
            return next(_lines(conn), None)
    except (OSError, ValueError):
        return None


# ---- the builder's side -------------------------------------------------------------------


def _recv_request(conn: socket.socket) -> tuple[dict, list[int]]:
    head, fds, _, _ = socket.recv_fds(conn, _HEADER.size, 3)
    while len(head) < _HEADER.size:
        more = conn.recv(_HEADER.size - len(head))
        if not more:
            raise ConnectionError("the command hung up")
        head += more
    (n,) = _HEADER.unpack(head)
    body = bytearray()
    while len(body) < n:
        more = conn.recv(min(65536, n - len(body)))
        if not more:
            raise ConnectionError("the command hung up")
        body += more
    return json.loads(body), list(fds)


def _child(conn: socket.socket, listener: socket.socket, fds: list[int], request: dict,
           main: Callable[[list[str]], int]) -> None:
    """In the forked child: become the command, run it, report its exit code. Never returns."""
    code = 1
    try:
        listener.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the pool and subprocesses wait for their children
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), line_buffering=os.isatty(1), write_through=False)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), line_buffering=True)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["policytrace", *request["argv"]]
        _send(conn, {"pid": os.getpid()})
        done = threading.Event()

        def watch() -> None:  # the command hung up (interrupted or killed): stop, as it would have
            try:
                while conn.recv(1):
                    pass
            except OSError:
                pass
            if not done.is_set():  # a real SIGINT (not _thread.interrupt_main): it wakes a blocked wait too
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(3)
                os.kill(os.getpid(), signal.SIGKILL)

        threading.Thread(target=watch, daemon=True, name="policytrace-warm-watch").start()
        try:
            code = main(request["argv"])
        except SystemExit as exc:
            if isinstance(exc.code, int) or exc.code is None:
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except KeyboardInterrupt:
            code = 130
        except BaseException:  # as the interpreter would report it
            traceback.print_exc()
            code = 1
        done.set()
        atexit._run_exitfuncs()  # Prefect's: its logs reach the server before the command returns
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        try:
            _send(conn, {"exit": code})
        except OSError:  # the command is gone (killed): nobody to tell
            pass
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def serve(path: str, main: Callable[[list[str]], int]) -> None:
    """Load everything, then answer commands on the Unix socket PATH until SIGTERM: each in a
    fork that runs `main(argv)` (`flows.cli.main`; `python -m flows --warm-builder PATH`)."""
    import flows.build  # noqa: F401  (Prefect and the flow)
    from pipelines.build import load_pipeline

    load_pipeline()
    code, settings = code_key(), settings_key(os.environ)
    import gc

    gc.collect()
    gc.freeze()  # the children share these pages instead of touching them in every collection
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)  # the socket is this user's only: it runs commands as them
    try:
        listener.bind(path)
    finally:
        os.umask(old)
    listener.listen(16)
    record_path().write_text(json.dumps({"pid": os.getpid(), "socket": path}), encoding="utf-8")

    def stop(*_: object) -> None:
        for p in (path, record_path()):
            try:
                if p == path or json.loads(Path(p).read_text(encoding="utf-8")).get("pid") == os.getpid():
                    os.unlink(p)
            except (OSError, ValueError):
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # finished children are reaped by the kernel
    served, since = 0, time.time()
    print(f"warm builder ready on {path} (pid {os.getpid()})", flush=True)
    while True:
        conn, _ = listener.accept()
        fds: list[int] = []
        try:
            request, fds = _recv_request(conn)
            if request.get("ping"):
                _send(conn, {"pid": os.getpid(), "served": served, "since": since})
            elif request.get("code") != code:
                _send(conn, {"fallback": "the warm builder was started with other code (a file of flows/ or "
                                         "pipelines/ changed since, or the installed packages)", "stale": True})
                conn.close()
                stop()
            elif request.get("settings") != settings:
                _send(conn, {"fallback": "other settings"})
            else:
                if os.fork() == 0:
                    _child(conn, listener, fds, request, main)
                served += 1
        except (OSError, ValueError, ConnectionError) as exc:
            print(f"warm builder: a request failed: {exc}", file=sys.stderr, flush=True)
        finally:
            for fd in fds:
                try:
                    os.close(fd)
                except OSError:
                    pass
            conn.close()
