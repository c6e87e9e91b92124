"""Frozen raw inputs: every file under ``data/raw/`` has a ``<name>.meta.yaml`` beside it holding
its origin (OWID-snapshot style) and its sha256. Every step reads raw files through
:func:`read_raw`, so a tampered or missing input stops the build before anything is computed.

Command line::

    python -m analysis.snapshot verify          # check every raw file (make verify)
    python -m analysis.snapshot verify --write data/interim/snapshot.json   # ... and write the manifest
    python -m analysis.snapshot record PATH...  # record the checksum of a new or deliberately changed file
    python -m analysis.snapshot hash            # print the snapshot hash cited in the report
"""

from __future__ import annotations

import hashlib
import re
import sys
from functools import cache
from pathlib import Path

import click

from .cli import StepGroup
from .errors import ChecksumError, InputError
from .paths import raw_dir, relative
from .yamlfile import read_yaml

META_SUFFIX = ".meta.yaml"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def meta_path(path: Path) -> Path:
    return path.with_name(path.name + META_SUFFIX)


def data_files(root: Path | None = None) -> list[Path]:
    """Every raw data file (everything under data/raw that is not a metadata file), sorted."""
    root = root or raw_dir()
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(META_SUFFIX))


def load_meta(path: Path) -> dict:
    """The metadata record of a raw data file; its absence is itself an error."""
    meta = meta_path(path)
    if not meta.exists():
        raise ChecksumError(relative(path), f"no metadata file {meta.name} beside it; "
                            f"run `edugap record {relative(path)}` and fill in its origin")
    record = read_yaml(meta, relative(meta)) or {}
    from .metadata import validate_meta
    record = validate_meta(record, relative(meta), plan=is_plan(path))
    if str(record["file"]) != path.name:  # a renamed file (with its metadata) is not the file recorded
        raise InputError(relative(meta), f"field 'file' says {record['file']!r} but the metadata is beside "
                         f"{path.name} (renamed?); if the rename is deliberate, write `file: {path.name}` there")
    return record


def is_plan(path: Path) -> bool:
    """Plan texts (data/raw/policies/*) have their own metadata schema."""
    return Path(path).resolve().parent == (raw_dir() / "policies").resolve()


def verify_file(path: Path) -> bytes:
    """Return the file's bytes if they match the recorded sha256; raise naming file, expected and actual hash."""
    path = Path(path)
    if not path.exists() and not meta_path(path).exists():  # a step's input deleted or renamed with its metadata
        raise ChecksumError(relative(path), "missing: the pipeline reads this raw file, and neither it nor its "
                            "metadata is there (renamed or deleted?)")
    record = load_meta(path)
    if not path.exists():
        raise ChecksumError(relative(path), f"missing: the snapshot records it (sha256 {record['sha256']}) "
                            "but the file is not there")
    data = path.read_bytes()
    actual = sha256_bytes(data)
    if actual != record["sha256"]:
        raise ChecksumError(relative(path), f"checksum mismatch: expected sha256 {record['sha256']}, "
                            f"actual {actual}. Raw files are frozen; if the change is deliberate, "
                            f"record it with `python -m analysis.snapshot record {relative(path)}`")
    return data


def orphan_metadata(root: Path | None = None) -> list[Path]:
    """Metadata files whose data file has gone missing."""
    root = root or raw_dir()
    return sorted(m for m in root.rglob("*" + META_SUFFIX)
                  if not m.with_name(m.name[: -len(META_SUFFIX)]).exists())


def verify_all(root: Path | None = None) -> list[tuple[str, str]]:
    """Verify every raw file; return (relative path, sha256) pairs, sorted."""
    root = root or raw_dir()
    for meta in orphan_metadata(root):
        data_file = meta.with_name(meta.name[: -len(META_SUFFIX)])
        verify_file(data_file)  # raises the 'missing' error with the recorded hash
    return [(relative(p), sha256_bytes(verify_file(p))) for p in data_files(root)]


def snapshot_hash(entries: list[tuple[str, str]]) -> str:
    """One hash for the whole raw snapshot: cite it and anyone can check they have the same inputs."""
    listing = "".join(f"{path}  {digest}\n" for path, digest in sorted(entries))
    return sha256_bytes(listing.encode("utf-8"))


@cache
def _read_raw_cached(path: str, mtime_ns: int, size: int) -> bytes:
    return verify_file(Path(path))


def read_raw(path: Path) -> bytes:
    """The only way pipeline code reads a raw file: verified against its recorded checksum."""
    path = Path(path)
    if not path.exists():
        return verify_file(path)
    stat = path.stat()
    return _read_raw_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def read_raw_text(path: Path) -> str:
    """Verified raw text; a file that is not UTF-8 is rejected with the way to convert it."""
    data = read_raw(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(relative(path), f"not UTF-8 (undecodable byte at byte {exc.start}, line {line}); "
                         f"if it is GBK, convert it with `iconv -f GBK -t UTF-8 in.csv > out.csv`",
                         row=line) from exc


PLAN_TEMPLATE = """\
# Origin of this plan text, from what the text itself says. Unknown stays null; dates are written
# "YYYY", "YYYY-MM" or "YYYY-MM-DD" (as precise as the source is). Checked by analysis.metadata.PlanMeta.
# Comments stand on their own lines: the Makefile reads document_id and region_code lines as they are.
file: {name}
# <nnn>-<place>, e.g. 005-changsha; <nnn> = the number the file name starts with (targets are T<nnn>-...)
document_id: null
# the plan's title as the text gives it, and in English
title: null
title_en: null
# e.g. 某市人民政府
issuing_body: null
# GB/T 2260 code from data/raw/reference/regions.csv, in quotes ("430100"); null if the text names none
region_code: null
issue_date: null
# first and last year of the plan period; targets due "by the end of the plan" take the last
plan_period_start: null
plan_period_end: null
date_published: null
# the site or paper the text was copied from, its address, when it was read, its licence
publisher: null
url: null
date_accessed: null
license: null
# simplified, or traditional (converted with OpenCC t2s when normalized)
script: simplified
# rule-based clean-ups of analysis.normalize.CLEANUPS, e.g. [pinyin_glosses]
cleanups: []
# what is wrong with the text, one quoted item a line:  - "A digest, not the full plan."
known_defects: []
sha256: {digest}
bytes: {size}
"""

RAW_TEMPLATE = """\
# Origin of this raw file. Unknown stays null; dates "YYYY", "YYYY-MM" or "YYYY-MM-DD".
file: {name}
title: null  # fill in
producer: null
url: null
date_published: null
date_accessed: null
license: null
description: null
sha256: {digest}
bytes: {size}
"""


def inside_raw(path: Path, raw_root: Path | None = None) -> Path:
    """A path that resolves inside data/raw (of the project, or of the tree ``raw_root`` a benchmark
    builds), or one clear error: record never writes elsewhere."""
    resolved, root = Path(path).resolve(), Path(raw_root or raw_dir()).resolve()
    if not resolved.is_relative_to(root) or resolved == root:
        raise InputError(str(path), f"not inside {relative(root)}/: only raw inputs are recorded "
                         "(copy the file there first)")
    if resolved.name.endswith(META_SUFFIX):
        raise InputError(str(path), "is a metadata file: record the data file beside it")
    if not resolved.is_file():
        raise InputError(str(path), "no such file")
    return resolved


def record(path: Path, raw_root: Path | None = None) -> Path:
    """Write (or update) the sha256 and size in a file's metadata, keeping the hand-written origin fields.
    A new plan text gets the full plan template to fill in; any other new file the origin template."""
    path = inside_raw(path, raw_root)
    data = path.read_bytes()
    meta = meta_path(path)
    digest, size = sha256_bytes(data), len(data)
    if meta.exists():
        text = meta.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^sha256:.*$", f"sha256: {digest}", text)
        text = re.sub(r"(?m)^bytes:.*$", f"bytes: {size}", text)
        if not re.search(r"(?m)^sha256:", text):
            text = text.rstrip("\n") + f"\nsha256: {digest}\n"
        if not re.search(r"(?m)^bytes:", text):
            text = text.rstrip("\n") + f"\nbytes: {size}\n"
    else:
        template = PLAN_TEMPLATE if is_plan(path) else RAW_TEMPLATE
        text = template.format(name=path.name, digest=digest, size=size)
    from .atomic import write_text_atomic
    write_text_atomic(meta, text)
    return meta


def write_manifest(path: Path, entries: list[tuple[str, str]]) -> Path:
    """The verified snapshot as a file: what the report cites and what downstream steps depend on."""
    from .atomic import write_json_atomic

    files = [{"path": p, "sha256": digest} for p, digest in sorted(entries)]
    return write_json_atomic(path, {"snapshot_sha256": snapshot_hash(entries), "files": files})


@click.group("snapshot", cls=StepGroup)
def main() -> None:
    """Frozen raw inputs: verify their checksums, record a deliberate change."""


@main.command("verify")
@click.option("--write", "manifest", type=click.Path(dir_okay=False), help="also write the verified manifest here")
def verify(manifest: str | None) -> None:
    """Check every raw file against its recorded sha256."""
    entries = verify_all()
    if manifest:
        write_manifest(Path(manifest), entries)
    print(f"snapshot verified: {len(entries)} raw files match their checksums (snapshot {snapshot_hash(entries)[:12]})")


@main.command("record")
@click.argument("files", nargs=-1, required=True)
def record_command(files: tuple[str, ...]) -> None:
    """Record the checksum of new or deliberately changed raw files (and a metadata template for a new one)."""
    for name in files:
        print(f"recorded {relative(record(Path(name)))}")


@main.command("hash")
def hash_command() -> None:
    """Print the snapshot hash cited in the report."""
    print(snapshot_hash(verify_all()))


record_cli = record_command  # the `edugap record` command


if __name__ == "__main__":
    sys.exit(main())
