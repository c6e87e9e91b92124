"""The engine: every target, split by kind, assessed by its kind's rules, put back together and annotated."""

from __future__ import annotations

import polars as pl

from ..vocabulary import ANY_UNIT_KINDS, INSUFFICIENT, VALUELESS_KINDS
from .context import context_counts, context_table
from .flows import _assess_flows
from .inputs import _prepared_inputs, is_sub_region
from .levels import _assess_levels
from .milestones import _assess_milestones
from .relative import _assess_benchmarks, _assess_relative_changes
from .rules import ASSESSMENT_COLUMNS, _base_columns, _out
from .series import actual_series, point_key


def assess(targets, observations, indicators, regions, params: dict) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Assess every target; return (assessments, context), both in contract columns, sorted."""
    tables = assess_tables(targets, observations, indicators, regions, params)
    return tables["assessments"], tables["context"]


def assess_tables(targets, observations, indicators, regions, params: dict) -> dict[str, pl.DataFrame]:
    """The assessment's three tables: ``assessments`` (one row per target, with ``caveat``: the notes of the
    observations used, e.g. "source does not say whether all are public (公办)"), ``context`` (the parent
    regions' series the targets sit under, each once) and ``actuals`` (the series the assessment chose its
    points from; charts draw exactly these)."""
    t, observations, regions = _prepared_inputs(targets, observations, indicators, regions, params)
    series = chosen_series(t, observations)
    return {
        "assessments": _assessments(t, series, observations, regions, params),
        "context": context_table(t, observations, regions),
        "actuals": actuals_table(series),
    }


def assess_targets(targets, observations, indicators, regions, params: dict) -> pl.DataFrame:
    """The assessments alone, without the (large) context table: what the benchmark's bar measures."""
    t, observations, regions = _prepared_inputs(targets, observations, indicators, regions, params)
    return _assessments(t, chosen_series(t, observations), observations, regions, params)


def assess_context(targets, observations, indicators, regions, params: dict) -> pl.DataFrame:
    """The labelled context table alone (each parent region's series once, see ``context``)."""
    t, observations, regions = _prepared_inputs(targets, observations, indicators, regions, params)
    return context_table(t, observations, regions)


def chosen_series(t: pl.DataFrame, observations: pl.DataFrame) -> pl.DataFrame:
    """Every series a target reads (its own, its benchmark region's, and any unit for the kinds that allow
    it), one figure per point."""
    any_unit_kinds = pl.col("target_kind").is_in(ANY_UNIT_KINDS)
    return actual_series(
        observations,
        pl.concat([t["series_id"], t["bench_series_id"]]).unique(),
        t.filter(any_unit_kinds)["series_id_any_unit"].unique(),
    )


def actuals_table(series: pl.DataFrame) -> pl.DataFrame:
    """The chosen points as a table (schema ``actuals``), in key order."""
    return series.select("region_code", "indicator_id", "unit", "year", "value", "source_id", "note").sort(
        "region_code", "indicator_id", "unit", "year"
    )


def _assessments(
    t: pl.DataFrame, series: pl.DataFrame, observations: pl.DataFrame, regions: pl.DataFrame, params: dict
) -> pl.DataFrame:
    assessments = _by_kind(t, series, regions, params)
    # No gap or attainment where the status is insufficient data: a number there would read as a verdict.
    blank = pl.col("status") == INSUFFICIENT
    assessments = assessments.with_columns(
        pl.when(~blank).then(pl.col(c)).alias(c) for c in ("gap", "attainment", "progress_ratio")
    )
    assessments = with_unassessed_reason(assessments, t)
    return _annotate(assessments, observations, context_counts(t, observations, regions))


def _by_kind(t: pl.DataFrame, series: pl.DataFrame, regions: pl.DataFrame, params: dict) -> pl.DataFrame:
    """Every target assessed by its kind's rules, in target_id order (its frames are freed on return: at a
    million targets each is hundreds of MB)."""
    any_unit_kinds = pl.col("target_kind").is_in(ANY_UNIT_KINDS)
    by_year = series.select("series_id", "year", "_row_in_series").sort("year")
    # Relative changes and milestones take the series in any unit: one figure per region, indicator and year.
    any_unit = (
        series.lazy()
        .filter(pl.col("series_id_any_unit").is_in(t.filter(any_unit_kinds)["series_id_any_unit"].unique().implode()))
        .sort(["series_id_any_unit", "year", "_rank", "unit", "source_id"], nulls_last=True)
        .unique(subset=["series_id_any_unit", "year"], keep="first", maintain_order=True)
        .select(  # what relative changes and milestones read: the sort carries nothing else
            "series_id_any_unit", "year", "value", "unit", "source_id", "note",
            point_key("series_id_any_unit", "year").alias("_point_any_unit"),
        )
        .collect()
    )

    kind = pl.col("target_kind")
    ok = pl.col("_not_assessable").is_null()
    parts = [
        t.filter(~ok).select(
            *_base_columns(),
            pl.lit(INSUFFICIENT).alias("status"),
            pl.lit("none").alias("method"),
            pl.col("baseline_value"),
            pl.col("baseline_year"),
            pl.col("_not_assessable").alias("reason"),
        ),
        _assess_levels(
            t.filter(ok & ((kind == "level") | ((kind == "increment") & ~pl.col("flow")))), series, by_year, params
        ),
        _assess_flows(t.filter(ok & ((kind == "per_year") | ((kind == "increment") & pl.col("flow")))), series),
        _assess_relative_changes(t.filter(ok & (kind == "relative_change")), any_unit),
        _assess_milestones(t.filter(ok & (kind == "milestone")), any_unit),
        _assess_benchmarks(t.filter(ok & (kind == "relative_to_benchmark")), series, regions),
    ]
    del by_year, any_unit  # freed before the parts are put together: the peak of a million targets is here
    assessments = pl.concat([_out(p) for p in parts])
    del parts
    return _reordered(assessments, assessments["target_id"].arg_sort())


def _reordered(frame: pl.DataFrame, order: pl.Series) -> pl.DataFrame:
    """``frame``'s rows in ``order``, one column at a time: a frame-wide sort would hold two full copies of
    a million assessments at once; this holds one plus a column."""
    columns = frame.get_columns()
    del frame
    for i, column in enumerate(columns):
        columns[i] = column.gather(order)
    return pl.DataFrame(columns)


def with_unassessed_reason(assessments: pl.DataFrame, t: pl.DataFrame) -> pl.DataFrame:
    """The reader's first question about an unassessed target, as a code (vocabulary.UNASSESSED_REASONS):
    what the source lacks, else whether the target is past due without a figure or not yet due. A benchmark
    that is not a region's average (当地公务员工资, 大体相当) has no official series to look up: its own reason,
    not "no figure found"."""
    due = t.select(
        "target_id",
        (pl.coalesce("target_year", "plan_period_end") < pl.col("_year_now")).fill_null(False).alias("_passed"),
        ((pl.col("target_kind") == "relative_to_benchmark") & pl.col("bench_code").is_null()).alias("_no_bench"),
        is_sub_region().alias("_sub_region"),
    )
    kind = pl.col("target_kind")
    reason = (
        pl.when(pl.col("status") != INSUFFICIENT)
        .then(None)
        .when(pl.col("region_code").is_null())
        .then(pl.lit("no_region"))
        .when(pl.col("_sub_region"))
        .then(pl.lit("sub_region"))
        .when(~kind.is_in(VALUELESS_KINDS) & pl.col("target_value").is_null())
        .then(pl.lit("no_value"))
        .when(pl.col("target_year").is_null() & (kind != "per_year"))
        .then(pl.lit("no_year"))
        .when(kind == "milestone")
        .then(pl.lit("no_event_recorded"))
        .when(pl.col("_no_bench"))
        .then(pl.lit("benchmark_not_a_region"))
        .when(pl.col("_passed"))
        .then(pl.lit("past_due_no_figure"))
        .otherwise(pl.lit("not_yet_due"))
    )
    found = (
        assessments.select("target_id", "region_code", "target_kind", "target_value", "target_year", "status")
        .join(due, on="target_id", how="left", maintain_order="left")
        .select(reason.alias("unassessed_reason"))
    )
    return assessments.with_columns(found["unassessed_reason"])


def _annotate(assessments: pl.DataFrame, observations: pl.DataFrame, ctx: pl.DataFrame) -> pl.DataFrame:
    """Tell a reader of an insufficient-data row what else exists: figures without a usable year, context.
    ``ctx``: (region_code, indicator_id, _context) = how many context figures a target there has."""
    unusable = (
        observations.filter(~pl.col("usable").fill_null(False) & pl.col("indicator_id").is_not_null())
        .group_by("region_code", "indicator_id")
        .agg(pl.len().alias("_unusable"))
    )
    insufficient = pl.col("status") == INSUFFICIENT
    extra_unusable = (
        pl.when(insufficient & (pl.col("_unusable") > 0))
        .then(
            pl.format(
                "; {} observation(s) of this region and indicator are not usable (no reference year or failed "
                "validation)",
                pl.col("_unusable"),
            )
        )
        .otherwise(pl.lit(""))
    )
    extra_context = (
        pl.when(insufficient & (pl.col("_context") > 0))
        .then(
            pl.format(
                "; context only: {} figure(s) of parent regions in context.csv, not used as this region's actual",
                pl.col("_context"),
            )
        )
        .otherwise(pl.lit(""))
    )
    # Only the columns the sentence needs are joined; the new reason then replaces the old one in place.
    reason = (
        assessments.select("region_code", "indicator_id", "status", "reason")
        .join(unusable, on=["region_code", "indicator_id"], how="left", maintain_order="left")
        .join(ctx, on=["region_code", "indicator_id"], how="left", maintain_order="left")
        .select(pl.concat_str([pl.col("reason"), extra_unusable, extra_context]).alias("reason"))
    )
    return assessments.with_columns(reason["reason"]).select(ASSESSMENT_COLUMNS)
