"""Snapshot versions: one named, dated version for the whole data snapshot, recorded in ``CHANGELOG.md``.

``CHANGELOG.md`` (repository root) is the one place a version lives. People write it; the build checks it.
Newest first, one entry per version::

    ## Unreleased
    - one line per change not yet released (figures added, corrected, resolved; targets; catalogue)

    ## 2026.11.0 (2026-11-25)
    Raw snapshot: `<sha256 printed by python -m analysis.snapshot hash>`
    - what changed in this version

A version is ``YYYY.MM.N`` (calendar year and month of the release, then a number within that month), so a
reader sees at once how recent a snapshot is. The entry records the raw-snapshot hash, which ties the name to
the exact inputs. The build fails when the raw data differ from the newest version's hash and the
``Unreleased`` section says nothing: every change to the data is described by a person before it is built.
``CITATION.cff`` carries a copy of the newest version and date (checked here; written by ``stamp``).

Command line::

    python -m analysis.versions                 # check; print the version the build will carry
    python -m analysis.versions stamp 2026.12.0 [2026-12-01]   # turn 'Unreleased' into a version entry
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click

from .cli import StepGroup
from .errors import InputError
from .paths import project_root, raw_dir, relative
from .snapshot import snapshot_hash, verify_all

UNRELEASED = "Unreleased"
HEADING = re.compile(r"^## (?P<title>.+?)\s*$")
VERSION_HEADING = re.compile(r"^(?P<version>\d{4}\.\d{1,2}\.\d+) \((?P<date>\d{4}-\d{2}-\d{2})\)$")
RAW_LINE = re.compile(r"^Raw snapshot: `?(?P<hash>[0-9a-f]{64})`?\s*$")


def changelog_path() -> Path:
    return project_root() / "CHANGELOG.md"


def citation_path() -> Path:
    return project_root() / "CITATION.cff"


@dataclass(frozen=True)
class Entry:
    """One section of the changelog: a released version, or the Unreleased changes (version None)."""
    version: str | None
    date: str | None
    raw_hash: str | None
    text: str  # the section as written, heading included
    line: int  # line of the heading (1-based)

    @property
    def has_changes(self) -> bool:
        """Any written line besides the heading and the hash line."""
        body = self.text.splitlines()[1:]
        return any(line.strip() and not RAW_LINE.match(line.strip()) for line in body)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def parse(text: str, name: str = "CHANGELOG.md") -> list[Entry]:
    """The sections of a changelog, newest first, checked: headings, dates, one hash per version, order."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if HEADING.match(line)]
    entries: list[Entry] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        section = "\n".join(lines[start:end]).rstrip() + "\n"
        title = HEADING.match(lines[start])["title"]
        if title == UNRELEASED:
            if entries:
                raise InputError(name, "'## Unreleased' must be the first section (newest first)", row=start + 1)
            entries.append(Entry(None, None, None, section, start + 1))
            continue
        heading = VERSION_HEADING.match(title)
        if not heading:
            raise InputError(name, f"heading {lines[start]!r} is neither '## Unreleased' nor "
                             "'## YYYY.MM.N (YYYY-MM-DD)'", row=start + 1)
        try:
            date.fromisoformat(heading["date"])
        except ValueError:
            raise InputError(name, f"{heading['date']!r} is not a date", row=start + 1) from None
        hashes = [(i, RAW_LINE.match(lines[i].strip())) for i in range(start + 1, end)]
        hashes = [(i, m["hash"]) for i, m in hashes if m]
        if len(hashes) != 1:
            raise InputError(name, f"version {heading['version']} needs exactly one line 'Raw snapshot: <sha256>' "
                             f"(found {len(hashes)}); the hash is printed by `python -m analysis.snapshot hash`",
                             row=start + 1)
        entry = Entry(heading["version"], heading["date"], hashes[0][1], section, start + 1)
        previous = next((e for e in reversed(entries) if e.version), None)
        if previous and (_version_key(entry.version) >= _version_key(previous.version) or entry.date > previous.date):
            raise InputError(name, f"version {entry.version} ({entry.date}) is listed after {previous.version} "
                             f"({previous.date}): newest first, versions and dates descending", row=start + 1)
        entries.append(entry)
    return entries


def read_changelog() -> list[Entry]:
    path = changelog_path()
    if not path.exists():
        raise InputError(relative(path), "missing: the data snapshot's versions and changes are recorded there")
    return parse(path.read_text(encoding="utf-8"), relative(path))


def newest_release(entries: list[Entry]) -> Entry:
    released = [e for e in entries if e.version]
    if not released:
        raise InputError(relative(changelog_path()), "no version yet: add '## YYYY.MM.N (YYYY-MM-DD)' with its "
                         "'Raw snapshot: <sha256>' line")
    return released[0]


def unreleased(entries: list[Entry]) -> Entry | None:
    return entries[0] if entries and entries[0].version is None else None


def snapshot_version() -> tuple[str, str, str]:
    """(version, date, raw-snapshot hash) of the newest released version: what a reader cites."""
    entry = newest_release(read_changelog())
    return entry.version, entry.date, entry.raw_hash


def current_raw_hash() -> str:
    return snapshot_hash(verify_all(raw_dir()))


def check(raw_hash: str | None = None) -> str:
    """The version label the build carries: the newest version when the raw data are that version's, else
    ``<newest>+unreleased`` when 'Unreleased' describes the change. An undescribed change is an error."""
    entries = read_changelog()
    newest = newest_release(entries)
    raw_hash = raw_hash or current_raw_hash()
    _check_citation(newest)
    if raw_hash == newest.raw_hash:
        return newest.version
    pending = unreleased(entries)
    if pending is None or not pending.has_changes:
        raise InputError(relative(changelog_path()), f"the raw data (snapshot {raw_hash[:12]}) differ from version "
                         f"{newest.version} ({newest.raw_hash[:12]}): write one line under '## Unreleased' in "
                         "CHANGELOG.md saying what changed")
    return f"{newest.version}+unreleased"


def _citation_fields() -> dict[str, str]:
    path = citation_path()
    if not path.exists():
        return {}
    fields = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(version|date-released):\s*\"?([^\"#]*?)\"?\s*$", line)
        if match:
            fields[match[1]] = match[2]
    return fields


def _check_citation(newest: Entry) -> None:
    """CITATION.cff names the newest version and its date (a copy that ``stamp`` writes, checked here)."""
    fields = _citation_fields()
    if fields and (fields.get("version"), fields.get("date-released")) != (newest.version, newest.date):
        raise InputError(relative(citation_path()), f"version {fields.get('version')!r} / date-released "
                         f"{fields.get('date-released')!r} differ from CHANGELOG.md's newest version {newest.version} "
                         f"({newest.date}); set them to match", column="version")


def stamp(version: str, on: str, raw_hash: str) -> tuple[str, str]:
    """The changelog with 'Unreleased' turned into a version entry (and an empty 'Unreleased' above it), and
    CITATION.cff with the new version and date; both as text, nothing written."""
    entries = read_changelog()
    pending = unreleased(entries)
    name = relative(changelog_path())
    if pending is None or not pending.has_changes:
        raise InputError(name, "nothing under '## Unreleased': describe the changes first")
    if not VERSION_HEADING.match(f"{version} ({on})"):
        raise InputError(name, f"version {version!r} / date {on!r}: write YYYY.MM.N and YYYY-MM-DD")
    newest = newest_release(entries)
    if _version_key(version) <= _version_key(newest.version) or on < newest.date:
        raise InputError(name, f"version {version} ({on}) must come after {newest.version} ({newest.date})")
    body = pending.text.split("\n", 1)[1].strip("\n")
    entry = f"## {UNRELEASED}\n\n## {version} ({on})\n\nRaw snapshot: `{raw_hash}`\n\n{body}\n"
    text = changelog_path().read_text(encoding="utf-8").replace(pending.text, entry + "\n", 1)
    citation = citation_path().read_text(encoding="utf-8")
    citation = re.sub(r"(?m)^version:.*$", f"version: {version}", citation)
    citation = re.sub(r"(?m)^date-released:.*$", f'date-released: "{on}"', citation)
    return text, citation


def snapshot_info(raw_hash: str | None = None) -> dict:
    """What the report's title block and footer show: the version label the build carries (``2026.11.0``, or
    ``2026.11.0+unreleased``), the newest release's version, date and raw hash, its changelog entry, and the
    text under 'Unreleased' (empty when nothing is pending)."""
    entries = read_changelog()
    newest = newest_release(entries)
    pending = unreleased(entries)
    return {"label": check(raw_hash), "version": newest.version, "date": newest.date, "raw_hash": newest.raw_hash,
            "entry": newest.text, "unreleased": pending.text if pending and pending.has_changes else ""}


def entry_text(version: str) -> str:
    """The changelog entry of one version, as written (for the release archive and the report)."""
    for entry in read_changelog():
        if entry.version == version:
            return entry.text
    raise InputError(relative(changelog_path()), f"no entry for version {version}")


@click.group("version", cls=StepGroup, invoke_without_command=True)
@click.pass_context
def main(ctx: click.Context) -> None:
    """The data snapshot's version (CHANGELOG.md): check it and print it; `stamp` names a new one."""
    if ctx.invoked_subcommand is None:
        label = check()
        version, released, raw_hash = snapshot_version()
        print(f"data snapshot version {label} (newest release {version} of {released}, raw snapshot {raw_hash[:12]})")


@main.command("stamp")
@click.argument("version")
@click.argument("on", required=False)
def stamp_command(version: str, on: str | None) -> None:
    """Turn 'Unreleased' into VERSION (YYYY.MM.N) dated ON (YYYY-MM-DD, default today); update CITATION.cff."""
    from .atomic import write_text_atomic

    on = on or date.today().isoformat()
    changelog, citation = stamp(version, on, current_raw_hash())
    write_text_atomic(changelog_path(), changelog)
    write_text_atomic(citation_path(), citation)
    print(f"stamped version {version} ({on}) in {relative(changelog_path())} and {relative(citation_path())}")


if __name__ == "__main__":
    sys.exit(main())
