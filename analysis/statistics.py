"""Official statistics: the hand-kept figures in data/raw/statistics, checked strictly and tidied into
data/processed/observations.{csv,parquet} and sources.{csv,parquet}.

Every bad cell stops the build with an :class:`InputError` naming file, row and column, before anything
is written. A figure whose source gives no reference year is kept, but marked ``usable = false``.

Command line::

    python -m analysis.statistics      # (re)build the processed observations and sources
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polars as pl

from .cli import step_command
from .errors import InputError
from .paths import raw_dir, relative
from .reference import load_indicators, load_regions, regions_path
from .tables import read_raw_csv, write_tables
from .vocabulary import SOURCE_KINDS

OBSERVATION_COLUMNS = ["region_code", "region_name", "indicator_as_published", "indicator_id", "year", "value",
                       "unit", "source_id", "note"]
SOURCE_COLUMNS = ["source_id", "title", "publisher", "url", "published", "accessed", "kind",
                  "where_the_figures_stand"]
PROCESSED_COLUMNS = ["observation_id", "region_code", "region_name", "indicator_as_published", "indicator_id",
                     "year", "value", "unit", "source_id", "source_kind", "note", "usable"]

NUMBER = re.compile(r"-?\d+(\.\d+)?")
YEAR = re.compile(r"\d{4}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FORMULA_STARTS = ("=", "+", "-", "@")


def observations_path() -> Path:
    return raw_dir() / "statistics" / "observations.csv"


def sources_path() -> Path:
    return raw_dir() / "statistics" / "sources.csv"


def _reject_formulas(name: str, row: dict) -> None:
    """A cell starting with = + - @ runs as a formula when the processed CSV is opened in a spreadsheet."""
    for column, cell in row.items():
        if column != "_row" and cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell):
            raise InputError(name, f"cell {cell!r} starts with {cell[0]!r} and would run as a formula when the CSV "
                             "is opened in a spreadsheet; remove the leading character", row=row["_row"], column=column)


def load_sources() -> dict[str, dict]:
    """Citation records by source id."""
    path = sources_path()
    name = relative(path)
    sources: dict[str, dict] = {}
    for row in read_raw_csv(path, SOURCE_COLUMNS):
        _reject_formulas(name, row)
        where = dict(row=row["_row"])
        for column in ("source_id", "title", "publisher", "kind"):
            if not row[column]:
                raise InputError(name, f"{column} is empty", column=column, **where)
        if row["source_id"] in sources:
            raise InputError(name, f"duplicated source_id {row['source_id']!r} (first in row "
                             f"{sources[row['source_id']]['_row']})", column="source_id", **where)
        if row["kind"] not in SOURCE_KINDS:
            raise InputError(name, f"kind {row['kind']!r} is not one of {SOURCE_KINDS}", column="kind", **where)
        for column in ("published", "accessed"):
            if row[column] and not DATE.fullmatch(row[column]):
                raise InputError(name, f"{column} {row[column]!r} is not a date written YYYY-MM-DD "
                                 "(leave it empty if unknown)", column=column, **where)
        sources[row["source_id"]] = row
    return sources


def _check_observation(name: str, row: dict, regions: dict, indicators: dict, sources: dict) -> None:
    """One raw row against the catalogues; the first problem found is raised."""
    where = dict(row=row["_row"])
    _reject_formulas(name, row)
    for column in ("region_code", "indicator_as_published", "value", "unit", "source_id"):
        if not row[column]:
            raise InputError(name, f"{column} is empty", column=column, **where)
    code = row["region_code"]
    if code not in regions:
        raise InputError(name, f"region_code {code!r} is not in {relative(regions_path())}; correct the code or "
                         "add the region there (six-digit GB/T 2260 code)", column="region_code", **where)
    if row["region_name"] and row["region_name"] != regions[code]["name_zh"]:
        raise InputError(name, f"region_name {row['region_name']!r} is not the name of region {code} "
                         f"({regions[code]['name_zh']!r}); is the code wrong?", column="region_name", **where)
    indicator = row["indicator_id"]
    if indicator and indicator not in indicators:
        raise InputError(name, f"indicator_id {indicator!r} is not in the indicator catalogue; leave it empty to "
                         "keep the figure as context, or add the indicator to reference/indicators.csv",
                         column="indicator_id", **where)
    if row["year"] and not YEAR.fullmatch(row["year"]):
        raise InputError(name, f"year {row['year']!r} is not a four-digit year; leave it empty if the source "
                         "does not state it and say so in 'note'", column="year", **where)
    if not NUMBER.fullmatch(row["value"]):
        raise InputError(name, f"value {row['value']!r} is not a number; write digits only (e.g. 90 or 81.08): "
                         "the unit belongs in 'unit', words such as 约 (about) in 'note'", column="value", **where)
    if indicator and row["unit"] != indicators[indicator]["unit"]:
        raise InputError(name, f"unit {row['unit']!r} does not match the unit {indicators[indicator]['unit']!r} of "
                         f"indicator {indicator}; convert the value (the source's figure goes in 'note') or "
                         "correct indicator_id", column="unit", **where)
    if row["source_id"] not in sources:
        raise InputError(name, f"source_id {row['source_id']!r} has no citation in {relative(sources_path())}; "
                         "add a row for the source there", column="source_id", **where)


def observation_key(row: dict) -> str:
    """``<source_id>:<region_code>:<indicator>:<year>``; the indicator is the catalogue id, else the published name."""
    indicator = row["indicator_id"] or row["indicator_as_published"]
    return f"{row['source_id']}:{row['region_code']}:{indicator}:{row['year']}"


def load_observations() -> pl.DataFrame:
    """Checked observations with ``observation_id``, ``source_kind``, ``usable`` and ``_row`` (raw spreadsheet row)."""
    path = observations_path()
    name = relative(path)
    regions, indicators, sources = load_regions(), load_indicators(), load_sources()
    rows = read_raw_csv(path, OBSERVATION_COLUMNS)
    seen: dict[str, int] = {}
    for row in rows:
        _check_observation(name, row, regions, indicators, sources)
        key = observation_key(row)
        if key in seen:
            raise InputError(name, f"duplicated key (region_code, indicator, year, source_id) {key!r}: "
                             f"row {seen[key]} has the same; keep one figure per source", row=row["_row"],
                             column="source_id")
        seen[key] = row["_row"]
        row["observation_id"] = key
        row["source_kind"] = sources[row["source_id"]]["kind"]
    schema = {c: pl.String for c in [*OBSERVATION_COLUMNS, "observation_id", "source_kind"]} | {"_row": pl.Int64}
    frame = pl.DataFrame(rows, schema=schema)
    empty_to_null = [pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
                     for c in ("region_name", "indicator_id", "year", "note")]
    return (frame.with_columns(empty_to_null)
            .with_columns(pl.col("year").cast(pl.Int64), pl.col("value").cast(pl.Float64))
            .with_columns(usable=pl.col("year").is_not_null())
            .sort("observation_id"))


def processed_observations() -> pl.DataFrame:
    return load_observations().select(PROCESSED_COLUMNS)


def processed_sources() -> pl.DataFrame:
    rows = [{c: row[c] or None for c in SOURCE_COLUMNS} for row in load_sources().values()]
    return pl.DataFrame(rows, schema={c: pl.String for c in SOURCE_COLUMNS}).sort("source_id")


def build() -> dict[str, pl.DataFrame]:
    """Both processed tables, fully checked; nothing is written until both are built."""
    return {"observations": processed_observations(), "sources": processed_sources()}


def write(tables: dict[str, pl.DataFrame]) -> list[Path]:
    """Both tables published together, observations.csv (the make target) last."""
    return write_tables(tables, main="observations")


def run() -> dict[str, pl.DataFrame]:
    """The step: load and check the raw statistics, write observations and sources."""
    tables = build()
    write(tables)
    return tables


@step_command("statistics")
def main() -> None:
    """Load the official statistics into data/processed (observations and sources)."""
    tables = build()
    paths = write(tables)
    observations = tables["observations"]
    print(f"statistics: {observations.height} observations ({observations['usable'].sum()} usable, "
          f"{observations['indicator_id'].null_count()} context-only), {tables['sources'].height} sources -> "
          + ", ".join(relative(p) for p in paths))


if __name__ == "__main__":
    sys.exit(main())
