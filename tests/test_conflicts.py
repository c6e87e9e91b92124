"""Conflicts between sources, reviewed resolutions, partial source dates and figures whose period is not stated.

Every case writes its own small statistics snapshot into a temporary tree (the catalogues are the shipped
ones), so the tests do not change when the shipped figures do.
"""

from __future__ import annotations

import polars as pl
import pytest

from analysis import assess as engine
from analysis import conflicts, statistics
from analysis.errors import InputError
from analysis.paths import staged_dir
from analysis.reference import load_indicators, load_regions
from analysis.snapshot import record

STATS = "data/raw/statistics"
OBS_HEADER = "region_code,region_name,indicator_as_published,indicator_id,year,value,unit,source_id,note"
SRC_HEADER = "source_id,title,publisher,url,published,accessed,kind,where_the_figures_stand"
RES_HEADER = ("region_code,indicator_id,year,source_that_stands,sources_set_aside,reason,reviewed_by,"
              "reviewed_on")
CITY, PROVINCE = "530600", "530000"  # 昭通市 and its parent 云南省
RATE = "preschool_gross_enrolment_rate"


def source(source_id: str, kind: str = "official", published: str = "2024-01-02") -> str:
    return f"{source_id},TEST ONLY {source_id},edugap tests,https://example.org/{source_id},{published},,{kind},fixture"


def figure(source_id: str, value: str, year: str = "2021", region: str = CITY, note: str = "") -> str:
    name = {CITY: "昭通市", PROVINCE: "云南省"}[region]
    return f"{region},{name},学前教育毛入园率,{RATE},{year},{value},%,{source_id},{note}"


def write_snapshot(tree, sources: list[str], figures: list[str], resolutions: list[str] | None = None) -> None:
    """Replace the tree's statistics with these rows (resolutions.csv removed when None) and record them."""
    files = {"sources.csv": [SRC_HEADER, *sources], "observations.csv": [OBS_HEADER, *figures]}
    if resolutions is not None:
        files["resolutions.csv"] = [RES_HEADER, *resolutions]
    else:
        for name in ("resolutions.csv", "resolutions.csv.meta.yaml"):
            (tree / STATS / name).unlink(missing_ok=True)
    for name, lines in files.items():
        path = tree / STATS / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        record(path)


def resolution(stands: str, set_aside: str, year: str = "2021", region: str = CITY, reviewed_on: str = "2026-11-25"):
    return f"{region},{RATE},{year},{stands},{set_aside},the official page stands,edugap maintainers,{reviewed_on}"


# ---------------------------------------------------------------- conflicts

def test_a_new_conflict_stops_the_build_naming_region_indicator_year_sources_and_rows(tree, capsys):
    write_snapshot(tree, [source("src-a"), source("src-b", "reprint")],
                   [figure("src-a", "81.08"), figure("src-b", "82")])
    processed = tree / "data/interim/staged"
    processed.mkdir(parents=True, exist_ok=True)
    (processed / "observations.csv").write_text("previous good build\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in processed.iterdir()}

    with pytest.raises(InputError) as caught:
        statistics.build()
    error = caught.value
    assert (error.file, error.row, error.column) == (f"{STATS}/observations.csv", 2, "value")
    assert (f"sources disagree on region {CITY}, indicator {RATE}, year 2021: src-a gives 81.08 (row 2), "
            "src-b gives 82 (row 3)") in error.detail
    assert f"{STATS}/resolutions.csv" in error.detail

    assert statistics.main([]) == 1
    assert capsys.readouterr().err.startswith(f"error: {STATS}/observations.csv, row 2, column 'value': sources "
                                              "disagree")
    assert {p.name: p.read_bytes() for p in processed.iterdir()} == before  # nothing written


def test_agreeing_sources_and_undated_or_context_figures_are_not_conflicts(tree):
    write_snapshot(tree, [source("src-a"), source("src-b"), source("src-c")],
                   [figure("src-a", "81.08"), figure("src-b", "81.080"),  # same value, written differently
                    figure("src-c", "70", year=""),  # no reference year: nothing to disagree on
                    figure("src-c", "75", note="period NOT stated")])
    tables = statistics.build()
    assert tables["conflicts"].is_empty()
    assert tables["observations"]["usable"].sum() == 2


def test_a_reviewed_resolution_sets_the_other_figure_aside_and_is_listed(tree):
    write_snapshot(tree, [source("src-a"), source("src-b", "compiled-dataset"), source("src-c", "reprint")],
                   [figure("src-a", "91.8"), figure("src-b", "92.8"), figure("src-c", "91.8")],
                   [resolution("src-a", "src-b")])
    tables = statistics.build()
    rows = {r["source_id"]: r for r in tables["observations"].iter_rows(named=True)}
    key = f"{CITY}:{RATE}:2021"
    assert (rows["src-b"]["usable"], rows["src-b"]["unusable_reason"], rows["src-b"]["set_aside_by"]) == \
        (False, "set_aside", key)
    assert all(rows[s]["usable"] and rows[s]["set_aside_by"] is None for s in ("src-a", "src-c"))
    listed = tables["conflicts"].row(0, named=True)
    assert tables["conflicts"].height == 1
    assert {k: listed[k] for k in ("region_code", "indicator_id", "year", "value", "source_that_stands",
                                   "sources_confirming", "sources_set_aside", "values_set_aside", "reviewed_by")} == \
        {"region_code": CITY, "indicator_id": RATE, "year": 2021, "value": 91.8, "source_that_stands": "src-a",
         "sources_confirming": "src-c", "sources_set_aside": "src-b", "values_set_aside": "92.8",
         "reviewed_by": "edugap maintainers"}


def test_the_assessment_uses_the_figure_that_stands(tree):
    write_snapshot(tree, [source("src-a"), source("src-b", "compiled-dataset")],
                   [figure("src-a", "91.8"), figure("src-b", "92.8")], [resolution("src-a", "src-b")])
    got = _assess_one(statistics.build()["observations"], value=92, target_year=2021)
    assert (got["status"], got["actual_value"], got["actual_source_id"]) == ("not_achieved", 91.8, "src-a")


@pytest.mark.parametrize("column, stands, set_aside", [("source_that_stands", "src-x", "src-b"),
                                                       ("sources_set_aside", "src-a", "src-b;src-x")])
def test_a_resolution_naming_a_source_that_does_not_exist_is_an_error(tree, column, stands, set_aside):
    write_snapshot(tree, [source("src-a"), source("src-b")], [figure("src-a", "91.8"), figure("src-b", "92.8")],
                   [resolution(stands, set_aside)])
    with pytest.raises(InputError) as caught:
        statistics.build()
    assert (caught.value.file, caught.value.row, caught.value.column) == (f"{STATS}/resolutions.csv", 2, column)
    assert "source 'src-x' is not in data/raw/statistics/sources.csv" in caught.value.detail


def test_a_resolution_naming_a_source_without_a_figure_there_is_an_error(tree):
    write_snapshot(tree, [source("src-a"), source("src-b"), source("src-c")],
                   [figure("src-a", "91.8"), figure("src-b", "92.8")], [resolution("src-a", "src-c")])
    with pytest.raises(InputError) as caught:
        statistics.build()
    assert (caught.value.file, caught.value.row, caught.value.column) == \
        (f"{STATS}/resolutions.csv", 2, "sources_set_aside")
    assert caught.value.detail.startswith(f"'src-c' gives no figure for region {CITY}, indicator {RATE}, year 2021")


def test_a_resolution_that_leaves_a_disagreement_is_an_error(tree):
    write_snapshot(tree, [source("src-a"), source("src-b"), source("src-c")],
                   [figure("src-a", "91.8"), figure("src-b", "92.8"), figure("src-c", "90")],
                   [resolution("src-a", "src-b")])
    with pytest.raises(InputError, match=r"resolutions.csv, row 2, column 'sources_set_aside': after setting aside "
                                         r"src-b, the sources still disagree .*src-c gives 90 \(row 4\)"):
        statistics.build()


def test_a_stale_resolution_is_reported_and_not_applied(tree, capsys):
    write_snapshot(tree, [source("src-a"), source("src-b")], [figure("src-a", "91.8"), figure("src-b", "91.8")],
                   [resolution("src-a", "src-b")])
    assert statistics.main([]) == 0
    err = capsys.readouterr().err
    assert f"warning: {STATS}/resolutions.csv, row 2: the resolution for region {CITY}, indicator {RATE}, year " \
           "2021 is stale" in err
    observations = pl.read_csv(tree / "data/interim/staged/observations.csv", infer_schema=False)
    assert observations["usable"].to_list() == ["true", "true"]  # nothing set aside
    [entry] = conflicts.validation_entries(statistics.load_sources(), staged_dir())
    assert (entry["severity"], entry["passed"]) == ("warning", False)
    assert entry["failing"] == [{"file": f"{STATS}/resolutions.csv", "row": 2, "column": "year",
                                 "value": f"{CITY}:{RATE}:2021"}]


def test_a_settling_resolution_passes_the_stale_check(tree):
    write_snapshot(tree, [source("src-a"), source("src-b")], [figure("src-a", "91.8"), figure("src-b", "92.8")],
                   [resolution("src-a", "src-b")])
    assert statistics.main([]) == 0
    [entry] = conflicts.validation_entries(statistics.load_sources(), staged_dir())
    assert entry["passed"] and entry["failing"] == []


@pytest.mark.parametrize("column, cell", [("reviewed_on", "2026-11"), ("reason", ""), ("year", "21"), ("year", "２０２１"),
                                          ("reason", '=HYPERLINK("http://x.example")'), ("reviewed_by", "@me")])
def test_a_resolution_row_with_a_bad_cell_is_an_error(tree, column, cell):
    row = dict(zip(RES_HEADER.split(","), resolution("src-a", "src-b").split(",")))
    row[column] = cell
    write_snapshot(tree, [source("src-a"), source("src-b")], [figure("src-a", "91.8"), figure("src-b", "92.8")],
                   [",".join(row.values())])
    with pytest.raises(InputError) as caught:
        statistics.build()
    assert (caught.value.row, caught.value.column) == (2, column)


# ---------------------------------------------------------------- dates and periods

@pytest.mark.parametrize("published", ["2024", "2024-03", "2024-03-07"])
def test_a_source_date_is_kept_at_the_precision_the_source_gives(tree, published):
    write_snapshot(tree, [source("src-a", published=published)], [figure("src-a", "91.8")])
    assert statistics.build()["sources"]["published"].to_list() == [published]


@pytest.mark.parametrize("published", ["2024-13", "2024-02-30", "24-03", "2024/03", "2024-3"])
def test_a_date_that_is_not_a_real_year_month_or_day_is_rejected(tree, published):
    write_snapshot(tree, [source("src-a", published=published)], [figure("src-a", "91.8")])
    with pytest.raises(InputError) as caught:
        statistics.build()
    assert (caught.value.file, caught.value.row, caught.value.column) == (f"{STATS}/sources.csv", 2, "published")


def test_a_figure_whose_period_is_not_stated_is_kept_shown_and_never_used(tree):
    write_snapshot(tree, [source("src-a"), source("src-b")],
                   [figure("src-a", "95", note="period NOT stated; bureau quote"),
                    figure("src-b", "96", region=PROVINCE, note="Period not stated"),
                    figure("src-b", "60", year="", note="reference year not stated")])
    observations = statistics.build()["observations"]
    assert observations.height == 3  # kept
    assert sorted(observations["unusable_reason"].to_list()) == ["period_not_stated", "period_not_stated",
                                                                 "year_not_stated"]
    assert not observations["usable"].any()
    assessments, context = _assess(observations, value=90, target_year=2021)
    assert assessments["status"].to_list() == ["insufficient_data"]  # not an actual ...
    assert context.is_empty()  # ... and not a context point of the parent region


def _assess(observations: pl.DataFrame, **target_fields):
    indicators, regions = list(load_indicators().values()), list(load_regions().values())
    target = dict(target_id="T900-001", document_id="900-test", region_code=CITY, indicator_id=RATE,
                  target_kind="level", comparator=">=", value=None, value_high=None, unit="%", target_year=None,
                  baseline_value=None, baseline_year=None, plan_period_start=2021, plan_period_end=2025, quote="")
    targets = pl.DataFrame([target | target_fields], infer_schema_length=None)
    params = {"as_of": "2026-11-23", "on_track_ratio": 0.95, "needs_acceleration_ratio": 0.60, "ceiling_threshold": 90}
    return engine.assess(targets, observations, indicators, regions, params)


def _assess_one(observations: pl.DataFrame, **target_fields) -> dict:
    assessments, _ = _assess(observations, **target_fields)
    return assessments.row(0, named=True)


def test_the_report_gets_every_conflict_with_its_resolution(tree):
    write_snapshot(tree, [source("src-a"), source("src-b", "compiled-dataset"), source("src-c")],
                   [figure("src-a", "91.8"), figure("src-b", "92.8"), figure("src-c", "91.8")],
                   [resolution("src-a", "src-b")])
    assert statistics.main([]) == 0
    [listed] = conflicts.resolved(staged_dir())
    assert (listed["region_code"], listed["year"], listed["value"], listed["source_that_stands"]) == \
        (CITY, 2021, 91.8, "src-a")
    assert (listed["sources_confirming"], listed["sources_set_aside"], listed["values_set_aside"]) == \
        (["src-c"], ["src-b"], ["92.8"])
    assert listed["reason"] == "the official page stands" and listed["reviewed_on"] == "2026-11-25"
