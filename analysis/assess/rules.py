"""The pieces every kind's rules share: how a rule list decides status, method and reason; how numbers are
written in a reason; the output columns."""

from __future__ import annotations

import polars as pl

from ..schemas import table

ROUND = 6  # decimals kept in gap, attainment, ratio: no float noise in the CSV
ASSESSMENT_COLUMNS = table("assessments").names


def _num(expr: pl.Expr) -> pl.Expr:
    """A number as people write it: 214, 98.8 (no trailing .0), 'n/a' when missing."""
    text = expr.cast(pl.Float64).round(4).cast(pl.String).str.strip_suffix(".0")
    return text.fill_null("n/a")


def _int(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).fill_null("n/a")


def _rounded(expr: pl.Expr) -> pl.Expr:
    return expr.round(ROUND)


def _out(frame: pl.DataFrame) -> pl.DataFrame:
    """Fill any output column a branch did not set, and give every column its contract type."""
    types = {
        "target_value": pl.Float64,
        "target_value_high": pl.Float64,
        "target_year": pl.Int64,
        "actual_value": pl.Float64,
        "actual_year": pl.Int64,
        "baseline_value": pl.Float64,
        "baseline_year": pl.Int64,
        "gap": pl.Float64,
        "attainment": pl.Float64,
        "progress_ratio": pl.Float64,
    }
    exprs = []
    for column in ASSESSMENT_COLUMNS:
        dtype = types.get(column, pl.String)
        expr = pl.col(column) if column in frame.columns else pl.lit(None)
        exprs.append(expr.cast(dtype).alias(column))
    return frame.select(exprs)


def _base_columns() -> list[pl.Expr]:
    return [
        pl.col("target_id"),
        pl.col("document_id"),
        pl.col("region_code"),
        pl.col("indicator_id"),
        pl.col("target_kind"),
        pl.col("comparator"),
        pl.col("value").alias("target_value"),
        pl.col("value_high").alias("target_value_high"),
        pl.col("unit"),
        pl.col("target_year"),
    ]


def _caveat(*notes: str) -> pl.Expr:
    """Notes of the observations used (e.g. 'source does not say whether all are public'), kept verbatim."""
    parts = [pl.col(n) for n in notes]
    joined = pl.concat_list(parts).list.drop_nulls().list.unique(maintain_order=True).list.join("; ")
    return pl.when(joined == "").then(None).otherwise(joined)


def _met(gap: pl.Expr) -> pl.Expr:
    return pl.when(pl.col("strict")).then(gap > 0).otherwise(gap >= 0)


def _decide(t: pl.DataFrame, rules: list, default: tuple | None = None) -> pl.DataFrame:
    """Status, method and reason from the first rule whose condition holds (a null condition does not hold).

    Each reason text is formatted only for the rows its rule decides: formatting every candidate text for
    every row is what would cost the time.
    """
    if default is not None:
        rules = [*rules, (pl.lit(True), *default)]
    index = pl.when(rules[0][0]).then(0)
    for number, rule in enumerate(rules[1:], start=1):
        index = index.when(rule[0]).then(number)
    if not t["_target_order"].is_sorted():
        t = t.sort("_target_order")
    t = t.with_columns(index.otherwise(len(rules) - 1).alias("_rule"))
    parts = []
    for number, (_, status, method, reason) in enumerate(rules):
        method = method if isinstance(method, pl.Expr) else pl.lit(method)
        # Only the three outcome columns travel through the filter, concat and sort; the (wide) frame does not.
        parts.append(
            t.lazy().filter(pl.col("_rule") == number).select(
                "_target_order",
                pl.lit(status, pl.String).alias("status"),
                method.cast(pl.String).alias("method"),
                reason.cast(pl.String).alias("reason"),
            ).collect()
        )
    decided = pl.concat(parts).sort("_target_order").drop("_target_order")
    return pl.concat([t, decided], how="horizontal")
