"""Targets as the plans mean them. Code tests on constructed rows: each value rule, period, direction and
benchmark reading is accepted only when its phrase stands in the quote."""

from __future__ import annotations

import pytest

from analysis import register, semantics

INDICATORS = {"coverage": {"kind": "share"}, "count": {"kind": "count"}}
REGIONS = {
    "100000": {"level": "national", "parent_code": ""},
    "530000": {"level": "province", "parent_code": "100000"},
    "530600": {"level": "prefecture", "parent_code": "530000"},
    "450000": {"level": "province", "parent_code": "100000"},
}


def row(**changes) -> dict:
    base = {"_row": 2, "target_id": "T000-001", "indicator_id": "coverage", "target_kind": "level",
            "comparator": ">=", "value": "", "value_high": "", "unit": "%", "value_rule": "", "period": "",
            "direction": "increase", "benchmark_region_code": "", "region_code": "530600", "quote": "", "flags": ""}
    return base | changes


def problems(r: dict) -> list[tuple[str, str]]:
    return [(p.column, p.message) for p in register._check_semantics(r, INDICATORS, REGIONS)]


# A quote holding each rule's phrase, and the row the rule makes of it.
RULE_CASES = {
    "全覆盖": (row(quote="中小学数字教室建设实现全覆盖", value="100"), "中小学数字教室建设达到较高水平"),
    "所有": (row(quote="所有县市区创建为优质均衡县", value="100"), "部分县市区创建为优质均衡县"),
    "每个…都": (row(quote="每个乡镇都建有心理辅导室", value="100"), "乡镇建有心理辅导室"),
    "全面": (row(quote="推进学校全面接入教育专网", value="100"), "推进学校接入教育专网"),
    "清零": (row(quote="控辍保学动态清零", value="0", comparator="<=", unit="人", indicator_id="count",
                 direction="decrease"), "控辍保学动态监测"),
    "零": (row(quote="实现校园安全责任事故零发生", value="0", comparator="<=", unit="起", indicator_id="count",
               direction="decrease"), "减少校园安全责任事故"),
    "零突破": (row(quote="实现中外合作办学机构零突破", value="1", unit="个", indicator_id="count"),
               "发展中外合作办学机构"),
    "一半": (row(quote="实践性教学学时占总学时一半以上", value="50"), "实践性教学学时占总学时较大比例"),
    "只增不减": (row(quote="确保教育经费两个只增不减", value="0", target_kind="relative_change"), "确保教育经费投入"),
}


def test_every_rule_has_a_case():
    assert set(RULE_CASES) == set(semantics.VALUE_RULES)


@pytest.mark.parametrize("name", sorted(RULE_CASES))
def test_value_rule_fires_only_when_its_phrase_is_in_the_quote(name):
    good, without_phrase = RULE_CASES[name]
    good = good | {"value_rule": name}
    assert problems(good) == []
    assert ("value_rule", f"rule {name} needs its phrase in the quote; the quote has none") in problems(
        good | {"quote": without_phrase})


@pytest.mark.parametrize("name", sorted(RULE_CASES))
def test_value_rule_fixes_the_value(name):
    good = RULE_CASES[name][0] | {"value_rule": name}
    assert [c for c, _ in problems(good | {"value": "99"})] == ["value"]


def test_coverage_rules_need_a_share_in_percent():
    good = RULE_CASES["全覆盖"][0] | {"value_rule": "全覆盖"}
    assert [c for c, _ in problems(good | {"indicator_id": "count"})] == ["indicator_id"]
    assert [c for c, _ in problems(good | {"unit": "所"})] == ["unit"]
    assert [c for c, _ in problems(good | {"comparator": "<="})] == ["comparator", "direction"]


def test_unknown_rule_is_named():
    assert problems(row(quote="全覆盖", value="100", value_rule="全部"))[0][0] == "value_rule"


@pytest.mark.parametrize("quote", ["推动中小学心理辅导室建设全覆盖", "确保控辍保学常态清零", "超过一半"])
def test_a_valueless_milestone_whose_quote_states_a_value_is_refused(quote):
    milestone = row(target_kind="milestone", quote=quote)
    assert [c for c, _ in problems(milestone)] == ["value_rule"]
    assert problems(milestone | {"flags": "needs_review"}) == []
    assert problems(milestone | {"quote": "推动中小学心理辅导室建设"}) == []


@pytest.mark.parametrize("period,quote,factor", [
    ("month", "市级及以上媒体每月宣传报道不少于1篇", 12), ("term", "每学期组织1—2次家庭教育指导", 2),
    ("school_year", "班主任每学年对每名学生至少开展1次家访", 1), ("year", "每年创建3所市级特色高中", 1),
    ("plan_period", "每3年对中小学思政课教师至少进行一次培训", None)])
def test_period_is_proven_by_its_phrase(period, quote, factor):
    recurring = row(target_kind="per_year", period=period, quote=quote, value="1", unit="次", indicator_id="count")
    assert problems(recurring) == []
    assert semantics.annual_factor(period) == factor
    for other in set(semantics.PERIOD_PHRASES) - {period}:
        assert [c for c, _ in problems(recurring | {"period": other})] == ["period"], other


def test_period_phrase_missing_is_an_error():
    recurring = row(target_kind="per_year", period="month", quote="每年开展1次", value="1", indicator_id="count")
    assert [c for c, _ in problems(recurring)] == ["period"]
    assert [c for c, _ in problems(recurring | {"period": "school_year"})] == ["period"]


def test_annual_equivalent_of_a_monthly_target():
    monthly = {"target_kind": "per_year", "period": "month", "value": "1", "value_high": "2"}
    assert register._annual(monthly) == {"annual_value": 12, "annual_value_high": 24}
    assert register._annual(monthly | {"period": "plan_period"}) == {"annual_value": None, "annual_value_high": None}
    assert register._annual(monthly | {"target_kind": "level"}) == {"annual_value": None, "annual_value_high": None}


@pytest.mark.parametrize("direction,quote,ok", [
    ("decrease", "校园安全责任事故发生率同比下降10%以上", True),
    ("increase", "校园安全责任事故发生率同比下降10%以上", False),
    ("increase", "一般公共预算教育经费同比增长10%", True),
    ("decrease", "一般公共预算教育经费同比增长10%", False),
])
def test_a_relative_change_names_its_direction(direction, quote, ok):
    change = row(target_kind="relative_change", quote=quote, value="10", indicator_id="count", direction=direction)
    assert (problems(change) == []) is ok


def test_direction_fits_the_comparator_and_hold_needs_its_word():
    ceiling = row(quote="控制在5%以内", value="5", comparator="<=", direction="increase")
    assert [c for c, _ in problems(ceiling)] == ["direction"]
    assert problems(ceiling | {"direction": "decrease"}) == []
    held = row(quote="保留25所学校", value="25", indicator_id="count", unit="所", direction="hold")
    assert problems(held) == []
    assert [c for c, _ in problems(held | {"quote": "新建25所学校"})] == ["direction"]


@pytest.mark.parametrize("quote,code,column_fails", [
    ("死亡率控制在全省平均水平以下", "530000", False),
    ("死亡率控制在全省平均水平以下", "", True),  # named but not given
    ("死亡率控制在全省平均水平以下", "100000", True),  # wrong level
    ("死亡率控制在全省平均水平以下", "450000", True),  # a province, but not the target's
    ("控制在全市平均水平以下", "530600", True),  # the target's own region is no benchmark
    ("本科教育整体水平达到全国平均水平", "100000", False),
    ("不低于当地公务员平均工资收入水平", "", False),  # no region named: no benchmark region
    ("不低于当地公务员平均工资收入水平", "530000", True),
])
def test_benchmark_region_is_proven_by_the_quote(quote, code, column_fails):
    benchmark = row(target_kind="relative_to_benchmark", comparator="<=", direction="decrease", quote=quote,
                    benchmark_region_code=code)
    assert ("benchmark_region_code" in [c for c, _ in problems(benchmark)]) is column_fails


def test_benchmark_levels_read_the_region_words():
    assert semantics.benchmark_levels("不低于全区现有平均水平") == ["province"]
    assert semantics.benchmark_levels("达到全国平均水平") == ["national"]
    assert semantics.benchmark_levels("全市平均") == ["prefecture"]
    assert semantics.benchmark_levels("当地公务员平均工资") == []


def test_extractor_finds_valueless_commitments_in_text_order():
    from analysis import candidates
    text = "到2025年,实现心理辅导室全覆盖,控辍保学动态清零,建立健全覆盖城乡的网络,新建3所学校。实现零突破"
    found = [(c.text, c.kind) for c in candidates.extract("x", text)]
    assert found == [("实现", "valueless"), ("全覆盖", "valueless"), ("清零", "valueless"), ("3所", "numeric"),
                     ("实现", "valueless"), ("零突破", "valueless")]


def test_an_uncovered_valueless_commitment_fails_coverage():
    from analysis import candidates
    text = "推动中小学心理辅导室建设全覆盖。"
    frame = candidates.coverage({}, {"x": text}, [])
    assert frame["status"].to_list() == ["uncovered"]
    frame = candidates.coverage({"x": ["心理辅导室建设全覆盖"]}, {"x": text}, [])
    assert frame["status"].to_list() == ["registered"]


@pytest.mark.parametrize("changes,text", [
    (dict(target_kind="per_year", comparator=">=", value="1", unit="篇", period="month"), "≥1篇/月"),
    (dict(target_kind="per_year", comparator="range", value="1", value_high="2", unit="次", period="term"), "1–2次/学期"),
    (dict(target_kind="relative_change", comparator=">=", value="10", unit="%", direction="decrease"), "下降 ≥10%"),
    (dict(target_kind="level", comparator=">=", value="100", unit="%", value_rule="全覆盖"), "≥100% (全覆盖)"),
    (dict(target_kind="milestone", comparator=">=", value=""), "达成 (milestone)"),
])
def test_target_text_reads_as_the_plan(changes, text):
    assert semantics.target_text(row(**changes)) == text


def test_target_text_names_the_benchmark_region():
    benchmark = row(target_kind="relative_to_benchmark", comparator="<=", value="")
    assert semantics.target_text(benchmark, "云南省") == "≤ 云南省 平均"


def test_comparability_counts_shared_indicators_and_targets():
    from analysis.framework import comparability, themes_by_document
    targets = [{"document_id": "a", "region_code": "1", "indicator_id": "x"},
               {"document_id": "b", "region_code": "2", "indicator_id": "x"},
               {"document_id": "b", "region_code": "2", "indicator_id": "y"},
               {"document_id": "c", "region_code": "", "indicator_id": "y"},
               {"document_id": "c", "region_code": "", "indicator_id": "z"},
               {"document_id": "d", "region_code": "31", "indicator_id": "w"},  # two counties of one plan
               {"document_id": "d", "region_code": "32", "indicator_id": "w"}]
    measure = comparability(targets, ["x", "y", "z", "w", "unused"])
    assert measure.shared_by_documents == ["x", "y"]
    assert (measure.targets_sharing, measure.targets_sharing_across_plans) == (6, 4)
    assert (measure.used, measure.single_target_indicators) == (4, 1)
    assert themes_by_document(targets, {"x": "t1", "y": "t1", "z": "t2", "w": "t2"}) == {
        "t1": {"a": 1, "b": 2, "c": 1}, "t2": {"c": 1, "d": 2}}


def test_every_period_of_the_vocabulary_has_its_phrase():
    from analysis.vocabulary import PERIOD_CODES
    assert list(semantics.PERIOD_PHRASES) == PERIOD_CODES


def test_target_text_says_when_the_source_lost_the_value():
    from analysis.semantics import target_text

    text = target_text({"target_kind": "level", "comparator": ">", "value": None, "unit": "%"})
    assert "数值缺失 value lost" in text
