"""The indicator framework's loaders on constructed files: a theme and a definition source are required,
and the crosswalk maps old ids (reporting splits) and refuses a retired id still in the catalogue."""

from __future__ import annotations

import csv
import io

import pytest

from analysis import crosswalk, reference, snapshot
from analysis.errors import InputError
from tests.conftest import write_csv_rows


def _rewrite_first_indicator(tree, **changes):
    path = tree / "data/raw/reference/indicators.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0].update(changes)
    write_csv_rows(path, rows, reference.INDICATOR_COLUMNS)


@pytest.mark.parametrize("column,bad,message", [
    ("theme_id", "sports", "column 'theme_id': theme_id 'sports' is not in data/raw/reference/themes.csv"),
    ("definition", "", "column 'definition': definition is empty"),
    ("definition_source", "", "column 'definition_source': definition_source is empty"),
    ("max", "１００", "column 'max': max '１００' is not a number written in digits 0-9"),  # float() reads it
    # the name reaches the report's CSV downloads, where a spreadsheet would run it
    ("name_zh", '=HYPERLINK("http://x.example")', "column 'name_zh': cell '=HYPERLINK"),
])
def test_indicator_without_theme_or_definition_is_an_error(tree, column, bad, message):
    _rewrite_first_indicator(tree, **{column: bad})
    with pytest.raises(InputError) as error:
        reference.load_indicators()
    assert str(error.value).startswith("data/raw/reference/indicators.csv, row 2, ")
    assert message in str(error.value)


@pytest.mark.parametrize("file, columns, column", [("regions.csv", reference.REGION_COLUMNS, "name_en"),
                                                   ("themes.csv", reference.THEME_COLUMNS, "name_zh")])
def test_a_formula_in_a_catalogue_name_is_an_error(tree, file, columns, column):
    path = tree / "data/raw/reference" / file
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0][column] = "@SUM(A1)"
    write_csv_rows(path, rows, columns)
    with pytest.raises(InputError, match=rf"{file}, row 2, column '{column}': cell '@SUM\(A1\)' starts with '@'"):
        reference.load_regions() if file == "regions.csv" else reference.load_themes()


def test_a_region_code_in_full_width_digits_is_an_error(tree):
    path = tree / "data/raw/reference/regions.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[-1]["region_code"] = "".join(chr(0xFF10 + int(d)) for d in rows[-1]["region_code"])  # str.isdigit() took it
    write_csv_rows(path, rows, reference.REGION_COLUMNS)
    with pytest.raises(InputError, match=rf"regions.csv, row {len(rows) + 1}, column 'region_code': region_code "
                                         "'[０-９]{6}' is not a six-digit"):
        reference.load_regions()


CROSSWALK = [{"old_id": "a_old", "new_id": "a", "relation": "renamed", "note": ""},
             {"old_id": "b_old", "new_id": "b1", "relation": "split", "note": ""},
             {"old_id": "b_old", "new_id": "b2", "relation": "split", "note": ""}]


def test_crosswalk_maps_renamed_ids_and_reports_splits():
    text = "region_code,indicator_id,value\n1,a_old,5\n2,b_old,6\n3,c,7\n"
    mapped, undecided = crosswalk.apply_to_csv(text, "obs.csv", "indicator_id", CROSSWALK)
    assert mapped == "region_code,indicator_id,value\n1,a,5\n2,b_old,6\n3,c,7\n"
    assert undecided == ["obs.csv, row 3: 'b_old' was split into ['b1', 'b2']; choose one by hand"]


def test_crosswalk_refuses_a_row_given_twice(tree):
    path = tree / "data/raw/reference/indicator_crosswalk.csv"
    new = next(iter(reference.load_indicators()))
    path.write_text(f"old_id,new_id,relation,note\nx_old,{new},renamed,\nx_old,{new},renamed,\n", encoding="utf-8")
    snapshot.record(path)
    with pytest.raises(InputError, match=r"row 3, column 'new_id': 'x_old' -> .* is given in row 2 already"):
        crosswalk.load_crosswalk(set(reference.load_indicators()))


def test_crosswalk_refuses_a_retired_id_still_in_the_catalogue(tree):
    path = tree / "data/raw/reference/indicator_crosswalk.csv"
    first = next(iter(reference.load_indicators()))
    path.write_text(f"old_id,new_id,relation,note\n{first},{first},renamed,x\n", encoding="utf-8")
    snapshot.record(path)
    with pytest.raises(InputError, match="row 2, column 'old_id'"):
        crosswalk.load_crosswalk(set(reference.load_indicators()))
