"""Fault injection for the kill tests: `checkpoint(name)` sends this process SIGKILL
when `$POLICYTRACE_FAULT` names that point.

`POLICYTRACE_FAULT=moved:tokens` kills the build right after the tokens table of the
new version is moved into place; `analysed#2` at the second time the point is
reached. Unset (always, outside tests), a checkpoint costs one dictionary lookup.

The points, in the order a build reaches them: `collected`; per analysed document
`analysed`, then `cached` (in the process that analyses it: a worker of the pool, when
the build has one); per table `writing:<table>` (the Parquet file written but
its footer not yet), `staged:<table>` (written and fsynced in `.staging-<VERSION>/`),
then per table `moved:<table>` (in `<table>/version=<VERSION>/`); `manifest-tmp`,
`manifest`, `latest-tmp`, `committed` (LATEST names the new version), `pruned`.
"""

from __future__ import annotations

import os
import signal
import sys
from collections import Counter

_reached: Counter[str] = Counter()


def checkpoint(name: str) -> None:
    point = os.environ.get("POLICYTRACE_FAULT")
    if not point:
        return
    _reached[name] += 1
    if point == name or point == f"{name}#{_reached[name]}":
        os.kill(os.getpid(), signal.SIGKILL)


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """In a child process (a pool's initializer, a `preexec_fn`): on Linux, be sent `sig`
    when the process that started it ends, even when that one is killed and its atexit
    handlers never run (PR_SET_PDEATHSIG); elsewhere nothing."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, sig)  # 1: PR_SET_PDEATHSIG
