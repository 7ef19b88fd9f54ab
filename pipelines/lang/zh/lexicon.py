"""The one loader of the editable data files in `pipelines/data/`.

Word lists and tables are UTF-8 text a researcher edits without reading
Python: one entry a line, `#` starts a comment line, blank lines are skipped,
and the columns of a table are separated by tabs. Every loader here checks
what it reads and fails on the first bad line with `path:line` and the reason,
so a typo never surfaces later as an `IndexError` or a rule silently lost.

>>> from pipelines.lang.zh.lexicon import DATA_DIR, table
>>> [r.fields for r in table(DATA_DIR / "figure_scales.tsv", ("scale", "factor"))][:2]
[('万亿', '1e12'), ('萬億', '1e12')]
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class LexiconError(ValueError):
    """A data file holds a line that cannot be read; the message starts with `path:line:`."""


@dataclass(frozen=True)
class Row:
    """One line of a data file: where it is, and its fields."""

    path: Path
    lineno: int
    fields: tuple[str, ...]

    def error(self, reason: str) -> LexiconError:
        return LexiconError(f"{self.path}:{self.lineno}: {reason}")

    def get(self, i: int, default: str = "") -> str:
        return self.fields[i] if i < len(self.fields) else default

    def choice(self, i: int, allowed: Iterable[str], column: str) -> str:
        """Field `i`, which must be one of `allowed`."""
        allowed = tuple(allowed)
        value = self.get(i)
        if value not in allowed:
            raise self.error(f"{column} is {value!r}; it must be one of {', '.join(allowed)}")
        return value

    def regex(self, i: int, column: str = "pattern") -> re.Pattern:
        """Field `i` compiled as a regular expression."""
        try:
            return re.compile(self.get(i))
        except re.error as exc:
            raise self.error(f"{column} is not a regular expression ({exc})") from None

    def decimal(self, i: int, column: str) -> Decimal:
        """Field `i` as an exact number (`1e12`, `0.5`)."""
        try:
            return Decimal(self.get(i))
        except InvalidOperation:
            raise self.error(f"{column} is {self.get(i)!r}, not a number") from None


def lines(path: str | os.PathLike) -> Iterator[tuple[int, str]]:
    """`(line number, line)` for every line that is not blank or a `#` comment."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield lineno, line


def table(path: str | os.PathLike, columns: Sequence[str], required: int | None = None) -> list[Row]:
    """Tab-separated rows with `required` (default: all) to `len(columns)` fields,
    each stripped of surrounding blanks; the first field may not be empty."""
    path = Path(path)
    need = len(columns) if required is None else required
    out = []
    for lineno, line in lines(path):
        fields = tuple(f.strip() for f in line.split("\t"))
        while len(fields) > need and not fields[-1]:
            fields = fields[:-1]  # trailing empty columns: `name<TAB>LAW<TAB>`
        row = Row(path, lineno, fields)
        if not need <= len(fields) <= len(columns) or not fields[0]:
            shape = "<TAB>".join(columns[:need]) + "".join(f"[<TAB>{c}]" for c in columns[need:])
            raise row.error(f"expected {shape} separated by tabs, got {len(fields)} field(s): {line!r}")
        out.append(row)
    return out


def words(path: str | os.PathLike, per_line: bool = False) -> list[str]:
    """Entries of a word list: one a line (`per_line=False`: one or more
    separated by blanks). A tab in a line is a typo in a word list."""
    out = []
    for lineno, line in lines(path):
        if "\t" in line:
            raise LexiconError(f"{Path(path)}:{lineno}: a word list takes words, not tab-separated columns: {line!r}")
        entries = line.split()
        if per_line and len(entries) != 1:
            raise LexiconError(f"{Path(path)}:{lineno}: one entry a line, got {len(entries)}: {line!r}")
        out.extend(entries)
    return out


def keyed(path: str | os.PathLike, keys: Sequence[str]) -> dict[str, list[str]]:
    """`KEY word [word ...]` lines (a key from `keys`, then words separated by
    blanks), the words grouped by key in file order."""
    out: dict[str, list[str]] = {k: [] for k in keys}
    for lineno, line in lines(path):
        key, *entries = line.split()
        if key not in out or not entries:
            raise LexiconError(f"{Path(path)}:{lineno}: expected `KEY word ...` with KEY one of {', '.join(keys)}, got {line!r}")
        out[key].extend(entries)
    return out


def alternation(entries: Iterable[str]) -> str:
    """A regex alternative of the entries, longest first, so the longest wins.

    >>> re.fullmatch(alternation(["万", "万亿"]), "万亿") is not None
    True
    """
    return "|".join(re.escape(e) for e in sorted(set(entries), key=lambda e: (-len(e), e)))


def path_of(name: str) -> Path:
    """A shipped data file by its name under `pipelines/data/`."""
    return DATA_DIR / name
