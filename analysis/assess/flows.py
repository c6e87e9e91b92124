"""Per-year targets (每年创建3所, every year checked on its own) and increments of flow indicators
(additions counted year by year: their sum over the plan period is the increment)."""

from __future__ import annotations

import polars as pl

from .rules import _base_columns, _decide, _int, _met, _num, _rounded


def _assess_flows(t: pl.DataFrame, series: pl.DataFrame) -> pl.DataFrame:
    """Per-year targets (每年创建3所: every year of the plan checked on its own) and increments of flow
    indicators (additions counted year by year: their sum over the plan period is the increment)."""
    per_year = pl.col("target_kind") == "per_year"
    t = t.with_columns(pl.coalesce("target_year", "plan_period_end").alias("end"))
    t = t.with_columns(pl.coalesce("plan_period_start", "end").alias("start"))
    t = t.with_columns(pl.min_horizontal("start", "end").alias("start"))
    years = (
        t.select("target_id", "series_id", "start", "end", "gap_sign", "threshold")
        .join(series.select("series_id", "year", "value", "source_id", "note"), on="series_id", how="inner")
        .filter(pl.col("year").is_between(pl.col("start"), pl.col("end")))
        .with_columns((pl.col("gap_sign") * (pl.col("value") - pl.col("threshold"))).alias("year_gap"))
        .sort(["target_id", "year_gap", "year"])
        .group_by("target_id", maintain_order=True)
        .agg(
            pl.len().alias("years_seen"),
            pl.col("value").sum().alias("total"),
            pl.col("year_gap").first().alias("worst_gap"),
            pl.col("value").first().alias("worst_val"),
            pl.col("year").first().alias("worst_year"),
            pl.col("source_id").first().alias("worst_src"),
            pl.col("year").sort().cast(pl.String).str.join(", ").alias("years"),
            pl.col("source_id").sort().unique(maintain_order=True).str.join(";").alias("sources"),
            pl.col("note").drop_nulls().unique(maintain_order=True).sort().str.join("; ").alias("notes"),
        )
    )
    t = t.join(years, on="target_id", how="left", maintain_order="left").with_columns(
        pl.col("years_seen").fill_null(0),
        (pl.col("end") - pl.col("start") + 1).alias("years_expected"),
        (pl.col("end") < pl.col("_year_now")).alias("period_over"),
    )
    complete = pl.col("years_seen") == pl.col("years_expected")
    flow_gap = pl.col("bound_sign") * (pl.col("total") - pl.col("threshold"))
    t = t.with_columns(pl.when(per_year).then(pl.col("worst_gap")).otherwise(flow_gap).alias("gap_raw"))
    t = t.with_columns(_met(pl.col("gap_raw")).fill_null(False).alias("met"))
    span = pl.format("{}–{}", _int(pl.col("start")), _int(pl.col("end")))
    seen = pl.format(
        "observed in {} of {} years ({})",
        _int(pl.col("years_seen")),
        _int(pl.col("years_expected")),
        pl.col("years").fill_null(""),
    )
    rules = [
        (
            pl.col("years_seen") == 0,
            "insufficient_data",
            "none",
            pl.format(
                "no usable observation for this region and indicator in unit {} for {}",
                pl.col("unit").fill_null("n/a"),
                span,
            ),
        ),
        (
            per_year & ~pl.col("met"),
            "not_achieved",
            "final_year_comparison",
            pl.format(
                "per-year target {} {} missed in {} (actual {}); {}",
                pl.col("comparator"),
                _num(pl.col("threshold")),
                _int(pl.col("worst_year")),
                _num(pl.col("worst_val")),
                seen,
            ),
        ),
        (
            per_year & complete & pl.col("period_over"),
            "achieved",
            "final_year_comparison",
            pl.format("per-year target met in every year {}", span),
        ),
        (
            per_year & pl.col("period_over"),
            "insufficient_data",
            "none",
            pl.format("per-year target met where observed, but {}", seen),
        ),
        (
            per_year,
            "on_track",
            "final_year_comparison",
            pl.format("per-year target met in every observed year so far; {}", seen),
        ),
        (
            complete & pl.col("period_over") & pl.col("met"),
            "achieved",
            "final_year_comparison",
            pl.format(
                "additions {} sum to {} against target {} {}: met",
                span,
                _num(pl.col("total")),
                pl.col("comparator"),
                _num(pl.col("threshold")),
            ),
        ),
        (
            complete & pl.col("period_over"),
            "not_achieved",
            "final_year_comparison",
            pl.format(
                "additions {} sum to {} against target {} {}: not met",
                span,
                _num(pl.col("total")),
                pl.col("comparator"),
                _num(pl.col("threshold")),
            ),
        ),
        (
            pl.col("met") & (pl.col("bound_sign") > 0),
            "achieved",
            "already_met",
            pl.format(
                "additions so far sum to {}, already meeting target {}; {}",
                _num(pl.col("total")),
                _num(pl.col("threshold")),
                seen,
            ),
        ),
    ]
    t = _decide(
        t,
        rules,
        (
            "insufficient_data",
            "none",
            pl.format(
                "additions {} so far sum to {}; {}: the sum over {} cannot be checked yet",
                span,
                _num(pl.col("total")),
                seen,
                span,
            ),
        ),
    )
    has = pl.col("years_seen") > 0
    actual = pl.when(per_year).then(pl.col("worst_val")).otherwise(pl.col("total"))
    return t.select(
        *_base_columns(),
        "status",
        "method",
        pl.when(has).then(actual).alias("actual_value"),
        pl.when(has).then(pl.when(per_year).then(pl.col("worst_year")).otherwise(pl.col("end"))).alias("actual_year"),
        pl.when(has)
        .then(pl.when(per_year).then(pl.col("worst_src")).otherwise(pl.col("sources")))
        .alias("actual_source_id"),
        pl.col("baseline_value"),
        pl.col("baseline_year"),
        _rounded(pl.when(has).then(pl.col("gap_raw"))).alias("gap"),
        _rounded(pl.when(has & (pl.col("threshold") != 0)).then(actual / pl.col("threshold"))).alias("attainment"),
        pl.lit(None, pl.Float64).alias("progress_ratio"),
        "reason",
        pl.when(pl.col("notes") != "").then(pl.col("notes")).alias("caveat"),
    )
