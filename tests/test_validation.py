"""The Great Expectations suites: shipped data pass every error, the known warnings are exactly these,
and each kind of defect is caught with file, row, column and value."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import polars as pl

from analysis import statistics, validation
from analysis.snapshot import record

REPO = Path(__file__).resolve().parent.parent
OBS = "data/raw/statistics/observations.csv"


def failures(entries: list[dict]) -> dict[tuple[str, str, str], list[tuple]]:
    return {(e["suite"], e["expectation"], e["severity"]):
            [(f["file"], f["row"], f["column"], f["value"]) for f in e["failing"]]
            for e in entries if not e["passed"]}


def edit_raw(tree: Path, old: str, new: str) -> None:
    """Change one cell run in the temporary copy's observations and record the deliberate change."""
    path = tree / OBS
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    record(path)


def build_and_validate(tree: Path) -> list[dict]:
    assert statistics.main([]) == 0
    return validation.validate()


def test_shipped_statistics_pass_every_error_and_show_the_known_warnings(tree, capsys):
    entries = build_and_validate(tree)
    assert {e["suite"] for e in entries} == {"observations", "targets", "conflicts"}
    assert len([e for e in entries if e["suite"] == "observations"]) == 22
    raw = list(csv.DictReader((tree / OBS).open(encoding="utf-8")))  # expectations derived from the inputs
    assert failures(entries) == {
        ("observations", "indicator_mapped", "warning"):
            [(OBS, row, "indicator_as_published", r["indicator_as_published"])
             for row, r in enumerate(raw, start=2) if not r["indicator_id"]],
        ("observations", "year_present", "warning"): [(OBS, row, "year", None)
                                                      for row, r in enumerate(raw, start=2) if not r["year"]],
        ("targets", "input_present", "warning"): [("data/interim/staged/targets.csv", None, None, None)],
    }
    assert "target register suite is skipped" in capsys.readouterr().err


def test_main_writes_contract_summary_and_an_offline_page(tree, capsys):
    assert statistics.main([]) == 0
    assert validation.main([]) == 0
    summary = tree / "data/processed/validation_summary.json"
    page = tree / "reports/validation.html"
    first = summary.read_bytes(), page.read_bytes()
    entries = json.loads(first[0])
    assert all(set(e) == {"suite", "expectation", "description", "severity", "passed", "failing"} for e in entries)
    assert all(set(f) == {"file", "row", "column", "value"} for e in entries for f in e["failing"])
    html = first[1].decode("utf-8")
    assert not re.search(r"<script|<link|<img|@import|url\(|(src|href)=", html, re.IGNORECASE)
    assert "各级各类学校" in html and "year_present" in html
    assert validation.main([]) == 0
    assert (summary.read_bytes(), page.read_bytes()) == first
    assert "0 error(s), 3 warning(s)" in capsys.readouterr().out


def processed_state(tree: Path) -> dict[str, bytes]:
    folders = (tree / "data/processed", tree / "reports")
    return {str(p.relative_to(tree)): p.read_bytes() for folder in folders for p in sorted(folder.glob("*"))
            if p.is_file()}


def test_out_of_range_value_is_an_error_but_a_gross_rate_may_exceed_100(tree, capsys):
    """A validation error publishes nothing: data/processed keeps its last validated state (issue 17), and the
    console names the first failing file, row and column and where the full list is."""
    assert statistics.main([]) == 0 and validation.main([]) == 0
    validated = processed_state(tree)
    assert "data/processed/observations.csv" in validated and "data/processed/validation_summary.json" in validated
    capsys.readouterr()
    edit_raw(tree, "九年义务教育巩固率,compulsory_consolidation_rate,2021,99.65",
             "九年义务教育巩固率,compulsory_consolidation_rate,2021,100.65")
    edit_raw(tree, "学前教育三年毛入园率,preschool_gross_enrolment_rate,2021,81.08",
             "学前教育三年毛入园率,preschool_gross_enrolment_rate,2021,101.08")
    assert statistics.main([]) == 0
    assert validation.main([]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert len(err) == 1 and err[0].startswith(f"error: {OBS}, row 3, column 'value': ")
    assert "'100.65'" in err[0] and "full list: data/interim/validation/validation.html" in err[0]
    assert processed_state(tree) == validated
    failed = tree / "data/interim/validation"
    found = failures(json.loads((failed / "validation_summary.json").read_text(encoding="utf-8")))
    assert found[("observations", "value_in_plausible_range", "error")] == [(OBS, 3, "value", "100.65")]
    assert "100.65" in (failed / "validation.html").read_text(encoding="utf-8")

    edit_raw(tree, "2021,100.65", "2021,99.65")  # corrected: published again, the failure page goes
    assert statistics.main([]) == 0 and validation.main([]) == 0
    assert not list(failed.glob("*"))
    assert b"101.08" in (tree / "data/processed/observations.csv").read_bytes()


def test_a_negative_context_only_figure_is_an_error_unless_it_is_a_change(tree):
    """No catalogue indicator means no plausible range, but a count of schools cannot be negative (issue 17)."""
    edit_raw(tree, "530600,昭通市,小学,,2023,1359,所", "530600,昭通市,小学,,2023,-1359,所")
    edit_raw(tree, "在校学生总数,,2025,116,万人", "在校学生总数增长,,2025,-1.5,万人")
    found = failures(build_and_validate(tree))
    assert found[("observations", "value_in_plausible_range", "error")] == [(OBS, 10, "value", "-1359.0")]


def test_future_year_is_an_error(tree):
    edit_raw(tree, "高中阶段毛入学率,upper_secondary_gross_enrolment_rate,2024,92.0",
             "高中阶段毛入学率,upper_secondary_gross_enrolment_rate,2027,92.0")
    found = failures(build_and_validate(tree))
    assert found[("observations", "year_not_future", "error")] == [(OBS, 58, "year", "2027")]


def test_year_over_year_jump_is_a_warning(tree):
    edit_raw(tree, "学前教育三年毛入园率,preschool_gross_enrolment_rate,2021,92.3",
             "学前教育三年毛入园率,preschool_gross_enrolment_rate,2021,72.3")
    entries = build_and_validate(tree)
    found = failures(entries)
    assert found[("observations", "yoy_jump_rate", "warning")] == [(OBS, 24, "value", "72.3"), (OBS, 28, "value", "93.0")]
    assert not [e for e in entries if not e["passed"] and e["severity"] == "error"]


REGISTER_COLUMNS = ["target_id", "document_id", "region_code", "indicator_id", "target_kind", "comparator", "value",
                    "value_high", "unit", "value_rule", "period", "direction", "benchmark_region_code", "target_year",
                    "baseline_value", "baseline_year", "quote", "year_quote",
                    "flags", "note", "quote_start", "quote_end", "raw_start", "raw_end", "plan_period_start",
                    "plan_period_end"]
CONSTRUCTED = [  # (target_id, region, indicator, kind, comparator, value, value_high, unit, year): one defect each
    ("T900-001", "530600", "preschool_gross_enrolment_rate", "level", ">=", "90", "", "%", "2025"),  # row 2: good
    ("T900-001", "530600", "compulsory_consolidation_rate", "level", ">=", "99", "", "%", "2025"),  # 3: duplicate id
    ("T900-003", "530600", "compulsory_consolidation_rate", "level", "≥", "99", "", "%", "2025"),  # 4: comparator
    ("T900-004", "530600", "compulsory_consolidation_rate", "level", ">=", "约90", "", "%", "2025"),  # 5: value
    ("T900-005", "", "new_public_kindergartens", "increment", ">=", "10", "", "所", "2025"),  # 6: no region
    ("T900-006", "430300", "public_kindergarten_enrolment_share", "level", ">", "60", "", "%", ""),  # 7: no year
    ("T900-007", "430300", "education_network_access_rate", "level", ">=", "", "", "%", "2025"),  # 8: no value
    ("T900-008", "451000", "compulsory_consolidation_rate", "level", ">=", "101", "", "%", "2025"),  # 9: range
    ("T900-009", "451000", "campus_safety_accident_rate", "relative_change", "<=", "10", "", "个百分点", "2025"),  # 10
    ("T900-010", "451000", "new_public_kindergartens", "increment", "range", "5", "3", "所", "2025"),  # 11: range order
    ("T900-011", "530000", "no_such_indicator", "level", ">=", "5", "", "%", "2025"),  # 12: indicator
    ("T900-012", "999999", "preschool_gross_enrolment_rate", "level", ">=", "90", "", "%", "2025"),  # 13: region
    ("T900-013", "530600", "quality_balanced_compulsory_counties", "milestone", ">=", "", "", "个", "2025"),  # 14: good
]
# Rows 15-17: one defect each in the register's readings of the quote (issue 12).
READINGS = {"T900-014": {"direction": "sideways"}, "T900-015": {"period": "weekly", "target_kind": "per_year"},
            "T900-016": {"value_rule": "大部分"}}
CONSTRUCTED += [(tid, "530600", "preschool_gross_enrolment_rate", "level", ">=", "90", "", "%", "2025") for tid in READINGS]


def test_register_suite_on_a_constructed_register(tree, tmp_path):
    (tree / "data/raw/register/targets.csv").unlink(missing_ok=True)  # rows are then located in the file given
    path = tmp_path / "targets.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, REGISTER_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for target_id, region, indicator, kind, comparator, value, high, unit, year in CONSTRUCTED:
            writer.writerow({"target_id": target_id, "document_id": "900-test", "region_code": region,
                             "indicator_id": indicator, "target_kind": kind, "comparator": comparator,
                             "value": value, "value_high": high, "unit": unit, "target_year": year,
                             "quote": "test fixture", "direction": "increase"} | READINGS.get(target_id, {}))
    assert statistics.main([]) == 0
    found = {k: v for k, v in failures(validation.validate(targets_path=path)).items() if k[0] == "targets"}
    name = str(path)
    assert found == {
        ("targets", "target_id_unique", "error"): [(name, 2, "target_id", "T900-001"), (name, 3, "target_id", "T900-001")],
        ("targets", "comparator_allowed", "error"): [(name, 4, "comparator", "≥")],
        ("targets", "value_numeric", "error"): [(name, 5, "value", "约90")],
        ("targets", "region_code_present", "warning"): [(name, 6, "document_id", "900-test")],
        ("targets", "target_year_present", "warning"): [(name, 7, "target_id", "T900-006")],
        ("targets", "value_present", "warning"): [(name, 8, "target_id", "T900-007")],
        ("targets", "value_in_plausible_range", "warning"): [(name, 9, "value", "101")],
        ("targets", "unit_matches_indicator", "warning"): [(name, 10, "unit", "个百分点")],
        ("targets", "range_ordered", "error"): [(name, 11, "value_high", "3")],
        ("targets", "indicator_id_known", "error"): [(name, 12, "indicator_id", "no_such_indicator")],
        ("targets", "region_code_known", "error"): [(name, 13, "region_code", "999999")],
        ("targets", "direction_known", "error"): [(name, 15, "direction", "sideways")],
        ("targets", "period_known", "error"): [(name, 16, "period", "weekly")],
        ("targets", "value_rule_known", "error"): [(name, 17, "value_rule", "大部分")],
    }


def test_missing_processed_observations_is_a_clear_error(tree, capsys):
    assert validation.main([]) == 1
    assert capsys.readouterr().err == ("error: data/interim/staged/observations.csv: missing: build it first "
                                       "(`make`)\n")
    assert not (tree / "data/processed/validation_summary.json").exists()


def test_suite_files_name_every_expectation_once_with_a_severity():
    for name in validation.SUITES:
        suite = json.loads((REPO / "expectations" / f"{name}.json").read_text(encoding="utf-8"))
        names = [e["meta"]["name"] for e in suite["expectations"]]
        assert len(names) == len(set(names))
        assert {e["severity"] for e in suite["expectations"]} == {"critical", "warning"}


def test_importing_the_module_does_not_import_great_expectations():
    code = "import sys, analysis.validation; print('great_expectations' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_usable_figure_without_a_year_or_an_unknown_usable_is_an_error(tree):
    """usable must equal has_year: a figure without a reference year must never be used."""
    assert statistics.main([]) == 0
    prepared = validation.prepare_observations()
    suite = validation.load_suite("observations")
    suite = suite | {"expectations": [e for e in suite["expectations"] if e["meta"]["name"] == "usable_only_with_year"]}
    undated = prepared.frame["has_year"].to_list().index("false")
    dated = prepared.frame["has_year"].to_list().index("true")
    usable = prepared.frame["usable"].to_list()
    usable[undated], usable[dated] = "true", None
    broken = dataclasses.replace(prepared, frame=validation.with_year_and_usable(
        prepared.frame.with_columns(pl.Series("usable", usable))))
    entries = validation.summarise(suite, validation.run_suite(suite, broken.frame, validation.suite_parameters()),
                                   broken, OBS)
    assert [(e["expectation"], e["severity"], e["passed"]) for e in entries] == [("usable_only_with_year", "error", False)]
    assert sorted(f["row"] for f in entries[0]["failing"]) == sorted([prepared.rows[undated], prepared.rows[dated]])


def test_a_failure_of_the_whole_register_names_the_raw_register_not_its_staged_copy(tree):
    """An empty register has no row to point at: the entry names the file a researcher edits."""
    from analysis.paths import staged_dir
    from analysis.schemas import table

    assert statistics.main([]) == 0
    staged = staged_dir() / "targets.csv"
    staged.write_text(",".join(table("targets").names) + "\n", encoding="utf-8")
    found = failures(validation.validate())
    assert found[("targets", "not_empty", "warning")] == [("data/raw/register/targets.csv", None, None, "0")]


def test_a_header_only_statistics_file_stops_the_build(tree, capsys):
    """A file with no figure would pass every other check and build a report with nothing in it."""
    path = tree / "data/raw/statistics/observations.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    record(path)
    assert statistics.main([]) == 0
    assert validation.main([]) == 1
    out, err = capsys.readouterr()
    assert "observations.not_empty" in out
    assert "\nerror: data/raw/statistics/observations.csv: the table holds at least one row" in "\n" + err
