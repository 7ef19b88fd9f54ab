"""Prefect flows for policytrace. Thin: tasks call `pipelines/`.

Quiet, offline Prefect settings are applied here, before Prefect is
imported, unless the user has set them.
"""

import os
from pathlib import Path

os.environ.setdefault("PREFECT_HOME", str(Path.home() / ".cache" / "policytrace" / "prefect"))
# Prefect creates only the last folder of its home; make the parents.
Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_UI_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")


def dask_workers(spec: str) -> int | None:
    """`--dask` read: `local:N` -> N (a LocalCluster of N processes), `tcp://HOST:PORT`
    (or `tls://`) -> None (a running scheduler); anything else raises ValueError."""
    n = spec.removeprefix("local:")
    if spec.startswith("local:") and n.isdigit() and int(n) > 0:
        return int(n)
    if spec.startswith(("tcp://", "tls://")):
        return None
    raise ValueError(f"--dask wants local:N (N worker processes on this machine) or tcp://HOST:PORT (a running "
                     f"Dask scheduler), got {spec!r}")
