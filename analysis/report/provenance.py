"""Where the page came from: the renderer that ran, the git commit, the raw-data snapshot."""

from __future__ import annotations

import html
import os
import shutil
import subprocess
from pathlib import Path

from ..paths import project_root

ENV_RENDERER = "EDUGAP_RENDERER"


def git_commit(root: Path | None = None) -> str:
    """Short commit of the tree, with a note when it has uncommitted changes; 'unknown' without git."""
    root = root or project_root()
    git = shutil.which("git")
    if not git:
        return "unknown (git not installed)"
    try:
        head = subprocess.run(
            [git, "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, timeout=20
        )
        if head.returncode != 0:
            return "unknown (not a git checkout or no commit yet)"
        dirty = subprocess.run(
            [git, "status", "--porcelain", "--", ".", ":!reports/_site", ":!reports/_build", ":!tests/artifacts"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown (git failed)"
    commit = head.stdout.strip()
    return f"{commit} with uncommitted changes" if dirty.stdout.strip() else commit


def snapshot_id() -> str:
    from ..snapshot import snapshot_hash, verify_all

    return snapshot_hash(verify_all())


def renderer_label() -> str:
    """What rendered this page, as told by the build (never guessed)."""
    return os.environ.get(ENV_RENDERER) or "renderer not recorded (executed outside `python -m analysis.report`)"


def footer_html() -> str:
    from ..versions import snapshot_info

    raw_hash = snapshot_id()  # hashing every raw file once, for both the hash and the version label
    return (
        f'<footer class="edugap-build" id="build-info"><p>'
        f'数据快照 Data snapshot <strong id="snapshot-version">{html.escape(snapshot_info(raw_hash)["label"])}'
        "</strong> · "
        f'<span id="renderer">Rendered by {html.escape(renderer_label())}</span> · '
        f'git commit <code id="git-commit">{html.escape(git_commit())}</code> · '
        f'raw-data snapshot sha256 <code id="snapshot-hash">{raw_hash}</code></p></footer>'
    )
