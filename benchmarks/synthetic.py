"""A synthetic national panel for the benchmark: every prefecture and county of a China-sized
country, 40 indicators, 15 years, ~1.9 million observations and ~100,000 targets of all kinds
(both counts can be changed: ``observations(n=...)``, ``targets(n=...)``).

Seeded and deterministic. The numbers are invented (clearly: region names say "synthetic") and
are never written under data/; they only exercise the real loading, validation and assessment code.
"""

from __future__ import annotations

import numpy as np
import polars as pl

PROVINCES, PREFECTURES, COUNTIES = 31, 333, 2850  # China's counts, about
INDICATORS, FIRST_YEAR, YEARS = 40, 2010, 15
TARGETS = 100_000
SOURCE_ID = "synthetic-benchmark"


def regions() -> pl.DataFrame:
    """GB/T-2260-shaped codes: province pp0000, prefecture ppcc00, county ppccxx; national 100000."""
    rows = [("100000", "全国(synthetic)", "synthetic nation", "national", None)]
    rows += [(f"{11 + p:02d}0000", f"省{p}(synthetic)", f"synthetic province {p}", "province", "100000")
             for p in range(PROVINCES)]
    prefectures = [f"{11 + i % PROVINCES:02d}{1 + i // PROVINCES:02d}00" for i in range(PREFECTURES)]
    rows += [(code, f"市{code}(synthetic)", f"synthetic prefecture {code}", "prefecture", code[:2] + "0000")
             for code in prefectures]
    rows += [(f"{prefectures[i % PREFECTURES][:4]}{1 + i // PREFECTURES:02d}", f"县{i}(synthetic)",
              f"synthetic county {i}", "county", prefectures[i % PREFECTURES]) for i in range(COUNTIES)]
    return pl.DataFrame(rows, schema=["region_code", "name_zh", "name_en", "level", "parent_code"], orient="row")


def indicators() -> pl.DataFrame:
    """Rates (some capped at 100, some gross), shares, counts; a quarter decrease-is-better."""
    rows = []
    for i in range(INDICATORS):
        kind = ("rate", "share", "count", "rate")[i % 4]
        unit = "所" if kind == "count" else "%"
        direction = "decrease" if i % 4 == 3 else "increase"
        maximum = 100_000.0 if kind == "count" else (150.0 if i % 8 == 0 else 100.0)
        measure = "flow" if i % 8 == 6 else "stock"  # half the counts are yearly additions (新建)
        rows.append((f"synthetic_{i:02d}", THEME_ID, f"合成指标{i}", "", f"synthetic indicator {i}",
                     f"synthetic indicator {i}", "project definition", unit, direction, kind, measure,
                     0.0, maximum, "synthetic"))
    return pl.DataFrame(rows, orient="row", schema=["indicator_id", "theme_id", "name_zh", "aliases_zh", "name_en",
                                                    "definition", "definition_source", "unit", "direction", "kind",
                                                    "measure", "min", "max", "notes"])


THEME_ID = "synthetic"


def themes() -> pl.DataFrame:
    """The one theme every synthetic indicator belongs to."""
    return pl.DataFrame([{"theme_id": THEME_ID, "name_zh": "合成", "name_en": "Synthetic",
                          "description": "benchmark only"}])


def panel_size() -> int:
    """Observations in the national panel: every sub-national region × indicator × year."""
    return (regions().height - 1) * INDICATORS * YEARS


def observations(seed: int = 20261123, n: int | None = None) -> pl.DataFrame:
    """One value per region, indicator and year: a noisy linear trend inside the plausible range.

    ``n`` (default: the whole national panel) keeps a seeded sample of the panel, or, above its size,
    adds later years until there are enough and samples those.
    """
    years = YEARS if n is None else max(YEARS, -(-n // (panel_size() // YEARS)))
    frame = _panel(seed, years)
    if n is None or n == frame.height:
        return frame
    return frame.sample(n, seed=seed).sort("observation_id")


def _panel(seed: int, n_years: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    region = regions().filter(pl.col("level") != "national")["region_code"].to_numpy()
    ind = indicators()
    n_r, n_i = len(region), ind.height
    start = rng.uniform(40, 90, size=(n_r, n_i))
    slope = rng.normal(0.8, 0.9, size=(n_r, n_i))
    years = np.arange(n_years)
    values = start[:, :, None] + slope[:, :, None] * years[None, None, :] + rng.normal(0, 0.6, (n_r, n_i, n_years))
    is_count = (ind["kind"] == "count").to_numpy()
    values[:, is_count, :] = np.round(values[:, is_count, :] * 3)
    cap = ind["max"].to_numpy()[None, :, None]
    values = np.clip(values, 0, cap)
    frame = pl.DataFrame({
        "region_code": np.repeat(region, n_i * n_years),
        "indicator_id": np.tile(np.repeat(ind["indicator_id"].to_numpy(), n_years), n_r),
        "year": np.tile(FIRST_YEAR + YEARS - n_years + years, n_r * n_i).astype(np.int64),  # extra years: earlier
        "value": np.round(values.reshape(-1), 2),
    })
    units = ind.select("indicator_id", "unit")
    return (frame.join(units, on="indicator_id", how="left")
            .with_columns(region_name=pl.lit("synthetic"), indicator_as_published=pl.col("indicator_id"),
                          source_id=pl.lit(SOURCE_ID), source_kind=pl.lit("compiled-dataset"),
                          note=pl.lit(None, dtype=pl.String), usable=pl.lit(True))
            .with_columns(observation_id=pl.format("{}:{}:{}:{}", "source_id", "region_code", "indicator_id", "year"))
            .select("observation_id", "region_code", "region_name", "indicator_as_published", "indicator_id",
                    "year", "value", "unit", "source_id", "source_kind", "note", "usable"))


KINDS = np.array(["level", "level", "level", "level", "increment", "relative_change", "per_year",
                  "milestone", "relative_to_benchmark", "level"])


BENCHMARK_QUOTES = np.array(["不高于全省平均水平(synthetic)", "低于全国平均水平(synthetic)", "达到全市平均水平(synthetic)",
                             "高于当地平均水平(synthetic)"])


def targets(seed: int = 20261124, n: int = TARGETS) -> pl.DataFrame:
    """``n`` (~100,000) targets across kinds, comparators, years (past and future) and missing fields."""
    rng = np.random.default_rng(seed)
    region = regions().filter(pl.col("level") != "national")["region_code"].to_numpy()
    ind = indicators()
    pick_ind = rng.integers(0, ind.height, n)
    kind = KINDS[rng.integers(0, len(KINDS), n)]
    comparator = np.where(rng.random(n) < 0.08, "range", np.where(ind["direction"].to_numpy()[pick_ind] == "decrease", "<=", ">="))
    value = np.round(rng.uniform(50, 99, n), 1)
    value_high = np.where(comparator == "range", value + 5, np.nan)
    year = rng.integers(FIRST_YEAR + 8, FIRST_YEAR + YEARS + 3, n).astype(float)
    year[rng.random(n) < 0.03] = np.nan  # the source lost the year
    baseline = np.where(rng.random(n) < 0.3, np.round(value - rng.uniform(1, 10, n), 1), np.nan)
    baseline_year = np.where(np.isnan(baseline), np.nan, year - 3)
    start = np.where(np.isnan(year), FIRST_YEAR + 10, year - 3)
    frame = pl.DataFrame({
        "target_id": [f"T{i // 1000:03d}-{i % 1000:03d}" for i in range(n)],
        "document_id": [f"synthetic-{i // 1000:03d}" for i in range(n)],
        "region_code": region[rng.integers(0, len(region), n)],
        "indicator_id": ind["indicator_id"].to_numpy()[pick_ind],
        "target_kind": kind,
        "comparator": comparator,
        "value": np.where(kind == "relative_change", np.round(rng.uniform(5, 30, n), 0), value),
        "value_high": value_high,
        "unit": ind["unit"].to_numpy()[pick_ind],
        "target_year": year,
        "baseline_value": baseline,
        "baseline_year": baseline_year,
        "plan_period_start": start,
        "plan_period_end": np.where(np.isnan(year), FIRST_YEAR + 13, year),
    }, nan_to_null=True)
    # A benchmark target names the region whose average it is measured against (or none the engine knows);
    # the register carries that region as a column, the one above the target's region at the level named.
    quote = BENCHMARK_QUOTES[rng.integers(0, len(BENCHMARK_QUOTES), n)]
    level = frame.join(regions().select("region_code", "level"), on="region_code", how="left",
                       maintain_order="left")["level"]
    named = pl.Series(quote)
    benchmark = (pl.when(pl.col("target_kind") != "relative_to_benchmark").then(None)
                 .when(named.str.contains("全国")).then(pl.lit("100000"))
                 .when(named.str.contains("全省") & level.is_in(["prefecture", "county"]))
                 .then(pl.col("region_code").str.slice(0, 2) + "0000")
                 .when(named.str.contains("全市") & (level == "county"))
                 .then(pl.col("region_code").str.slice(0, 4) + "00"))
    return frame.with_columns(
        benchmark.alias("benchmark_region_code"),
        pl.col("target_year", "baseline_year", "plan_period_start", "plan_period_end").cast(pl.Int64),
        pl.when(pl.col("target_kind").is_in(["milestone", "relative_to_benchmark"])).then(None)
        .otherwise(pl.col("value")).alias("value"),
        quote=pl.when(pl.col("target_kind") == "relative_to_benchmark").then(pl.Series(quote))
        .otherwise(pl.lit("synthetic")), year_quote=pl.lit(None, dtype=pl.String),
        flags=pl.when(pl.col("target_year").is_null()).then(pl.lit("year_missing")).otherwise(None),
        note=pl.lit(None, dtype=pl.String),
    )
