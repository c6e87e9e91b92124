"""Official statistics: the hand-kept figures in data/raw/statistics, checked strictly and tidied into
data/processed/observations.{csv,parquet} and sources.{csv,parquet}.

Every bad cell stops the build with an :class:`InputError` naming file, row and column, before anything
is written. A figure whose source gives no reference year, or whose note says its period is not stated, is
kept but marked ``usable = false`` (with ``unusable_reason``). Two sources that disagree on one point are
settled by a reviewed resolution or stop the build (:mod:`analysis.conflicts`).

Command line::

    python -m analysis.statistics      # (re)build the processed observations and sources
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polars as pl

from . import conflicts
from .cli import step_command
from .csvframe import read_raw_frame
from .dates import is_partial_date
from .errors import InputError
from .paths import raw_dir, relative, staged_dir
from .reference import load_indicators, load_regions, regions_path
from .tables import read_raw_csv, reject_formulas, write_tables
from .vocabulary import SOURCE_KINDS

OBSERVATION_COLUMNS = ["region_code", "region_name", "indicator_as_published", "indicator_id", "year", "value",
                       "unit", "source_id", "note"]
SOURCE_COLUMNS = ["source_id", "title", "publisher", "url", "published", "accessed", "kind",
                  "where_the_figures_stand"]
PROCESSED_COLUMNS = ["observation_id", "region_code", "region_name", "indicator_as_published", "indicator_id",
                     "year", "value", "unit", "source_id", "source_kind", "note", "usable", "unusable_reason",
                     "set_aside_by"]
# Why a figure is kept but never used as an actual or a context point.
YEAR_NOT_STATED, PERIOD_NOT_STATED = "year_not_stated", "period_not_stated"
# A note containing this phrase (any case) marks a figure whose period the source does not state.
PERIOD_NOT_STATED_NOTE = "period not stated"

# ASCII digits only: full-width ９０ or ２０２３ (common in Chinese sources) are rejected with the cell named,
# not read (a documented choice: the raw file keeps what the researcher typed, so the fix is theirs).
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
YEAR = re.compile(r"[0-9]{4}")


def observations_path() -> Path:
    return raw_dir() / "statistics" / "observations.csv"


def sources_path() -> Path:
    return raw_dir() / "statistics" / "sources.csv"


def load_sources() -> dict[str, dict]:
    """Citation records by source id."""
    path = sources_path()
    name = relative(path)
    sources: dict[str, dict] = {}
    for row in read_raw_csv(path, SOURCE_COLUMNS):
        reject_formulas(name, row)
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
            if row[column] and not is_partial_date(row[column]):
                raise InputError(name, f"{column} {row[column]!r} is not a date written YYYY-MM-DD, YYYY-MM or "
                                 "YYYY (as precise as the source; leave it empty if unknown)", column=column, **where)
        sources[row["source_id"]] = row
    return sources


def _check_observation(name: str, row: dict, regions: dict, indicators: dict, sources: dict) -> None:
    """One raw row against the catalogues; the first problem found is raised."""
    where = dict(row=row["_row"])
    reject_formulas(name, row)
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


def _observation_key() -> pl.Expr:
    """:func:`observation_key` on every row at once."""
    indicator = pl.when(pl.col("indicator_id") != "").then("indicator_id").otherwise("indicator_as_published")
    return pl.format("{}:{}:{}:{}", "source_id", "region_code", indicator, "year")


def _fails_check(columns: list[str], regions: dict, indicators: dict, sources: dict) -> pl.Expr:
    """True where :func:`_check_observation` would raise: the same checks, on every row at once."""
    number = r"^-?[0-9]+(\.[0-9]+)?$"  # NUMBER and YEAR, anchored; ASCII digits only, as in NUMBER
    # starts_with is cheap; the number pattern is only needed for the one start a number shares.
    formula = [pl.any_horizontal(pl.col(c).str.starts_with(s) for s in "=+@")
               | pl.col(c).str.starts_with("-") & ~pl.col(c).str.contains(number) for c in columns]
    empty = [pl.col(c) == "" for c in ("region_code", "indicator_as_published", "value", "unit", "source_id")]
    name = pl.col("region_code").replace_strict({k: v["name_zh"] for k, v in regions.items()}, default=None)
    unit = pl.col("indicator_id").replace_strict({k: v["unit"] for k, v in indicators.items()}, default=None)
    has_indicator = pl.col("indicator_id") != ""
    return pl.any_horizontal(
        *formula, *empty,
        ~pl.col("region_code").is_in(list(regions)),
        (pl.col("region_name") != "") & (pl.col("region_name") != name),
        has_indicator & ~pl.col("indicator_id").is_in(list(indicators)),
        (pl.col("year") != "") & ~pl.col("year").str.contains(r"^[0-9]{4}$"),
        ~pl.col("value").str.contains(number),
        has_indicator & (pl.col("unit") != unit),
        ~pl.col("source_id").is_in(list(sources))).fill_null(False)


def _duplicate_key(name: str, key: str, row: int, first: int) -> InputError:
    return InputError(name, f"duplicated key (region_code, indicator, year, source_id) {key!r}: row {first} has "
                      "the same; keep one figure per source", row=row, column="source_id")


def _suspect_rows(ordered: pl.DataFrame, failing: pl.Expr) -> list[int]:
    """Spreadsheet rows that fail a check or share their key with another row, in file order.

    ``ordered`` is sorted by key, so a repeated key is a run of equal neighbours: no hashing of every key.
    """
    key = pl.col("observation_id")
    flags = ordered.select("_row", "observation_id", failing.alias("failing"),
                           ((key == key.shift(1)) | (key == key.shift(-1))).fill_null(False).alias("shared"))
    return sorted(flags.filter(pl.col("failing") | pl.col("shared"))["_row"].to_list())


def _raise_first_problem(name: str, frame: pl.DataFrame, rows: list[int], catalogues: tuple) -> None:
    """The row-by-row error of the first suspect row: its own checks first, then a key an earlier row has."""
    columns = [c for c in frame.columns if c in OBSERVATION_COLUMNS]  # file order, as a row-by-row reader sees it
    for number in rows:
        row = frame.row(by_predicate=pl.col("_row") == number, named=True)
        _check_observation(name, {c: row[c] for c in [*columns, "_row"]}, *catalogues)
        same = frame.filter((pl.col("observation_id") == row["observation_id"]) & (pl.col("_row") < number))
        if same.height:
            raise _duplicate_key(name, row["observation_id"], number, same["_row"].min())


def load_observations() -> pl.DataFrame:
    """Checked observations with ``observation_id``, ``source_kind``, ``usable``, ``unusable_reason``,
    ``set_aside_by`` and ``_row`` (raw spreadsheet row); conflicts between sources are settled by the reviewed
    resolutions, or stop the build."""
    sources = load_sources()
    return conflicts.apply(checked_observations(sources), conflicts.load_resolutions(sources))


def checked_observations(sources: dict[str, dict] | None = None) -> pl.DataFrame:
    """Every raw figure, checked, before conflicts are settled: ``usable`` says only whether it is dated.

    All rows are checked at once; the first bad row in file order is then reported by
    :func:`_check_observation`, so the message is the one a row-by-row check gives.
    """
    path = observations_path()
    name = relative(path)
    regions, indicators, sources = load_regions(), load_indicators(), sources or load_sources()
    raw = read_raw_frame(path, OBSERVATION_COLUMNS)
    columns = [c for c in raw.columns if c != "_row"]
    ordered = raw.with_columns(observation_id=_observation_key()).sort("observation_id")
    suspects = _suspect_rows(ordered, _fails_check(columns, regions, indicators, sources))
    if suspects:
        _raise_first_problem(name, ordered, suspects, (regions, indicators, sources))
    kinds = {k: v["kind"] for k, v in sources.items()}
    empty_to_null = [pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in ("region_name", "indicator_id", "year", "note")]
    period_not_stated = pl.col("note").str.to_lowercase().str.contains(PERIOD_NOT_STATED_NOTE, literal=True)
    reason = (pl.when(period_not_stated.fill_null(False)).then(pl.lit(PERIOD_NOT_STATED))
              .when(pl.col("year").is_null()).then(pl.lit(YEAR_NOT_STATED)))
    return (ordered.with_columns(source_kind=pl.col("source_id").replace_strict(kinds))
            .select(*OBSERVATION_COLUMNS, "observation_id", "source_kind", "_row")
            .with_columns(empty_to_null)
            .with_columns(pl.col("year").cast(pl.Int64), pl.col("value").cast(pl.Float64))
            .with_columns(reason.alias("unusable_reason"), pl.lit(None, pl.String).alias("set_aside_by"))
            .with_columns(usable=pl.col("unusable_reason").is_null()))


def processed_observations() -> pl.DataFrame:
    return load_observations().select(PROCESSED_COLUMNS)


def processed_sources() -> pl.DataFrame:
    rows = [{c: row[c] or None for c in SOURCE_COLUMNS} for row in load_sources().values()]
    return pl.DataFrame(rows, schema={c: pl.String for c in SOURCE_COLUMNS}).sort("source_id")


def build() -> dict[str, pl.DataFrame]:
    """The processed tables, fully checked; nothing is written until all are built."""
    sources = load_sources()
    checked = checked_observations(sources)
    resolutions = conflicts.load_resolutions(sources)
    observations = conflicts.apply(checked, resolutions)
    return {"observations": observations.select(PROCESSED_COLUMNS), "sources": processed_sources(),
            "conflicts": conflicts.conflict_table(checked, resolutions)}


def write(tables: dict[str, pl.DataFrame]) -> list[Path]:
    """The tables staged together for the validation suites, observations.csv (the make target) last."""
    return write_tables(tables, main="observations", directory=staged_dir())


def run() -> dict[str, pl.DataFrame]:
    """The step: load and check the raw statistics, write observations and sources."""
    tables = build()
    write(tables)
    return tables


@step_command("statistics")
def main() -> None:
    """Load and check the official statistics; stage them for validation (published to data/processed once it passes)."""
    tables = build()
    paths = write(tables)
    observations = tables["observations"]
    for resolution in conflicts.stale(conflicts.load_resolutions(load_sources()), tables["conflicts"]):
        print(f"warning: {conflicts.stale_message(resolution)}", file=sys.stderr)
    print(f"statistics: {observations.height} observations ({observations['usable'].sum()} usable, "
          f"{observations['indicator_id'].null_count()} context-only), {tables['sources'].height} sources, "
          f"{tables['conflicts'].height} resolved conflict(s) -> " + ", ".join(relative(p) for p in paths))


if __name__ == "__main__":
    sys.exit(main())
