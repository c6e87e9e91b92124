"""The search trail on constructed data: the matching rule, the outcomes, every kind of bad row, and the step
run on the synthetic fixture tables (tests/fixtures/processed). The checks on the shipped data are in
tests/data/test_search_trail.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from analysis import searches
from analysis.errors import InputError
from analysis.searches import Search
from analysis.snapshot import record

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "processed"
SEARCHES = "data/raw/statistics/searches.csv"
HEADER = "region_code,region_name,what_was_sought,years,where_searched,searched_on,result,note\n"

INDICATORS = {
    "preschool_gross_enrolment_rate": {"name_zh": "学前教育毛入园率", "aliases": ["学前三年毛入园率"]},
    "digital_classroom_share": {"name_zh": "中小学数字教室建设占比", "aliases": ["数字教室建设"]},
    "new_public_kindergartens": {"name_zh": "新建改扩建公办幼儿园", "aliases": ["新建、改扩建幼儿园"]},
}


def search(codes=("451000",), sought="统计公报 education section", years=(2021, 2024), result="not found",
           note="", sid="S001", where="web search", on="2026-11-25") -> Search:
    """A search as load_searches builds it, with the indicators and publication read by the real rule."""
    return Search(sid, tuple(codes), sought, years[0], years[1], where, on, result, note,
                  searches.indicators_named(sought, INDICATORS), searches.names_publication(sought))


def target(tid="T1", region="451000", indicator="preschool_gross_enrolment_rate", year=2023, baseline=None,
           start=2021, end=2023) -> dict:
    """A target as read_table("targets") gives it (years as integers, None when missing)."""
    return {"target_id": tid, "region_code": region, "indicator_id": indicator, "target_year": year,
            "baseline_year": baseline, "plan_period_start": start, "plan_period_end": end}


def observation(region="451000", indicator="preschool_gross_enrolment_rate", published="学前教育毛入园率",
                year=None, usable=False, note="reference year not stated") -> dict:
    return {"region_code": region, "indicator_id": indicator, "indicator_as_published": published, "year": year,
            "value": 89.44, "unit": "%", "source_id": "src-1", "note": note, "usable": usable}


# ---------------------------------------------------------------- the matching rule

def test_an_indicator_is_named_only_by_its_id_name_or_alias_written_out():
    assert searches.indicators_named("学前教育毛入园率; 九年义务教育巩固率", INDICATORS) == {"preschool_gross_enrolment_rate"}
    assert searches.indicators_named("学前三年毛入园率", INDICATORS) == {"preschool_gross_enrolment_rate"}
    assert searches.indicators_named("digital_classroom_share", INDICATORS) == {"digital_classroom_share"}
    assert searches.indicators_named("数字教室 share", INDICATORS) == set()  # no fuzzy matching


def test_general_publications_are_recognised_in_chinese_and_english():
    assert searches.names_publication("统计公报 education section")
    assert searches.names_publication("Government Work Reports")
    assert not searches.names_publication("昭通职业学院 first intake")


def test_a_city_search_covers_its_own_targets_only():
    city = search(codes=("451000",))
    assert searches.covers(city, target(region="451000"))
    assert not searches.covers(city, target(region="451082"))  # one of its counties
    assert not searches.covers(search(codes=("450000",)), target(region="451000"))  # the province's search


def test_any_of_several_region_codes_matches():
    counties = search(codes=("451002", "451082"), sought="county statistical bulletins")
    assert searches.covers(counties, target(region="451082"))
    assert not searches.covers(counties, target(region="451026"))


def test_a_target_without_a_region_is_never_covered():
    assert not searches.covers(search(), target(region=None))


def test_a_named_indicator_restricts_the_search_to_it():
    named = search(sought="学前教育毛入园率; 九年义务教育巩固率")
    assert searches.covers(named, target(indicator="preschool_gross_enrolment_rate"))
    assert not searches.covers(named, target(indicator="digital_classroom_share"))


def test_a_general_publication_covers_every_indicator_of_the_region():
    assert searches.covers(search(sought="government work reports"), target(indicator="digital_classroom_share"))


def test_a_row_naming_neither_indicator_nor_publication_covers_nothing():
    assert not searches.covers(search(sought="昭通职业学院 first intake"), target(indicator="digital_classroom_share"))


@pytest.mark.parametrize("years, covered", [((2021, 2024), True), ((2023, 2023), True), ((2020, 2020), True),
                                            ((2019, 2019), False), ((2024, 2026), False)])
def test_years_must_overlap_baseline_to_target_year(years, covered):
    # plan 2021-2023: the baseline is 2020 (the year before the plan), the target year 2023
    assert searches.covers(search(years=years), target(year=2023, start=2021)) is covered


def test_a_stated_baseline_year_opens_the_window():
    assert not searches.covers(search(years=(2018, 2018)), target(start=2021))
    assert searches.covers(search(years=(2018, 2018)), target(start=2021, baseline=2018))


def test_a_target_without_a_year_uses_its_plan_period_else_any_year():
    no_year = target(year=None, start=2023, end=2025)
    assert searches.covers(search(years=(2025, 2025)), no_year)
    assert not searches.covers(search(years=(2026, 2026)), no_year)
    assert searches.covers(search(years=(1990, 1990)), target(year=None, start=None, end=None))


# ---------------------------------------------------------------- one outcome per target

def outcomes(targets, found=(), observations=(), status=None) -> pl.DataFrame:
    assessments = [{"target_id": t["target_id"], "status": (status or {}).get(t["target_id"], "insufficient_data")}
                   for t in targets]
    return searches.target_searches(targets, assessments, list(observations), list(found), INDICATORS)


def outcome(frame: pl.DataFrame, tid: str = "T1") -> dict:
    return frame.filter(pl.col("target_id") == tid).row(0, named=True)


def test_a_target_with_an_actual_is_assessed_whatever_the_trail_says():
    row = outcome(outcomes([target()], [search()], [observation()], status={"T1": "achieved"}))
    assert (row["outcome"], row["search_ids"], row["note"]) == ("assessed", None, "status achieved")


def test_a_covering_search_gives_searched_not_found_with_where_and_when():
    found = [search(sid="S001", where="web search", on="2026-11", note="a signal, no figure"),
             search(sid="S002", sought="学前教育毛入园率", where="统计局网站", on="2026-11-25")]
    row = outcome(outcomes([target()], found))
    assert row["outcome"] == "searched_not_found"
    assert row["search_ids"] == "S001;S002"
    assert row["where"] == "web search | 统计局网站"
    assert row["when"] == "2026-11;2026-11-25"  # the precision written is kept
    assert row["matched_by"] == "indicator"
    assert row["note"] == "S001: a signal, no figure"


def test_a_general_search_alone_is_reported_as_matched_by_publication():
    assert outcome(outcomes([target()], [search()]))["matched_by"] == "publication"


def test_a_figure_without_a_year_makes_the_target_found_unusable_before_any_search():
    row = outcome(outcomes([target()], [search()], [observation()]))
    assert row["outcome"] == "found_unusable"
    assert row["note"].startswith("no usable year: 学前教育毛入园率 = 89.44 %, src-1 (reference year not stated)")


def test_a_usable_figure_of_another_year_is_not_unusable():
    row = outcome(outcomes([target()], [], [observation(year=2021, usable=True)]))
    assert row["outcome"] == "not_yet_searched"


def test_a_figure_of_another_region_or_indicator_does_not_count():
    frame = outcomes([target()], [], [observation(region="450000"), observation(indicator="digital_classroom_share")])
    assert outcome(frame)["outcome"] == "not_yet_searched"


def test_a_context_only_figure_naming_the_indicator_is_found_unusable():
    context = observation(indicator=None, published="新建、改扩建幼儿园、中小学", note="period NOT stated")
    row = outcome(outcomes([target(indicator="new_public_kindergartens")], [], [context]))
    assert row["outcome"] == "found_unusable"
    assert row["note"].startswith("context only: 新建、改扩建幼儿园、中小学")


def test_a_search_whose_result_is_found_unusable_says_so():
    found = [search(sid="S003", result="found unusable", note="period not stated"), search(sid="S004")]
    row = outcome(outcomes([target()], found))
    assert (row["outcome"], row["search_ids"], row["note"]) == ("found_unusable", "S003", "S003: period not stated")


def test_an_uncovered_target_is_not_yet_searched_and_says_why():
    frame = outcomes([target("T1", region="451026"), target("T2", region=None)], [search()])
    assert outcome(frame, "T1")["note"] == "no recorded search covers this region, indicator and years"
    assert outcome(frame, "T2")["note"].startswith("the plan does not name its region")
    assert frame["outcome"].to_list() == ["not_yet_searched"] * 2


def test_coverage_counts_each_outcome_per_region_and_all():
    targets = [target("T1"), target("T2", indicator="digital_classroom_share"), target("T3", region="451026"),
               target("T4", region=None)]
    frame = outcomes(targets, [search(sought="学前教育毛入园率")], status={"T2": "on_track"})
    coverage = searches.coverage_by_region(frame)
    rows = {r["region_code"]: r for r in coverage.iter_rows(named=True)}
    assert coverage["region_code"].to_list() == ["451000", "451026", None, "ALL"]
    assert rows["451000"] == {"region_code": "451000", "targets": 2, "assessed": 1, "searched_not_found": 1,
                              "found_unusable": 0, "not_yet_searched": 0}
    assert rows["ALL"]["targets"] == 4 and rows["ALL"]["not_yet_searched"] == 2


def test_coverage_html_escapes_every_text_from_the_inputs():
    found = [search(sought="<b>统计公报</b>", where="<script>alert(1)</script>", note="a & b")]
    frame = outcomes([target(), target("T2", region="451026")], found)
    page = searches.coverage_html(frame, searches.coverage_by_region(frame), {"451000": "<i>百色市</i>"})
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "a &amp; b" in page
    assert "T2" in page and searches.OUTCOME_LABELS["not_yet_searched"] in page


def test_the_trail_table_counts_the_targets_each_search_covers():
    found = [search(sid="S001", sought="学前教育毛入园率"), search(sid="S002", sought="昭通职业学院 first intake"),
             search(sid="S003", codes=("451000", "451026"), sought="work reports")]
    targets = [target("T1"), target("T2", indicator="digital_classroom_share"), target("T3", region="451026")]
    trail = searches.trail_table(found, targets)
    assert trail["targets_covered"].to_list() == [1, 0, 3]
    assert trail["region_code"].to_list() == ["451000", "451000", "451000;451026"]
    assert trail["named_indicators"].to_list() == ["preschool_gross_enrolment_rate", None, None]
    assert trail["general_publication"].to_list() == [False, False, True]


# ---------------------------------------------------------------- bad rows in the trail

def write_trail(tree: Path, *rows: str) -> Path:
    path = tree / SEARCHES
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    record(path)
    return path


GOOD = "451000,百色市,统计公报,2021-2024,web search,2026-11-25,not found,"
BAD_ROWS = {
    "451000;451999,百色市,统计公报,2021-2024,web search,2026-11-25,not found,":
        ("region_code", "region code '451999' is not in data/raw/reference/regions.csv"),
    "451000,百色市,统计公报,2024-2021,web search,2026-11-25,not found,":
        ("years", "years '2024-2021' runs the wrong way round: write 2021-2024"),
    "451000,百色市,统计公报,21-24,web search,2026-11-25,not found,":
        ("years", "years '21-24' is not a year"),
    "451000,百色市,统计公报,２０２１-２０２４,web search,2026-11-25,not found,":  # \d took full-width digits
        ("years", "years '２０２１-２０２４' is not a year"),
    "451000,百色市,统计公报,2021-2024,web search,2026-11-25,found,":
        ("result", "result 'found' is not one of ['not found', 'found unusable']"),
    "451000,百色市,统计公报,2021-2024,web search,2026-13-01,not found,":
        ("searched_on", "searched_on '2026-13-01' is not a date"),
    "451000,百色市,统计公报,2021-2024,web search,2026/11/25,not found,":
        ("searched_on", "searched_on '2026/11/25' is not a date"),
    "451000,百色市,统计公报,2021-2024,web search,2026-02-30,not found,":
        ("searched_on", "searched_on '2026-02-30' is not a date"),
    "451000,百色市,统计公报,2021-2024,web search,2026-11-25,not found,=HYPERLINK(\"x\")":
        ("note", "cell '=HYPERLINK(\"x\")' starts with '=' and would run as a formula"),
    "451000,百色市,统计公报,2021-2024,@web,2026-11-25,not found,":
        ("where_searched", "cell '@web' starts with '@' and would run as a formula"),
    "451000,百色市,,2021-2024,web search,2026-11-25,not found,":
        ("what_was_sought", "what_was_sought is empty"),
}


@pytest.mark.parametrize("bad", sorted(BAD_ROWS))
def test_a_bad_row_is_rejected_naming_file_row_and_column(tree, bad):
    write_trail(tree, GOOD, bad)
    column, message = BAD_ROWS[bad]
    with pytest.raises(InputError) as caught:
        searches.load_searches()
    error = caught.value
    assert (error.file, error.row, error.column) == (SEARCHES, 3, column)
    assert error.detail.startswith(message)


@pytest.mark.parametrize("written", ["2026", "2026-11", "2026-11-25"])
def test_a_search_date_keeps_its_precision(tree, written):
    write_trail(tree, GOOD.replace("2026-11-25", written))
    assert [s.searched_on for s in searches.load_searches()] == [written]


def test_ids_follow_the_rows_and_several_codes_are_split(tree):
    write_trail(tree, GOOD, "451002; 451082,百色市 counties,county statistical bulletins,2023,web,2026,not found,")
    loaded = searches.load_searches()
    assert [s.search_id for s in loaded] == ["S001", "S002"]
    assert loaded[1].region_codes == ("451002", "451082") and (loaded[1].year_from, loaded[1].year_to) == (2023, 2023)


def copy_processed_inputs(tree: Path) -> None:
    """The step's inputs from the synthetic fixture: the code tests need no build."""
    for name in ("targets", "assessments", "observations"):
        shutil.copyfile(FIXTURE / f"{name}.csv", tree / "data/processed" / f"{name}.csv")


def test_bad_input_stops_the_step_before_anything_is_written(tree, capsys):
    copy_processed_inputs(tree)
    write_trail(tree, GOOD, "451000,百色市,统计公报,2024-2021,web,2026-11-25,not found,")
    before = sorted(p.name for p in (tree / "data/processed").iterdir())
    assert searches.main([]) == 1
    assert capsys.readouterr().err.startswith(f"error: {SEARCHES}, row 3, column 'years':")
    assert sorted(p.name for p in (tree / "data/processed").iterdir()) == before


def test_the_step_writes_the_same_bytes_every_run(tree):
    copy_processed_inputs(tree)
    out = tree / "data/processed"
    assert searches.main([]) == 0
    first = {p.name: p.read_bytes() for p in out.iterdir() if p.stem in ("target_searches", "search_coverage")}
    first |= {p.name: p.read_bytes() for p in out.glob("searches.*")}
    assert sorted(first) == ["search_coverage.csv", "search_coverage.parquet", "searches.csv", "searches.parquet",
                             "target_searches.csv", "target_searches.parquet"]
    assert searches.main([]) == 0
    assert {name: (out / name).read_bytes() for name in first} == first
