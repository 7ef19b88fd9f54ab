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
