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


def _broken_frame() -> pl.DataFrame:
    """The shipped observations with one failing row for several expectations (repeated keys included)."""
    frame = validation.prepare_observations().frame
    return validation.with_year_and_usable(pl.concat([frame, frame.head(2)]).with_row_index("_i").with_columns(
        region_code=pl.when(pl.col("_i") == 3).then(pl.lit("12345")).otherwise("region_code"),
        unit=pl.when(pl.col("_i") == 4).then(pl.lit("所")).otherwise("unit"),
        source_kind=pl.when(pl.col("_i") == 5).then(pl.lit("blog")).otherwise("source_kind"),
        year=pl.when(pl.col("_i") == 6).then(pl.lit("20x3")).otherwise("year")).drop("_i"))


def test_gx_is_handed_the_suites_columns_with_repeating_text_as_categories(tree):
    assert statistics.main([]) == 0
    suite = validation.load_suite("observations")
    frame = _broken_frame()
    handed = validation.gx_frame(suite, frame)
    named = set(suite["expectations"][1]["kwargs"]["column_set"]) | {
        e["kwargs"][k] for e in suite["expectations"] for k in ("column", "column_A", "column_B") if k in e["kwargs"]}
    named |= {c for e in suite["expectations"] for c in e["kwargs"].get("column_list", [])}
    assert handed.height == frame.height and set(handed.columns) == named & set(frame.columns)
    assert handed["source_kind"].dtype == pl.Categorical  # one or two kinds over many rows
    assert handed["unit"].dtype == pl.String and handed["indicator_unit"].dtype == pl.String  # compared in pairs
    assert handed["year"].dtype == pl.String  # matched against a regex
    names_only = {"observation_id", "region_name", "indicator_as_published", "note", "usable"}  # in the column set only
    assert all(handed[c].dtype == pl.Categorical and handed[c].null_count() == frame.height for c in names_only)
    read = {**suite, "expectations": [*suite["expectations"], {"type": "expect_column_values_to_be_unique",
                                                               "kwargs": {"column": "observation_id"}, "meta": {}}]}
    assert validation.gx_frame(read, frame)["observation_id"].equals(frame["observation_id"])  # read: whole, as text
    conditional = {**suite, "expectations": [*suite["expectations"], {
        "type": "expect_column_values_to_not_be_null", "meta": {},
        "kwargs": {"column": "value", "row_condition": 'note=="x"', "condition_parser": "pandas"}}]}
    assert validation.gx_frame(conditional, frame).equals(frame)  # a condition may read any column
    exact = {**suite, "expectations": [{**suite["expectations"][1], "kwargs": {
        **suite["expectations"][1]["kwargs"], "exact_match": True}}]}
    assert validation.gx_frame(exact, frame).columns == frame.columns


def test_gx_finds_the_same_rows_in_the_handed_frame_as_in_the_whole_frame(tree, monkeypatch):
    assert statistics.main([]) == 0
    suite, parameters = validation.load_suite("observations"), validation.suite_parameters()
    frame = _broken_frame()
    handed = validation.run_suite(suite, frame, parameters)
    monkeypatch.setattr(validation, "gx_frame", lambda suite, frame: frame)
    whole = validation.run_suite(suite, frame, parameters)
    summary = lambda results: [(r.success, sorted(r.result.get("unexpected_index_list", []))) for r in results]  # noqa: E731
    assert summary(handed) == summary(whole)
    assert not all(passed for passed, _ in summary(whole)), "the frame has failing rows"


def test_catalogue_sets_are_cut_to_the_values_in_the_frame_without_changing_any_verdict(monkeypatch):
    suite = {"expectations": [
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "region_code", "value_set": {"$PARAMETER": "codes"}}},
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "parent", "value_set": {"$PARAMETER": "codes"}}},
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "kind", "value_set": {"$PARAMETER": "kinds"}}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "kind", "max_value": {"$PARAMETER": "kinds"}}}]}
    frame = pl.DataFrame({"region_code": ["530600", "999999", None], "parent": ["530000", "530600", "530600"],
                          "kind": ["a", "b", "a"]})
    parameters = {"codes": ["110000", "530000", "530600", "530621"], "kinds": ["a", "b", "c"], "year": 2026}
    assert validation.sets_cut_to_frame(suite, frame, parameters) == parameters  # small sets go whole
    monkeypatch.setattr(validation, "SMALL_SET", 2)
    cut = validation.sets_cut_to_frame(suite, frame, parameters)
    assert cut["codes"] == ["530000", "530600"]  # catalogue order; 999999 stays outside, as in the whole set
    assert cut["kinds"] == ["a", "b", "c"] and cut["year"] == 2026  # a set used by another check is left whole
    assert parameters["codes"] == ["110000", "530000", "530600", "530621"]  # the caller's parameters are untouched
    for column in ("region_code", "parent"):
        values = frame[column].drop_nulls().to_list()
        assert [v in cut["codes"] for v in values] == [v in parameters["codes"] for v in values]
