"""The benchmark's floors (benchmarks/floors.py) compute what the project computes, so a ratio to a floor
means something: the load floor returns the loader's frame, the validate floor GX's results."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from analysis import statistics, validation
from analysis.snapshot import record
from benchmarks import floors

BROKEN = Path(__file__).resolve().parent.parent / "broken_inputs"
OBS = "data/raw/statistics/observations.csv"


def test_load_floor_returns_the_loaders_frame(tree):
    assert floors.load_observations(statistics.observations_path()).equals(statistics.load_observations())


@pytest.mark.parametrize("name", ["approximate_value.csv", "duplicate_key.csv", "formula_cell.csv", "permille_unit.csv"])
def test_load_floor_rejects_what_the_loader_rejects(tree, name):
    shutil.copyfile(BROKEN / name, tree / OBS)
    record(tree / OBS)
    with pytest.raises(ValueError):
        floors.load_observations(statistics.observations_path())


def test_validate_floor_finds_the_rows_gx_finds(tree):
    assert statistics.main([]) == 0
    suite, parameters = validation.load_suite("observations"), validation.suite_parameters()
    frame = validation.prepare_observations().frame
    n = frame.height
    broken = pl.concat([frame, frame.head(2)]).with_row_index("_i").with_columns(  # two repeated keys
        region_code=pl.when(pl.col("_i") == 3).then(pl.lit("12345")).otherwise("region_code"),
        unit=pl.when(pl.col("_i") == 4).then(None).otherwise("unit"),
        value_in_range=pl.when(pl.col("_i") == 5).then(False).otherwise("value_in_range"),
        has_year=pl.when(pl.col("_i") == 6).then(pl.lit("false")).otherwise("has_year"),
        usable=pl.when(pl.col("_i") == 6).then(pl.lit("true")).otherwise("usable"),
        yoy_pp_per_year=pl.when(pl.col("_i") == 7).then(12.5).otherwise("yoy_pp_per_year"),
        year_number=pl.when(pl.col("_i") == 8).then(2999).otherwise("year_number")).drop("_i")
    broken = validation.with_year_and_usable(broken)
    expected = floors.validate(suite, broken, parameters)
    results = validation.run_suite(suite, broken, parameters)
    assert floors.same_as_gx(expected, suite, results) == []
    failed = {name: rows for name, (passed, rows) in expected.items() if not passed}
    assert failed["key_unique"] == [0, 1, n, n + 1]
    assert {name: failed.get(name) for name in ("region_code_format", "region_code_known", "unit_present",
                                                  "value_in_plausible_range", "usable_only_with_year",
                                                  "yoy_jump_rate", "year_not_future")} == {
        "region_code_format": [3], "region_code_known": [3], "unit_present": [4], "value_in_plausible_range": [5],
        "usable_only_with_year": [6], "yoy_jump_rate": [7], "year_not_future": [8]}
    tampered = expected | {"unit_present": (False, [4, 5])}
    assert floors.same_as_gx(tampered, suite, results) == ["unit_present"]
