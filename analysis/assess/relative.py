"""Targets measured against another point: a year-on-year change (同比下降10%) and a benchmark region's
figure (控制在全省平均水平以下)."""

from __future__ import annotations

import polars as pl

from ..vocabulary import PERCENTAGE_POINTS
from .rules import _base_columns, _caveat, _decide, _int, _met, _num, _rounded
from .series import _lookup


def _assess_relative_changes(t: pl.DataFrame, any_unit: pl.DataFrame) -> pl.DataFrame:
    """同比下降10%: the change from the year before the target year to the target year, in the desired
    direction (a fall counts positive when lower is better). '个百分点' targets are absolute changes."""
    t = t.with_columns((pl.col("target_year") - 1).alias("prev_year"))
    t = _lookup(t, any_unit, "target_year", "at_target", key="series_id_any_unit")
    t = _lookup(t, any_unit, "prev_year", "year_before", key="series_id_any_unit")
    t = t.join(
        any_unit.select(
            "series_id_any_unit", pl.col("year").alias("target_year"), pl.col("unit").alias("at_target_unit")
        ),
        on=["series_id_any_unit", "target_year"],
        how="left",
        maintain_order="left",
    )
    t = t.join(
        any_unit.select(
            "series_id_any_unit", pl.col("year").alias("prev_year"), pl.col("unit").alias("year_before_unit")
        ),
        on=["series_id_any_unit", "prev_year"],
        how="left",
        maintain_order="left",
    )
    points = pl.col("unit") == PERCENTAGE_POINTS
    change = (
        pl.when(points)
        .then(pl.col("at_target_val") - pl.col("year_before_val"))
        .when(pl.col("year_before_val") != 0)
        .then((pl.col("at_target_val") / pl.col("year_before_val") - 1) * 100)
    )
    t = t.with_columns((pl.col("dir_sign") * change).alias("change"))
    t = t.with_columns((pl.col("bound_sign") * (pl.col("change") - pl.col("threshold"))).alias("gap_raw"))
    t = t.with_columns(_met(pl.col("gap_raw")).fill_null(False).alias("met"))
    desc = pl.format(
        "{} {} → {} {}: change {} in the desired direction against target {} {} ({})",
        _int(pl.col("prev_year")),
        _num(pl.col("year_before_val")),
        _int(pl.col("target_year")),
        _num(pl.col("at_target_val")),
        _num(pl.col("change")),
        pl.col("comparator"),
        _num(pl.col("threshold")),
        pl.col("unit").fill_null(""),
    )
    rules = [
        (
            ~pl.col("passed"),
            "insufficient_data",
            "none",
            pl.format(
                "a year-on-year change can be checked only once {} has passed and is observed",
                _int(pl.col("target_year")),
            ),
        ),
        (
            pl.col("at_target_val").is_null() | pl.col("year_before_val").is_null(),
            "insufficient_data",
            "none",
            pl.format(
                "a relative change needs observations for two consecutive years, {} and {}",
                _int(pl.col("prev_year")),
                _int(pl.col("target_year")),
            ),
        ),
        (
            pl.col("at_target_unit") != pl.col("year_before_unit"),
            "insufficient_data",
            "none",
            pl.lit("the two years are published in different units"),
        ),
        (
            pl.col("change").is_null(),
            "insufficient_data",
            "none",
            pl.lit("relative change undefined (previous value 0)"),
        ),
        (pl.col("met"), "achieved", "final_year_comparison", pl.format("{}: met", desc)),
        (pl.lit(True), "not_achieved", "final_year_comparison", pl.format("{}: not met", desc)),
    ]
    t = _decide(t, rules)
    assessed = pl.col("status") != "insufficient_data"
    return t.select(
        *_base_columns(),
        "status",
        "method",
        pl.when(assessed).then(pl.col("change")).alias("actual_value"),
        pl.when(assessed).then(pl.col("target_year")).alias("actual_year"),
        pl.when(assessed).then(pl.col("at_target_src")).alias("actual_source_id"),
        pl.when(assessed).then(pl.col("year_before_val")).alias("baseline_value"),
        pl.when(assessed).then(pl.col("prev_year")).alias("baseline_year"),
        _rounded(pl.when(assessed).then(pl.col("gap_raw"))).alias("gap"),
        _rounded(pl.when(assessed & (pl.col("threshold") != 0)).then(pl.col("change") / pl.col("threshold"))).alias(
            "attainment"
        ),
        pl.lit(None, pl.Float64).alias("progress_ratio"),
        "reason",
        pl.when(assessed).then(_caveat("at_target_note", "year_before_note")).alias("caveat"),
    )


def _assess_benchmarks(t: pl.DataFrame, series: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """控制在全省平均水平以下: the region's own figure against the figure of the benchmark region (the
    register's ``benchmark_region_code``, proven by the quote's 全国 / 全省, 全区 / 全市 平均), for the target
    year. That figure is the benchmark the text names, not an actual of the region. Benchmarks that are not
    a region (上一年, 当地公务员) are not assessed here; 一半 is a level of 50 % in the register."""
    t = _lookup(t, series, "target_year", "at_target")
    t = _lookup(t, series, "target_year", "benchmark", left_key="bench_series_id")
    t = t.with_columns((pl.col("level_sign") * (pl.col("at_target_val") - pl.col("benchmark_val"))).alias("gap_raw"))
    t = t.with_columns(_met(pl.col("gap_raw")).fill_null(False).alias("met"))
    desc = pl.format(
        "{} actual {} against the benchmark region {}'s {} ({} {})",
        _int(pl.col("target_year")),
        _num(pl.col("at_target_val")),
        pl.col("bench_code").fill_null("n/a"),
        _num(pl.col("benchmark_val")),
        pl.col("comparator"),
        pl.col("benchmark_src").fill_null("n/a"),
    )
    rules = [
        (
            pl.col("bench_code").is_null(),
            "insufficient_data",
            "none",
            pl.lit(
                "the quote names no region's average as the benchmark (全国/全省/全区/全市平均): not assessed "
                "automatically"
            ),
        ),
        (
            ~pl.col("passed"),
            "insufficient_data",
            "none",
            pl.format("target year {} has not passed", _int(pl.col("target_year"))),
        ),
        (
            pl.col("at_target_val").is_null(),
            "insufficient_data",
            "none",
            pl.format("no usable observation for this region and indicator in {}", _int(pl.col("target_year"))),
        ),
        (
            pl.col("benchmark_val").is_null(),
            "insufficient_data",
            "none",
            pl.format(
                "no observation of the benchmark region {} for {}", pl.col("bench_code"), _int(pl.col("target_year"))
            ),
        ),
        (pl.col("met"), "achieved", "final_year_comparison", pl.format("{}: met", desc)),
        (pl.lit(True), "not_achieved", "final_year_comparison", pl.format("{}: not met", desc)),
    ]
    t = _decide(t, rules)
    assessed = pl.col("status") != "insufficient_data"
    return t.select(
        *_base_columns(),
        "status",
        "method",
        pl.when(assessed).then(pl.col("at_target_val")).alias("actual_value"),
        pl.when(assessed).then(pl.col("target_year")).alias("actual_year"),
        pl.when(assessed).then(pl.col("at_target_src")).alias("actual_source_id"),
        pl.col("baseline_value"),
        pl.col("baseline_year"),
        _rounded(pl.when(assessed).then(pl.col("gap_raw"))).alias("gap"),
        pl.lit(None, pl.Float64).alias("attainment"),
        pl.lit(None, pl.Float64).alias("progress_ratio"),
        "reason",
        pl.when(assessed).then(_caveat("at_target_note", "benchmark_note")).alias("caveat"),
    )
