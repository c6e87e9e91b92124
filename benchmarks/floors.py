"""Floors: what a stage costs at least, written as plainly as polars allows, so the benchmark can say how
far the project's code is from it (ratio = stage time ÷ floor time, measured in the same run).

A floor does the same work with the same checks but reports nothing: no row numbers, no messages, no
fallback for odd files. Each is checked against the project's result, so a floor cannot be fast by
doing less.
"""

from __future__ import annotations

import polars as pl

from analysis import conflicts
from analysis.reference import load_indicators, load_regions
from analysis.snapshot import read_raw
from analysis.statistics import PERIOD_NOT_STATED, PERIOD_NOT_STATED_NOTE, YEAR_NOT_STATED, load_sources

NUMBER = r"^-?\d+(\.\d+)?$"
OBSERVATION_COLUMNS = ["region_code", "region_name", "indicator_as_published", "indicator_id", "year", "value",
                       "unit", "source_id", "note"]


# ---------------------------------------------------------------- load

def load_observations(path) -> pl.DataFrame:
    """The raw statistics read by polars with every check of ``analysis.statistics`` as one expression;
    raises ValueError if any row fails. Same columns and order as ``statistics.load_observations``
    (conflicts between sources are then settled by ``analysis.conflicts``, the same step the loader ends with)."""
    regions, indicators, sources = load_regions(), load_indicators(), load_sources()
    frame = (pl.read_csv(read_raw(path), infer_schema=False)  # checksum verified, as every read is
             .select(pl.col(OBSERVATION_COLUMNS).str.strip_chars().fill_null(""))
             .with_row_index("_row", offset=2))
    c = pl.col
    indicator = pl.when(c("indicator_id") != "").then("indicator_id").otherwise("indicator_as_published")
    frame = frame.with_columns(observation_id=pl.format("{}:{}:{}:{}", "source_id", "region_code", indicator, "year"))
    names = c("region_code").replace_strict({k: v["name_zh"] for k, v in regions.items()}, default=None)
    units = c("indicator_id").replace_strict({k: v["unit"] for k, v in indicators.items()}, default=None)
    bad = pl.any_horizontal(
        *[c(x).str.contains(r"^[=+\-@]") & ~c(x).str.contains(NUMBER) for x in OBSERVATION_COLUMNS],
        *[c(x) == "" for x in ("region_code", "indicator_as_published", "value", "unit", "source_id")],
        ~c("region_code").is_in(list(regions)),
        (c("region_name") != "") & (c("region_name") != names),
        (c("indicator_id") != "") & ~c("indicator_id").is_in(list(indicators)),
        (c("year") != "") & ~c("year").str.contains(r"^\d{4}$"),
        ~c("value").str.contains(NUMBER),
        (c("indicator_id") != "") & (c("unit") != units),
        ~c("source_id").is_in(list(sources)),
        c("observation_id").is_duplicated())
    if frame.select(bad.any()).item():
        raise ValueError("a row fails a check")
    kinds = {k: v["kind"] for k, v in sources.items()}
    period_not_stated = c("note").str.to_lowercase().str.contains(PERIOD_NOT_STATED_NOTE, literal=True)
    checked = (frame.with_columns(source_kind=c("source_id").replace_strict(kinds))
               .select(*OBSERVATION_COLUMNS, "observation_id", "source_kind", "_row")
               .with_columns(c("region_name", "indicator_id", "year", "note").replace("", None))
               .with_columns(c("year").cast(pl.Int64), c("value").cast(pl.Float64))
               .with_columns(unusable_reason=pl.when(period_not_stated.fill_null(False)).then(pl.lit(PERIOD_NOT_STATED))
                             .when(c("year").is_null()).then(pl.lit(YEAR_NOT_STATED)),
                             set_aside_by=pl.lit(None, pl.String))
               .with_columns(usable=c("unusable_reason").is_null())
               .sort("observation_id"))
    return conflicts.apply(checked, conflicts.load_resolutions(sources))  # the project's own step, as it is


# ---------------------------------------------------------------- validate

def prepare_observations(path) -> pl.DataFrame:
    """The processed observations with the derived columns the suite reads, built by the same polars
    steps as ``analysis.validation`` but without locating rows in the raw file (that is reporting)."""
    from analysis import validation
    return validation.with_observation_checks(pl.read_csv(path, infer_schema=False))


def _parameter(value, parameters: dict):
    return parameters[value["$PARAMETER"]] if isinstance(value, dict) and "$PARAMETER" in value else value


def _unexpected(kind: str, kwargs: dict, parameters: dict) -> pl.Expr:
    """True on the rows GX counts as unexpected for a column-map expectation (GX skips nulls unless the
    expectation is about nulls)."""
    c = pl.col(kwargs.get("column", ""))
    if kind == "expect_column_values_to_not_be_null":
        return c.is_null()
    if kind == "expect_column_values_to_match_regex":
        return c.is_not_null() & ~c.str.contains(kwargs["regex"])
    if kind == "expect_column_values_to_be_in_set":
        return c.is_not_null() & ~c.is_in(_parameter(kwargs["value_set"], parameters))
    if kind == "expect_column_values_to_be_between":
        low, high = _parameter(kwargs.get("min_value"), parameters), _parameter(kwargs.get("max_value"), parameters)
        below = c < low if low is not None else pl.lit(False)
        above = c > high if high is not None else pl.lit(False)
        return c.is_not_null() & (below | above)
    if kind == "expect_column_pair_values_to_be_equal":
        a, b = pl.col(kwargs["column_A"]), pl.col(kwargs["column_B"])
        ignored = {"neither": a.is_null() & b.is_null(), "both_values_are_missing": a.is_null() & b.is_null(),
                   "either_value_is_missing": a.is_null() | b.is_null()}[kwargs.get("ignore_row_if", "neither")]
        return ~ignored & a.ne_missing(b)
    if kind == "expect_column_pair_values_to_be_in_set":
        a, b = pl.col(kwargs["column_A"]), pl.col(kwargs["column_B"])
        ignored = {"neither": pl.lit(False), "both_values_are_missing": a.is_null() & b.is_null(),
                   "either_value_is_missing": a.is_null() | b.is_null()}[kwargs.get("ignore_row_if", "both_values_are_missing")]
        allowed = pl.any_horizontal(a.eq_missing(pl.lit(x, pl.String)) & b.eq_missing(pl.lit(y, pl.String))
                                    for x, y in kwargs["value_pairs_set"])
        return ~ignored & ~allowed
    if kind == "expect_compound_columns_to_be_unique":
        return pl.struct(kwargs["column_list"]).is_duplicated()
    raise NotImplementedError(f"no polars floor for {kind}")


def validate(suite: dict, frame: pl.DataFrame, parameters: dict) -> dict[str, tuple[bool, list[int]]]:
    """Each expectation's (passed, unexpected row indices), in one polars pass over the frame."""
    table, columns = {}, {}
    for spec in suite["expectations"]:
        name, kind, kwargs = spec["meta"]["name"], spec["type"], spec["kwargs"]
        if kind == "expect_table_row_count_to_be_between":
            low, high = kwargs.get("min_value"), kwargs.get("max_value")
            table[name] = (low is None or frame.height >= low) and (high is None or frame.height <= high)
        elif kind == "expect_table_columns_to_match_set":
            wanted = set(kwargs["column_set"])
            table[name] = wanted <= set(frame.columns) if not kwargs.get("exact_match", True) \
                else wanted == set(frame.columns)
        else:
            columns[name] = _unexpected(kind, kwargs, parameters).fill_null(False).arg_true().implode().alias(name)
    found = frame.select(*columns.values()).row(0, named=True) if columns else {}
    results = {name: (passed, []) for name, passed in table.items()}
    results |= {name: (not rows, rows) for name, rows in found.items()}
    return {spec["meta"]["name"]: results[spec["meta"]["name"]] for spec in suite["expectations"]}


def same_as_gx(floor: dict[str, tuple[bool, list[int]]], suite: dict, gx_results: list) -> list[str]:
    """Expectations where GX and the floor disagree on success or on the unexpected rows."""
    differing = []
    for spec, result in zip(suite["expectations"], gx_results):
        passed, rows = floor[spec["meta"]["name"]]
        gx_rows = sorted(set(result.result.get("unexpected_index_list", rows)))
        if bool(result.success) != passed or gx_rows != sorted(set(rows)):
            differing.append(spec["meta"]["name"])
    return differing
