"""Series: the observations of one region and indicator (and unit) over the years, keyed for fast joins,
with one figure per point (the source closest to the publisher wins), and the walk up the region tree."""

from __future__ import annotations

import polars as pl

from ..vocabulary import SOURCE_RANK


def series_key(region: str = "region_code", unit: bool = True) -> pl.Expr:
    """A 64-bit key for a series (region, indicator[, unit]): joins on one integer instead of three strings.
    Used only inside one run, never written out."""
    parts = [pl.col(region), pl.col("indicator_id")] + ([pl.col("unit")] if unit else [])
    return pl.struct(parts).hash(seed=0)


def point_key(key: str, year: str) -> pl.Expr:
    """A 64-bit key for one point of a series (series key, year); missing when either is missing."""
    both = pl.col(key).is_not_null() & pl.col(year).is_not_null()
    return pl.when(both).then(pl.struct(pl.col(key), pl.col(year).cast(pl.Int64)).hash(seed=0))


def _usable(observations: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    return observations.filter(
        pl.col("usable").fill_null(False)
        & pl.col("indicator_id").is_not_null()
        & pl.col("region_code").is_not_null()
        & pl.col("year").is_not_null()
        & pl.col("value").is_not_null()
    )


def actual_series(
    observations: pl.DataFrame, wanted: pl.Series | None = None, wanted_any_unit: pl.Series | None = None
) -> pl.DataFrame:
    """Usable observations, one per region, indicator, unit and year (the source closest to the publisher
    wins, then the smallest source_id), keyed by ``series_id`` (unit-specific) and ``series_id_any_unit``.

    ``wanted`` / ``wanted_any_unit``: the only keys of each kind needed, to skip the rest early.
    """
    rank = pl.col("source_kind").replace_strict(SOURCE_RANK, default=len(SOURCE_RANK), return_dtype=pl.Int64)
    frame = _usable(observations).with_columns(
        series_key().alias("series_id"), series_key(unit=False).alias("series_id_any_unit")
    )
    if wanted is not None:
        keep = pl.col("series_id").is_in(wanted.implode())
        if wanted_any_unit is not None:
            keep = keep | pl.col("series_id_any_unit").is_in(wanted_any_unit.implode())
        frame = frame.filter(keep)
    # Sorting two million rows to drop a few duplicates is the slow part: sort only the duplicated ones.
    frame = frame.with_columns(rank.alias("_rank")).select(
        "series_id",
        "series_id_any_unit",
        "region_code",
        "indicator_id",
        "unit",
        "year",
        "value",
        "source_id",
        "note",
        "_rank",
    )
    frame = frame.with_columns(point_key("series_id", "year").alias("_point"))
    if frame["_point"].n_unique() == frame.height:  # the usual case, and a count is far cheaper than is_duplicated
        return frame.with_row_index("_row_in_series")
    twice = pl.col("_point").is_in(frame.group_by("_point").len().filter(pl.col("len") > 1)["_point"].implode())
    chosen = (
        frame.filter(twice)
        .sort(["series_id", "year", "_rank", "source_id", "value"], nulls_last=True)
        .unique(subset=["series_id", "year"], keep="first", maintain_order=True)
    )
    return pl.concat([frame.filter(~twice), chosen]).with_row_index("_row_in_series")


def ancestors(regions: pl.DataFrame) -> pl.DataFrame:
    """(region_code, ancestor_code, ancestor_level, depth) for every region, walking parent_code to the top."""
    parents = regions.select("region_code", "parent_code")
    levels = regions.select(pl.col("region_code").alias("ancestor_code"), pl.col("level").alias("ancestor_level"))
    step = parents.rename({"parent_code": "ancestor_code"}).with_columns(pl.lit(1).alias("depth"))
    found = []
    for _ in range(len(regions) + 1):  # walks levels, not targets; stops at the top (or a cycle guard)
        step = step.filter(pl.col("ancestor_code").is_not_null())
        if step.height == 0:
            break
        found.append(step)
        step = step.join(parents, left_on="ancestor_code", right_on="region_code", how="inner").select(
            "region_code", pl.col("parent_code").alias("ancestor_code"), pl.col("depth") + 1
        )
    table = pl.concat(found) if found else step
    return table.join(levels, on="ancestor_code", how="left").select(
        "region_code", "ancestor_code", "ancestor_level", "depth"
    )


def _lookup(
    left: pl.DataFrame,
    series: pl.DataFrame,
    year: str,
    prefix: str,
    key: str = "series_id",
    left_key: str | None = None,
) -> pl.DataFrame:
    """Attach the observation of the left row's series (``left_key``, default ``key``) in the year in ``year``.

    ``series`` carries the point key of ``key`` (``_k`` for sid, ``_kp`` for pid); only the points asked for
    are taken from it before the join, so two million observations cost a filter, not a hash table.
    """
    point = "_point" if key == "series_id" else "_point_any_unit"
    wanted = left.select(point_key(left_key or key, year).alias("_wanted_point"), pl.col(year))
    right = series.filter(pl.col(point).is_in(wanted["_wanted_point"].drop_nulls().implode())).select(
        pl.col(point).alias("_wanted_point"),
        pl.col("value").alias(f"{prefix}_val"),
        pl.col("source_id").alias(f"{prefix}_src"),
        pl.col("note").alias(f"{prefix}_note"),
    )
    # A point is unique in ``series``, so the join keeps one row per left row, in order: only the found
    # columns are joined and put beside ``left`` (joining the whole, wide ``left`` would copy it).
    found = wanted.join(right, on="_wanted_point", how="left", maintain_order="left").select(
        f"{prefix}_val",
        f"{prefix}_src",
        f"{prefix}_note",
        pl.when(pl.col(f"{prefix}_val").is_not_null()).then(pl.col(year)).otherwise(None).alias(f"{prefix}_year"),
    )
    return pl.concat([left, found], how="horizontal")


def _asof(
    left: pl.DataFrame, series: pl.DataFrame, by_year: pl.DataFrame, year: str, prefix: str, strategy: str
) -> pl.DataFrame:
    """Attach the nearest observation at or before (backward) / at or after (forward) the year in ``year``.

    ``by_year``: (sid, year, _i) sorted by year; the matched row's values are gathered from ``series`` by ``_i``.
    """
    # Only the join's columns are sorted and joined; the matches are put beside ``left`` in its own order.
    ordered = left.select("series_id", year).with_row_index("_order").sort(year)
    joined = ordered.join_asof(
        by_year.rename({"year": f"{prefix}_year", "_row_in_series": "_matched_row"}),
        left_on=year,
        right_on=f"{prefix}_year",
        by="series_id",
        strategy=strategy,
        check_sortedness=False,
    )
    values = series.select(
        pl.col("value").alias(f"{prefix}_val"),
        pl.col("source_id").alias(f"{prefix}_src"),
        pl.col("note").alias(f"{prefix}_note"),
    ).select(pl.all().gather(joined["_matched_row"]))
    matched = pl.concat([joined.select("_order", f"{prefix}_year"), values], how="horizontal").sort("_order")
    return pl.concat([left, matched.drop("_order")], how="horizontal")
