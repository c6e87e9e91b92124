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
    ("T002-002", "T003-001"),  # 新建、改扩建 vs 新建 kindergartens
    ("T002-012", "T000-005"),  # accident count vs accident rate
    ("T001-023", "T003-062"),  # a city's subject bases vs an autonomous-region-level curriculum base
])
def test_known_lumps_stay_split(targets, apart):
    first, second = (targets[t] for t in apart)
    assert first["indicator_id"] != second["indicator_id"]


@pytest.mark.parametrize("together", [
    ("T001-002", "T003-037"),  # 研学 bases a city adds
    ("T001-003", "T003-034"),  # 劳动 bases a city adds
    ("T001-013", "T003-057"),  # resource-classroom coverage
    ("T000-026", "T003-058"),  # province-level model special-education schools
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
