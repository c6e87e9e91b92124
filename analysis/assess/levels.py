"""Levels (毛入园率达到90%), and increments of stock indicators (new total = baseline + increment)."""

from __future__ import annotations

import polars as pl

from ..vocabulary import PERCENT
from .rules import ROUND, _base_columns, _caveat, _decide, _int, _met, _num, _rounded
from .series import _asof, _lookup


def _assess_levels(t: pl.DataFrame, series: pl.DataFrame, by_year: pl.DataFrame, params: dict) -> pl.DataFrame:
    """Levels, and increments of stock indicators (converted to the level baseline + increment)."""
    inc = pl.col("target_kind") == "increment"
    t = t.with_columns(
        (pl.col("plan_period_start") - 1).alias("base_year_plan"),
        (pl.col("plan_period_start").fill_null(-10_000) - 1).alias("base_from"),
    )
    t = _lookup(t, series, "target_year", "at_target")
    t = _asof(t, series, by_year, "target_year", "latest", "backward")
    t = _asof(t, series, by_year, "base_from", "first_seen", "forward")
    t = _lookup(t, series, "base_year_plan", "plan_base")
    final = pl.col("passed") & pl.col("at_target_val").is_not_null()
    t = t.with_columns(
        pl.when(final).then(pl.col("at_target_val")).otherwise(pl.col("latest_val")).alias("now_val"),
        pl.when(final).then(pl.col("target_year")).otherwise(pl.col("latest_year")).alias("now_year"),
        pl.when(final).then(pl.col("at_target_src")).otherwise(pl.col("latest_src")).alias("now_src"),
        pl.when(final).then(pl.col("at_target_note")).otherwise(pl.col("latest_note")).alias("now_note"),
        final.alias("final_year"),
    )
    stated = (
        pl.col("baseline_value").is_not_null()
        & pl.col("baseline_year").is_not_null()
        & (pl.col("baseline_year") < pl.col("now_year"))
    )
    observed = pl.col("first_seen_year") < pl.col("now_year")
    t = t.with_columns(
        # level: stated baseline (value and year), else the earliest observation from the plan's base year on;
        # increment: stated baseline count (year optional), else the observation of the plan's base year.
        pl.when(inc)
        .then(pl.coalesce("baseline_value", "plan_base_val"))
        .when(stated)
        .then(pl.col("baseline_value"))
        .when(observed)
        .then(pl.col("first_seen_val"))
        .alias("base_val"),
        pl.when(inc & pl.col("baseline_value").is_not_null())
        .then(pl.col("baseline_year"))
        .when(inc)
        .then(pl.col("plan_base_year"))
        .when(stated)
        .then(pl.col("baseline_year"))
        .when(observed)
        .then(pl.col("first_seen_year"))
        .alias("base_year"),
        pl.when(inc & pl.col("baseline_value").is_null())
        .then(pl.col("plan_base_note"))
        .when(~inc & ~stated & observed)
        .then(pl.col("first_seen_note"))
        .alias("base_note"),
    )
    # Increments compare on the level scale: target level = baseline + d * increment, sign d * c.
    t = t.with_columns(
        pl.when(inc)
        .then(pl.col("base_val") + pl.col("dir_sign") * pl.col("threshold"))
        .otherwise(pl.col("threshold"))
        .alias("target_level"),
        pl.when(inc)
        .then(pl.col("dir_sign") * pl.col("bound_sign"))
        .otherwise(pl.col("gap_sign"))
        .alias("level_gap_sign"),
    )
    t = t.with_columns((pl.col("level_gap_sign") * (pl.col("now_val") - pl.col("target_level"))).alias("gap_raw"))
    t = t.with_columns(_met(pl.col("gap_raw")).fill_null(False).alias("met"))
    ceiling = (pl.col("unit") == PERCENT) & (pl.col("target_level") >= params["ceiling_threshold"])
    span_now = (pl.col("now_year") - pl.col("base_year")).cast(pl.Float64)
    span_all = (pl.col("target_year") - pl.col("base_year")).cast(pl.Float64)
    positive = (pl.col("base_val") > 0) & (pl.col("now_val") > 0) & (pl.col("target_level") > 0)
    act = (
        pl.when(ceiling)
        .then((pl.col("now_val") - pl.col("base_val")) / span_now)
        .otherwise((pl.col("now_val") / pl.col("base_val")).pow(1 / span_now) - 1)
    )
    req = (
        pl.when(ceiling)
        .then((pl.col("target_level") - pl.col("base_val")) / span_all)
        .otherwise((pl.col("target_level") / pl.col("base_val")).pow(1 / span_all) - 1)
    )
    t = t.with_columns(ceiling.fill_null(False).alias("ceiling"), act.alias("actual_rate"), req.alias("required_rate"))
    # R is rounded before it is classified, so the status follows the ratio as published (0.95 is on track
    # even when floating point makes it 0.9499999999).
    t = t.with_columns(
        pl.when(pl.col("level_gap_sign") * pl.col("required_rate") > 0)
        .then((pl.col("actual_rate") / pl.col("required_rate")).round(ROUND))
        .alias("ratio")
    )

    op = (
        pl.when(pl.col("comparator") == "range")
        .then(pl.format("{}–{}", _num(pl.col("value")), _num(pl.col("value_high"))))
        .otherwise(pl.format("{} {}", pl.col("comparator"), _num(pl.col("threshold"))))
    )
    what = (
        pl.when(inc)
        .then(
            pl.format(
                "increase {} − {} = {}",
                _num(pl.col("now_val")),
                _num(pl.col("base_val")),
                _num(pl.col("dir_sign") * (pl.col("now_val") - pl.col("base_val"))),
            )
        )
        .otherwise(_num(pl.col("now_val")))
    )
    progress = pl.format(
        "from {} ({}) to {} ({}): actual {} a year, required {} a year to reach {} by {}",
        _num(pl.col("base_val")),
        _int(pl.col("base_year")),
        _num(pl.col("now_val")),
        _int(pl.col("now_year")),
        _num(pl.col("actual_rate").round(6)),
        _num(pl.col("required_rate").round(6)),
        _num(pl.col("target_level")),
        _int(pl.col("target_year")),
    )
    unit_word = pl.when(pl.col("ceiling")).then(pl.lit(" percentage points")).otherwise(pl.lit(" (growth rate)"))
    no_year_yet = (
        pl.when(pl.col("passed"))
        .then(pl.format("no observation for target year {} yet; ", _int(pl.col("target_year"))))
        .otherwise(pl.lit(""))
    )
    ratio = pl.col("ratio")
    rules = [
        (
            pl.col("now_val").is_null(),
            "insufficient_data",
            "none",
            pl.format(
                "no usable observation for this region and indicator in unit {} up to {}",
                pl.col("unit").fill_null("n/a"),
                _int(pl.col("target_year")),
            ),
        ),
        (
            inc & pl.col("base_val").is_null(),
            "insufficient_data",
            "none",
            pl.format(
                "an increment needs a baseline count: none stated and no observation for {}",
                _int(pl.col("base_year_plan")),
            ),
        ),
        (
            pl.col("final_year") & pl.col("met"),
            "achieved",
            "final_year_comparison",
            pl.format("{} actual {} against target {}: met", _int(pl.col("target_year")), what, op),
        ),
        (
            pl.col("final_year"),
            "not_achieved",
            "final_year_comparison",
            pl.format("{} actual {} against target {}: not met", _int(pl.col("target_year")), what, op),
        ),
        (
            pl.col("met"),
            "achieved",
            "already_met",
            pl.format(
                "{}latest actual {} ({}) already meets target {}", no_year_yet, what, _int(pl.col("now_year")), op
            ),
        ),
        (
            inc & pl.col("base_year").is_null(),
            "insufficient_data",
            "none",
            pl.format(
                "{}the stated baseline {} has no year: progress cannot be annualised",
                no_year_yet,
                _num(pl.col("base_val")),
            ),
        ),
        (
            pl.col("base_val").is_null() | pl.col("base_year").is_null(),
            "insufficient_data",
            "none",
            pl.format(
                "{}fewer than two points: only {} ({}), no baseline stated or observed",
                no_year_yet,
                _num(pl.col("now_val")),
                _int(pl.col("now_year")),
            ),
        ),
        (
            pl.col("base_year") >= pl.col("now_year"),
            "insufficient_data",
            "none",
            pl.format(
                "baseline year {} is not before the latest observation ({})",
                _int(pl.col("base_year")),
                _int(pl.col("now_year")),
            ),
        ),
        (
            ~pl.col("ceiling") & ~positive,
            "insufficient_data",
            "none",
            pl.lit("growth rate undefined for zero or negative values"),
        ),
        (
            pl.col("level_gap_sign") * pl.col("required_rate") <= 0,
            "moving_away",
            "method",
            pl.format(
                "{}the baseline {} ({}) met the target, the latest {} ({}) no longer does",
                no_year_yet,
                _num(pl.col("base_val")),
                _int(pl.col("base_year")),
                _num(pl.col("now_val")),
                _int(pl.col("now_year")),
            ),
        ),
        (ratio >= params["on_track_ratio"], "on_track", "method", None),
        (ratio >= params["needs_acceleration_ratio"], "needs_acceleration", "method", None),
        (ratio >= 0, "limited_progress", "method", None),
        (ratio < 0, "moving_away", "method", None),
    ]
    method_expr = pl.when(pl.col("ceiling")).then(pl.lit("percentage_point_progress")).otherwise(pl.lit("growth_ratio"))
    ratio_reason = pl.format("{}R = {}: progress {}{}", no_year_yet, _num(ratio.round(4)), progress, unit_word)
    rules = [
        (cond, st, method_expr if me == "method" else me, ratio_reason if why is None else why)
        for cond, st, me, why in rules
    ]
    t = _decide(t, rules, ("insufficient_data", "none", pl.lit("progress ratio undefined")))
    has_x = pl.col("now_val").is_not_null()
    actual = (
        pl.when(inc).then(pl.col("dir_sign") * (pl.col("now_val") - pl.col("base_val"))).otherwise(pl.col("now_val"))
    )
    attain = (
        pl.when(inc & (pl.col("threshold") != 0))
        .then(actual / pl.col("threshold"))
        .when(~inc & (pl.col("level_gap_sign") > 0) & (pl.col("threshold") != 0))
        .then(pl.col("now_val") / pl.col("threshold"))
        .when(~inc & (pl.col("level_gap_sign") < 0) & (pl.col("now_val") != 0))
        .then(pl.col("threshold") / pl.col("now_val"))
    )
    progressing = pl.col("method").is_in(["growth_ratio", "percentage_point_progress"])
    return t.select(
        *_base_columns(),
        "status",
        "method",
        actual.alias("actual_value"),
        pl.when(has_x).then(pl.col("now_year")).alias("actual_year"),
        pl.when(has_x).then(pl.col("now_src")).alias("actual_source_id"),
        pl.col("base_val").alias("baseline_value"),
        pl.col("base_year").alias("baseline_year"),
        _rounded(pl.col("gap_raw")).alias("gap"),
        _rounded(attain).alias("attainment"),
        _rounded(pl.when(progressing).then(pl.col("ratio"))).alias("progress_ratio"),
        "reason",
        _caveat("now_note", "base_note").alias("caveat"),
    )
