"""Shared by the evaluation scripts: reading the hand-labelled sets in tests/data/."""

from __future__ import annotations

import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def relative_source(source: str) -> str:
    """`/work/shared/corpus/hailaer/2016.txt` -> `corpus/hailaer/2016.txt`, as in the gold files."""
    m = re.search(r"(?:^|/)((?:corpus|seeds)/.*)$", source)
    return m.group(1) if m else source


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def passages_in(md: Path) -> list[dict]:
    """The `{"passage": ...}` lines of a set's description."""
    return [json.loads(line) for line in md.read_text(encoding="utf-8").splitlines() if line.startswith('{"passage"')]
