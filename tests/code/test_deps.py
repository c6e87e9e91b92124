"""The Makefile's generated part: code prerequisites read from imports, plan rules from checked metadata."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from analysis import deps
from analysis.errors import InputError
from tests.conftest import REPO


def test_a_steps_code_is_every_module_it_imports_transitively():
    code = deps.closure(["analysis.assess.step"], REPO)
    for module in ("analysis/assess/engine.py", "analysis/assess/levels.py", "analysis/vocabulary.py",
                   "analysis/schemas.py", "analysis/tables.py", "analysis/params.py", "analysis/__init__.py",
                   "analysis/assess/__init__.py"):
        assert module in code
    assert "analysis/report/render.py" not in code and "analysis/validation.py" not in code


def test_the_report_depends_on_the_modules_its_source_imports():
    code = deps.closure(["analysis.report.render", "reports/index.py"], REPO)
    assert {"analysis/figures.py", "analysis/notebooks.py", "analysis/report/regions.py"} <= set(code)
    assert "reports/index.py" not in code  # the source itself is listed by the Makefile


def test_imports_inside_functions_and_relative_levels_count(tmp_path):
    package = tmp_path / "analysis"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "helper.py").write_text("")
    (package / "other.py").write_text("")
    (package / "sub" / "step.py").write_text("def f():\n    from ..helper import x\n    from .. import other\n")
    assert deps.closure(["analysis.sub.step"], tmp_path) == sorted([
        "analysis/__init__.py", "analysis/helper.py", "analysis/other.py", "analysis/sub/__init__.py",
        "analysis/sub/step.py"])


@pytest.mark.parametrize("field, value, message", [
    ("document_id", "'$(shell touch /tmp/pwned)'", "document_id"),
    ("document_id", "'005 x; rm -rf /'", "document_id"),
    ("region_code", "'45100$(x)'", "region_code"),
])
def test_data_that_make_would_evaluate_is_rejected(tree, field, value, message):
    meta = next((tree / "data/raw/policies").glob("*.meta.yaml"))
    text = meta.read_text(encoding="utf-8")
    lines = [f"{field}: {value}" if line.startswith(f"{field}:") else line for line in text.splitlines()]
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        deps.plans(tree)


def test_the_generated_fragment_is_what_the_makefile_includes():
    fragment = deps.makefile_fragment(REPO)
    for variable in deps.ENTRIES:
        assert f"\n{variable} := " in fragment
    assert "\t$(EDUGAP) normalize " in fragment


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make not installed")
def test_make_record_never_runs_a_file_name_as_a_command(tmp_path):
    """FILE reaches the shell as data: `make record FILE='x; touch …'` cannot run the second command."""
    marker = tmp_path / "pwned"
    never_reinstall = ["-o", ".venv/.installed", "-o", ".venv/.system-packages"]
    done = subprocess.run(["make", "-s", *never_reinstall, "record", f"FILE=x; touch {marker}"], cwd=REPO,
                          capture_output=True, text=True)
    assert not marker.exists()
    assert done.returncode != 0


def test_plan_metadata_is_read_quoted_or_not(tmp_path):
    """An unquoted region_code (YAML reads it as a number) still gets its region profile; a quoted
    document_id with a comment still names its normalized text: both go through the plan schema."""
    from analysis.deps import plans

    policies = tmp_path / "data/raw/policies"
    policies.mkdir(parents=True)
    (policies / "005_x.txt").write_text("x", encoding="utf-8")
    (policies / "005_x.txt.meta.yaml").write_text(
        "file: 005_x.txt\ndocument_id: \"005-x\"  # a comment\ntitle: t\nregion_code: 451000\n"
        "plan_period_start: 2024\nplan_period_end: 2026\nscript: simplified\ncleanups: []\n"
        f"known_defects: []\nsha256: '{'0' * 64}'\nbytes: 1\n", encoding="utf-8")
    assert plans(tmp_path) == [("data/raw/policies/005_x.txt", "005-x", "451000")]
