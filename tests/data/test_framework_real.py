"""The shipped indicator framework (issue 12): every indicator has a theme and a definition source, the
known lumps stay split, the known splits are one indicator, and the crosswalk's ids resolve."""

from __future__ import annotations

import pytest

from analysis import crosswalk, reference, register


@pytest.fixture(scope="module")
def targets() -> dict[str, dict]:
    return {r["target_id"]: r for r in register.load_register()}


def test_every_indicator_has_a_theme_and_a_definition_source():
    indicators, themes = reference.load_indicators(), reference.load_themes()
    assert indicators and themes
    for row in indicators.values():
        assert row["theme_id"] in themes
        assert row["definition"] and row["definition_source"]


@pytest.mark.parametrize("apart", [
    # first pass (issue 12)
    ("T002-002", "T003-001"),  # 新建、改扩建 vs 新建 kindergartens
    ("T002-012", "T000-005"),  # accident count vs accident rate
    ("T001-023", "T003-062"),  # a city's subject bases vs an autonomous-region-level curriculum base
    # second pass (docs/indicator-framework.md): split, one population per indicator
    ("T000-001", "T000-039"),  # 中小学 vs 大中小学校 network access
    ("T001-017", "T004-018"),  # a basic-education plan's digital campuses vs 大中小学校
    ("T001-013", "T003-057"),  # all inclusive schools vs township central schools with 5 or more such pupils
    ("T003-078", "T000-027"),  # dropouts of 脱贫家庭 children vs all dropouts (清零)
    ("T000-044", "T003-053"),  # 推进…建设 (no completion) vs every county having its special-education school
    # second pass: near-misses rejected
    ("T000-009", "T001-008"),  # a county certified (count) vs the share of counties certified
    ("T000-017", "T003-009"),  # 省级优质中职 vs 自治区示范性特色中职: two programmes
    ("T000-013", "T003-006"),  # 一县一所省一级一等幼儿园 completion vs 自治区示范幼儿园 count
    ("T000-028", "T003-007"),  # 省一级高中 per county vs 自治区示范性普通高中 count
    ("T001-022", "T003-008"),  # city-level feature high schools a year vs autonomous-region star high schools
    ("T000-016", "T004-008"),  # 托管帮扶 of counties vs 帮扶 of 三级及以下 high schools
    ("T002-007", "T004-016"),  # national key laboratories vs national sci-tech platforms of any kind
    ("T000-031", "T002-001"),  # screening rounds a year vs the share of pupils screened
    ("T001-014", "T004-017"),  # a city education cloud vs an education public-service platform
    ("T000-012", "T003-074"),  # digital classrooms vs ICT teaching environment
    ("T002-003", "T003-051"),  # off-campus training supervision coverage vs special campaigns a year
    ("T003-069", "T004-005"),  # city training person-times vs teachers cultivated
    ("T000-020", "T003-067"),  # higher-vocational enrolment vs students of a university town
])
def test_known_lumps_stay_split(targets, apart):
    first, second = (targets[t] for t in apart)
    assert first["indicator_id"] != second["indicator_id"]


@pytest.mark.parametrize("together", [
    ("T001-002", "T003-037"),  # 研学 bases a city adds
    ("T001-003", "T003-034"),  # 劳动 bases a city adds
    ("T000-026", "T003-058"),  # province-level model special-education schools (省级 = 自治区级)
    ("T000-039", "T002-010", "T004-019"),  # network access of schools of every level
    ("T000-027", "T002-004"),  # 控辍保学清零
    ("T000-044", "T003-052"),  # 推进/推动 a county's special-education school building (one phrase, one reading)
    ("T000-033", "T001-004"),  # 心理辅导室 = 心理咨询室 (003 writes 心理辅导室(咨询室))
])
def test_one_concept_one_indicator(targets, together):
    assert len({targets[t]["indicator_id"] for t in together}) == 1


def test_an_indicator_keeps_one_unit_for_its_levels(targets):
    """Levels of one indicator in two units would be two concepts (a count and a rate) under one id."""
    units: dict[str, set] = {}
    for r in targets.values():
        if r["target_kind"] == "level" and r["unit"]:
            units.setdefault(r["indicator_id"], set()).add(r["unit"])
    assert {i: u for i, u in units.items() if len(u) > 1} == {}


def test_crosswalk_ids_resolve():
    indicators = set(reference.load_indicators())
    rows = crosswalk.load_crosswalk(indicators)
    assert rows
    used = {r["indicator_id"] for r in register.load_register()}
    assert not (set(crosswalk.one_to_one(rows)) & (indicators | used))
