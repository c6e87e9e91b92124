"""Data acceptance checks for the citable snapshot: conflicts between the shipped sources are all settled by
reviewed resolutions, the changelog names the shipped raw data, and the built data package passes the
reference validator. Every expectation is derived from the inputs."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import conflicts, statistics, versions
from analysis.errors import InputError
from analysis.snapshot import record
from analysis.tables import read_table
from tests.conftest import built
from tests.test_datapackage import frictionless_errors, twin_errors


def test_every_shipped_resolution_settles_a_conflict_that_would_otherwise_stop_the_build(tree):
    resolutions = conflicts.load_resolutions(statistics.load_sources())
    tables = statistics.build()
    assert conflicts.stale(resolutions, tables["conflicts"]) == []
    set_aside = tables["observations"].filter(pl.col("unusable_reason") == conflicts.SET_ASIDE)
    assert sorted(zip(set_aside["set_aside_by"], set_aside["source_id"], strict=True)) == \
        sorted((r.key, s) for r in resolutions for s in r.set_aside)
    path = tree / "data/raw/statistics/resolutions.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    record(path)
    for first in resolutions[:1]:
        with pytest.raises(InputError, match=f"sources disagree on region {first.region_code}, indicator "
                                             f"{first.indicator_id}, year {first.year}"):
            statistics.build()


def test_the_built_observations_use_no_set_aside_undated_or_period_less_figure():
    observations = read_table("observations", built("observations.csv"))
    unusable = observations.filter(~pl.col("usable"))
    assert unusable["unusable_reason"].null_count() == 0, "every unusable figure says why"
    assert observations.filter(pl.col("usable"))["unusable_reason"].null_count() == \
        observations.filter(pl.col("usable")).height
    listed = read_table("conflicts", built("conflicts.csv"))
    assert sorted(unusable.filter(pl.col("set_aside_by").is_not_null())["set_aside_by"].unique()) == \
        sorted(f"{r['region_code']}:{r['indicator_id']}:{r['year']}" for r in listed.iter_rows(named=True))


def test_the_changelog_names_the_shipped_raw_data():
    label = versions.check()
    newest, _, recorded = versions.snapshot_version()
    assert label == (newest if recorded == versions.current_raw_hash() else f"{newest}+unreleased")


def test_the_built_package_passes_the_reference_validator():
    directory = built("datapackage.json")
    assert frictionless_errors(directory / "datapackage.json") == []
    assert twin_errors(directory) == []
