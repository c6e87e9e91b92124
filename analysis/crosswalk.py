"""The indicator crosswalk (``data/raw/reference/indicator_crosswalk.csv``: old_id, new_id, relation, note):
how the indicator ids of an older snapshot map onto today's catalogue, so a reader of an old snapshot can
follow, and a file written with old ids can be brought up to date.

relation: ``renamed`` (one old id, one new id), ``merged`` (several old ids, one new id: the same concept
was split by mistake) or ``split`` (one old id, several new ids: it mixed two concepts; which new id a row
gets needs a reader's decision, so rows with a split id are reported, never guessed). Ids not listed are
unchanged.

    edugap crosswalk FILE.csv [--column indicator_id]   # rewrite a column of a CSV in place
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import click

from .atomic import write_text_atomic
from .cli import step_command
from .errors import InputError
from .paths import raw_dir, relative
from .tables import parse_csv, read_raw_csv

COLUMNS = ["old_id", "new_id", "relation", "note"]
RELATIONS = ["renamed", "merged", "split"]


def crosswalk_path() -> Path:
    return raw_dir() / "reference" / "indicator_crosswalk.csv"


def load_crosswalk(indicator_ids: set[str]) -> list[dict]:
    """The crosswalk rows; every new id is in the catalogue, and only a split keeps its old id alive."""
    path = crosswalk_path()
    rows = read_raw_csv(path, COLUMNS)
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        where = dict(row=row["_row"])
        seen = first.setdefault((row["old_id"], row["new_id"]), row["_row"])
        if seen != row["_row"]:
            raise InputError(relative(path), f"{row['old_id']!r} -> {row['new_id']!r} is given in row {seen} already; "
                             "keep one row", column="new_id", **where)
        if row["relation"] not in RELATIONS:
            raise InputError(relative(path), f"relation {row['relation']!r} is not one of {RELATIONS}",
                             column="relation", **where)
        if row["new_id"] not in indicator_ids:
            raise InputError(relative(path), f"new_id {row['new_id']!r} is not in indicators.csv", column="new_id",
                             **where)
        if row["relation"] != "split" and row["old_id"] in indicator_ids:
            raise InputError(relative(path), f"old_id {row['old_id']!r} is still in indicators.csv: a "
                             f"{row['relation']} id is retired", column="old_id", **where)
    return rows


def one_to_one(rows: list[dict]) -> dict[str, str]:
    """old id -> new id for the relations that need no decision (renamed, merged)."""
    return {r["old_id"]: r["new_id"] for r in rows if r["relation"] != "split"}


def split_ids(rows: list[dict]) -> dict[str, list[str]]:
    """old id -> its new ids, for the ids that mixed two concepts."""
    out: dict[str, list[str]] = {}
    for r in rows:
        if r["relation"] == "split":
            out.setdefault(r["old_id"], []).append(r["new_id"])
    return out


def apply_to_csv(text: str, name: str, column: str, rows: list[dict]) -> tuple[str, list[str]]:
    """The CSV text with ``column`` mapped through the crosswalk, and one message per row left to decide."""
    records = parse_csv(text, name, [column], optional=_header(text))
    mapping, splits = one_to_one(rows), split_ids(rows)
    undecided = [f"{name}, row {r['_row']}: {r[column]!r} was split into {splits[r[column]]}; choose one by hand"
                 for r in records if r[column] in splits]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_header(text), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow(record | {column: mapping.get(record[column], record[column])})
    return out.getvalue(), undecided


def _header(text: str) -> list[str]:
    return [h.strip() for h in next(csv.reader(io.StringIO(text)))]


@step_command("crosswalk")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--column", default="indicator_id", show_default=True, help="the column holding indicator ids")
def main(file: Path, column: str) -> int:
    """Bring a CSV written with older indicator ids up to date; list the rows whose id was split."""
    from .reference import load_indicators
    rows = load_crosswalk(set(load_indicators()))
    text, undecided = apply_to_csv(file.read_text(encoding="utf-8"), str(file), column, rows)
    write_text_atomic(file, text)
    for message in undecided:
        print(f"decide: {message}", file=sys.stderr)
    print(f"{file}: {column} mapped through the crosswalk; {len(undecided)} row(s) left to decide")
    return 1 if undecided else 0


if __name__ == "__main__":
    sys.exit(main())
