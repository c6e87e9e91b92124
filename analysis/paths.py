"""Where things live. One place, so tests can point the whole pipeline at a copy of the tree."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


def project_root() -> Path:
    """The tree the pipeline works on: ``EDUGAP_ROOT`` if set (tests use a temporary copy), else the repo."""
    env = os.environ.get("EDUGAP_ROOT")
    return _resolved_root(env, os.getcwd() if env and not os.path.isabs(env) else None)


@lru_cache(maxsize=16)
def _resolved_root(env: str | None, cwd: str | None) -> Path:
    """Resolved once per value of EDUGAP_ROOT (and working folder, for a relative one): messages name
    files row by row (3,213 regions), and each resolve walks the path with a system call per component."""
    return (Path(cwd or ".") / env).resolve() if env else Path(__file__).resolve().parent.parent


def raw_dir() -> Path:
    return project_root() / "data" / "raw"


def interim_dir() -> Path:
    return project_root() / "data" / "interim"


def staged_dir() -> Path:
    """Tables checked by their own step (the register, the statistics) but not yet by the validation
    suites. The validate step publishes them into data/processed only when no error-severity check fails,
    so data/processed always holds the last validated state."""
    return interim_dir() / "staged"


def validation_failure_dir() -> Path:
    """Where a failed validation writes its page and summary: data/processed and reports/ stay as they were."""
    return interim_dir() / "validation"


def processed_dir() -> Path:
    return project_root() / "data" / "processed"


def reports_dir() -> Path:
    return project_root() / "reports"


def expectations_dir() -> Path:
    return project_root() / "expectations"


def relative(path: Path) -> str:
    """Path as shown in messages and manifests: relative to the project root, with forward slashes."""
    path = Path(path)
    return _relative(path if path.is_absolute() else Path.cwd() / path, project_root())


@lru_cache(maxsize=4096)
def _relative(path: Path, root: Path) -> str:
    """Cached per absolute path and root (a folder that later becomes a symbolic link is not seen)."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)
