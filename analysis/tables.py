"""Reading the hand-kept CSV files under data/raw strictly: verified, UTF-8, named columns, string cells.

Every problem is reported with file, row (1 = header, so data start at row 2, as a spreadsheet shows
them) and column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import InputError
from .paths import relative
from .snapshot import read_raw_text


def read_raw_csv(path: Path, required: list[str], optional: list[str] = ()) -> list[dict[str, str]]:
    """Rows of a verified raw CSV as dicts of stripped strings; '' means empty."""
    return parse_csv(read_raw_text(path), relative(path), required, optional)


def parse_csv(text: str, name: str, required: list[str], optional: list[str] = ()) -> list[dict[str, str]]:
    """Rows of CSV text; unknown columns are rejected too: a misspelled column name is the commonest slip."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(name, "empty file: expected a header row", row=1) from None
    missing = [c for c in required if c not in header]
    if missing:
        known = set(required) | set(optional)
        unknown = [h for h in header if h not in known]
        hint = f" (found unknown column(s) {unknown}: misspelled?)" if unknown else ""
        raise InputError(name, f"missing required column(s) {missing}{hint}", row=1, column=missing[0])
    unknown = [h for h in header if h not in set(required) | set(optional)]
    if unknown:
        raise InputError(name, f"unknown column(s) {unknown}; expected {list(required) + list(optional)}",
                         row=1, column=unknown[0])
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        raise InputError(name, f"duplicated column(s) {dupes}", row=1, column=dupes[0])
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise InputError(name, f"has {len(cells)} cells, the header has {len(header)} "
                             "(an unquoted comma inside a cell?)", row=number)
        rows.append({h: c.strip() for h, c in zip(header, cells)} | {"_row": number})
    return rows
