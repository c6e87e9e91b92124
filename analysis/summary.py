"""Summary measures per region and overall, as NBS monitoring reports give them.

达标率 (``attainment_rate``) = achieved ÷ assessable; ``coverage`` = assessable ÷ targets in the register,
always shown beside it, because a high 达标率 over a handful of assessable targets says little.
``off_track`` = needs_acceleration + limited_progress + moving_away.
"""

from __future__ import annotations

import polars as pl

from .schemas import table
from .vocabulary import INSUFFICIENT, OFF_TRACK

SUMMARY_COLUMNS = table("summary").names
ALL = "ALL"


def _measures() -> list[pl.Expr]:
    status = pl.col("status")
    count = lambda cond: cond.sum().cast(pl.Int64)  # noqa: E731
    return [pl.len().cast(pl.Int64).alias("targets"),
            count(status != INSUFFICIENT).alias("assessable"),
            count(status == "achieved").alias("achieved"),
            count(status == "not_achieved").alias("not_achieved"),
            count(status == "on_track").alias("on_track"),
            count(status.is_in(OFF_TRACK)).alias("off_track"),
            count(status == INSUFFICIENT).alias("insufficient_data")]


def summarize(assessments: pl.DataFrame) -> pl.DataFrame:
    """One row per region (sorted by code; targets without a region last, with an empty code) and an ``ALL`` row."""
    per_region = assessments.group_by("region_code").agg(_measures()).sort("region_code", nulls_last=True)
    overall = assessments.select(_measures()).with_columns(pl.lit(ALL).alias("region_code"))
    table = pl.concat([per_region, overall.select(per_region.columns)])
    rate = lambda num, den: pl.when(pl.col(den) > 0).then((pl.col(num) / pl.col(den)).round(4))  # noqa: E731
    return table.with_columns(rate("achieved", "assessable").alias("attainment_rate"),
                              rate("assessable", "targets").alias("coverage")).select(SUMMARY_COLUMNS)
