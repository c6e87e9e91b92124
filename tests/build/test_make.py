"""Incremental builds: the Makefile's targets are real files with complete prerequisites.

Works on a copy of the built repository (mtimes preserved) and asks make, with --dry-run, which
steps a change would re-run. Needs the tree built first (`make test` builds before testing)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make not installed")

STEPS = {  # step -> the edugap command the Makefile runs for it
    "normalize": "normalize",
    "register": "register",
    "statistics": "statistics",
    "validation": "validate",
    "assess": "assess",
    "searches": "searches",
    "report": "report",
}


@pytest.fixture()
def built_copy(tmp_path):
    if not (REPO / "reports/_site/index.html").exists():
        pytest.skip("the tree is not built yet: run `make` (make test does it first)")
    copy = tmp_path / "edugap"
    ignore = shutil.ignore_patterns(".git", ".venv", ".staging", "artifacts", "__pycache__", ".pytest_cache")
    shutil.copytree(REPO, copy, ignore=ignore, copy_function=shutil.copy2)
    (copy / ".venv").symlink_to(REPO / ".venv")
    return copy


def steps_that_would_run(tree) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k != "EDUGAP_ROOT"}
    result = subprocess.run(["make", "--dry-run", "all"], cwd=tree, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return {step for step, command in STEPS.items() if f"-m analysis.cli {command}" in result.stdout}


def touch(path):
    """Mark a file as changed: newer than anything built."""
    later = time.time_ns() + 10_000_000_000
    os.utime(path, ns=(later, later))


def test_built_tree_has_nothing_to_do(built_copy):
    assert steps_that_would_run(built_copy) == set()


def test_statistics_change_reruns_validation_assessment_report_not_normalization(built_copy):
    touch(built_copy / "data/raw/statistics/observations.csv")
    assert steps_that_would_run(built_copy) == {"statistics", "validation", "assess", "searches", "report"}


def test_a_recorded_search_reruns_only_the_search_step_and_the_report(built_copy):
    touch(built_copy / "data/raw/statistics/searches.csv")
    assert steps_that_would_run(built_copy) == {"searches", "report"}


def test_plan_text_change_reruns_its_normalization_and_downstream(built_copy):
    touch(built_copy / "data/raw/policies/003_6b52586ec0517abe.txt")
    env = {k: v for k, v in os.environ.items() if k != "EDUGAP_ROOT"}
    dry = subprocess.run(["make", "--dry-run", "all"], cwd=built_copy, capture_output=True, text=True, env=env).stdout
    assert "analysis.cli normalize 003-baise" in dry
    assert "analysis.cli normalize 000-zhaotong" not in dry
    assert {"register", "validation", "assess", "searches", "report"} <= steps_that_would_run(built_copy)
    assert "statistics" not in steps_that_would_run(built_copy)


def notebooks_that_would_run(tree) -> set[str]:
    """The step notebooks a make would execute (the region profiles as one, run in one kernel)."""
    env = {k: v for k, v in os.environ.items() if k != "EDUGAP_ROOT"}
    dry = subprocess.run(["make", "--dry-run", "all"], cwd=tree, capture_output=True, text=True, env=env).stdout
    return set(re.findall(r"analysis\.cli notebook notebooks/(\w+)\.py", dry))


def test_a_step_notebook_reruns_when_a_table_it_reads_changes_and_only_then(built_copy):
    assert notebooks_that_would_run(built_copy) == set()
    touch(built_copy / "data/processed/candidates.csv")  # read by 02 alone (and by the data package)
    assert notebooks_that_would_run(built_copy) == {"02_target_register"}
    touch(built_copy / "notebooks/04_region_profile.py")
    assert notebooks_that_would_run(built_copy) == {"02_target_register", "04_region_profile"}


def test_report_source_change_rerenders_only_the_report(built_copy):
    touch(built_copy / "reports/index.py")
    assert steps_that_would_run(built_copy) == {"report"}


def make_in(tree, *args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k != "EDUGAP_ROOT"} | (env_extra or {})
    return subprocess.run(["make", *args], cwd=tree, capture_output=True, text=True, env=env)


@pytest.mark.parametrize("step, change", [
    ("statistics", "data/raw/statistics/observations.csv"),
    ("validation", "expectations/observations.json"),
    ("assess", "analysis/assess/levels.py"),
])
def test_a_step_killed_between_its_writes_is_rerun_by_the_next_make(built_copy, step, change):
    """The fault hook stops the step after its first rename, as a kill would: the step's make target is
    not refreshed, so the next make runs the step again instead of trusting a fresh-looking mix."""
    touch(built_copy / change)
    killed = make_in(built_copy, "JOBS=1", "all", env_extra={"EDUGAP_TEST_KILL_AFTER_RENAMES": "1"})
    assert killed.returncode != 0
    assert step in steps_that_would_run(built_copy)


def test_a_deleted_metadata_file_is_noticed(built_copy):
    """Deleting a raw file's .meta.yaml (or adding a stray file) re-runs the snapshot check, which fails."""
    (built_copy / "data/raw/statistics/sources.csv.meta.yaml").unlink()
    done = make_in(built_copy, "JOBS=1", "all")
    assert done.returncode != 0
    assert "sources.csv" in done.stderr and "no metadata file" in done.stderr


@pytest.mark.parametrize("deleted, message", [(".meta.yaml", "no metadata file"), ("", "missing")])
def test_a_deleted_plan_text_or_its_metadata_is_one_error_naming_it(built_copy, deleted, message):
    """The generated plan rules name both files: make must regenerate them (not stop at "No rule to make
    target"), so the error is the project's one line naming the file."""
    plan = next((built_copy / "data/raw/policies").glob("*.txt"))
    (plan.parent / (plan.name + deleted)).unlink()
    done = make_in(built_copy, "JOBS=1", "all")
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert done.returncode != 0 and "No rule to make target" not in done.stderr
    assert len(errors) == 1 and f"data/raw/policies/{plan.name}" in errors[0] and message in errors[0]


@pytest.mark.parametrize("name", ["observations (copy).csv", "x;$(shell touch PWNED);.csv"])
def test_a_raw_file_name_make_cannot_take_is_one_error_and_runs_nothing(built_copy, name):
    """A space splits a prerequisite in two ("No rule to make target '(copy).csv'"); nothing in a name runs."""
    (built_copy / "data/raw/statistics" / name).write_text("a\n1\n", encoding="utf-8")
    done = make_in(built_copy, "JOBS=1", "all")
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert done.returncode != 0 and "No rule to make target" not in done.stderr
    assert len(errors) == 1 and errors[0].startswith("error: data/raw/statistics/") and "rename it" in errors[0]
    assert not (built_copy / "PWNED").exists()


def test_a_noop_make_parses_without_starting_python(built_copy):
    """Nothing to do: the generated fragment is current, no step and no interpreter runs."""
    done = make_in(built_copy, "--dry-run", "all")
    assert done.returncode == 0 and "python" not in done.stdout


def test_a_validation_error_stops_make_and_leaves_data_processed_as_it_was(built_copy):
    """A figure outside its indicator's plausible range: the build stops with the first failing file, row and
    column, and data/processed keeps the last validated state (issue 17), so nothing downstream trusts it."""
    import csv

    from analysis.reference import load_indicators

    raw = built_copy / "data/raw/statistics/observations.csv"
    rows = list(csv.DictReader(raw.open(encoding="utf-8", newline="")))
    capped = {k for k, v in load_indicators().items() if v["max"] is not None}
    number, row = next((n, r) for n, r in enumerate(rows, start=2) if r["indicator_id"] in capped and r["value"])
    lines = raw.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[number - 1].split(",")
    cells[list(rows[0]).index("value")] = "100000"
    lines[number - 1] = ",".join(cells)
    raw.write_text("".join(lines), encoding="utf-8")
    assert make_in(built_copy, "record", f"FILE={raw.relative_to(built_copy)}").returncode == 0
    before = {p.name: p.read_bytes() for p in sorted((built_copy / "data/processed").iterdir())}

    done = make_in(built_copy, "JOBS=1", "all")
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [errors[0]] and errors[0].startswith(
        f"error: data/raw/statistics/observations.csv, row {number}, column 'value': ")
    assert "full list: data/interim/validation/validation.html" in errors[0]
    assert {p.name: p.read_bytes() for p in sorted((built_copy / "data/processed").iterdir())} == before
    assert {"validation", "assess"} <= steps_that_would_run(built_copy)


def test_a_second_make_in_the_same_tree_waits_for_the_first(built_copy):
    """The lock: while another make holds it (here a stand-in process), make says so and waits; it goes
    on once that process ends."""
    env = {k: v for k, v in os.environ.items() if k not in ("EDUGAP_ROOT", "EDUGAP_MAKE_LOCK")}
    holder = subprocess.Popen(["sleep", "60"])
    try:
        subprocess.run(["bash", "scripts/make-lock.sh", str(holder.pid)], cwd=built_copy, check=True, env=env)
        second = subprocess.Popen(["make", "--dry-run", "all"], cwd=built_copy, env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with pytest.raises(subprocess.TimeoutExpired):
            second.wait(timeout=4)
    finally:
        holder.kill()
        holder.wait()
    out, err = second.communicate(timeout=30)
    assert second.returncode == 0
    assert f"another make is running in this folder (process {holder.pid})" in err and "waiting" in err
