"""Milestones (通过国家认定): achieved only when an observation records the event."""

from __future__ import annotations

import polars as pl

from .rules import _base_columns, _decide, _int
from .series import _lookup


def _assess_milestones(t: pl.DataFrame, any_unit: pl.DataFrame) -> pl.DataFrame:
    """通过国家认定: achieved only when an observation records the event (a value above 0) by the target year."""
    events = (
        any_unit.filter(pl.col("value") > 0)
        .sort(["series_id_any_unit", "year"])
        .group_by("series_id_any_unit", maintain_order=True)
        .agg(
            pl.col("year").first().alias("event_year"),
            pl.col("value").first().alias("event_val"),
            pl.col("source_id").first().alias("event_src"),
            pl.col("note").first().alias("event_note"),
        )
    )
    t = t.join(events, on="series_id_any_unit", how="left", maintain_order="left")
    t = _lookup(t, any_unit, "target_year", "at_target", key="series_id_any_unit")
    rules = [
        (
            pl.col("event_year") <= pl.col("target_year"),
            "achieved",
            "final_year_comparison",
            pl.format("event recorded in {} (target year {})", _int(pl.col("event_year")), _int(pl.col("target_year"))),
        ),
        (
            pl.col("passed") & (pl.col("at_target_val") == 0),
            "not_achieved",
            "final_year_comparison",
            pl.format("the observation for {} records the event as not reached", _int(pl.col("target_year"))),
        ),
        (
            pl.col("passed") & pl.col("event_year").is_not_null(),
            "not_achieved",
            "final_year_comparison",
            pl.format(
                "event recorded only in {}, after the target year {}",
                _int(pl.col("event_year")),
                _int(pl.col("target_year")),
            ),
        ),
        (pl.lit(True), "insufficient_data", "none", pl.lit("no observation records the event")),
    ]
    t = _decide(t, rules)
    late_zero = (
        pl.col("passed")
        & (pl.col("at_target_val") == 0)
        & ~(pl.col("event_year") <= pl.col("target_year")).fill_null(False)
    )
    found = pl.col("status") != "insufficient_data"
    return t.select(
        *_base_columns(),
        "status",
        "method",
        pl.when(late_zero).then(pl.col("at_target_val")).when(found).then(pl.col("event_val")).alias("actual_value"),
        pl.when(late_zero).then(pl.col("target_year")).when(found).then(pl.col("event_year")).alias("actual_year"),
        pl.when(late_zero)
        .then(pl.col("at_target_src"))
        .when(found)
        .then(pl.col("event_src"))
        .alias("actual_source_id"),
        pl.col("baseline_value"),
        pl.col("baseline_year"),
        pl.lit(None, pl.Float64).alias("gap"),
        pl.lit(None, pl.Float64).alias("attainment"),
        pl.lit(None, pl.Float64).alias("progress_ratio"),
        "reason",
        pl.when(late_zero).then(pl.col("at_target_note")).when(found).then(pl.col("event_note")).alias("caveat"),
    )
