"""Paths follow EDUGAP_ROOT even though they are resolved once per root (analysis/paths.py)."""

from __future__ import annotations

from analysis import paths


def test_relative_names_follow_the_root_each_time_it_changes(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    for root in (first, second):
        (root / "data" / "raw").mkdir(parents=True)
    monkeypatch.setenv("EDUGAP_ROOT", str(first))
    assert paths.project_root() == first.resolve()
    assert paths.relative(first / "data" / "raw" / "x.csv") == "data/raw/x.csv"
    assert paths.relative(second / "data" / "raw" / "x.csv") == str(second / "data" / "raw" / "x.csv")
    monkeypatch.setenv("EDUGAP_ROOT", str(second))
    assert paths.project_root() == second.resolve()
    assert paths.relative(second / "data" / "raw" / "x.csv") == "data/raw/x.csv"
    assert paths.relative(first / "data" / "raw" / "x.csv") == str(first / "data" / "raw" / "x.csv")


def test_relative_names_follow_the_working_folder_for_a_relative_path(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    monkeypatch.setenv("EDUGAP_ROOT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert paths.relative("x.csv") == "x.csv"
    monkeypatch.chdir(tmp_path / "sub")
    assert paths.relative("x.csv") == "sub/x.csv"
    monkeypatch.setenv("EDUGAP_ROOT", "..")  # a relative root is taken from the working folder too
    assert paths.project_root() == tmp_path.resolve() and paths.relative("x.csv") == "sub/x.csv"
