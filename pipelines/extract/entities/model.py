"""The `Entity` record, and how candidates from different methods rank."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.extract.gazetteer import LABELS

__all__ = ["LABELS", "METHOD_RANK", "Entity"]
METHOD_RANK = {"gazetteer": 5, "pattern": 4, "model": 3, "quote": 2, "pos": 1}


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    label: str
    normalized: str
    method: str
    confidence: float | None = None  # the model's, for method 'model'
