"""Where things live. One place, so tests can point the whole pipeline at a copy of the tree."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The tree the pipeline works on: ``EDUGAP_ROOT`` if set (tests use a temporary copy), else the repo."""
    env = os.environ.get("EDUGAP_ROOT")
    return Path(env).resolve() if env else Path(__file__).resolve().parent.parent


def raw_dir() -> Path:
    return project_root() / "data" / "raw"


def interim_dir() -> Path:
    return project_root() / "data" / "interim"


def processed_dir() -> Path:
    return project_root() / "data" / "processed"


def reports_dir() -> Path:
    return project_root() / "reports"


def expectations_dir() -> Path:
    return project_root() / "expectations"


def relative(path: Path) -> str:
    """Path as shown in messages and manifests: relative to the project root, with forward slashes."""
    try:
        return Path(path).resolve().relative_to(project_root()).as_posix()
    except ValueError:
        return str(path)
