"""Context: parent regions' figures shown beside a target, labelled, never used as its actual.

The context table holds each parent region's series once (one row per figure: region, indicator, year,
source), not once per target: a million targets share a few hundred provincial and national series.
Which rows belong to a target is a rule, not stored: the rows of the target's indicator whose region is
one of the target's region's parents (``regions.csv``'s ``parent_code``, walked to the top).
:func:`context_of` applies that rule; the report, the notebooks and the tests all use it.
"""

from __future__ import annotations

import polars as pl

from .series import _usable, ancestors

CONTEXT_ORDER = ["region_code", "indicator_id", "year", "source_id"]  # the table's key, in its sort order


def context_table(t: pl.DataFrame, observations: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """Every usable figure of every (parent region, indicator) series some target sits under, once, in key
    order (schema ``context``). Labelled context for readers; the assessment never reads it."""
    wanted = _parent_series(t, regions)
    levels = regions.select("region_code", "level")
    return (  # lazily: only the context's columns of the wanted series are ever copied
        _usable(observations.lazy())
        .join(wanted.lazy(), on=["region_code", "indicator_id"], how="semi")
        .join(levels.lazy(), on="region_code", how="left")
        .select("region_code", "level", "indicator_id", "year", "value", "unit", "source_id")
        .sort(CONTEXT_ORDER)
        .collect()
    )


def _parent_series(t: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """(region_code, indicator_id) of every parent region of a target's region, for the target's indicator:
    computed on the distinct (region, indicator) pairs of the targets, so its size does not grow with them."""
    pairs = t.filter(pl.col("region_code").is_not_null()).select("region_code", "indicator_id").unique()
    return (
        pairs.join(ancestors(regions).select("region_code", "ancestor_code"), on="region_code", how="inner")
        .select(pl.col("ancestor_code").alias("region_code"), "indicator_id")
        .unique()
    )


def context_of(targets: pl.DataFrame, context: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """Each target's context rows: (target_id, context_region_code, context_level, indicator_id, year, value,
    unit, source_id), ordered by target, level from the top (national first), year, source.

    ``targets``: at least target_id, region_code, indicator_id (a few, or all of them: the result has one
    row per target and figure). ``regions``: the catalogue (region_code, level, parent_code).
    """
    up = ancestors(regions).select("region_code", "ancestor_code", "depth")
    return (
        targets.select("target_id", "region_code", "indicator_id")
        .filter(pl.col("region_code").is_not_null())
        .join(up, on="region_code", how="inner")
        .join(
            context.rename({"region_code": "ancestor_code"}),
            on=["ancestor_code", "indicator_id"],
            how="inner",
        )
        .sort(["target_id", "depth", "year", "source_id", "value"], descending=[False, True, False, False, False])
        .select(
            "target_id",
            pl.col("ancestor_code").alias("context_region_code"),
            pl.col("level").alias("context_level"),
            "indicator_id",
            "year",
            "value",
            "unit",
            "source_id",
        )
    )


def context_counts(t: pl.DataFrame, observations: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """(region_code, indicator_id, _context): how many context figures a target of that region and
    indicator has (the figures of its parent regions), without building anyone's context."""
    up = ancestors(regions).select("region_code", "ancestor_code")
    per_series = (
        _usable(observations.lazy())
        .group_by(pl.col("region_code").alias("ancestor_code"), "indicator_id")
        .agg(pl.len().alias("_n"))
        .collect()
    )
    pairs = t.filter(pl.col("region_code").is_not_null()).select("region_code", "indicator_id").unique()
    return (
        pairs.join(up, on="region_code", how="inner")
        .join(per_series, on=["ancestor_code", "indicator_id"], how="inner")
        .group_by("region_code", "indicator_id")
        .agg(pl.col("_n").sum().alias("_context"))
    )
