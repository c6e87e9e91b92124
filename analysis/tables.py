"""The table layer: how every table of the project is read and written.

* Raw, hand-kept CSV files under data/raw are read strictly (:func:`read_raw_csv`): verified against
  their checksum, UTF-8, named columns, string cells; every problem names file, row (1 = header, so data
  start at row 2, as a spreadsheet shows them) and column. :func:`reject_formulas` refuses cells a
  spreadsheet would run as formulas.
* Processed tables are named, not pathed: :func:`read_table` gives a table typed by its schema
  (:mod:`analysis.schemas`), :func:`write_tables` publishes a step's tables (CSV + Parquet twins)
  together, its make target last.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl

from .errors import InputError
from .paths import relative
from .snapshot import read_raw_text

# A cell starting with one of these runs as a formula when a CSV is opened in a spreadsheet; a plain
# (negative) number is the one harmless case.
FORMULA_STARTS = ("=", "+", "-", "@")
# A number in a hand-kept file: ASCII digits only (\d, str.isdigit(), int() and float() also take full-width
# ９０ or ２０２３, common in Chinese sources; the cell is named instead of read).
ASCII_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
# A cell longer than this is a paste gone wrong: the longest real ones (a plan sentence, where a figure stands
# in its source) are a few hundred characters. Python's csv module would stop at 131,072 with a traceback.
MAX_CELL_CHARS = 10_000
csv.field_size_limit(1 << 30)  # our limit is checked, with file, row and column, before csv's applies


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
    if header and header[0].startswith("\ufeff"):  # else: "missing column 'x' (found unknown '\ufeffx')"
        raise InputError(name, "starts with a byte-order mark (Excel's \"CSV UTF-8\" adds one): save it as plain "
                         "UTF-8, or remove the mark with `sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`", row=1)
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
        row = {h: c.strip() for h, c in zip(header, cells)}
        for column, cell in row.items():
            if len(cell) > MAX_CELL_CHARS:
                raise cell_too_long(name, number, column, len(cell))
        rows.append(row | {"_row": number})
    return rows


def cell_too_long(name: str, row: int, column: str, length: int) -> InputError:
    return InputError(name, f"the cell is {length:,} characters long; the limit is {MAX_CELL_CHARS:,} "
                      "(a paste gone wrong?)", row=row, column=column)


def reject_formulas(name: str, row: dict) -> None:
    """A cell starting with = + - @ runs as a formula when the processed CSV is opened in a spreadsheet."""
    for column, cell in row.items():
        if column != "_row" and cell.startswith(FORMULA_STARTS) and not ASCII_NUMBER.fullmatch(cell):
            raise InputError(name, f"cell {cell!r} starts with {cell[0]!r} and would run as a formula when the CSV "
                             "is opened in a spreadsheet; remove the leading character", row=row["_row"], column=column)


# ---------------------------------------------------------------------------------------- processed tables

def table_path(name: str, suffix: str = ".csv", directory: Path | None = None) -> Path:
    """Where a processed table lives: the only place that builds a path to one."""
    from .paths import processed_dir

    schema(name)  # an unknown name is a programming error, said at once
    return Path(directory or processed_dir()) / f"{name}{suffix}"


def schema(name: str):
    from .schemas import table

    return table(name)


def typed(frame: pl.DataFrame, dtypes: dict, name: str, first_row: int = 2, strip: bool = True) -> pl.DataFrame:
    """Cast text columns to ``dtypes``; a cell that does not fit names file, row and column.

    Cells are stripped and '' is missing, as in every CSV of the project; columns already of the right
    type pass as they are (text columns too when not ``strip``). ``first_row``: spreadsheet row of the
    frame's first row (header = row 1).
    """
    missing = [c for c in dtypes if c not in frame.columns]
    if missing:
        raise InputError(name, f"missing required column(s) {missing}", row=1, column=missing[0])
    exprs = []
    for column, dtype in dtypes.items():
        if frame[column].dtype == dtype and (dtype != pl.String or not strip):
            exprs.append(pl.col(column))
            continue
        text = pl.col(column).cast(pl.String).str.strip_chars()
        text = pl.when(text == "").then(None).otherwise(text)
        if dtype == pl.String:
            exprs.append(text.alias(column))
            continue
        if dtype == pl.Boolean:
            lowered = text.str.to_lowercase()
            value = (pl.when(lowered.is_in(["true", "1", "yes"])).then(True)
                     .when(lowered.is_in(["false", "0", "no"])).then(False).otherwise(None))
        elif dtype == pl.Int64:
            number = text.cast(pl.Float64, strict=False)
            value = pl.when(number == number.round(0)).then(number).otherwise(None).cast(pl.Int64)
        else:
            value = text.cast(dtype, strict=False)
        bad = (frame.select(text.alias("text"), value.alias("value")).with_row_index("i")
               .filter(pl.col("text").is_not_null() & pl.col("value").is_null()))
        if bad.height:
            first = bad.row(0, named=True)
            raise InputError(name, f"'{first['text']}' is not a valid {dtype}", row=first["i"] + first_row,
                             column=column)
        exprs.append(value.alias(column))
    return frame.select(exprs)


def read_table(name: str, directory: Path | None = None, as_text: bool = False) -> pl.DataFrame:
    """A processed table as its schema types it (``as_text``: every cell as the CSV holds it, for checks
    that must see what a reader sees). Read from the CSV, the file make tracks and a reader opens."""
    from .paths import relative

    path = table_path(name, directory=directory)
    if not path.exists():
        raise InputError(relative(path), "missing: build it first (`make`)")
    frame = pl.read_csv(path, infer_schema=False)
    if as_text:
        return frame
    return typed(frame, schema(name).dtypes, relative(path))


def conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame in its schema's columns, order and types; a missing column is a programming error."""
    columns = schema(name).dtypes
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"table {name}: frame lacks column(s) {missing}")
    return frame.select(pl.col(c).cast(t) for c, t in columns.items())


def write_tables(frames: dict[str, pl.DataFrame], main: str, directory: Path | None = None,
                 extra: list | None = None) -> list[Path]:
    """Publish a step's tables together: CSV and Parquet twins (``extra``: further (path, writer) pairs),
    all written first, then renamed, ``main``'s CSV (the step's make target) last. See atomic.publish."""
    from .atomic import csv_writer, parquet_writer, publish

    outputs, target = list(extra or []), None
    for name, frame in frames.items():
        frame = conform(name, frame)
        csv = (table_path(name, ".csv", directory), csv_writer(frame))
        if schema(name).parquet:
            outputs.append((table_path(name, ".parquet", directory), parquet_writer(frame)))
        if name == main:
            target = csv
        else:
            outputs.append(csv)
    if target is None:
        raise ValueError(f"write_tables: the main table {main!r} is not among {sorted(frames)}")
    return publish([*outputs, target])
