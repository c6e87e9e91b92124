"""Executed step notebooks are byte-stable: same inputs, same .ipynb bytes (rows in a fixed order, no
random ids)."""

from __future__ import annotations

import ast
from pathlib import Path

from analysis import notebooks

REPO = Path(__file__).resolve().parents[2]
STEP_NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9]*.py"))


def unsorted_group_bys(source: str) -> list[int]:
    """Lines of group_by calls whose result is not sorted later in the same expression (polars returns
    groups in an arbitrary order, so the printed table changes from run to run)."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "group_by":
            if any(kw.arg == "maintain_order" for kw in node.keywords):
                continue
            sorted_later, current = False, node
            while current in parents and not isinstance(parents[current], ast.stmt):
                current = parents[current]
                if isinstance(current, ast.Attribute) and current.attr == "sort":
                    sorted_later = True
            if not sorted_later:
                lines.append(node.lineno)
    return lines


def test_the_guard_sees_an_unsorted_group_by():
    assert unsorted_group_bys("t.group_by('a').len()\nt.group_by('a').len().sort('a')\n"
                              "t.group_by('a', maintain_order=True).len()\nt.group_by('b').agg(x=1).head(3)\n") == [1, 4]


def test_every_group_by_in_the_step_notebooks_is_sorted():
    assert STEP_NOTEBOOKS
    assert {p.name: unsorted_group_bys(p.read_text(encoding="utf-8")) for p in STEP_NOTEBOOKS} == \
        {p.name: [] for p in STEP_NOTEBOOKS}


SCRIPT = '''# %% tags=["parameters"]
prefix = "k"

# %%
import polars as pl
frame = pl.DataFrame({"key": [f"{prefix}{i % 50}" for i in range(1000)], "x": range(1000)})
frame.group_by("key").agg(pl.col("x").sum()).sort("key")
'''


def test_executing_a_script_twice_gives_the_same_bytes(tmp_path):
    script = tmp_path / "step.py"
    script.write_text(SCRIPT, encoding="utf-8")
    first, second = tmp_path / "first.ipynb", tmp_path / "second.ipynb"
    assert notebooks.main([str(script), str(first), "-p", "prefix=q"]) == 0
    assert notebooks.main([str(script), str(second), "-p", "prefix=q"]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert b'"id": "injected-parameters"' in first.read_bytes() and b"q0" in first.read_bytes()


SHARED_KERNEL_SCRIPT = '''# %% tags=["parameters"]
label = "a"

# %%
print(sorted(name for name in dir() if name.startswith("seen_")))  # what an earlier notebook left behind
globals()["seen_" + label] = True

# %%
import warner  # warns once per place, as libraries do (the warning shows in every copy)
warner.warn()

# %%
label * 3
'''


def _script_with_a_warning_module(tmp_path, monkeypatch):
    (tmp_path / "warner.py").write_text("import warnings\n\ndef warn():\n    warnings.warn('careful', UserWarning)\n",
                                        encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # the kernel imports warner from here
    script = tmp_path / "profile.py"
    script.write_text(SHARED_KERNEL_SCRIPT, encoding="utf-8")
    return script


def test_copies_run_in_one_kernel_are_the_bytes_each_gives_in_a_kernel_of_its_own(tmp_path, monkeypatch):
    script = _script_with_a_warning_module(tmp_path, monkeypatch)
    assert notebooks.main([str(script), str(tmp_path / "shared-{label}.ipynb"), "--each", "label=a,b,c"]) == 0
    for label in "abc":
        alone = tmp_path / f"alone-{label}.ipynb"
        assert notebooks.main([str(script), str(alone), "-p", f"label={label}"]) == 0
        shared = (tmp_path / f"shared-{label}.ipynb").read_bytes()
        assert shared == alone.read_bytes()
        assert b'"execution_count": 1' in shared and b"[]" in shared and f"'{label * 3}'".encode() in shared
        assert b"UserWarning: careful" in shared


def test_a_failing_copy_writes_no_copy_and_a_value_named_twice_is_refused(tmp_path, monkeypatch):
    script = _script_with_a_warning_module(tmp_path, monkeypatch)
    script.write_text(SHARED_KERNEL_SCRIPT + "\n# %%\nassert label != 'b'\n", encoding="utf-8")
    assert notebooks.main([str(script), str(tmp_path / "shared-{label}.ipynb"), "--each", "label=a,b"]) == 1
    assert notebooks.main([str(script), str(tmp_path / "shared-{label}.ipynb"), "--each", "label=a,a"]) == 2
    assert list(tmp_path.glob("shared-*")) == []
