"""Shared fixtures. Tests run against the real repository inputs, or a temporary copy of the tree
(``tree``) when they need to break something."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"  # only tests that say so read ../shared

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture()
def tree(tmp_path, monkeypatch) -> Path:
    """A temporary copy of the project's data, params and expectations; EDUGAP_ROOT points at it."""
    root = tmp_path / "edugap"
    for name in ("data/raw", "expectations", "params.yaml"):
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
