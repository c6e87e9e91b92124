"""``data/processed/datapackage.json``: a Frictionless Data Package (v1) describing every processed file,
so the processed dataset can be cited and checked on its own: the snapshot version (CHANGELOG.md), and per
file path, format, bytes, sha256, and for CSV tables the schema (field names and types). No timestamps: the
same files give the same bytes. ``frictionless validate data/processed/datapackage.json`` passes.

Two choices made so that the reference validator (Frictionless 5) can check every resource:

* A Parquet twin is described as a file (``"type": "file"``: bytes and sha256, which Frictionless checks),
  not as a table. Frictionless 5 reads Parquet through pandas, which turns a null integer (a missing year)
  into NaN and then rejects it as "not an integer", and it never counts a Parquet file's bytes. The twin has
  the same rows, columns and types as its CSV, whose schema the package declares (the tests check both).
* ``summary`` has no primary key: one of its rows groups the targets of a plan that names no region, so its
  ``region_code`` is empty (and ``ALL`` is the total). ``region_code`` is declared unique instead.

Command line::

    python -m analysis.datapackage      # after every processed table is built
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

import polars as pl

from .atomic import write_json_atomic
from .cli import step_command
from .errors import InputError
from .paths import processed_dir, raw_dir, relative
from .schemas import TABLES
from .snapshot import sha256_bytes, snapshot_hash, verify_all
from .versions import check as checked_version

DESCRIPTOR = "datapackage.json"
FORMATS = {  # suffix -> (format, mediatype, text encoding or None)
    ".csv": ("csv", "text/csv", "utf-8"),
    ".parquet": ("parquet", "application/vnd.apache.parquet", None),
    ".json": ("json", "application/json", "utf-8"),
}
# Files that are not tables of analysis/schemas.py (which describes every table, its key and its types).
OTHER_DESCRIPTIONS = {
    "validation_summary": "Results of the validation suites (expectation, severity, passed, failing cells).",
}
LICENSE = {
    "name": "notspecified",
    "title": "License note: the figures are quoted from the official publications listed under sources, whose "
             "terms of re-use apply; no further license is granted for them. The code that derives these tables "
             "is MIT-licensed (see the project's pyproject.toml).",
}
IDENTIFIER = re.compile(r"(^|_)(code|id)$")  # codes and ids are strings even when they look like numbers


def field_type(dtype: pl.DataType) -> str:
    """Frictionless (Table Schema v1) type of a polars dtype."""
    if dtype.is_integer():
        return "integer"
    if dtype.is_float() or dtype.is_decimal():
        return "number"
    if dtype == pl.Boolean:
        return "boolean"
    if dtype == pl.Date:
        return "date"
    if dtype == pl.Datetime:
        return "datetime"
    if isinstance(dtype, (pl.List, pl.Array)):
        return "array"
    return "string"


def _infer_csv_type(name: str, cells: pl.Series) -> str:
    """Type of a CSV column with no Parquet twin: the narrowest type every non-empty cell fits."""
    values = cells.drop_nulls().filter(cells.drop_nulls() != "")
    if IDENTIFIER.search(name) or values.is_empty():
        return "string"
    if values.str.contains(r"^-?\d+$").all():
        return "integer"
    if values.cast(pl.Float64, strict=False).null_count() == 0:
        return "number"
    if values.str.to_lowercase().is_in(["true", "false"]).all():
        return "boolean"
    return "string"


def table_schema(path: Path) -> dict:
    """Fields of a table: its schema's columns and types (analysis/schemas.py) when it is a table of the
    project, else inferred from the cells; the header on disk must be the schema's."""
    if path.suffix == ".csv":
        header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8").split("\n", 1)[0])), [])
    else:
        header = list(pl.read_parquet_schema(path))
    table = TABLES.get(path.stem)
    if table is not None:
        if header != table.names:
            raise InputError(relative(path), f"columns {header} differ from the schema's {table.names} "
                             "(analysis/schemas.py): rebuild it")
        types = {name: field_type(dtype) for name, dtype in table.dtypes.items()}
    else:
        frame = pl.read_csv(path, infer_schema=False) if header else pl.DataFrame()
        types = {name: _infer_csv_type(name, frame[name]) for name in header}
    unique = table.unique if table else ()
    schema = {"fields": [{"name": name, "type": types[name]} | ({"constraints": {"unique": True}} if name in unique
                                                                 else {}) for name in header]}
    if table is not None and table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    return schema


def description(stem: str) -> str | None:
    return TABLES[stem].description if stem in TABLES else OTHER_DESCRIPTIONS.get(stem)


def resource(path: Path) -> dict:
    data = path.read_bytes()
    fmt, mediatype, encoding = FORMATS[path.suffix]
    entry = {"name": path.name.lower().replace("_", "-"), "path": path.name, "format": fmt, "mediatype": mediatype,
             "bytes": len(data), "hash": f"sha256:{sha256_bytes(data)}"}
    if encoding:
        entry["encoding"] = encoding
    if description(path.stem):
        entry["description"] = description(path.stem)
    if fmt == "parquet":
        table_schema(path)  # a twin whose columns differ from its CSV is an error
        entry["type"] = "file"
        entry["description"] = (f"Parquet twin of {path.stem}.csv: the same rows and columns, typed as in the schema "
                                f"of {path.stem}.csv. " + entry.get("description", ""))
    elif fmt == "csv":
        entry["profile"] = "tabular-data-resource"
        entry["schema"] = table_schema(path)
        entry["dialect"] = {"delimiter": ",", "lineTerminator": "\n", "header": True}
    return entry


def package_sources(directory: Path) -> list[dict]:
    """Every cited source (from sources.csv), in source_id order; empty when the table is not built."""
    path = directory / "sources.csv"
    if not path.exists():
        return []
    frame = pl.read_csv(path, infer_schema=False).sort("source_id")
    sources = []
    for row in frame.iter_rows(named=True):
        entry = {"title": row.get("title") or row["source_id"], "source_id": row["source_id"]}
        url = row.get("url") or ""
        if re.match(r"https?://", url):
            entry["path"] = url
        elif url:
            entry["description"] = url  # where the source is, when it has no URL
        for key in ("publisher", "published", "kind"):
            if row.get(key):
                entry[key] = row[key]
        sources.append(entry)
    return sources


def processed_files(directory: Path) -> list[Path]:
    """Every processed file the package describes: known formats, not hidden (temporary), not itself."""
    return sorted(p for p in directory.iterdir()
                  if p.is_file() and p.suffix in FORMATS and not p.name.startswith(".") and p.name != DESCRIPTOR)


def describe(directory: Path | None = None, version: str | None = None, raw_hash: str | None = None) -> dict:
    """The descriptor; ``version``: the snapshot version (:func:`analysis.versions.check`), omitted if None."""
    directory = directory or processed_dir()
    files = processed_files(directory)
    if not files:
        raise InputError(relative(directory), "no processed files to describe: build the tables first")
    return {
        "profile": "data-package",
        "name": "edugap-processed",
        **({"version": version} if version else {}),
        "title": "edugap: targets of Chinese regional education action plans, official figures and gap assessments",
        "description": "Processed tables of the edugap project. Every target is proven by a verbatim quote of its "
                       "plan; every figure cites its source; assessments follow GUIDE.md §3 (SDG-monitoring "
                       "conventions). Hashes let anyone check they have the same files.",
        "keywords": ["education", "China", "policy targets", "SDG monitoring", "gap analysis"],
        "licenses": [LICENSE],
        "sources": package_sources(directory),
        "raw_snapshot_sha256": raw_hash or snapshot_hash(verify_all(raw_dir())),
        "resources": [resource(p) for p in files],
    }


def run() -> dict:
    """The step: check the snapshot version (CHANGELOG.md), describe every processed file, write
    datapackage.json."""
    raw_hash = snapshot_hash(verify_all(raw_dir()))
    package = describe(version=checked_version(raw_hash), raw_hash=raw_hash)
    write_json_atomic(processed_dir() / DESCRIPTOR, package)
    return package


@step_command("datapackage")
def main() -> None:
    """Describe data/processed as a Frictionless data package (datapackage.json)."""
    package = run()
    print(f"described {len(package['resources'])} resources, version {package['version']} -> "
          f"{relative(processed_dir() / DESCRIPTOR)}")


if __name__ == "__main__":
    sys.exit(main())
