"""Context: parent regions' figures shown beside a target, labelled, never used as its actual."""

from __future__ import annotations

import polars as pl

from .series import _usable, ancestors, series_key


def context_table(t: pl.DataFrame, observations: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """Every usable figure of a target's parent regions (province, national, …) for the target's indicator,
    ordered by target, context level, year (then source and value).

    Labelled context for readers; the assessment never reads it. ``t``: prepared targets with ``_t`` (their
    rank in target_id order). Both sides are put in order before the join, which keeps it: no sort of the
    (large) result.
    """
    wanted = _context_series(t, regions).sort(["_target_order", "_level", "ancestor_code"])
    obs = (
        _context_observations(observations, wanted)
        .select("series_id_any_unit", "year", "value", "unit", "source_id")
        .sort(["series_id_any_unit", "year", "source_id", "value"], nulls_last=True)
    )
    return wanted.join(obs, on="series_id_any_unit", how="inner", maintain_order="left_right").select(
        "target_id",
        pl.col("ancestor_code").alias("context_region_code"),
        pl.col("ancestor_level").alias("context_level"),
        "indicator_id",
        "year",
        "value",
        "unit",
        "source_id",
    )


def _context_series(t: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """(target, parent region, series key) for every parent region of every target, unordered."""
    up = ancestors(regions).with_columns(pl.col("ancestor_level").rank("dense").alias("_level"))
    return (
        t.filter(pl.col("region_code").is_not_null())
        .select("_target_order", "target_id", "region_code", "indicator_id")
        .join(up, on="region_code", how="inner")
        .with_columns(series_key("ancestor_code", unit=False).alias("series_id_any_unit"))
    )


def _context_observations(observations: pl.DataFrame, wanted: pl.DataFrame) -> pl.DataFrame:
    return (
        _usable(observations)
        .with_columns(series_key(unit=False).alias("series_id_any_unit"))
        .filter(pl.col("series_id_any_unit").is_in(wanted["series_id_any_unit"].unique().implode()))
    )


def context_counts(t: pl.DataFrame, observations: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """(target_id, _context): the size of each target's context, without building the context itself."""
    wanted = _context_series(t, regions)
    per_series = _context_observations(observations, wanted).group_by("series_id_any_unit").agg(pl.len().alias("_n"))
    return (
        wanted.join(per_series, on="series_id_any_unit", how="inner")
        .group_by("target_id")
        .agg(pl.col("_n").sum().alias("_context"))
    )
