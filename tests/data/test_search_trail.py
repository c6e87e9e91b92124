"""Data acceptance checks of the search trail on the built outputs: every expectation is derived from the
inputs (targets.csv, assessments.csv, the raw searches.csv), never a typed-in count."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import searches
from analysis.searches import OUTCOMES
from tests.conftest import REPO, built

SEARCHES = "data/raw/statistics/searches.csv"


@pytest.fixture(scope="module")
def shipped() -> dict[str, pl.DataFrame]:
    built("targets.csv", "assessments.csv", "observations.csv", "target_searches.csv")
    return searches.build()


def test_every_target_has_exactly_one_outcome(shipped):
    targets = pl.read_csv(REPO / "data/processed/targets.csv", infer_schema=False)
    outcomes = shipped["target_searches"]
    assert sorted(outcomes["target_id"].to_list()) == sorted(targets["target_id"].to_list())  # one row each
    assert outcomes["outcome"].is_in(OUTCOMES).all()


def test_assessed_means_exactly_the_targets_with_an_actual(shipped):
    assessments = pl.read_csv(REPO / "data/processed/assessments.csv", infer_schema=False)
    with_actual = set(assessments.filter(pl.col("status") != "insufficient_data")["target_id"].to_list())
    outcomes = shipped["target_searches"]
    assert set(outcomes.filter(pl.col("outcome") == "assessed")["target_id"].to_list()) == with_actual


def test_the_trail_keeps_every_recorded_search_and_its_links(shipped):
    raw = pl.read_csv(REPO / SEARCHES, infer_schema=False)
    trail = shipped["searches"]
    assert trail.height == raw.height
    linked = shipped["target_searches"]["search_ids"].drop_nulls().str.split(";").explode()
    cited = dict(linked.value_counts().iter_rows())  # a target's row cites the searches that decided its outcome
    targets = shipped["target_searches"]
    for row in trail.iter_rows(named=True):
        of_its_regions = targets.filter(pl.col("region_code").is_in(row["region_code"].split(";"))).height
        assert cited.get(row["search_id"], 0) <= row["targets_covered"] <= of_its_regions


def test_searched_targets_say_where_and_when(shipped):
    searched = shipped["target_searches"].filter(pl.col("outcome") == "searched_not_found")
    assert searched.select(pl.col("search_ids", "where", "when").null_count()).row(0) == (0, 0, 0)


def test_region_counts_sum_to_the_targets(shipped):
    coverage = shipped["search_coverage"]
    per_region = coverage.filter(pl.col("region_code").ne_missing("ALL"))
    assert (per_region.select(pl.sum_horizontal(OUTCOMES)).to_series() == per_region["targets"]).all()
    total = coverage.filter(pl.col("region_code") == "ALL").row(0, named=True)
    assert total["targets"] == shipped["target_searches"].height == per_region["targets"].sum()
    for outcome in OUTCOMES:
        assert total[outcome] == per_region[outcome].sum()


def test_the_report_section_names_every_target_left_not_yet_searched(shipped):
    page = searches.coverage_html(shipped["target_searches"], shipped["search_coverage"])
    waiting = shipped["target_searches"].filter(pl.col("outcome") == "not_yet_searched")["target_id"].to_list()
    assert all(f"<td>{tid}</td>" in page for tid in waiting)


def test_the_report_section_reads_the_written_csv_as_text():
    """The report reads processed CSVs as text: an empty region code arrives as null, not as a code."""
    outcomes = pl.read_csv(REPO / "data/processed/target_searches.csv", infer_schema=False)
    coverage = pl.read_csv(REPO / "data/processed/search_coverage.csv", infer_schema=False)
    page = searches.coverage_html(outcomes, coverage)
    assert ("地区未注明 region not named" in page) == outcomes["region_code"].is_null().any()
    assert page.count("<details>") == outcomes.filter(pl.col("outcome") != "assessed")["region_code"].n_unique()


def test_the_written_tables_are_the_built_ones(shipped):
    for name, frame in shipped.items():
        path = built(f"{name}.csv") / f"{name}.csv"  # the comparison proves the Makefile rule is not stale
        assert path.read_bytes() == frame.write_csv(line_terminator="\n").encode("utf-8")
