"""The two-level indicator framework: themes, definitions, the crosswalk from old ids, and the known lumps
kept apart (issue 12)."""

from __future__ import annotations

import csv
import io

import pytest

from analysis import crosswalk, reference, register, snapshot
from analysis.errors import InputError


@pytest.fixture(scope="module")
def targets() -> dict[str, dict]:
    return {r["target_id"]: r for r in register.load_register()}


def test_every_indicator_has_a_theme_and_a_definition_source():
    indicators, themes = reference.load_indicators(), reference.load_themes()
    assert indicators and themes
    for row in indicators.values():
        assert row["theme_id"] in themes
        assert row["definition"] and row["definition_source"]


def _rewrite_first_indicator(tree, **changes):
    path = tree / "data/raw/reference/indicators.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0].update(changes)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reference.INDICATOR_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    snapshot.record(path)


@pytest.mark.parametrize("column,bad,message", [
    ("theme_id", "sports", "column 'theme_id': theme_id 'sports' is not in data/raw/reference/themes.csv"),
    ("definition", "", "column 'definition': definition is empty"),
    ("definition_source", "", "column 'definition_source': definition_source is empty"),
])
def test_indicator_without_theme_or_definition_is_an_error(tree, column, bad, message):
    _rewrite_first_indicator(tree, **{column: bad})
    with pytest.raises(InputError) as error:
        reference.load_indicators()
    assert str(error.value).startswith("data/raw/reference/indicators.csv, row 2, ")
    assert message in str(error.value)


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


CROSSWALK = [{"old_id": "a_old", "new_id": "a", "relation": "renamed", "note": ""},
             {"old_id": "b_old", "new_id": "b1", "relation": "split", "note": ""},
             {"old_id": "b_old", "new_id": "b2", "relation": "split", "note": ""}]


def test_crosswalk_maps_renamed_ids_and_reports_splits():
    text = "region_code,indicator_id,value\n1,a_old,5\n2,b_old,6\n3,c,7\n"
    mapped, undecided = crosswalk.apply_to_csv(text, "obs.csv", "indicator_id", CROSSWALK)
    assert mapped == "region_code,indicator_id,value\n1,a,5\n2,b_old,6\n3,c,7\n"
    assert undecided == ["obs.csv, row 3: 'b_old' was split into ['b1', 'b2']; choose one by hand"]


def test_crosswalk_refuses_a_retired_id_still_in_the_catalogue(tree):
    path = tree / "data/raw/reference/indicator_crosswalk.csv"
    first = next(iter(reference.load_indicators()))
    path.write_text(f"old_id,new_id,relation,note\n{first},{first},renamed,x\n", encoding="utf-8")
    snapshot.record(path)
    with pytest.raises(InputError, match="row 2, column 'old_id'"):
        crosswalk.load_crosswalk(set(reference.load_indicators()))
