"""Data acceptance checks on the built outputs. Every expectation is derived from the raw inputs or from
the rules, never typed in, so a researcher who adds a figure, a source or a plan keeps them green."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import polars as pl
import pytest

from analysis.assess import context_of
from analysis.schemas import TABLES
from analysis.tables import read_table
from analysis.vocabulary import COMPARATOR, INSUFFICIENT, STATUS_CODES, UNASSESSED_REASON_CODES
from tests.conftest import REPO, built

RAW = REPO / "data" / "raw"


def raw_rows(relative: str) -> list[dict]:
    with (RAW / relative).open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if any((v or "").strip() for v in row.values())]


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    directory = built(*(f"{name}.csv" for name in TABLES))
    return {name: read_table(name, directory=directory) for name in TABLES}


def test_every_registered_target_has_exactly_one_assessment(tables):
    registered = sorted(r["target_id"].strip() for r in raw_rows("register/targets.csv"))
    assert tables["targets"]["target_id"].to_list() == registered
    assert tables["assessments"]["target_id"].to_list() == registered
    assert set(tables["assessments"]["status"]) <= set(STATUS_CODES)
    assert tables["assessments"]["reason"].null_count() == 0, "every verdict says why"
    unassessed = tables["assessments"].filter(pl.col("status") == INSUFFICIENT)
    assert unassessed["unassessed_reason"].null_count() == 0, "every unassessed target says what is missing"
    assert set(unassessed["unassessed_reason"]) <= set(UNASSESSED_REASON_CODES)
    assert tables["assessments"].filter(pl.col("status") != INSUFFICIENT)["unassessed_reason"].null_count() == \
        tables["assessments"].height - unassessed.height


def test_every_raw_figure_is_processed_once_and_cites_a_known_source(tables):
    observations, sources = tables["observations"], tables["sources"]
    assert observations.height == len(raw_rows("statistics/observations.csv"))
    assert sources["source_id"].to_list() == sorted(r["source_id"].strip() for r in raw_rows("statistics/sources.csv"))
    assert set(observations["source_id"]) <= set(sources["source_id"])
    assert observations.filter(pl.col("year").is_null() & pl.col("usable")).height == 0, \
        "a figure without a reference year is never usable"


def test_every_actual_is_a_usable_cited_figure_of_the_targets_own_region(tables):
    """The point an assessment used is a usable observation of the target's region and indicator."""
    assessed = tables["assessments"].filter(pl.col("status") != INSUFFICIENT)
    usable = tables["observations"].filter(pl.col("usable"))
    sources = set(tables["sources"]["source_id"])
    for row in assessed.iter_rows(named=True):
        cited = (row["actual_source_id"] or "").split(";")
        assert cited != [""] and set(cited) <= sources, row["target_id"]
        own = usable.filter((pl.col("region_code") == row["region_code"])
                            & (pl.col("indicator_id") == row["indicator_id"]) & pl.col("source_id").is_in(cited))
        assert own.height > 0, f"{row['target_id']}: its actual is not a usable figure of its own region"


def test_final_year_verdicts_follow_the_comparator(tables):
    """Re-derive each achieved / not-achieved verdict on a level target from its actual and comparator."""
    levels = tables["assessments"].filter(pl.col("target_kind").is_in(["level"])
                                          & pl.col("status").is_in(["achieved", "not_achieved"])
                                          & pl.col("comparator").is_in([">=", ">", "<=", "<"]))
    direction = {r["indicator_id"]: r["direction"] for r in raw_rows("reference/indicators.csv")}
    for row in levels.iter_rows(named=True):
        comparator, actual, target = COMPARATOR[row["comparator"]], row["actual_value"], row["target_value"]
        gap = (target - actual) if comparator.ceiling else (actual - target)
        met = gap > 0 if comparator.strict else gap >= 0
        assert (row["status"] == "achieved") == met, (row["target_id"], direction.get(row["indicator_id"]))


def test_the_notes_of_the_figure_used_travel_with_the_verdict(tables):
    """A caveat the source gives (e.g. 'does not say whether all are public') reaches the assessment."""
    notes = {(r["region_code"], r["indicator_id"], r["year"], r["source_id"]): r["note"]
             for r in tables["observations"].filter(pl.col("note").is_not_null()).iter_rows(named=True)}
    for row in tables["assessments"].filter(pl.col("status") != INSUFFICIENT).iter_rows(named=True):
        note = notes.get((row["region_code"], row["indicator_id"], row["actual_year"], row["actual_source_id"]))
        if note:
            assert note in (row["caveat"] or ""), row["target_id"]


def test_context_is_every_usable_figure_of_a_parent_region_once(tables):
    """Derived from the raw regions catalogue, the register and the usable figures: the context holds exactly
    the usable figures of (parent region, indicator) pairs some target sits under, each once."""
    regions = {r["region_code"]: r["parent_code"] for r in raw_rows("reference/regions.csv")}

    def ancestors(code):
        while code := regions.get(code):
            yield code

    wanted = {(parent, row["indicator_id"]) for row in tables["targets"].iter_rows(named=True)
              if row["region_code"] for parent in ancestors(row["region_code"])}
    key = ["region_code", "indicator_id", "year", "source_id"]
    expected = sorted(r for r in tables["observations"].filter(pl.col("usable") & pl.col("year").is_not_null()
                                                               & pl.col("value").is_not_null())
                      .select(*key, "value", "unit").rows() if (r[0], r[1]) in wanted)
    context = tables["context"]
    assert sorted(context.select(*key, "value", "unit").rows()) == expected
    assert context.select(key).is_duplicated().sum() == 0, "each figure once, not once per target"
    linked = context_of(tables["targets"], context, pl.DataFrame(raw_rows("reference/regions.csv")).with_columns(
        pl.when(pl.col("parent_code") != "").then(pl.col("parent_code")).alias("parent_code")))
    targets = {r["target_id"]: r for r in tables["targets"].iter_rows(named=True)}
    for row in linked.iter_rows(named=True):
        target = targets[row["target_id"]]
        assert row["context_region_code"] in set(ancestors(target["region_code"])), row
        assert row["indicator_id"] == target["indicator_id"], row


def test_actuals_hold_one_usable_point_per_series_and_year(tables):
    actuals, usable = tables["actuals"], tables["observations"].filter(pl.col("usable"))
    assert actuals.select("region_code", "indicator_id", "unit", "year").is_duplicated().sum() == 0
    joined = actuals.join(usable, on=["region_code", "indicator_id", "unit", "year", "value", "source_id"], how="anti")
    assert joined.height == 0, f"points that are not usable figures: {joined.to_dicts()[:3]}"


def test_summary_totals_are_the_sum_of_the_regions(tables):
    summary, assessments = tables["summary"], tables["assessments"]
    total = summary.filter(pl.col("region_code") == "ALL")
    parts = summary.filter(pl.col("region_code").fill_null("") != "ALL")
    counts = [c for c in TABLES["summary"].names if summary[c].dtype == pl.Int64]
    for column in counts:
        assert total[column].item() == parts[column].sum(), column
    assert total["targets"].item() == assessments.height
    per_region = assessments.group_by("region_code").len()
    assert dict(per_region.iter_rows()) == dict(parts.select("region_code", "targets").iter_rows())
    assessable = total["assessable"].item()
    assert total["coverage"].item() == pytest.approx(round(assessable / assessments.height, 4))


def test_no_candidate_is_left_uncovered():
    candidates = pl.read_csv(built("candidates.csv") / "candidates.csv", infer_schema=False)
    assert candidates.filter(pl.col("status") == "uncovered").height == 0


def test_the_data_package_describes_every_processed_file_with_its_hash():
    directory = built("datapackage.json")
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["path"]: r for r in package["resources"]}
    on_disk = sorted(p.name for p in directory.iterdir() if p.suffix in (".csv", ".parquet", ".json")
                     and p.name != "datapackage.json" and not p.name.startswith("."))
    assert sorted(described) == on_disk
    for name, resource in described.items():
        assert resource["hash"] == "sha256:" + hashlib.sha256((directory / name).read_bytes()).hexdigest(), name


def test_validation_found_no_error_and_every_warning_names_real_rows():
    entries = json.loads((built("validation_summary.json") / "validation_summary.json").read_text(encoding="utf-8"))
    assert not [e for e in entries if e["severity"] == "error" and not e["passed"]]
    for entry in entries:
        for failing in entry["failing"]:
            path = REPO / failing["file"]
            if failing["row"] and path.exists():
                lines = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
                assert failing["row"] <= len(lines), failing
