"""The plain reference assessment (benchmarks/reference_assessment.py) and the engine agree exactly, on a
small synthetic panel and on the real register; the benchmark's comparison and memory probe can fail."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import assess as engine
from analysis.params import load_params
from analysis.reference import load_indicators, load_regions
from analysis.vocabulary import STATUS_CODES, TARGET_KIND_CODES
from benchmarks import reference_assessment as reference  # benchmarks/ is importable via pytest's pythonpath
from benchmarks import synthetic
from benchmarks.run import Stage, differences, write_raw_tree

PROVINCES = ("11", "12", "13")  # three of the 31 synthetic provinces: ~10% of the panel


def reference_rows():
    """The catalogues as the assessment step reads them."""
    return list(load_indicators().values()), list(load_regions().values())


@pytest.fixture(scope="module")
def small_panel():
    """Every synthetic region of three provinces (and the nation), their observations and targets."""
    regions = synthetic.regions().filter(pl.col("region_code").str.slice(0, 2).is_in(PROVINCES)
                                         | (pl.col("level") == "national"))
    inside = pl.col("region_code").is_in(regions["region_code"].implode())
    observations = synthetic.observations().filter(inside)
    targets = synthetic.targets(n=30_000).filter(inside | pl.col("region_code").is_null())
    return targets, observations, synthetic.indicators(), regions, load_params()


def both(targets, observations, indicators, regions, params):
    got, _ = engine.assess(targets, observations, indicators, regions, params)
    ref = reference.assess(*(f.to_pandas() for f in (targets, observations, indicators, regions)), params)
    return got, ref


def test_small_synthetic_panel_agrees_exactly(small_panel):
    got, ref = both(*small_panel)
    assert got.height > 2000
    assert differences(got, ref) == []
    # The panel reaches every kind and every status, so the agreement covers every rule family.
    assert set(got["target_kind"]) == set(TARGET_KIND_CODES)
    assert set(got["status"]) == set(STATUS_CODES)
    assert {"growth_ratio", "percentage_point_progress", "already_met"} <= set(got["method"])
    benchmarks = got.filter(pl.col("target_kind") == "relative_to_benchmark")
    assert benchmarks.filter(pl.col("status") != "insufficient_data").height > 0


def test_a_changed_result_is_reported(small_panel):
    got, ref = both(*small_panel)
    broken = ref.copy()
    row = broken.index[broken["gap"].notna()][0]
    broken.loc[row, "gap"] += 1e-6
    broken.loc[broken.index[0], "reason"] += "!"
    found = differences(got, broken)
    assert {(d["target_id"], d["column"]) for d in found} == {
        (broken.loc[row, "target_id"], "gap"), (broken.loc[broken.index[0], "target_id"], "reason")}


def test_duplicated_sources_and_unusable_figures_agree():
    """Two sources for one point (the closer to the publisher wins) and figures without a year."""
    targets = synthetic.targets(n=2000)
    observations = synthetic.observations()
    first = targets.filter(pl.col("region_code").is_not_null())["region_code"].head(200)
    region_obs = observations.filter(pl.col("region_code").is_in(first.implode()))
    official = region_obs.sample(fraction=0.3, seed=1).with_columns(
        pl.col("value") + 0.5, source_id=pl.lit("synthetic-official"), source_kind=pl.lit("official"))
    undated = region_obs.sample(fraction=0.1, seed=2).with_columns(
        year=pl.lit(None, pl.Int64), usable=pl.lit(False), source_id=pl.lit("synthetic-undated"))
    panel = pl.concat([region_obs, official, undated])
    got, ref = both(targets, panel, synthetic.indicators(), synthetic.regions(), load_params())
    assert differences(got, ref) == []
    assert got["actual_source_id"].str.contains("synthetic-official").any()
    assert got["reason"].str.contains("not usable").any()


def test_stage_sees_rust_and_numpy_allocations():
    with Stage() as stage:
        held = pl.Series(range(30_000_000), dtype=pl.Int64) * 2  # ~240 MB allocated by polars (Rust)
    assert held.len() == 30_000_000
    result = stage.result()
    if not result["peak_reset"]:
        pytest.skip("this kernel does not allow resetting the peak RSS")
    assert result["rss_growth_mb"] > 200


def test_raw_tree_loads_with_the_real_loader(tmp_path, monkeypatch):
    from analysis import statistics
    from analysis.paths import project_root
    observations = synthetic.observations().head(3000)
    write_raw_tree(tmp_path, observations, project_root())
    monkeypatch.setenv("EDUGAP_ROOT", str(tmp_path))
    loaded = statistics.processed_observations()
    assert loaded.height == 3000 and loaded["usable"].all()
    assert loaded.sort("observation_id")["value"].to_list() == observations.sort("observation_id")["value"].to_list()


def test_sub_region_targets_and_benchmarks_that_are_no_region_agree(small_panel):
    """Targets for part of a region (flag sub_region) and benchmarks without a region: both implementations
    leave them unassessed with the same reason and the same first question."""
    targets, observations, indicators, regions, params = small_panel
    every = pl.int_range(pl.len()) % 7
    targets = targets.with_columns(
        flags=pl.when(every == 0).then(pl.lit("year_from_heading;sub_region")),
        note=pl.when(every == 0).then(pl.lit("scope: 市区; synthetic")),
        benchmark_region_code=pl.when(every == 1).then(None).otherwise(pl.col("benchmark_region_code")))
    got, ref = both(targets, observations, indicators, regions, params)
    assert differences(got, ref) == []
    reasons = set(got["unassessed_reason"].drop_nulls())
    assert {"sub_region", "benchmark_not_a_region"} <= reasons
