"""The README's recipes, followed to the letter in a temporary copy of the project: add an official
figure with its source, and a new plan with its register rows, then run the whole test suite there.
It must pass with no edit to any test: tests may not pin today's data."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import REPO

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.environ.get("EDUGAP_RECIPE_COPY") == "1", reason="already inside the copy"),
              pytest.mark.skipif(shutil.which("make") is None, reason="GNU make not installed")]

IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache", "artifacts", ".staging", "dist")
PLAN = REPO / "tests" / "fixtures" / "plans" / "005_test_plan.txt"


def make(copy, *args, check=True):
    env = {k: v for k, v in os.environ.items() if k not in ("EDUGAP_ROOT", "EDUGAP_PROCESSED")}
    env["EDUGAP_RECIPE_COPY"] = "1"
    done = subprocess.run(["make", *args], cwd=copy, capture_output=True, text=True, env=env)
    if check:
        assert done.returncode == 0, f"make {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def append_row(path, row: dict):
    """Append one CSV row in the file's own column order, as a researcher would in a spreadsheet."""
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([row.get(column, "") for column in header])
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("" if text.endswith("\n") else "\n") + buffer.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("recipe") / "edugap"
    shutil.copytree(REPO, root, ignore=IGNORE)
    for built in ("data/interim", "data/processed", "reports/_site", "reports/_build"):
        shutil.rmtree(root / built, ignore_errors=True)
        (root / built).mkdir(parents=True, exist_ok=True)
    (root / ".venv").symlink_to(REPO / ".venv")
    return root


def test_adding_a_figure_and_a_plan_the_readmes_way_keeps_the_whole_suite_green(copy):
    statistics = copy / "data" / "raw" / "statistics"
    # "Adding an official figure": a source line, a figure line, record, make. (A test figure in a throw-away
    # copy, marked as such: no official figure is invented in the project.)
    append_row(statistics / "sources.csv", {
        "source_id": "test-recipe-source", "title": "TEST FIXTURE: recipe test source", "publisher": "edugap tests",
        "url": "https://example.org/edugap-recipe-test", "published": "2026-01-01", "kind": "official",
        "where_the_figures_stand": "test fixture"})
    append_row(statistics / "observations.csv", {
        "region_code": "430300", "region_name": "湘潭市", "indicator_as_published": "学前三年毛入园率（测试）",
        "indicator_id": "preschool_gross_enrolment_rate", "year": "2024", "value": "91.5", "unit": "%",
        "source_id": "test-recipe-source", "note": "TEST FIXTURE"})
    make(copy, "record", "FILE=data/raw/statistics/observations.csv data/raw/statistics/sources.csv")

    # "Adding a plan document": copy the text, record it, fill in its origin, normalize, register, record.
    text = copy / "data" / "raw" / "policies" / "005_test_plan.txt"
    shutil.copy2(PLAN, text)
    make(copy, "record", f"FILE={text.relative_to(copy)}")
    meta = text.with_name(text.name + ".meta.yaml")
    record = yaml.safe_load(meta.read_text(encoding="utf-8"))
    record.update({"document_id": "005-test", "title": "测试市学前教育提质行动方案（测试样例）",
                   "region_code": "430300", "plan_period_start": 2024, "plan_period_end": 2025,
                   "script": "simplified", "cleanups": [], "known_defects": []})
    meta.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    make(copy, "normalize")
    register = copy / "data" / "raw" / "register" / "targets.csv"
    common = {"document_id": "005-test", "region_code": "430300", "comparator": ">=", "target_year": "2025",
              "direction": "increase"}
    append_row(register, common | {"target_id": "T005-001", "indicator_id": "preschool_gross_enrolment_rate",
                                   "target_kind": "level", "value": "93", "unit": "%",
                                   "quote": "到2025年，全市学前三年毛入园率达到93%以上"})
    append_row(register, common | {"target_id": "T005-002", "indicator_id": "new_public_kindergartens",
                                   "target_kind": "increment", "value": "12", "unit": "所",
                                   "quote": "新建公办幼儿园12所", "flags": "year_from_plan_end"})
    make(copy, "record", "FILE=data/raw/register/targets.csv")
    make(copy, "register")

    # Both recipes: "write one line under Unreleased in CHANGELOG.md".
    changelog = copy / "CHANGELOG.md"
    changelog.write_text(changelog.read_text(encoding="utf-8").replace(
        "## Unreleased\n", "## Unreleased\n\n- TEST FIXTURE: one figure (test-recipe-source) and plan 005-test added\n", 1),
        encoding="utf-8")

    # Then the whole suite, untouched, in the copy (this test skips itself there).
    done = make(copy, "test", check=False)
    tail = (done.stdout + done.stderr)[-4000:]
    assert done.returncode == 0, f"make test failed in the copy after following the README:\n{tail}"
    assessed = (copy / "data" / "processed" / "assessments.csv").read_text(encoding="utf-8")
    assert "T005-001" in assessed and "T005-002" in assessed
