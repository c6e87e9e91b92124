"""A hand-kept raw CSV read by polars in one pass, as strictly as :func:`analysis.tables.read_raw_csv`.

The per-row reader builds a dict per row, which is most of the cost at national scale (two million
observations). This reader returns the same rows as a frame of stripped strings ('' = empty) with the
same spreadsheet row numbers (``_row``; header = row 1; blank rows skipped but counted). Whatever it
cannot read exactly as the per-row reader would (a byte that is not UTF-8, a row with too many cells,
quoting polars rejects) is handed to the per-row reader, so a researcher gets the same error message
whichever reader ran.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

from .errors import InputError
from .paths import relative
from .snapshot import read_raw
from .tables import MAX_CELL_CHARS, cell_too_long, parse_csv, read_raw_csv

# What Python's str.strip() removes (the per-row reader strips every cell with it); polars' default
# strip_chars() uses Unicode White_Space, which lacks a few of these (e.g. the separators \x1c-\x1f).
WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
ROW = "_row"


def read_raw_frame(path: Path, required: list[str], optional: list[str] = ()) -> pl.DataFrame:
    """The rows of a verified raw CSV, in file order, columns in the file's order plus ``_row``."""
    data = read_raw(path)
    name = relative(path)
    header = _header(data, name, required, optional)
    if header is None:
        return _per_row(path, required, optional)
    try:
        frame = pl.read_csv(data, infer_schema=False, new_columns=header, empty_string_is_null=False,
                            raise_if_empty=False)
    except pl.exceptions.ComputeError:  # not UTF-8, too many cells, quoting polars rejects
        return _per_row(path, required, optional)
    short = _short_rows(data, len(header), frame.height)
    if short is None:
        return _per_row(path, required, optional)
    cells = [pl.col(c).fill_null("").str.strip_chars(WHITESPACE) for c in header]
    frame = frame.select(cells).with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    blank = pl.all_horizontal([pl.col(c) == "" for c in header])
    if short:  # a non-blank row with fewer cells than the header: the per-row reader's message
        ragged = frame.filter(pl.col(ROW).is_in(short) & ~blank)
        if ragged.height:
            number = ragged[ROW][0]
            raise InputError(name, f"has {_cell_count(data, number)} cells, the header has {len(header)} "
                             "(an unquoted comma inside a cell?)", row=number)
    _refuse_long_cells(frame, header, name)
    return frame.filter(~blank).select(*header, ROW)


def _refuse_long_cells(frame: pl.DataFrame, header: list[str], name: str) -> None:
    """The per-row reader's error for the first cell over the limit (in file order, then column order)."""
    lengths = frame.select(ROW, *(pl.col(c).str.len_chars().alias(c) for c in header))
    over = lengths.filter(pl.any_horizontal(pl.col(c) > MAX_CELL_CHARS for c in header))
    if over.height:
        first = over.row(0, named=True)
        column = next(c for c in header if first[c] > MAX_CELL_CHARS)
        raise cell_too_long(name, first[ROW], column, first[column])


def _header(data: bytes, name: str, required: list[str], optional: list[str]) -> list[str] | None:
    """The stripped header, checked exactly as the per-row reader checks it; None if only it can read it."""
    first = data.split(b"\n", 1)[0]
    if b'"' in first:
        return None
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        return None
    parse_csv(text, name, required, optional)  # raises on a missing, unknown or duplicated column
    return [h.strip() for h in text.rstrip("\r").split(",")]


def _record_ends(data: bytes) -> np.ndarray:
    """Byte offsets of the newlines that end a CSV record (not those inside quoted cells)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(raw == ord("\n"))
    quotes = np.flatnonzero(raw == ord('"'))
    if quotes.size:
        newlines = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
    if not data.endswith(b"\n"):
        newlines = np.append(newlines, len(data))
    return newlines


def _separators(data: bytes) -> np.ndarray:
    raw = np.frombuffer(data, dtype=np.uint8)
    commas = np.flatnonzero(raw == ord(","))
    quotes = np.flatnonzero(raw == ord('"'))
    return commas[np.searchsorted(quotes, commas) % 2 == 0] if quotes.size else commas


def _short_rows(data: bytes, width: int, rows: int) -> list[int] | None:
    """Spreadsheet rows with fewer cells than the header: polars pads them silently (it refuses longer
    ones itself). None if the records found here are not polars' rows: then only the per-row reader can say."""
    if b'"' not in data and data.count(b",") == (data.count(b"\n") + (not data.endswith(b"\n"))) * (width - 1):
        return []  # no row is longer (polars would have refused it), so none is shorter
    ends = _record_ends(data)
    if len(ends) - 1 != rows:
        return None
    per_record = np.diff(np.searchsorted(_separators(data), ends), prepend=0) + 1
    return (np.flatnonzero(per_record[1:] < width) + 2).tolist()


def _cell_count(data: bytes, row: int) -> int:
    """How many cells the per-row reader sees in spreadsheet row ``row`` (only ever asked for one row)."""
    ends = _record_ends(data)
    start = 0 if row == 1 else int(ends[row - 2]) + 1
    separators = _separators(data)
    return int(np.searchsorted(separators, ends[row - 1]) - np.searchsorted(separators, start)) + 1


def _per_row(path: Path, required: list[str], optional: list[str]) -> pl.DataFrame:
    """The per-row reader's rows as a frame: its error if the file is bad, else the same frame."""
    rows = read_raw_csv(path, required, optional)
    columns = [c for c in (rows[0] if rows else [*required, *optional]) if c != ROW]
    schema = {c: pl.String for c in columns} | {ROW: pl.Int64}
    return pl.DataFrame(rows, schema=schema).select(*columns, ROW)
