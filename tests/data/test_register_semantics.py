"""Data acceptance: the shipped register means what the plans mean (issue 12). Expectations come from the
quotes and the texts, not from typed-in totals."""

from __future__ import annotations

import re

import pytest

from analysis import normalize, register, semantics
from analysis.candidates import load_dismissals


@pytest.fixture(scope="module")
def rows() -> dict[str, dict]:
    return {r["target_id"]: r for r in register.load_register()}


def test_period_is_kept_and_annualised(rows):
    assert rows["T000-025"]["period"] == "month"
    assert rows["T000-034"]["period"] == rows["T000-035"]["period"] == "term"
    for target_id in ("T000-025", "T000-034", "T000-035"):
        assert "needs_review" not in rows[target_id]["flags"]
    frame = register.targets_frame(list(rows.values()))
    monthly = frame.filter(frame["target_id"] == "T000-025").row(0, named=True)
    assert monthly["annual_value"] == monthly["value"] * 12


def test_every_recurring_target_says_per_what_and_its_quote_says_so(rows):
    recurring = [r for r in rows.values() if r["target_kind"] == "per_year"]
    assert recurring
    for r in recurring:
        assert r["period"] in semantics.period_phrases(r["quote"]), r["target_id"]


def test_falls_read_as_falls(rows):
    changes = [r for r in rows.values() if r["target_kind"] == "relative_change"]
    assert changes
    for r in changes:
        expected = "decrease" if semantics.FALL_WORDS.search(r["quote"]) else "increase"
        assert r["direction"] == expected, r["target_id"]


def test_valueless_phrases_carry_their_value_or_a_reason(rows):
    """Every row whose quote says 全覆盖 / 所有 / 清零 / 一半 … either carries the value by its rule or is flagged."""
    phrased = [r for r in rows.values() if semantics.VALUE_PHRASES.search(r["quote"])
               and r["target_kind"] in ("milestone", "level")]
    assert phrased
    for r in phrased:
        if not r["value"]:
            assert "needs_review" in r["flags"] and r["note"], r["target_id"]


@pytest.mark.parametrize("target_id,rule,value", [
    ("T000-012", "全覆盖", 100), ("T001-009", "所有", 100), ("T003-065", "一半", 50), ("T003-072", "一半", 50),
    ("T000-027", "清零", 0), ("T004-013", "零突破", 1)])
def test_named_rows_carry_their_rule(rows, target_id, rule, value):
    r = rows[target_id]
    assert (r["value_rule"], float(r["value"])) == (rule, value)
    assert semantics.VALUE_RULES[rule].pattern.search(r["quote"])


def test_digital_classroom_series_completes(rows):
    """20% -> 60% -> 全覆盖: the series of 昭通's digital classrooms rises to 100% in its last year."""
    series = sorted((r["target_year"], float(r["value"])) for r in rows.values()
                    if r["document_id"] == "000-zhaotong" and r["indicator_id"] == rows["T000-012"]["indicator_id"]
                    and r["target_kind"] == "level")
    assert [v for _, v in series] == sorted(v for _, v in series)
    assert series[-1] == (rows["T000-012"]["target_year"], 100.0)


def test_all_counties_sits_beside_half_the_counties(rows):
    assert rows["T001-009"]["indicator_id"] == rows["T001-008"]["indicator_id"]
    assert rows["T001-009"]["unit"] == rows["T001-008"]["unit"] == "%"


def test_one_treatment_per_recurring_phrase(rows):
    """两个只增不减 and 托管帮扶…全覆盖 are encoded the same way in every document that says them."""
    texts = {d: normalize.load_normalized(d).text for d in {r["document_id"] for r in rows.values()}}
    for phrase, also in (("两个只增不减", ""), ("托管帮扶", "全覆盖")):
        same = [r for r in rows.values() if phrase in r["quote"] and also in r["quote"]]
        treatments = {(r["indicator_id"], r["target_kind"], r["comparator"], r["value"], r["unit"], r["value_rule"])
                      for r in same}
        assert len(treatments) == 1, (phrase, treatments)
        saying = {d for d, text in texts.items()
                  if any(phrase in sentence and also in sentence for sentence in re.split("[。;；]", text))}
        assert saying <= {r["document_id"] for r in same}, phrase
    assert not [d for d in load_dismissals(texts) if "两个只增不减" in d["quote"]]


def test_a_county_s_special_education_school_is_one_commitment_everywhere(rows):
    """推进大关县特殊教育学校建设 (000) and 推动那坡县建设特殊教育学校 (003): the same milestone, one indicator, and
    it is the building pushed on, not the stock of schools a completion would add to (as 推进在建…建设, T003-059)."""
    county_school = re.compile(r"推[进动][^,，。]{0,3}[县市][^,，。]{0,3}特殊教育学校")
    same = [r for r in rows.values() if county_school.search(r["quote"]) and r["target_kind"] == "milestone"]
    assert len({r["document_id"] for r in same}) > 1
    assert len({(r["indicator_id"], r["target_kind"]) for r in same}) == 1
    assert {r["indicator_id"] for r in same} == {"special_education_school_construction_advanced"}


def test_benchmarks_name_their_region(rows):
    for r in rows.values():
        levels = semantics.benchmark_levels(r["quote"])
        if r["target_kind"] == "relative_to_benchmark" and levels:
            assert r["benchmark_region_code"], r["target_id"]
    assert rows["T000-023"]["benchmark_region_code"] == rows["T000-023"]["region_code"][:2] + "0000"


def test_smaller_corrections(rows):
    assert rows["T004-003"]["unit"] == "%" and "ocr_damage" not in rows["T004-003"]["flags"]
    assert rows["T004-014"]["target_year"] == rows["T004-015"]["target_year"]


def test_every_valueless_commitment_is_registered_or_dismissed():
    from analysis import candidates
    texts = {d: normalize.load_normalized(d).text for d in
             {r["document_id"] for r in register.load_register()}}
    quotes: dict[str, list[str]] = {}
    for r in register.load_register():
        quotes.setdefault(r["document_id"], []).append(r["quote"])
    frame = candidates.coverage(quotes, texts, load_dismissals(texts))
    valueless = frame.filter(frame["kind"] == "valueless")
    assert valueless.height
    assert valueless.filter(valueless["status"] == "uncovered").height == 0
