"""The shipped region table: every province, prefecture and county-level unit, a tree rooted at 100000."""

from __future__ import annotations

from collections import Counter

from analysis.reference import load_regions


def test_every_region_walks_up_to_the_national_row_through_coarser_levels():
    regions = load_regions()
    rank = {"national": 0, "province": 1, "prefecture": 2, "county": 3}
    for code, row in regions.items():
        steps = 0
        while row["parent_code"]:
            parent = regions[row["parent_code"]]
            assert rank[parent["level"]] < rank[row["level"]], code
            row, steps = parent, steps + 1
        assert row["region_code"] == "100000" and steps <= 3, code


def test_codes_nest_by_their_digits():
    """GB/T 2260: a county's code starts with its province's two digits, a prefecture's child with its four."""
    for code, row in load_regions().items():
        parent = row["parent_code"]
        if row["level"] == "prefecture" or (row["level"] == "county" and parent.endswith("0000")):
            assert code[:2] == parent[:2], code
        elif row["level"] == "county":
            assert code[:4] == parent[:4], code


def test_every_code_lies_in_a_listed_province_and_provinces_are_listed_once():
    regions = load_regions()
    provinces = [row for row in regions.values() if row["level"] == "province"]
    assert all(row["region_code"].endswith("0000") for row in provinces)
    assert {code[:2] for code in regions if code != "100000"} == {row["region_code"][:2] for row in provinces}
    assert len({row["name_zh"] for row in provinces}) == len(provinces)
    assert Counter(row["level"] for row in regions.values())["national"] == 1
