"""The register draft on constructed plan sentences: each field, the quote, and that an unchanged
drafted row passes the register check."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis import draft
from analysis.draft import Plan, draft_rows
from analysis.reference import load_indicators
from analysis.register import check_register, new_plan

INDICATORS = {
    "preschool_gross_enrolment_rate": {"name_zh": "学前教育毛入园率", "aliases": ["学前三年毛入园率"], "unit": "%"},
    "new_compulsory_schools": {"name_zh": "新建义务教育学校", "aliases": [], "unit": "所"},
    "campus_safety_accident_rate": {"name_zh": "校园安全责任事故发生率", "aliases": [], "unit": "%"},
}


def rows_of(text: str, period=(2023, 2025)) -> list[dict]:
    return draft_rows(Plan("905-test", text, "430300", *period), INDICATORS)


def only(text: str, **kw) -> dict:
    rows = rows_of(text, **kw)
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize("sentence, comparator", [
    ("学前三年毛入园率不低于90%。", ">="),
    ("学前三年毛入园率达到90%以上。", ">="),
    ("大班额比例控制在5%以内。", "<="),
    ("大班额比例不超过5%。", "<="),
    ("学前三年毛入园率超过90%。", ">"),
])
def test_comparator_words(sentence, comparator):
    assert only(sentence)["comparator"] == comparator


def test_range_keeps_both_ends():
    row = only("建设省级示范学校2—3所。")
    assert (row["comparator"], row["value"], row["value_high"], row["unit"]) == ("range", "2", "3", "所")


def test_year_from_the_sentence_is_proved_by_the_quote_or_year_quote():
    row = only("到2024年，学前三年毛入园率达到90%。")
    assert row["target_year"] == "2024" and not row["flags"]
    assert "2024" in row["quote"] + row["year_quote"]


def test_year_from_the_nearest_heading_is_flagged_with_the_heading_as_year_quote():
    row = only("一、目标\n2024年，见成效：\n学前三年毛入园率达到90%。")
    assert (row["target_year"], row["year_quote"], row["flags"]) == ("2024", "2024年，见成效：", "year_from_heading")


def test_a_top_heading_without_a_year_stops_the_heading_search():
    row = only("2024年目标\n二、主要任务\n学前三年毛入园率达到90%。")
    assert (row["target_year"], row["flags"]) == ("2025", "year_from_plan_end")


def test_kinds_per_year_increment_relative_change():
    assert only("每年新建义务教育学校3所。")["target_kind"] == "per_year"
    assert only("新建义务教育学校3所。")["target_kind"] == "increment"
    row = only("校园安全责任事故发生率同比下降10%以上。")
    assert (row["target_kind"], row["direction"]) == ("relative_change", "decrease")
    assert only("学前三年毛入园率提高到90%。")["target_kind"] == "level"
    term = only("学生心理健康测评每学期开展1次。")
    assert (term["target_kind"], term["period"]) == ("per_year", "term")
    assert only("大班额比例控制在5%以内。")["direction"] == "decrease"
    assert only("学前三年毛入园率保持在95%以上。")["direction"] == "hold"


def test_a_value_less_phrase_takes_its_value_rule():
    row = next(r for r in rows_of("到2025年，中小学心理辅导室实现全覆盖。") if r["value_rule"])
    assert (row["value"], row["comparator"], row["unit"], row["value_rule"], row["target_kind"]) == \
        ("100", ">=", "%", "全覆盖", "level")
    assert "全覆盖" in row["quote"] and row["target_year"] == "2025"
    zero = next(r for r in rows_of("控辍保学实现动态清零。") if r["value_rule"])
    assert (zero["value"], zero["comparator"], zero["direction"]) == ("0", "<=", "decrease")


def test_indicator_from_an_alias_with_its_confidence():
    row = only("学前三年毛入园率达到90%。")
    assert row["indicator_id"] == "preschool_gross_enrolment_rate"
    assert "'学前三年毛入园率' (confidence 0.9)" in row["note"]


def test_indicator_is_not_guessed_when_the_unit_does_not_fit_or_no_term_stands():
    row = only("新建义务教育学校达到90%。")
    assert row["indicator_id"] == "" and "does not fit" in row["note"]
    assert only("专任教师本科学历比例达到90%。")["indicator_id"] == ""


def test_a_term_in_another_clause_is_not_taken_for_a_clause_with_its_own_subject():
    rows = rows_of("学前三年毛入园率达到90%，大班额比例控制在5%以内。")
    assert [r["indicator_id"] for r in rows] == ["preschool_gross_enrolment_rate", ""]


def test_sub_region_words_are_flagged_and_respectively_pairs_them():
    rows = rows_of("市区和农村学前三年毛入园率分别达到95%、88%。")
    assert [r["flags"] for r in rows] == ["year_from_plan_end;sub_region"] * 2
    assert ["scope: 市区" in rows[0]["note"], "scope: 农村" in rows[1]["note"]] == [True, True]


def test_quote_is_unique_in_the_text_and_holds_the_number():
    text = "学前三年毛入园率达到90%。其他。农村学前三年毛入园率达到90%。"
    for row in rows_of(text):
        assert text.count(row["quote"]) == 1 and "90%" in row["quote"]


def test_target_ids_number_the_rows_of_the_document():
    assert [r["target_id"] for r in rows_of("新建义务教育学校3所，新建义务教育学校4所。")] == ["T905-001", "T905-002"]


def test_an_unchanged_draft_row_with_an_indicator_passes_the_register_check(tmp_path):
    text = ("某市教育行动计划（2023—2025年）\n一、目标\n2024年，见成效：\n九年义务教育巩固率达到97%；"
            "新建义务教育学校3所。\n二、任务\n每年新建义务教育学校2所。校园安全责任事故发生率同比下降10%以上。\n")
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    rows = draft_rows(Plan("905-test", text, "430300", 2023, 2025), load_indicators())
    assert rows and all(r["indicator_id"] for r in rows)
    for number, row in enumerate(rows, start=2):
        row["_row"] = number
    assert check_register(rows, new_plan(rows, str(path), "2023-2025")) == []


def test_the_check_still_catches_a_wrong_value_in_a_draft(tmp_path):
    text = "九年义务教育巩固率达到97%。\n"
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    rows = draft_rows(Plan("905-test", text, "430300", 2023, 2025), load_indicators())
    rows[0] |= {"_row": 2, "value": "98"}
    assert [p.column for p in check_register(rows, new_plan(rows, str(path), "2023-2025"))] == ["value"]


def test_command_writes_the_draft_and_rejects_a_bad_period(tmp_path, capsys):
    plan, out = tmp_path / "plan.txt", tmp_path / "draft.csv"
    plan.write_text("九年义务教育巩固率达到97%。\n", encoding="utf-8")
    assert draft.main([str(plan), "--region", "430300", "--period", "2023-2025", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["value"] == "97" and rows[0]["document_id"] == "plan"
    assert draft.main([str(plan), "--region", "430300", "--period", "2025-2023", "--out", str(out)]) == 1
    assert "--period" in capsys.readouterr().err
    assert draft.main([str(plan), "--region", "999999", "--period", "2023-2025"]) == 1


def test_fixture_plans_are_unseen_texts_with_unique_anchors():
    plans = Path(__file__).parent / "fixtures" / "plans"
    for truth in csv.DictReader((plans / "expected.csv").open(encoding="utf-8")):
        assert (plans / truth["file"]).read_text(encoding="utf-8").count(truth["anchor"]) == 1


def test_the_plan_period_in_the_title_is_the_plan_end_not_a_heading():
    row = only("某市教育行动计划（2023—2025年）\n学前三年毛入园率达到90%。")
    assert (row["target_year"], row["flags"], row["year_quote"]) == ("2025", "year_from_plan_end", "")


def test_a_sub_region_row_passes_the_check_only_with_its_scope(tmp_path):
    text = "市区九年义务教育巩固率达到99%。\n"
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    rows = draft_rows(Plan("905-test", text, "430300", 2023, 2025), load_indicators())
    rows[0]["_row"] = 2
    plans = new_plan(rows, str(path), "2023-2025")
    assert "sub_region" in rows[0]["flags"] and check_register(rows, plans) == []
    rows[0]["note"] = rows[0]["note"].replace("scope: 市区", "scope: 东区")
    assert [p.column for p in check_register(rows, plans)] == ["note"]
    rows[0] |= {"note": "scope: 市区", "flags": "year_from_plan_end"}
    assert [p.column for p in check_register(rows, plans)] == ["flags"]


def test_a_number_that_cannot_be_read_is_left_empty_for_review():
    row = only("举办百名校长培训。")
    assert row["value"] == "" and "needs_review" in row["flags"] and "could not be read" in row["note"]


def test_a_quote_does_not_grow_past_its_paragraph():
    text = "学前三年毛入园率达到90%\n学前三年毛入园率达到90%以上。\n"
    first = rows_of(text)[0]
    assert "\n" not in first["quote"] and "needs_review" in first["flags"]


def test_a_recorded_plan_is_drafted_from_its_normalized_text_and_metadata(tree, capsys):
    from analysis.documents import load_documents
    from analysis.errata import load_errata
    from analysis.normalize import normalize_document

    document = next(d for d in load_documents() if d.region_code and d.plan_period_end)
    out = tree / "draft.csv"
    assert draft.main([str(document.path), "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    text = normalize_document(document, load_errata())[0].text
    assert rows and {r["document_id"] for r in rows} == {document.document_id}
    assert {r["region_code"] for r in rows} == {document.region_code}
    assert all(text.count(r["quote"]) >= 1 for r in rows)
    elsewhere = tree / "elsewhere.txt"
    elsewhere.write_text("九年义务教育巩固率达到97%。\n", encoding="utf-8")
    assert draft.main([str(elsewhere)]) == 1
    assert "give --region and --period" in capsys.readouterr().err


def test_a_bare_achieve_inside_another_rows_quote_is_not_a_second_row():
    rows = rows_of("到2025年，中小学心理辅导室实现全覆盖。")
    assert [r["value_rule"] for r in rows] == ["全覆盖"]
    assert [r["target_kind"] for r in rows_of("2025年实现首批招生。")] == ["milestone"]


def test_a_five_year_plan_in_the_sentence_dates_the_target_to_its_last_year(tmp_path):
    """到“十四五”末 is 2025; the quote or year_quote proves it, and the register check accepts that proof."""
    row = only("到“十四五”末，学前三年毛入园率达到92%。")
    assert (row["target_year"], row["flags"]) == ("2025", "")
    assert "十四五" in row["quote"] + row["year_quote"]
    text = "某市教育行动计划\n“十三五”期间新建义务教育学校8所，“十四五”期间新建义务教育学校12所。\n"
    rows = draft_rows(Plan("905-test", text, "430300", 2021, 2025), load_indicators())
    assert [(r["value"], r["target_year"]) for r in rows] == [("8", "2020"), ("12", "2025")]
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    for number, r in enumerate(rows, start=2):
        r["_row"] = number
    assert check_register(rows, new_plan(rows, str(path), "2021-2025")) == []
    rows[1]["target_year"] = "2024"
    assert [p.column for p in check_register(rows, new_plan(rows, str(path), "2021-2025"))] == ["target_year"]


def test_a_baseline_five_year_plan_does_not_date_the_target():
    row = only("学前三年毛入园率比“十三五”末提高5个百分点。")
    assert (row["target_year"], row["flags"]) == ("2025", "year_from_plan_end")


def test_the_plan_period_comes_from_a_five_year_plan_in_the_title(tmp_path, capsys):
    plan, out = tmp_path / "plan.txt", tmp_path / "draft.csv"
    plan.write_text("某市“十四五”教育事业发展规划\n九年义务教育巩固率达到97%。\n", encoding="utf-8")
    assert draft.main([str(plan), "--region", "430300", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert (rows[0]["target_year"], rows[0]["flags"]) == ("2025", "year_from_plan_end")
    assert "--period 2021-2025" in capsys.readouterr().out
    cited = tmp_path / "cited.txt"  # a plan that only cites the five-year plan is not dated by it
    cited.write_text("某市教育三年行动计划\n依据“十四五”教育事业发展规划，制定本计划。\n", encoding="utf-8")
    assert draft.main([str(cited), "--region", "430300", "--out", str(out)]) == 1
    assert "give --period" in capsys.readouterr().err
