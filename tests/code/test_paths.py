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
