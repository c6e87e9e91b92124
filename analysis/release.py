"""A citable release archive of one named data snapshot: ``dist/edugap-<version>.tar.gz``.

It holds, under ``edugap-<version>/``: the processed data with ``datapackage.json``, the report
(``reports/_site/index.html``), the validation page, ``CITATION.cff``, the version's changelog entry
(``CHANGELOG-entry.md``) and ``SHA256SUMS`` (``sha256sum -c`` checks every other member). Nothing is uploaded.

The release refuses to run on a tree with uncommitted changes (the archive must be what the commit builds),
on raw data that are not the newest version's (name the version first: ``python -m analysis.versions
stamp``), and on a version that already has an archive (a released version never changes). Two runs on the
same commit give byte-identical archives: members sorted, mtime fixed to the version's date, owner 0/0,
mode 0644, gzip header without time or name.

Command line::

    python -m analysis.release             # build (make all), then write dist/edugap-<version>.tar.gz
    python -m analysis.release --dist DIR  # ... into another directory
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import subprocess
import sys
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import click

from .atomic import write_bytes_atomic
from .cli import step_command
from .errors import InputError
from .paths import processed_dir, project_root, relative
from .versions import check as checked_version
from .versions import entry_text, snapshot_version

REPORT_FILES = ["reports/_site/index.html", "reports/validation.html"]
ENTRY_NAME = "CHANGELOG-entry.md"
SUMS_NAME = "SHA256SUMS"


def archive_path(version: str, dist: Path | None = None) -> Path:
    return (dist or project_root() / "dist") / f"edugap-{version}.tar.gz"


def check_clean(root: Path | None = None) -> None:
    """A release is built from a commit, so nothing may be modified or untracked (ignored files are outputs)."""
    root = root or project_root()
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True)
    if status.returncode != 0:
        raise InputError(str(root), f"not a git working tree ({status.stderr.strip()}): a release needs a commit")
    dirty = status.stdout.splitlines()
    if dirty:
        shown = ", ".join(line[3:] for line in dirty[:5]) + (", …" if len(dirty) > 5 else "")
        raise InputError(str(root), f"the working tree has uncommitted changes ({shown}): commit or stash them, "
                         "a release is built from a commit")


def release_version(dist: Path | None = None) -> str:
    """The version to release: the newest in CHANGELOG.md, if it is the raw data's and has no archive yet."""
    label = checked_version()
    if label.endswith("+unreleased"):
        raise InputError("CHANGELOG.md", "the raw data differ from the newest version: name a version first "
                         "(`python -m analysis.versions stamp YYYY.MM.N YYYY-MM-DD`) and commit it")
    existing = archive_path(label, dist)
    if existing.exists():
        raise InputError(relative(existing), f"version {label} already has an archive: a released version never "
                         "changes; describe the changes under '## Unreleased' and name a new version")
    return label


def members(root: Path, version: str) -> dict[str, bytes]:
    """Archive member name -> bytes, every file the release holds (SHA256SUMS last)."""
    files: dict[str, bytes] = {}
    processed = processed_dir()
    if not (processed / "datapackage.json").exists():
        raise InputError(relative(processed / "datapackage.json"), "missing: build first (make all)")
    for path in sorted(p for p in processed.iterdir() if p.is_file() and not p.name.startswith(".")):
        files[f"data/processed/{path.name}"] = path.read_bytes()
    for name in REPORT_FILES + ["CITATION.cff"]:
        path = root / name
        if not path.exists():
            raise InputError(name, "missing: build first (make all)")
        files[name] = path.read_bytes()
    files[ENTRY_NAME] = entry_text(version).encode("utf-8")
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))
    files[SUMS_NAME] = sums.encode("utf-8")
    return files


def archive_bytes(files: dict[str, bytes], version: str, released: str) -> bytes:
    """A .tar.gz with sorted members and fixed metadata: the same files always give the same bytes."""
    mtime = int(datetime.fromisoformat(released).replace(tzinfo=UTC).timestamp())
    tar_buffer = io.BytesIO()
    with tarfile.open(fileobj=tar_buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(f"edugap-{version}/{name}")
            info.size, info.mtime, info.mode = len(files[name]), mtime, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(files[name]))
    gz_buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=gz_buffer, mtime=0, compresslevel=9) as gz:
        gz.write(tar_buffer.getvalue())
    return gz_buffer.getvalue()


def write_archive(dist: Path | None = None) -> Path:
    """Check the version, then write the archive of the files as they are built now."""
    version = release_version(dist)
    _, released, _ = snapshot_version()
    data = archive_bytes(members(project_root(), version), version, released)
    return write_bytes_atomic(archive_path(version, dist), data)


def build(root: Path | None = None) -> None:
    """Everything the archive holds: the report, the validation page and the data package."""
    root = root or project_root()
    # The report's footer names the git commit, which make does not track: render it afresh, so the archive
    # never carries a report that names an earlier commit.
    (root / REPORT_FILES[0]).unlink(missing_ok=True)
    # the console script imports the installed package; the tree being released must run its own code
    env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(["make", "--no-print-directory", "all"], cwd=root, env=env)
    if result.returncode != 0:
        raise InputError("make all", "the build failed (see above); nothing was released")


@step_command("release")
@click.option("--dist", type=click.Path(file_okay=False), help="write the archive here instead of dist/")
def main(dist: str | None) -> None:
    """Write the citable archive dist/edugap-<version>.tar.gz of the newest version in CHANGELOG.md."""
    dist = Path(dist) if dist else None
    check_clean()
    release_version(dist)  # refuse before spending minutes on a build
    build()
    check_clean()  # the build must not change tracked files
    path = write_archive(dist)
    print(f"released {relative(path)} ({path.stat().st_size} bytes, sha256 "
          f"{hashlib.sha256(path.read_bytes()).hexdigest()})")


if __name__ == "__main__":
    sys.exit(main())
