"""The gap analysis engine: constructed cases for every status and target kind, then the real data."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import assess as engine
from analysis.assess import step as assess_step
from analysis.errors import InputError
from analysis.reference import load_indicators, load_regions
from analysis.schemas import table
from analysis.summary import SUMMARY_COLUMNS, summarize
from tests.conftest import write_processed

PARAMS = {"as_of": "2026-11-23", "on_track_ratio": 0.95, "needs_acceleration_ratio": 0.60, "ceiling_threshold": 90}
INDICATORS = pl.DataFrame({
    "indicator_id": ["rate", "count", "new_things", "accidents", "certified", "spend"],
    "direction": ["increase", "increase", "increase", "decrease", "increase", "decrease"],
    "kind": ["rate", "count", "count", "rate", "count", "share"],
    "measure": ["stock", "stock", "flow", "stock", "stock", "stock"],
})
REGIONS = pl.DataFrame({
    "region_code": ["100000", "450000", "451000", "451002"],
    "level": ["national", "province", "prefecture", "county"],
    "parent_code": [None, "100000", "450000", "451000"],
})
CITY = "451000"


def reference_rows():
    """The catalogues as the assessment step reads them."""
    return list(load_indicators().values()), list(load_regions().values())


def target(tid: str, **fields) -> dict:
    row = dict(target_id=tid, document_id="003-test", region_code=CITY, indicator_id="rate", target_kind="level",
               comparator=">=", value=None, value_high=None, unit="%", target_year=None, baseline_value=None,
               baseline_year=None, plan_period_start=2021, plan_period_end=2025, quote="")
    row.update(fields)
    return row


def obs(year, value, *, region=CITY, indicator="rate", unit="%", source="src-a", note=None, usable=True,
        kind="official") -> dict:
    return dict(region_code=region, indicator_id=indicator, year=year, value=value, unit=unit, source_id=source,
                note=note, usable=usable, source_kind=kind)


def run(targets: list[dict], observations: list[dict], params: dict = PARAMS):
    frame_t = pl.DataFrame(targets, infer_schema_length=None)
    frame_o = pl.DataFrame(observations or [obs(2000, 1.0, region="999999")], infer_schema_length=None)
    return engine.assess(frame_t, frame_o, INDICATORS, REGIONS, params)


def one(targets, observations, params: dict = PARAMS) -> dict:
    assessments, _ = run(targets, observations, params)
    assert assessments.height == 1
    return assessments.row(0, named=True)


# ---------------------------------------------------------------- passed target years

def test_passed_year_observed_is_achieved_or_not():
    got = one([target("T1", value=98.8, target_year=2023)], [obs(2023, 99.1)])
    assert (got["status"], got["method"], got["actual_value"], got["actual_year"]) == \
        ("achieved", "final_year_comparison", 99.1, 2023)
    assert got["gap"] == pytest.approx(0.3) and got["attainment"] == pytest.approx(99.1 / 98.8, abs=1e-6)
    got = one([target("T1", value=98.8, target_year=2023)], [obs(2023, 93.0)])
    assert got["status"] == "not_achieved" and got["gap"] == pytest.approx(-5.8)


def test_strict_comparator_needs_more_than_the_value():
    assert one([target("T1", comparator=">", value=60, target_year=2023)], [obs(2023, 60)])["status"] == "not_achieved"
    assert one([target("T1", comparator=">=", value=60, target_year=2023)], [obs(2023, 60)])["status"] == "achieved"


def test_decreasing_is_better_gap_is_positive_when_below():
    got = one([target("T1", indicator_id="accidents", comparator="<=", value=5, target_year=2023)], [obs(2023, 3,
              indicator="accidents")])
    assert got["status"] == "achieved" and got["gap"] == pytest.approx(2) and got["attainment"] == pytest.approx(5 / 3,
                                                                                                                 abs=1e-6)
    got = one([target("T1", indicator_id="accidents", comparator="<=", value=5, target_year=2023)], [obs(2023, 6,
              indicator="accidents")])
    assert got["status"] == "not_achieved" and got["gap"] == pytest.approx(-1)


def test_range_is_met_at_the_low_end():
    base = dict(indicator_id="count", comparator="range", value=2, value_high=3, unit="所", target_year=2023)
    assert one([target("T1", **base)], [obs(2023, 2, indicator="count", unit="所")])["status"] == "achieved"
    got = one([target("T1", **base)], [obs(2023, 1, indicator="count", unit="所")])
    assert got["status"] == "not_achieved" and got["gap"] == -1


def test_equality_target_follows_the_indicator_direction():
    assert one([target("T1", comparator="=", value=100, target_year=2023)], [obs(2023, 100)])["status"] == "achieved"
    assert one([target("T1", comparator="=", value=100, target_year=2023)], [obs(2023, 99)])["status"] == "not_achieved"


# ---------------------------------------------------------------- progress (target year not passed)

def progress_case(latest: float, *, target_value=100.0, base=92.0, unit="%", params=PARAMS) -> dict:
    """Baseline 2020, latest 2024, target 2028: 4 of 8 years gone."""
    return one([target("T1", value=target_value, target_year=2028, unit=unit, plan_period_start=2021,
                       plan_period_end=2028)],
               [obs(2020, base, unit=unit), obs(2024, latest, unit=unit)], params)


@pytest.mark.parametrize("latest, status", [
    (95.8, "on_track"),             # R = 0.95 exactly (3.8 of the 4 points due by now)
    (95.7996, "needs_acceleration"),  # R = 0.9499
    (94.4, "needs_acceleration"),   # R = 0.60 exactly
    (94.3996, "limited_progress"),  # R = 0.5999
    (92.0, "limited_progress"),     # R = 0: no progress is still not moving away
    (91.9, "moving_away"),          # R < 0
])
def test_progress_ratio_boundaries_near_a_ceiling(latest, status):
    got = progress_case(latest)
    assert got["status"] == status
    assert got["method"] == "percentage_point_progress"  # 100% target: growth rates would mislead
    assert got["progress_ratio"] == pytest.approx((latest - 92) / 4 / 1.0, abs=1e-6)
    assert (got["baseline_value"], got["baseline_year"], got["actual_year"]) == (92.0, 2020, 2024)


def test_growth_ratio_below_the_ceiling():
    # target 50 from 40 over 2020-2028: required CAGR (50/40)^(1/8)-1; actual (45/40)^(1/4)-1.
    got = progress_case(45.0, target_value=50.0, base=40.0)
    required = (50 / 40) ** (1 / 8) - 1
    actual = (45 / 40) ** (1 / 4) - 1
    assert got["method"] == "growth_ratio"
    assert got["progress_ratio"] == pytest.approx(actual / required, abs=1e-6)
    assert got["status"] == "on_track"
    assert progress_case(41.0, target_value=50.0, base=40.0)["status"] == "limited_progress"


def test_ceiling_threshold_comes_from_params():
    assert progress_case(95.8, params={**PARAMS, "ceiling_threshold": 101})["method"] == "growth_ratio"


def test_counts_are_never_on_the_percentage_point_path():
    assert progress_case(95.8, unit="所")["method"] == "growth_ratio"


def test_decreasing_indicator_progress():
    # accidents down from 10 (2020) to 7 (2024), target <= 5 by 2028
    got = one([target("T1", indicator_id="accidents", comparator="<=", value=5, target_year=2028)],
              [obs(2020, 10, indicator="accidents"), obs(2024, 7, indicator="accidents")])
    required = (5 / 10) ** (1 / 8) - 1
    actual = (7 / 10) ** (1 / 4) - 1
    assert got["progress_ratio"] == pytest.approx(actual / required, abs=1e-6) and got["status"] == "on_track"
    got = one([target("T1", indicator_id="accidents", comparator="<=", value=5, target_year=2028)],
              [obs(2020, 10, indicator="accidents"), obs(2024, 11, indicator="accidents")])
    assert got["status"] == "moving_away" and got["progress_ratio"] < 0


def test_value_already_meeting_the_target_counts_as_achieved():
    got = one([target("T1", value=90, target_year=2028)], [obs(2024, 91)])
    assert (got["status"], got["method"], got["actual_value"]) == ("achieved", "already_met", 91)


def test_baseline_met_but_latest_not_is_moving_away():
    got = one([target("T1", value=50, target_year=2028)], [obs(2021, 52), obs(2024, 48)])
    assert got["status"] == "moving_away" and got["progress_ratio"] is None


def test_stated_baseline_is_preferred_over_observations():
    got = one([target("T1", value=50, target_year=2028, baseline_value=30, baseline_year=2020)],
              [obs(2021, 44), obs(2024, 45)])
    assert (got["baseline_value"], got["baseline_year"]) == (30, 2020)


def test_passed_year_without_its_observation_falls_back_to_progress():
    got = one([target("T1", value=50, target_year=2025)], [obs(2021, 40), obs(2023, 45)])
    assert got["method"] == "growth_ratio" and "no observation for target year 2025 yet" in got["reason"]


def test_observations_after_the_target_year_are_not_evidence():
    got = one([target("T1", value=50, target_year=2023)], [obs(2024, 60)])
    assert got["status"] == "insufficient_data" and got["actual_value"] is None


# ---------------------------------------------------------------- insufficient data

@pytest.mark.parametrize("fields, observations, why", [
    (dict(value=98.8, target_year=None), [obs(2023, 99)], "target year missing"),
    (dict(value=None, target_year=2023), [obs(2023, 99)], "target value missing"),
    (dict(value=98.8, target_year=2023, region_code=None), [obs(2023, 99)], "region unknown"),
    (dict(value=98.8, target_year=2023), [], "no usable observation"),
    (dict(value=98.8, target_year=2028), [obs(2024, 95)], "fewer than two points"),
    (dict(value=98.8, target_year=2023), [obs(2023, 99, unit="万人")], "no usable observation"),
    (dict(value=98.8, target_year=2023), [obs(None, 99, usable=False)], "not usable"),
    (dict(value=98.8, target_year=2023), [obs(2023, 99, usable=False)], "not usable"),
])
def test_insufficient_data_says_why(fields, observations, why):
    got = one([target("T1", **fields)], observations)
    assert got["status"] == "insufficient_data" and got["method"] == "none"
    assert why in got["reason"]
    assert got["gap"] is None and got["attainment"] is None and got["progress_ratio"] is None


def test_zero_baseline_gives_no_growth_rate():
    got = one([target("T1", indicator_id="count", unit="所", value=10, target_year=2028)],
              [obs(2021, 0, indicator="count", unit="所"), obs(2024, 4, indicator="count", unit="所")])
    assert got["status"] == "insufficient_data" and "growth rate undefined" in got["reason"]


# ---------------------------------------------------------------- context is never an actual

def test_parent_regions_are_context_only():
    targets = [target("T1", value=98.8, target_year=2023), target("T2", region_code="451002", value=98.8,
                                                                     target_year=2023)]
    observations = [obs(2021, 92.3, region="450000"), obs(2023, 93.0, region="450000"),
                    obs(2023, 91.1, region="100000", kind="compiled-dataset"),
                    obs(2023, 99.0, region="451002", indicator="count", unit="所")]
    assessments, context = run(targets, observations)
    city = assessments.row(0, named=True)
    assert city["status"] == "insufficient_data" and city["actual_value"] is None
    assert "context only: 3 figure(s)" in city["reason"]
    assert context.columns == table("context").names
    linked = engine.context_of(pl.DataFrame(targets), context, REGIONS)
    rows = linked.filter(pl.col("target_id") == "T1").select("context_region_code", "context_level", "year").rows()
    assert rows == [("100000", "national", 2023), ("450000", "province", 2021), ("450000", "province", 2023)]
    county = linked.filter(pl.col("target_id") == "T2")["context_level"].unique().sort().to_list()
    assert county == ["national", "province"]  # the city has no figure of its own: nothing from it


def test_context_holds_each_parent_series_once_however_many_targets_sit_under_it():
    """Ten targets of one city and indicator, two of a county below it: each parent figure is one row."""
    targets = [target(f"T{i}", value=98.8, target_year=2023) for i in range(10)]
    targets += [target(f"C{i}", region_code="451002", value=98.8, target_year=2023) for i in range(2)]
    observations = [obs(2021, 92.3, region="450000"), obs(2023, 93.0, region="450000"),
                    obs(2023, 95.0, region="451000"), obs(2023, 91.1, region="100000", kind="compiled-dataset"),
                    obs(2023, 50.0, region="450000", indicator="count", unit="所"),  # no target has this indicator
                    obs(2023, 80.0, region="451002")]  # a county: no target sits below it
    _, context = run(targets, observations)
    assert context.select("region_code", "level", "year", "value").rows() == [
        ("100000", "national", 2023, 91.1), ("450000", "province", 2021, 92.3), ("450000", "province", 2023, 93.0),
        ("451000", "prefecture", 2023, 95.0)]
    linked = engine.context_of(pl.DataFrame(targets), context, REGIONS)
    per_target = linked.group_by("target_id").agg(pl.col("context_region_code").unique().sort())
    assert dict(per_target.rows()) == {**{f"T{i}": ["100000", "450000"] for i in range(10)},
                                       **{f"C{i}": ["100000", "450000", "451000"] for i in range(2)}}


# ---------------------------------------------------------------- increments, per-year, relative, milestones

def test_stock_increment_needs_a_baseline_count():
    base = dict(indicator_id="count", target_kind="increment", value=25, unit="所", target_year=2023,
                plan_period_start=2021, plan_period_end=2023)
    got = one([target("T1", **base, baseline_value=37)], [obs(2023, 62, indicator="count", unit="所")])
    assert (got["status"], got["actual_value"], got["gap"]) == ("achieved", 25, 0)
    got = one([target("T1", **base, baseline_value=37)], [obs(2023, 60, indicator="count", unit="所")])
    assert (got["status"], got["actual_value"], got["gap"]) == ("not_achieved", 23, -2)
    got = one([target("T1", **base)], [obs(2020, 37, indicator="count", unit="所"),
                                        obs(2023, 63, indicator="count", unit="所")])
    assert (got["status"], got["baseline_year"], got["actual_value"]) == ("achieved", 2020, 26)
    got = one([target("T1", **base)], [obs(2023, 63, indicator="count", unit="所")])
    assert got["status"] == "insufficient_data" and "needs a baseline count" in got["reason"]


def test_stock_increment_progress_uses_the_implied_level():
    got = one([target("T1", indicator_id="count", target_kind="increment", value=20, unit="所", target_year=2028,
                      plan_period_start=2021, baseline_value=40, baseline_year=2020)],
              [obs(2024, 50, indicator="count", unit="所")])
    assert got["method"] == "growth_ratio" and got["actual_value"] == 10
    assert got["progress_ratio"] == pytest.approx(((50 / 40) ** 0.25 - 1) / ((60 / 40) ** 0.125 - 1), abs=1e-6)


def test_flow_increment_sums_the_additions_and_keeps_the_source_note():
    note = "source does not say whether all are public (公办)"
    base = dict(indicator_id="new_things", target_kind="increment", value=200, unit="所", target_year=2023,
                plan_period_start=2023, plan_period_end=2023)
    got = one([target("T1", **base)], [obs(2023, 214, indicator="new_things", unit="所", note=note)])
    assert (got["status"], got["actual_value"], got["gap"], got["caveat"]) == ("achieved", 214, 14, note)
    got = one([target("T1", **{**base, "plan_period_start": 2021})],
              [obs(2021, 50, indicator="new_things", unit="所"), obs(2023, 60, indicator="new_things", unit="所")])
    assert got["status"] == "insufficient_data" and "observed in 2 of 3 years" in got["reason"]


def test_per_year_targets_are_checked_year_by_year():
    base = dict(indicator_id="count", target_kind="per_year", comparator=">=", value=3, unit="所",
                target_year=2023, plan_period_start=2021, plan_period_end=2023)
    year = lambda y, v: obs(y, v, indicator="count", unit="所")  # noqa: E731
    assert one([target("T1", **base)], [year(2021, 3), year(2022, 4), year(2023, 3)])["status"] == "achieved"
    got = one([target("T1", **base)], [year(2021, 3), year(2022, 2), year(2023, 5)])
    assert (got["status"], got["actual_year"], got["actual_value"]) == ("not_achieved", 2022, 2)
    assert one([target("T1", **base)], [year(2021, 3), year(2023, 5)])["status"] == "insufficient_data"
    later = {**base, "target_year": None, "plan_period_end": 2027}
    assert one([target("T1", **later)], [year(2021, 3), year(2022, 4)])["status"] == "on_track"


def test_a_monthly_target_is_checked_on_its_annual_equivalent():
    """每月1篇: the register's annual_value (12) is the yearly threshold, not the stated 1."""
    base = dict(indicator_id="count", target_kind="per_year", comparator=">=", value=1, annual_value=12, unit="所",
                target_year=2023, plan_period_start=2022, plan_period_end=2023)
    year = lambda y, v: obs(y, v, indicator="count", unit="所")  # noqa: E731
    got = one([target("T1", **base)], [year(2022, 12), year(2023, 5)])
    assert (got["status"], got["actual_value"], got["target_value"]) == ("not_achieved", 5, 1)
    assert one([target("T1", **base)], [year(2022, 12), year(2023, 13)])["status"] == "achieved"


def test_the_target_s_direction_decides_which_way_a_change_counts():
    """下降10% on an indicator whose catalogue direction is 'increase': the register's direction wins."""
    base = dict(indicator_id="rate", target_kind="relative_change", value=10, target_year=2023)
    year = lambda y, v: obs(y, v)  # noqa: E731
    fall = [year(2022, 10), year(2023, 8.5)]  # down 15%
    assert one([target("T1", **base, direction="decrease")], fall)["status"] == "achieved"
    assert one([target("T1", **base, direction="increase")], fall)["status"] == "not_achieved"


def test_relative_change_needs_two_consecutive_years():
    base = dict(indicator_id="accidents", target_kind="relative_change", value=10, target_year=2023)
    year = lambda y, v: obs(y, v, indicator="accidents")  # noqa: E731
    got = one([target("T1", **base)], [year(2022, 10), year(2023, 8.5)])  # down 15%
    assert (got["status"], got["actual_value"], got["baseline_year"]) == ("achieved", pytest.approx(15), 2022)
    assert one([target("T1", **base)], [year(2022, 10), year(2023, 9.5)])["status"] == "not_achieved"
    got = one([target("T1", **base)], [year(2021, 10), year(2023, 8)])
    assert got["status"] == "insufficient_data" and "two consecutive years" in got["reason"]
    points = one([target("T1", **base, unit="个百分点")], [year(2022, 20), year(2023, 9)])  # -11 points
    assert points["status"] == "achieved" and points["actual_value"] == pytest.approx(11)


def test_milestones_need_an_observation_of_the_event():
    base = dict(indicator_id="certified", target_kind="milestone", value=None, unit="项", target_year=2024)
    event = lambda y: obs(y, 1, indicator="certified", unit="项")  # noqa: E731
    assert one([target("T1", **base)], [event(2023)])["status"] == "achieved"
    assert one([target("T1", **base)], [event(2025)])["status"] == "not_achieved"
    got = one([target("T1", **base)], [])
    assert got["status"] == "insufficient_data" and "no observation records the event" in got["reason"]


def test_relative_to_benchmark_compares_with_the_register_s_benchmark_region():
    """The benchmark region is the register's column (proven by the quote there), not a reading of the quote."""
    base = dict(indicator_id="spend", target_kind="relative_to_benchmark", comparator="<=", value=None,
                target_year=2023, region_code="451002", quote="控制在全区平均水平以下", benchmark_region_code="450000")
    figures = [obs(2023, 3.1, indicator="spend", region="451002"), obs(2023, 3.5, indicator="spend", region="450000"),
               obs(2023, 2.0, indicator="spend", region="451000"), obs(2023, 3.0, indicator="spend", region="100000")]
    got = one([target("T1", **base)], figures)  # 全区 = the province-level region 450000, not the parent city
    assert got["status"] == "achieved" and got["gap"] == pytest.approx(0.4) and "450000" in got["reason"]
    got = one([target("T1", **{**base, "benchmark_region_code": "100000"})], figures)
    assert got["status"] == "not_achieved" and got["gap"] == pytest.approx(-0.1)
    got = one([target("T1", **{**base, "benchmark_region_code": None})], figures)  # the quote alone decides nothing
    assert got["status"] == "insufficient_data" and "names no region's average" in got["reason"]


# ---------------------------------------------------------------- sources, order, bad input

def test_closest_source_wins_and_output_is_sorted():
    targets = [target("T2", value=90, target_year=2023), target("T1", value=90, target_year=2023)]
    observations = [obs(2023, 95, source="z-reprint", kind="reprint"), obs(2023, 85, source="b-official")]
    assessments, _ = run(targets, observations)
    assert assessments.columns == engine.ASSESSMENT_COLUMNS
    assert assessments["target_id"].to_list() == ["T1", "T2"]
    assert assessments["actual_source_id"].to_list() == ["b-official", "b-official"]
    again, _ = run(list(reversed(targets)), list(reversed(observations)))
    assert again.equals(assessments)


def test_string_inputs_are_typed_and_bad_cells_named():
    targets = pl.DataFrame([target("T1", value="98.8", target_year="2023")]).cast(pl.String)
    observations = pl.DataFrame([obs("2023", "99.0", usable="true")]).cast(pl.String)
    assessments, _ = engine.assess(targets, observations, INDICATORS, REGIONS, PARAMS)
    assert assessments["status"].to_list() == ["achieved"]
    broken = targets.with_columns(pl.lit("9八").alias("value"))
    with pytest.raises(InputError, match=r"targets.csv, row 2, column 'value'"):
        engine.assess(broken, observations, INDICATORS, REGIONS, PARAMS)
    with pytest.raises(InputError, match=r"column 'target_kind'"):
        engine.assess(targets.with_columns(pl.lit("level-ish").alias("target_kind")), observations, INDICATORS,
                      REGIONS, PARAMS)
    with pytest.raises(InputError, match=r"indicator 'nope' is not in indicators.csv"):
        engine.assess(targets.with_columns(pl.lit("nope").alias("indicator_id")), observations, INDICATORS,
                      REGIONS, PARAMS)
    with pytest.raises(InputError, match=r"missing required column"):
        engine.assess(targets.drop("comparator"), observations, INDICATORS, REGIONS, PARAMS)


# ---------------------------------------------------------------- summary

def test_summary_per_region_and_overall():
    targets = [target("T1", value=90, target_year=2023), target("T2", value=90, target_year=2023),
               target("T3", value=90, target_year=2023, region_code="451002"), target("T4", value=90, target_year=None)]
    assessments, _ = run(targets, [obs(2023, 95), obs(2023, 80, region="451002")])
    summary = summarize(assessments)
    assert summary.columns == SUMMARY_COLUMNS
    assert summary["region_code"].to_list() == ["451000", "451002", "ALL"]
    city = summary.row(0, named=True)
    assert (city["targets"], city["assessable"], city["achieved"], city["insufficient_data"]) == (3, 2, 2, 1)
    assert (city["attainment_rate"], city["coverage"]) == (1.0, 0.6667)
    total = summary.row(2, named=True)
    assert (total["targets"], total["assessable"], total["achieved"], total["not_achieved"]) == (4, 3, 2, 1)
    assert total["attainment_rate"] == 0.6667 and total["coverage"] == 0.75


def test_empty_register_gives_empty_tables():
    empty = pl.DataFrame(schema={c: pl.String for c in target("x")})
    assessments, context = engine.assess(empty, pl.DataFrame([obs(2023, 1)]), INDICATORS, REGIONS, PARAMS)
    assert assessments.height == 0 and assessments.columns == engine.ASSESSMENT_COLUMNS
    assert context.height == 0 and context.columns == table("context").names
    assert summarize(assessments)["region_code"].to_list() == ["ALL"]


def test_summary_rate_is_missing_when_nothing_is_assessable():
    assessments, _ = run([target("T1", value=90, target_year=None)], [])
    row = summarize(assessments).row(0, named=True)
    assert row["attainment_rate"] is None and row["coverage"] == 0


# ---------------------------------------------------------------- command line

def write_inputs(root, targets, observations):
    write_processed(root, "targets", targets)
    write_processed(root, "observations", observations)


def test_command_line_writes_deterministic_outputs(tree, capsys):
    real_ind = reference_rows()[0][0]["indicator_id"]
    write_inputs(tree, [target("T1", indicator_id=real_ind, value=98.8, target_year=2023)],
                 [obs(2023, 93.0, region="450000", indicator=real_ind)])
    assert assess_step.main([]) == 0
    out = tree / "data" / "processed"
    first = {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name.split(".")[0] in
             ("assessments", "context", "summary", "actuals")}
    assert sorted(first) == ["actuals.csv", "actuals.parquet", "assessments.csv", "assessments.parquet", "context.csv",
                             "context.parquet", "summary.csv", "summary.parquet"]
    assert assess_step.main([]) == 0
    assert {name: (out / name).read_bytes() for name in first} == first
    assert pl.read_parquet(out / "assessments.parquet").columns == engine.ASSESSMENT_COLUMNS


def test_command_line_reports_bad_input(tree, capsys):
    assert assess_step.main([]) == 1
    assert capsys.readouterr().err.startswith("error: data/processed/targets.csv: missing")
    write_inputs(tree, [target("T1", value="x", target_year=2023)], [obs(2023, 93.0)])
    assert assess_step.main([]) == 1
    assert "row 2, column 'value'" in capsys.readouterr().err


@pytest.mark.parametrize("fields, observations, expected", [
    (dict(value=98.8, target_year=2023), [obs(2023, 99.1)], None),
    (dict(value=98.8, target_year=2023, region_code=None), [], "no_region"),
    (dict(value=None, target_year=2023), [], "no_value"),
    (dict(value=98.8, target_year=None), [], "no_year"),
    (dict(value=None, target_year=2023, target_kind="milestone", indicator_id="certified", unit=None), [],
     "no_event_recorded"),
    (dict(value=98.8, target_year=2023), [], "past_due_no_figure"),
    (dict(value=98.8, target_year=2030), [obs(2024, 95)], "not_yet_due"),
    (dict(target_kind="relative_to_benchmark", target_year=2023, benchmark_region_code=None), [],
     "benchmark_not_a_region"),  # 不低于当地公务员平均工资: no region's series answers it
    (dict(target_kind="relative_to_benchmark", target_year=2023, benchmark_region_code="450000"), [],
     "past_due_no_figure"),
    (dict(value=98, target_year=2023, flags="sub_region", note="scope: 市区"), [obs(2023, 99.1)], "sub_region"),
    (dict(value=98, target_year=None, flags="year_missing;sub_region", note="scope: 县(市)"), [], "sub_region"),
    (dict(value=3, target_year=None, target_kind="per_year", indicator_id="new_things", unit="所",
          plan_period_end=2023), [], "past_due_no_figure"),
])
def test_every_unassessed_target_says_what_is_missing_first(fields, observations, expected):
    """The reader's first question, as a code: what the source lacks, else past due or not yet due."""
    assert one([target("T1", **fields)], observations)["unassessed_reason"] == expected


def test_a_sub_region_target_is_not_assessed_on_the_whole_regions_figure():
    """市区 ≥98% is not the city's figure: the city's 99.1 would wrongly read as achieved."""
    got = one([target("T1", value=98, target_year=2023, flags="year_from_heading;sub_region",
                      note="scope: 市区; from the plan's 2023 goals")], [obs(2023, 99.1)])
    assert got["status"] == "insufficient_data" and got["actual_value"] is None
    assert got["reason"] == "a target for part of the region (市区): figures of the whole region do not measure it"
    whole = one([target("T1", value=98, target_year=2023, flags="year_from_heading")], [obs(2023, 99.1)])
    assert whole["status"] == "achieved"
