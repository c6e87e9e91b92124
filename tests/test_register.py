"""The target register: every shipped row is proven by its quote; corrupted rows fail precisely;
the candidate extractor finds real targets, also in a plan it was never tuned on."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import candidates, normalize, register, snapshot
from analysis.errors import InputError
from analysis.numbers import numbers_in
from tests.conftest import write_csv_rows


@pytest.fixture()
def register_tree(tree):
    """A temporary tree with normalized texts, where the register can be edited."""
    normalize.normalize_all()
    return tree


def write_rows(tree, rows: list[dict]) -> None:
    write_csv_rows(tree / "data/raw/register/targets.csv", rows, register.COLUMNS)


def baise_preschool_row() -> dict:
    """百色's preschool gross enrolment target, as the register holds it."""
    rows = [r for r in register.load_register() if r["document_id"] == "003-baise"
            and r["indicator_id"] == "preschool_gross_enrolment_rate"]
    assert rows, "the register lost 百色's 98.8% preschool target"
    return {k: v for k, v in rows[0].items() if k != "_row"}


def test_shipped_register_is_proven_and_large():
    rows = register.load_register()
    assert register.check_register(rows) == []
    assert len(rows) > 100
    seeds = {"000-zhaotong", "001-xiangtan", "002-yunnan-2023", "003-baise", "004-unnamed"}
    assert seeds <= {r["document_id"] for r in rows}, "every seed plan has its targets registered"


def test_processed_targets_have_offsets_that_locate_the_quote():
    frame = register.targets_frame(register.load_register())
    for row in frame.sample(30, seed=1).iter_rows(named=True):
        text = normalize.load_normalized(row["document_id"]).text
        assert text[row["quote_start"]:row["quote_end"]] == row["quote"]
    assert frame["target_id"].to_list() == sorted(frame["target_id"].to_list())


def test_known_targets_are_registered():
    rows = register.load_register()
    def has(document_id, indicator_id, value, year):
        return any(r["document_id"] == document_id and r["indicator_id"] == indicator_id and r["value"]
                   and float(r["value"]) == value and r["target_year"] == year for r in rows)
    assert has("003-baise", "preschool_gross_enrolment_rate", 98.8, "2023")
    assert has("003-baise", "compulsory_consolidation_rate", 97.8, "2023")
    assert has("003-baise", "upper_secondary_gross_enrolment_rate", 96.8, "2023")


def test_xiangtan_lost_years_and_values_stay_missing_and_flagged():
    rows = [r for r in register.load_register() if r["document_id"] == "001-xiangtan"]
    share = [r for r in rows if "公办幼儿园在园幼儿占比超过60%" in r["quote"]]
    assert share and share[0]["target_year"] == "" and "year_missing" in share[0]["flags"]
    lost_value = [r for r in rows if "学校%设立心理咨询室" in r["quote"]]
    assert lost_value and lost_value[0]["value"] == "" and "value_missing" in lost_value[0]["flags"]


def test_unnamed_document_rows_have_no_region(register_tree):
    rows = [r for r in register.load_register() if r["document_id"] == "004-unnamed"]
    assert rows and all(r["region_code"] == "" and "region_unknown" in r["flags"] for r in rows)


@pytest.mark.parametrize("column,bad,message", [
    ("value", "97.5", "column 'value': 97.5 does not appear among the numbers of the quote"),
    ("target_year", "2025", "column 'target_year': 2025 is not in the quote"),
    ("quote", "学前教育毛入园率达99.9%", "column 'quote': not found in the normalized text data/interim/texts/003-baise.txt"),
    ("indicator_id", "preschool_rate", "column 'indicator_id': unknown indicator 'preschool_rate'"),
    ("region_code", "451099", "column 'region_code': unknown region '451099'"),
    ("comparator", "≥", "column 'comparator': '≥' is not one of"),
])
def test_corrupted_row_fails_with_precise_message(register_tree, column, bad, message):
    row = baise_preschool_row() | {"target_id": "T003-999", column: bad}
    write_rows(register_tree, [row])
    with pytest.raises(InputError) as error:
        register.build()
    assert str(error.value).startswith("data/raw/register/targets.csv, row 2, ")
    assert message in str(error.value)
    assert not (register_tree / "data/processed/targets.csv").exists()


def test_duplicated_target_id_is_an_error(register_tree):
    row = baise_preschool_row()
    write_rows(register_tree, [row, row])
    problems = register.check_register(register.load_register())
    assert [(p.row, p.column) for p in problems] == [(3, "target_id")]


def test_missing_year_without_flag_is_an_error(register_tree):
    row = baise_preschool_row() | {"target_year": "", "flags": ""}
    write_rows(register_tree, [row])
    assert [p.column for p in register.check_register(register.load_register())] == ["target_year"]


def test_numbers_in_quotes():
    values = [n.value for n in numbers_in("建设2—3所学校,中职在校生达10万人,一县一所,培训两千名")]
    assert {2.0, 3.0, 10.0, 100_000.0, 1.0, 2000.0} <= set(values)


def test_extractor_finds_known_targets_in_each_seed():
    expected = {"000-zhaotong": "2—3所", "001-xiangtan": "60%", "002-yunnan-2023": "200所",
                "003-baise": "98.8%", "004-unnamed": "4%"}
    for document_id, span in expected.items():
        found = [c.text for c in candidates.extract(document_id, normalize.load_normalized(document_id).text)]
        assert span in found, (document_id, span)


def test_extractor_on_an_unseen_plan():
    """A real excerpt the rules were not tuned on: 《"十四五"学前教育发展提升行动计划》 (教育部等九部门, 2021)."""
    excerpt = ("到2025年,全国学前三年毛入园率达到90%以上,普惠性幼儿园覆盖率达到85%以上,"
               "公办园在园幼儿占比达到50%以上,幼儿园保教质量全面提升。")
    found = candidates.extract("unseen", excerpt)
    assert [c.text for c in found] == ["90%", "85%", "50%"]
    assert all(c.year_hint == "到2025年" for c in found)


def test_coverage_fails_when_a_candidate_is_neither_registered_nor_dismissed():
    texts = {"003-baise": normalize.load_normalized("003-baise").text}
    quotes = {"003-baise": [r["quote"] for r in register.load_register() if r["document_id"] == "003-baise"]}
    dismissals = [d for d in candidates.load_dismissals(texts | {d: normalize.load_normalized(d).text for d in
                  ("000-zhaotong", "001-xiangtan", "002-yunnan-2023", "004-unnamed")}) if d["document_id"] == "003-baise"]
    complete = candidates.coverage(quotes, texts, dismissals)
    assert complete.filter(pl.col("status") == "uncovered").height == 0
    dropped = [q for q in quotes["003-baise"] if "98.8%" not in q]
    partial = candidates.coverage({"003-baise": dropped}, texts, dismissals)
    uncovered = partial.filter(pl.col("status") == "uncovered")["candidate"].to_list()
    assert "98.8%" in uncovered


def test_uncovered_candidates_leave_data_processed_as_it_was(register_tree, capsys):
    """An emptied register used to publish a failing candidates.csv, which make then deleted on the error."""
    processed = register_tree / "data/processed/candidates.csv"
    processed.write_text("last good build\n", encoding="utf-8")
    register_file = register_tree / "data/raw/register/targets.csv"
    register_file.write_text(register_file.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    snapshot.record(register_file)
    assert candidates.main([]) == 1
    assert processed.read_text(encoding="utf-8") == "last good build\n"
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, "one error line; the uncovered candidates are listed above it"
    assert errors[0].startswith("error: data/raw/register/targets.csv: ") and "neither registered nor dismissed" in errors[0]


def test_a_dismissal_given_twice_is_an_error(register_tree):
    path = register_tree / "data/raw/register/dismissals.csv"
    header, first, rest = path.read_text(encoding="utf-8").split("\n", 2)
    path.write_text("\n".join([header, first, first, rest]), encoding="utf-8")
    snapshot.record(path)
    texts = {d: normalize.load_normalized(d).text for d in ("000-zhaotong", "001-xiangtan", "002-yunnan-2023",
                                                               "003-baise", "004-unnamed")}
    with pytest.raises(InputError, match=r"dismissals.csv, row 3, column 'quote': the same quote of .* is dismissed "
                                         r"in row 2"):
        candidates.load_dismissals(texts)


def test_dismissal_without_reason_is_an_error(register_tree):
    path = register_tree / "data/raw/register/dismissals.csv"
    path.write_text("document_id,quote,reason\n003-baise,百色市人民政府,\n", encoding="utf-8")
    snapshot.record(path)
    with pytest.raises(InputError, match=r"dismissals.csv, row 2, column 'reason': reason is empty"):
        candidates.load_dismissals({"003-baise": normalize.load_normalized("003-baise").text})


def test_a_formula_in_a_register_note_is_refused(register_tree):
    """=HYPERLINK(…) in a note would run when targets.csv is opened in a spreadsheet."""
    row = baise_preschool_row() | {"note": '=HYPERLINK("http://example.org","x")'}
    write_rows(register_tree, [row])
    with pytest.raises(InputError, match=r"targets.csv, row 2, column 'note': cell .* would run as a formula"):
        register.load_register()


def test_the_register_step_checks_the_crosswalk(register_tree):
    """No step used to read the crosswalk, so a broken one (here an unknown new id) built green and shipped."""
    path = register_tree / "data/raw/reference/indicator_crosswalk.csv"
    path.write_text("old_id,new_id,relation,note\nx_old,no_such_indicator,renamed,\n", encoding="utf-8")
    snapshot.record(path)
    with pytest.raises(InputError, match=r"indicator_crosswalk.csv, row 2, column 'new_id': new_id 'no_such_indicator'"):
        register.build()


def test_a_plan_region_not_in_the_catalogue_is_an_error(register_tree):
    """A plan's region names its report section and its region profile: 999999 used to build green."""
    meta = register_tree / "data/raw/policies/000_1e6a61ee0f0d3587.txt.meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace('region_code: "530600"', 'region_code: "999999"'),
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"000_1e6a61ee0f0d3587.txt.meta.yaml: field 'region_code': '999999' is not "
                                         r"in data/raw/reference/regions.csv"):
        register.check_register(register.load_register())


def test_full_width_digits_in_a_register_value_are_named_not_read(register_tree):
    row = baise_preschool_row() | {"value": "９８.８"}
    write_rows(register_tree, [row])
    problems = register.check_register(register.load_register())
    assert [(p.column, p.message) for p in problems if p.column == "value"] == [("value", "'９８.８' is not a number")]
