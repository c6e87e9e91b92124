"""Shared fixtures and the suite's layout.

* ``tests/code/`` and ``tests/*.py``: code tests on constructed or fixture data (or a temporary copy of
  the raw inputs, ``tree``, when they need to break something). They need no build and do not change
  when the shipped data changes: ``make test-fast`` runs them.
* ``tests/data/``: data acceptance checks on the built outputs, every expectation derived from the raw
  inputs (marked ``data``).
* ``tests/build/``: the Makefile, the README's recipes in a copy of the project, and the report in a
  headless browser (marked ``build``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"  # only tests that say so read ../shared

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_collection_modifyitems(config, items):
    """Mark tests by their folder, so `-m "not data and not build"` selects the code tests."""
    for item in items:
        folder = Path(str(item.fspath)).relative_to(REPO / "tests").parts[0]
        if folder in ("data", "build"):
            item.add_marker(folder)


def built(*names: str) -> Path:
    """data/processed, after checking the build made ``names``: data checks fail (not skip) without it."""
    processed = REPO / "data" / "processed"
    missing = [n for n in names if not (processed / n).exists()]
    if missing:
        pytest.fail(f"data/processed lacks {missing}: run `make` first (`make test` builds before testing)")
    return processed


@pytest.fixture()
def tree(tmp_path, monkeypatch) -> Path:
    """A temporary copy of the project's data, params and expectations; EDUGAP_ROOT points at it."""
    root = tmp_path / "edugap"
    for name in ("data/raw", "expectations", "params.yaml", "CHANGELOG.md", "CITATION.cff"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.exists():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    for name in ("data/interim", "data/processed", "reports"):
        (root / name).mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("EDUGAP_ROOT", str(root))
    return root


def write_processed(root: Path, name: str, rows: list[dict]) -> Path:
    """Constructed rows written as a processed table: every schema column, missing ones empty."""
    import polars as pl

    from analysis.schemas import table

    frame = pl.DataFrame(rows, infer_schema_length=None)
    frame = frame.with_columns(pl.lit(None).alias(c) for c in table(name).names if c not in frame.columns)
    path = root / "data" / "processed" / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.select(table(name).names).write_csv(path)
    return path


def write_csv_rows(path: Path, rows: list[dict], fieldnames: list[str]) -> None:
    """Rows written as a hand-kept raw CSV ('\\n' line ends), then recorded as a deliberate change."""
    import csv
    import io

    from analysis import snapshot

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    snapshot.record(path)
