"""What changed in the processed data between two snapshots: figures, conflicts, targets, assessments, context.

Each side is a processed directory, a release archive (``dist/edugap-<version>.tar.gz``) or a git revision.
A revision is built in a temporary ``git worktree`` (the project's ``.venv`` linked in) up to
``data/processed/datapackage.json`` (the report is not needed), so any two commits can be compared; the
worktree is removed afterwards.

For every assessment whose status, actual or gap changed, the report says why: which of its inputs changed
(its target row, or the figures of its own region and indicator); if neither did, the method or the
parameters did.

Command line::

    python -m analysis.diff OLD NEW     # e.g. a963ef8 HEAD, or dist/edugap-2026.11.0.tar.gz data/processed
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
import polars as pl

from .cli import step_command
from .errors import InputError
from .paths import project_root

TARGET_FIELDS = ["region_code", "indicator_id", "target_kind", "comparator", "value", "value_high", "unit",
                 "target_year", "baseline_value", "baseline_year", "flags"]
FIGURE_FIELDS = ["indicator_id", "value", "unit", "usable", "unusable_reason", "set_aside_by"]
ASSESSMENT_FIELDS = ["status", "method", "actual_value", "actual_year", "actual_source_id", "gap"]
CONFLICT_FIELDS = ["value", "source_that_stands", "sources_set_aside", "values_set_aside", "reviewed_on"]
CONTEXT_KEY = ["region_code", "indicator_id", "year", "source_id"]


@dataclass
class Diff:
    """Lines per section, in reading order; an empty section means nothing changed there."""
    header: list[str] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)

    def text(self) -> str:
        out = list(self.header)
        for title, lines in self.sections.items():
            out += ["", f"{title} ({len([x for x in lines if not x.startswith('    ')])})"]
            out += [f"  {line}" for line in lines] or ["  (no change)"]
        return "\n".join(out) + "\n"


def read_table(directory: Path, name: str) -> pl.DataFrame:
    """A processed CSV as strings (a table the snapshot did not have yet is empty)."""
    path = directory / f"{name}.csv"
    return pl.read_csv(path, infer_schema=False) if path.exists() else pl.DataFrame()


def _rows(frame: pl.DataFrame, key: list[str]) -> dict[tuple, dict]:
    return {tuple(row[k] for k in key): row for row in frame.iter_rows(named=True)} if frame.height else {}


def _changes(old: dict, new: dict, fields: list[str]) -> list[str]:
    """``field old → new`` for every field that differs. A field only one side has (a column added since) is
    not a change by itself; it is shown when another field changed, so the reader sees e.g. why a figure
    stopped being usable."""
    show = lambda v: "∅" if v in (None, "") else v  # noqa: E731
    differs = lambda f: (old.get(f) or None) != (new.get(f) or None)  # noqa: E731
    common = [f for f in fields if f in old and f in new]
    changed = [f for f in common if differs(f)]
    if changed:
        changed += [f for f in fields if f not in common and (old.get(f) or new.get(f))]
    return [f"{f} {show(old.get(f))} → {show(new.get(f))}" for f in fields if f in changed]


def _figure(row: dict) -> str:
    indicator = row.get("indicator_id") or f"[context] {row['indicator_as_published']}"
    year = row.get("year") or "year not stated"
    unusable = "" if row.get("usable") == "true" else f" (not used: {row.get('unusable_reason') or 'no year'})"
    return f"{row['region_code']} {row.get('region_name') or ''} {indicator} {year} = {row['value']} {row['unit']} " \
           f"[source {row['source_id']}]{unusable}"


def figures_section(old: pl.DataFrame, new: pl.DataFrame) -> list[str]:
    """Figures added, removed, changed (by observation id: source, region, indicator, year)."""
    before, after = _rows(old, ["observation_id"]), _rows(new, ["observation_id"])
    lines = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a is None:
            lines.append(f"+ {_figure(b)}")
        elif b is None:
            lines.append(f"- {_figure(a)}")
        elif changes := _changes(a, b, FIGURE_FIELDS):
            lines.append(f"~ {key[0]}: " + "; ".join(changes))
    return lines


def conflicts_section(old: pl.DataFrame, new: pl.DataFrame) -> list[str]:
    key = ["region_code", "indicator_id", "year"]
    before, after = _rows(old, key), _rows(new, key)
    lines = []
    for point in sorted(before.keys() | after.keys()):
        a, b = before.get(point), after.get(point)
        name = ":".join(point)
        if a is None:
            lines.append(f"+ {name}: {b['value']} from {b['source_that_stands']} stands; set aside "
                         f"{b['sources_set_aside']} ({b['values_set_aside']}), reviewed by {b['reviewed_by']} on "
                         f"{b['reviewed_on']}")
        elif b is None:
            lines.append(f"- {name}: resolution removed")
        elif changes := _changes(a, b, CONFLICT_FIELDS):
            lines.append(f"~ {name}: " + "; ".join(changes))
    return lines


def targets_section(old: pl.DataFrame, new: pl.DataFrame) -> tuple[list[str], dict[str, list[str]]]:
    """Targets added, removed, changed; and the changes per target id (for the assessments' 'why')."""
    before, after = _rows(old, ["target_id"]), _rows(new, ["target_id"])
    lines, changed = [], {}
    for (tid,) in sorted(before.keys() | after.keys()):
        a, b = before.get((tid,)), after.get((tid,))
        if a is None:
            lines.append(f"+ {tid} {b['region_code'] or '(region not named)'} {b['indicator_id']} {b['comparator']} "
                         f"{b['value'] or '∅'} {b['unit'] or ''} by {b['target_year'] or 'year not stated'}")
        elif b is None:
            lines.append(f"- {tid}")
        elif changes := _changes(a, b, TARGET_FIELDS):
            lines.append(f"~ {tid}: " + "; ".join(changes))
            changed[tid] = changes
    return lines, changed


def assessments_section(old: pl.DataFrame, new: pl.DataFrame, target_changes: dict[str, list[str]],
                        figure_changes: dict[tuple, list[str]]) -> list[str]:
    """Assessments whose status, actual or gap changed, each with the inputs that changed."""
    before, after = _rows(old, ["target_id"]), _rows(new, ["target_id"])
    lines = []
    for (tid,) in sorted(before.keys() & after.keys()):
        a, b = before[(tid,)], after[(tid,)]
        changes = _changes(a, b, ASSESSMENT_FIELDS)
        if not changes:
            continue
        lines.append(f"~ {tid} ({b['region_code'] or 'region not named'} {b['indicator_id']}): " + "; ".join(changes))
        why = []
        if tid in target_changes:
            why.append("its target changed (" + "; ".join(target_changes[tid]) + ")")
        series = (b["region_code"], b["indicator_id"])
        if series in figure_changes:
            why.append("figures of its region and indicator changed: " + "; ".join(figure_changes[series]))
        lines.append("    why: " + (" and ".join(why) if why else
                                    "neither its target nor its figures changed: the method or params.yaml did"))
    return lines


def context_section(old: pl.DataFrame, new: pl.DataFrame) -> list[str]:
    """Context figures (a parent region's series, stored once) added or removed, in key order."""
    before, after = _rows(_context_figures(old), CONTEXT_KEY), _rows(_context_figures(new), CONTEXT_KEY)
    lines = []
    for sign, keys, rows in (("+", after.keys() - before.keys(), after), ("-", before.keys() - after.keys(), before)):
        for key in keys:
            row = rows[key]
            lines.append((key, sign, f"{sign} {row['region_code']} {row['indicator_id']} {row['year']} = "
                                     f"{row['value']} {row['unit']} [source {row['source_id']}]"))
    return [line for _, _, line in sorted(lines, key=lambda item: (tuple(v or "" for v in item[0]), item[1]))]


def _context_figures(frame: pl.DataFrame) -> pl.DataFrame:
    """The context table in its current shape (each series once). Snapshots from before 2026-11 repeated the
    series per target (target_id, context_region_code, context_level): those are reduced to the same shape."""
    if "target_id" not in frame.columns:
        return frame
    return (frame.rename({"context_region_code": "region_code", "context_level": "level"}).drop("target_id")
            .unique(maintain_order=True))


def _package(directory: Path) -> dict:
    path = directory / "datapackage.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def compare(old_dir: Path, new_dir: Path, old_name: str = "OLD", new_name: str = "NEW") -> Diff:
    """The differences between two processed directories."""
    diff = Diff()
    for label, name, directory in (("old", old_name, old_dir), ("new", new_name, new_dir)):
        package = _package(directory)
        diff.header.append(f"{label}: {name}: version {package.get('version', 'not named')}, raw snapshot "
                           f"{str(package.get('raw_snapshot_sha256', 'unknown'))[:12]}")
    tables = {side: {name: read_table(d, name) for name in
                     ("observations", "conflicts", "targets", "assessments", "context")}
              for side, d in (("old", old_dir), ("new", new_dir))}
    figures = figures_section(tables["old"]["observations"], tables["new"]["observations"])
    targets, target_changes = targets_section(tables["old"]["targets"], tables["new"]["targets"])
    diff.sections["Figures added (+), removed (-), changed (~)"] = figures
    diff.sections["Conflicts between sources and their resolutions"] = conflicts_section(
        tables["old"]["conflicts"], tables["new"]["conflicts"])
    diff.sections["Targets added, removed, changed"] = targets
    diff.sections["Assessments whose status, actual or gap changed"] = assessments_section(
        tables["old"]["assessments"], tables["new"]["assessments"], target_changes,
        _figure_changes_by_series(tables["old"]["observations"], tables["new"]["observations"]))
    diff.sections["Context figures added or removed"] = context_section(tables["old"]["context"],
                                                                     tables["new"]["context"])
    return diff


def _figure_changes_by_series(old: pl.DataFrame, new: pl.DataFrame) -> dict[tuple, list[str]]:
    """The figure lines of each (region_code, indicator_id) series, for an assessment's 'why'."""
    by_series: dict[tuple, list[str]] = {}
    before, after = _rows(old, ["observation_id"]), _rows(new, ["observation_id"])
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        row = b or a
        if not row.get("indicator_id"):
            continue
        if a is None:
            text = f"{b['source_id']} {b['year'] or 'undated'} = {b['value']} added"
        elif b is None:
            text = f"{a['source_id']} {a['year'] or 'undated'} = {a['value']} removed"
        elif changes := _changes(a, b, FIGURE_FIELDS):
            text = f"{b['source_id']} {b['year'] or 'undated'}: " + ", ".join(changes)
        else:
            continue
        by_series.setdefault((row["region_code"], row["indicator_id"]), []).append(text)
    return by_series


# ---------------------------------------------------------------- sides: directory, archive, git revision

def _processed_in(directory: Path) -> Path | None:
    for candidate in (directory, directory / "data" / "processed", directory / "processed"):
        if (candidate / "observations.csv").exists() or (candidate / "datapackage.json").exists():
            return candidate
    return None


def _extract(archive: Path, into: Path) -> Path:
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(into, filter="data")
    found = sorted(p.parent for p in into.rglob("datapackage.json"))
    if not found:
        raise InputError(str(archive), "no datapackage.json inside: not an edugap release archive")
    return found[0]


def _build_revision(revision: str, into: Path) -> Path:
    """Check the revision out in a temporary worktree and build its processed data there."""
    root = project_root()
    git = ["git", "-C", str(root)]
    resolved = subprocess.run([*git, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
                              capture_output=True, text=True)
    if resolved.returncode != 0:
        raise InputError(revision, "is neither a processed directory, a release archive nor a git revision")
    worktree = into / "worktree"
    subprocess.run([*git, "worktree", "add", "--detach", "--quiet", str(worktree), resolved.stdout.strip()],
                   check=True, capture_output=True)
    try:
        (worktree / ".venv").symlink_to(root / ".venv")
        # The checkout's pyproject.toml is newer than the venv's stamp, so make would reinstall the package
        # (pip install -e) from the temporary worktree and point the shared venv at it. Never: the stamps are
        # taken as up to date (-o), and any pip install that still runs is a dry run.
        # and the console script (edugap) imports the installed package: the revision runs its own code.
        env = {k: v for k, v in os.environ.items() if k != "EDUGAP_ROOT"} | {"PIP_DRY_RUN": "1",
                                                                          "PYTHONPATH": str(worktree)}
        build = subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", "-o",
                                ".venv/.system-packages", "data/processed/datapackage.json"], cwd=worktree,
                               capture_output=True, text=True, env=env)
        if build.returncode != 0:
            raise InputError(revision, f"building its processed data failed:\n{build.stdout[-2000:]}"
                             f"{build.stderr[-2000:]}")
        processed = into / "processed"
        shutil.copytree(worktree / "data" / "processed", processed)
        return processed
    finally:
        subprocess.run([*git, "worktree", "remove", "--force", str(worktree)], capture_output=True)


@contextlib.contextmanager
def resolve_side(spec: str) -> Iterator[Path]:
    """The processed directory a side names (temporary for archives and revisions)."""
    path = Path(spec)
    if path.is_dir() and (found := _processed_in(path)):
        yield found
        return
    with tempfile.TemporaryDirectory(prefix="edugap-diff-") as tmp:
        if path.is_file() and path.name.endswith((".tar.gz", ".tgz")):
            yield _extract(path, Path(tmp))
        else:
            yield _build_revision(spec, Path(tmp))


@step_command("diff")
@click.argument("old")
@click.argument("new")
def main(old: str, new: str) -> None:
    """What changed between two snapshots OLD and NEW (git revisions, release archives or processed directories)."""
    with resolve_side(old) as old_dir, resolve_side(new) as new_dir:
        sys.stdout.write(compare(old_dir, new_dir, old, new).text())


if __name__ == "__main__":
    sys.exit(main())
