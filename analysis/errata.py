"""Reviewed repairs of the source texts. Raw files stay byte-for-byte; each repair is a row in
``data/raw/reference/errata.csv`` (document, character offset in the raw text, original, replacement,
reason), applied by :mod:`analysis.normalize`. An entry that no longer matches its text is an error,
so a stale erratum can never silently change nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .paths import raw_dir, relative
from .tables import read_raw_csv

COLUMNS = ["document_id", "offset", "original", "replacement", "reason"]


@dataclass(frozen=True)
class Edit:
    """Replace raw[start:end] with ``replacement``; ``origin`` says which erratum or rule asked for it."""

    start: int
    end: int
    replacement: str
    reason: str
    origin: str


def errata_path() -> Path:
    return raw_dir() / "reference" / "errata.csv"


def load_errata(path: Path | None = None) -> list[dict]:
    path = path or errata_path()
    rows = read_raw_csv(path, COLUMNS)
    for row in rows:
        if not re.fullmatch(r"[0-9]+", row["offset"]):  # ASCII digits: int() would also read full-width ８６０７
            raise InputError(relative(path), f"offset {row['offset']!r} is not a whole number written in digits 0-9",
                             row=row["_row"], column="offset")
        row["offset"] = int(row["offset"])
        if not row["original"]:
            raise InputError(relative(path), "original is empty: say what text is replaced",
                             row=row["_row"], column="original")
        if not row["reason"]:
            raise InputError(relative(path), "reason is empty: every repair must say why",
                             row=row["_row"], column="reason")
    return rows


def errata_edits(document_id: str, raw_text: str, rows: list[dict], path: Path | None = None) -> list[Edit]:
    """The document's errata as edits, each checked to match the raw text exactly at its offset."""
    name = relative(path or errata_path())
    edits = []
    for row in rows:
        if row["document_id"] != document_id:
            continue
        start, original = row["offset"], row["original"]
        found = raw_text[start:start + len(original)]
        if found != original:
            elsewhere = raw_text.find(original)
            hint = f"; the original occurs at offset {elsewhere}" if elsewhere >= 0 else "; the original is not in the text"
            raise InputError(name, f"erratum for {document_id} does not match: expected {original!r} at offset "
                             f"{start}, found {found!r}{hint}", row=row["_row"], column="offset")
        edits.append(Edit(start, start + len(original), row["replacement"], row["reason"], f"errata row {row['_row']}"))
    return edits


def unknown_documents(rows: list[dict], known: set[str], path: Path | None = None) -> None:
    """An erratum for a document that does not exist is an error, not a silent no-op."""
    for row in rows:
        if row["document_id"] not in known:
            raise InputError(relative(path or errata_path()), f"unknown document_id {row['document_id']!r}; "
                             f"known: {sorted(known)}", row=row["_row"], column="document_id")
