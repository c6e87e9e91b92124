"""Metadata schemas on constructed .meta.yaml files: each slip is one error naming file and field."""

from __future__ import annotations

import re

import pytest
import yaml

from analysis import snapshot
from analysis.documents import load_documents
from analysis.errors import InputError
from analysis.metadata import validate_meta

PLAN = {"file": "005_x.txt", "document_id": "005-test", "title": "某市计划", "region_code": "451000",
        "plan_period_start": 2024, "plan_period_end": 2026, "script": "simplified", "cleanups": [],
        "known_defects": [], "sha256": "a" * 64, "bytes": 10}
RAW = {"file": "x.csv", "title": "A table", "sha256": "b" * 64, "bytes": 3}


def plan(**changes) -> dict:
    return validate_meta(PLAN | changes, "data/raw/policies/005_x.txt.meta.yaml", plan=True)


def test_an_unquoted_region_code_is_read_as_the_code_it_is():
    assert plan(region_code=451000)["region_code"] == "451000"


def test_a_region_code_that_is_not_six_digits_names_the_field():
    with pytest.raises(InputError, match=r"005_x.txt.meta.yaml: field 'region_code': '4510' is not a six-digit"):
        plan(region_code="4510")


def test_a_known_defect_read_as_a_mapping_is_rejected():
    record = yaml.safe_load("known_defects:\n  - Note: the digest drops a table\n")
    with pytest.raises(InputError, match=r"field 'known_defects': item 1 was read as a mapping"):
        plan(known_defects=record["known_defects"])


@pytest.mark.parametrize("written, kept", [(2025, "2025"), ("2025-02", "2025-02"), ("2023-09-08", "2023-09-08")])
def test_dates_keep_their_precision(written, kept):
    assert plan(issue_date=written)["issue_date"] == kept


def test_a_yaml_date_becomes_its_text():
    record = yaml.safe_load("date_published: 2023-09-08\n")
    assert plan(**record)["date_published"] == "2023-09-08"


@pytest.mark.parametrize("bad", ["2025/02/01", "2025-13", "2023-02-30", "Feb 2025"])
def test_a_date_that_is_not_one_names_the_field(bad):
    with pytest.raises(InputError, match=r"field 'issue_date'"):
        plan(issue_date=bad)


def test_missing_unknown_and_empty_fields_are_named():
    with pytest.raises(InputError, match=r"field 'script': missing field"):
        validate_meta({k: v for k, v in PLAN.items() if k != "script"}, "m.yaml", plan=True)
    with pytest.raises(InputError, match=r"field 'plan_perod_end': unknown field"):
        plan(plan_perod_end=2026)
    with pytest.raises(InputError, match=r"field 'document_id': is empty"):
        plan(document_id=None)
    with pytest.raises(InputError, match=r"field 'script'"):
        plan(script="trad")


def test_a_period_that_ends_before_it_starts_is_rejected():
    with pytest.raises(InputError, match="after plan_period_end"):
        plan(plan_period_start=2027)


def test_raw_file_metadata_keeps_extra_origin_fields_and_checks_dates():
    assert validate_meta(RAW | {"vintage": "2025"}, "x.yaml", plan=False)["vintage"] == "2025"
    with pytest.raises(InputError, match=r"x.yaml: field 'date_accessed'"):
        validate_meta(RAW | {"date_accessed": "yesterday"}, "x.yaml", plan=False)
    with pytest.raises(InputError, match=r"field 'sha256'"):
        validate_meta(RAW | {"sha256": "abc"}, "x.yaml", plan=False)


def test_load_documents_stops_on_a_bad_plan_meta(tree):
    meta = tree / "data/raw/policies/000_1e6a61ee0f0d3587.txt.meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("script: simplified", "script: simple"), encoding="utf-8")
    with pytest.raises(InputError, match=r"000_1e6a61ee0f0d3587.txt.meta.yaml: field 'script'"):
        load_documents()


def test_record_writes_the_full_plan_template_and_the_build_asks_to_fill_it(tree):
    text = tree / "data/raw/policies/005_new.txt"
    text.write_text("某市教育行动计划\n", encoding="utf-8")
    meta = snapshot.record(text)
    written = meta.read_text(encoding="utf-8")
    for field in ("document_id", "title", "region_code", "plan_period_start", "plan_period_end", "script",
                  "cleanups", "known_defects", "issuing_body", "date_published", "url", "sha256"):
        assert re.search(rf"(?m)^{field}:", written), field
    assert "#" in written and not re.search(r"(?m)^(document_id|region_code):.*#", written)
    with pytest.raises(InputError, match=r"005_new.txt.meta.yaml: field 'document_id': is empty"):
        load_documents()


def test_record_of_other_raw_files_writes_the_origin_template(tree):
    new = tree / "data/raw/statistics/extra.csv"
    new.write_text("a\n1\n", encoding="utf-8")
    assert "producer: null" in snapshot.record(new).read_text(encoding="utf-8")


@pytest.mark.parametrize("where", ["../outside.txt", "data/raw/../../outside.txt", "/etc/hostname"])
def test_record_only_accepts_files_inside_data_raw(tree, where):
    (tree.parent / "outside.txt").write_text("x", encoding="utf-8")
    path = where if where.startswith("/") else str(tree / where) if where.startswith("data") else str(tree / "data/raw" / where)
    with pytest.raises(InputError, match="not inside data/raw/"):
        snapshot.record(path)
    assert not (tree.parent / "outside.txt.meta.yaml").exists()


def test_record_refuses_a_metadata_file(tree):
    with pytest.raises(InputError, match="is a metadata file"):
        snapshot.record(tree / "data/raw/reference/regions.csv.meta.yaml")


@pytest.mark.parametrize("published, ok", [("2025-02", True), ("2025", True), ("2025-02-30", False)])
def test_source_dates_may_be_a_year_or_a_month(tree, published, ok):
    from analysis.statistics import load_sources

    path = tree / "data/raw/statistics/sources.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = re.sub(r",\d{4}-\d\d-\d\d,", f",{published},", lines[1], count=1)
    path.write_text("".join(lines), encoding="utf-8")
    snapshot.record(path)
    if ok:
        assert published in {s["published"] for s in load_sources().values()}
    else:
        with pytest.raises(InputError, match=r"sources.csv, row 2, column 'published'"):
            load_sources()


def test_a_document_id_of_the_wrong_form_says_the_right_one():
    with pytest.raises(InputError, match=r"field 'document_id': '5-x' is not of the form 005-my-city"):
        plan(document_id="5-x")
    with pytest.raises(InputError, match=r"x.yaml: field 'title': is empty: fill it in"):
        validate_meta(RAW | {"title": None}, "x.yaml", plan=False)
