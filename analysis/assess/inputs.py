"""The engine's inputs: typed and checked (a bad cell names file, row and column), and the targets prepared
with the signs and thresholds every rule uses."""

from __future__ import annotations

import polars as pl

from ..errors import InputError
from ..params import as_of_year, check_params
from ..tables import typed
from ..vocabulary import (
    BOUND_COMPARATORS,
    CEILING_COMPARATORS,
    CHANGE_KINDS,
    COMPARATOR_CODES,
    DIRECTIONS,
    STRICT_COMPARATORS,
    TARGET_KIND_CODES,
    VALUELESS_KINDS,
)
from .series import series_key

TARGET_TYPES = {
    "target_id": pl.String,
    "document_id": pl.String,
    "region_code": pl.String,
    "indicator_id": pl.String,
    "target_kind": pl.String,
    "comparator": pl.String,
    "value": pl.Float64,
    "value_high": pl.Float64,
    "unit": pl.String,
    "target_year": pl.Int64,
    "baseline_value": pl.Float64,
    "baseline_year": pl.Int64,
    "plan_period_start": pl.Int64,
    "plan_period_end": pl.Int64,
    # The register's readings of the quote (issue 12): a recurring target's value per calendar year, the way
    # the target wants its indicator to move, and the region whose average is its benchmark.
    "annual_value": pl.Float64,
    "annual_value_high": pl.Float64,
    "direction": pl.String,
    "benchmark_region_code": pl.String,
    # A target for part of a region (flag sub_region, "scope: 市区" in the note) is not measured by the
    # region's own figures.
    "flags": pl.String,
    "note": pl.String,
}
OBSERVATION_TYPES = {
    "region_code": pl.String,
    "indicator_id": pl.String,
    "year": pl.Int64,
    "value": pl.Float64,
    "unit": pl.String,
    "source_id": pl.String,
    "note": pl.String,
    "usable": pl.Boolean,
    "source_kind": pl.String,
}
# Filled with nulls when a caller has none: the engine then falls back on the indicator's direction and the
# stated value, and assesses no benchmark.
OPTIONAL = {"source_kind", "annual_value", "annual_value_high", "direction", "benchmark_region_code", "flags", "note"}
INDICATOR_TYPES = {"indicator_id": pl.String, "direction": pl.String, "kind": pl.String, "measure": pl.String}
REGION_TYPES = {"region_code": pl.String, "level": pl.String, "parent_code": pl.String}


def _to_frame(data) -> pl.DataFrame:
    """Frames pass through; lists of dict rows (``tables.read_raw_csv``) become frames of strings."""
    if isinstance(data, pl.DataFrame):
        return data
    rows = [{k: v for k, v in row.items() if k != "_row"} for row in data]
    return pl.DataFrame(rows, infer_schema_length=None)


def _typed(data, types: dict, name: str) -> pl.DataFrame:
    """Frames from the pipeline keep their text as it is (already clean, and stripping two million cells
    costs time); rows read by ``tables.read_raw_csv`` are stripped, '' becoming missing."""
    frame = _to_frame(data)
    frame = frame.with_columns(
        pl.lit(None, pl.String).alias(c) for c in OPTIONAL if c in types and c not in frame.columns
    )
    return typed(frame, types, name, strip=not isinstance(data, pl.DataFrame))


def _check_values(frame: pl.DataFrame, column: str, allowed: list[str], name: str) -> None:
    bad = frame.with_row_index("i").filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(allowed))
    if bad.height:
        first = bad.row(0, named=True)
        raise InputError(name, f"'{first[column]}' is not one of {allowed}", row=first["i"] + 2, column=column)


def prepare_targets(targets: pl.LazyFrame, indicators: pl.DataFrame, year_now: int) -> pl.LazyFrame:
    """Targets with their indicator's direction and the signs the comparisons need.

    ``d``: +1 when more is better, -1 when less is better: the target's own direction (下降10% is a decrease)
    where the register gives one, else the indicator's (increase or none: +1).
    ``c``: +1 when the target is a floor (>=, >, =, range), -1 when a ceiling (<=, <).
    ``s``: the sign that makes a gap positive when better: ``c`` for >= > <= <, the direction for = and range
    (and ``d * c`` for changes, whose size is counted in the desired direction).
    ``thr``: the threshold; a range is met at its less demanding end (the low end when more is better). A
    recurring target's threshold is its value per calendar year (每月1篇 -> 12 a year).
    """
    # The indicator's direction and measure are looked up, not joined: a join would copy every target column.
    direction, measure = (
        pl.col("indicator_id").replace_strict(dict(zip(indicators["indicator_id"], indicators[name], strict=True)),
                                              default=None, return_dtype=pl.String)
        for name in ("direction", "measure")
    )
    d = (pl.when(pl.col("target_direction") == "decrease").then(-1)
         .when(pl.col("target_direction") == "increase").then(1)
         .when(direction == "decrease").then(-1).otherwise(1))
    per_year = pl.col("target_kind") == "per_year"
    value = pl.when(per_year).then(pl.coalesce("annual_value", "value")).otherwise(pl.col("value"))
    value_high = pl.when(per_year).then(pl.coalesce("annual_value_high", "value_high")).otherwise(pl.col("value_high"))
    c = pl.when(pl.col("comparator").is_in(CEILING_COMPARATORS)).then(-1).otherwise(1)
    change_kind = pl.col("target_kind").is_in(CHANGE_KINDS)
    flow = (measure == "flow").fill_null(False)
    return (
        targets.with_columns(d.alias("dir_sign"), c.alias("bound_sign"))
        .with_columns(
            flow.alias("flow"),
            pl.when(pl.col("comparator").is_in(BOUND_COMPARATORS))
            .then(pl.col("bound_sign"))
            .otherwise(pl.col("dir_sign"))
            .alias("level_sign"),
            pl.col("comparator").is_in(STRICT_COMPARATORS).alias("strict"),
            (pl.col("target_year") < year_now).fill_null(False).alias("passed"),
        )
        .with_columns(
            pl.when(change_kind).then(pl.col("bound_sign")).otherwise(pl.col("level_sign")).alias("gap_sign"),
            pl.when((pl.col("comparator") == "range") & (pl.col("level_sign") < 0) & value_high.is_not_null())
            .then(value_high)
            .otherwise(value)
            .alias("threshold"),
        )
    )


def is_sub_region() -> pl.Expr:
    """The register flags the target as one for part of its region (市区, 县(市), …)."""
    return pl.col("flags").fill_null("").str.split(";").list.contains("sub_region")


def _precheck(t: pl.DataFrame) -> pl.Expr:
    """Why a target cannot be assessed whatever the data say; null when it can."""
    needs_value = ~pl.col("target_kind").is_in(VALUELESS_KINDS)
    scope = pl.col("note").str.extract(r"scope:\s*([^;,\s]+)").fill_null("a part the note does not name")
    return (
        pl.when(pl.col("region_code").is_null())
        .then(pl.lit("region unknown: the document does not name the region the target is about"))
        .when(is_sub_region())
        .then(pl.format("a target for part of the region ({}): figures of the whole region do not measure it", scope))
        .when(needs_value & pl.col("value").is_null())
        .then(pl.lit("target value missing in the source"))
        .when(
            pl.col("target_year").is_null()
            & ~((pl.col("target_kind") == "per_year") & pl.col("plan_period_end").is_not_null())
        )
        .then(pl.lit("target year missing in the source"))
        .otherwise(None)
    )


def _prepared_inputs(targets, observations, indicators, regions, params: dict):
    """Typed, checked inputs; targets prepared (direction, thresholds, series keys) in target_id order."""
    targets = _typed(targets, TARGET_TYPES, "targets.csv").rename({"direction": "target_direction"})
    observations = _typed(observations, OBSERVATION_TYPES, "observations.csv")
    indicators = _typed(indicators, INDICATOR_TYPES, "indicators.csv")
    regions = _typed(regions, REGION_TYPES, "regions.csv")
    check_params(params)
    _check_values(targets, "target_kind", TARGET_KIND_CODES, "targets.csv")
    _check_values(targets, "comparator", COMPARATOR_CODES, "targets.csv")
    _check_values(indicators, "direction", DIRECTIONS, "indicators.csv")
    unknown = targets.with_row_index("i").filter(~pl.col("indicator_id").is_in(indicators["indicator_id"].implode()))
    if unknown.height:
        first = unknown.row(0, named=True)
        raise InputError(
            "targets.csv",
            f"indicator '{first['indicator_id']}' is not in indicators.csv",
            row=first["i"] + 2,
            column="indicator_id",
        )

    year_now = as_of_year(params)
    # The register is kept in target_id order, so sorting (a copy of every column) is rarely needed. The new
    # columns are added lazily, as one frame that shares the register's columns, keeping only what rules read.
    if not targets["target_id"].is_sorted():
        targets = targets.sort("target_id")
    t = (
        prepare_targets(targets.lazy(), indicators, year_now)
        .drop("target_direction", "annual_value", "annual_value_high")
        .with_row_index("_target_order")
        .with_columns(  # the benchmark region is a register column, proven by the quote (analysis.register)
            pl.when(pl.col("target_kind") == "relative_to_benchmark").then(pl.col("benchmark_region_code"))
            .alias("bench_code")
        )
        .with_columns(
            pl.lit(year_now).alias("_year_now"),
            series_key().alias("series_id"),
            series_key(unit=False).alias("series_id_any_unit"),
            series_key("bench_code").alias("bench_series_id"),
        )
        .drop("benchmark_region_code")
        .collect()
    )
    t = t.with_columns(_precheck(t).alias("_not_assessable")).drop("note")  # the note is read by the precheck only
    return t, observations, regions
