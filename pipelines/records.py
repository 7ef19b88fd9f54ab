"""The records that pass between pipeline stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Document:
    """One cleaned document with its metadata.

    `text` is what every later stage analyses; all offsets point into it.
    """

    doc_id: str
    text: str
    source: str
    encoding: str
    sha256: str
    title: str | None = None
    issuer: str | None = None
    author: str | None = None
    published: dt.date | None = None
    year: int | None = None
    url: str | None = None
    occasion: str | None = None
    doc_type: str | None = None
    doc_number: str | None = None
    level: str | None = None
    region: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def n_chars(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class Rejection:
    """An input that could not be read, with the reason in plain words."""

    source: str
    reason: str


class InputError(ValueError):
    """Raised by readers for an input that cannot be turned into a document."""
