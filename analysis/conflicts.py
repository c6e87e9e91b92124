"""Conflicts between sources, and the reviewed resolutions that settle them.

Two sources that give different values for the same region, catalogue indicator and reference year are a
*conflict*. The source ranking (official > official-media > …) is a default for picking among agreeing
figures, not a verdict on disagreeing ones: a conflict stops the build until a person has reviewed it and
written a *resolution* in ``data/raw/statistics/resolutions.csv`` (checksummed like every raw file):

    region_code, indicator_id, year, source_that_stands, sources_set_aside (;-separated), reason,
    reviewed_by, reviewed_on (YYYY-MM-DD)

The figures of the sources set aside are kept in the processed observations, with ``usable = false``,
``unusable_reason = set_aside`` and ``set_aside_by = <region_code>:<indicator_id>:<year>``, so the assessment
and the charts (which take usable rows only) use the figure that stands, and a reader still sees the rest.
``data/processed/conflicts.csv`` lists every conflict with its resolution, for the report.

A resolution whose conflict has gone (the sources agree now, or a row was removed) is *stale*: it is not
applied, and it is reported as a warning (stderr and the validation summary), not an error, because the
data are right without it; the maintainers delete it at their next review.

Only dated figures of catalogue indicators whose period is stated take part: an undated figure has no
reference year to disagree on, and context figures (no ``indicator_id``) are never used as actuals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from .errors import InputError
from .paths import raw_dir, relative
from .tables import read_raw_csv, read_table, reject_formulas, table_path

RESOLUTION_COLUMNS = ["region_code", "indicator_id", "year", "source_that_stands", "sources_set_aside", "reason",
                      "reviewed_by", "reviewed_on"]
CONFLICT_COLUMNS = ["region_code", "indicator_id", "year", "value", "source_that_stands", "sources_confirming",
                    "sources_set_aside", "values_set_aside", "reason", "reviewed_by", "reviewed_on"]
POINT = ["region_code", "indicator_id", "year"]
SET_ASIDE = "set_aside"  # the unusable_reason of a figure a resolution sets aside


def resolutions_path() -> Path:
    return raw_dir() / "statistics" / "resolutions.csv"


def observations_file() -> str:
    return relative(raw_dir() / "statistics" / "observations.csv")


def point_key(region_code: str, indicator_id: str, year: int) -> str:
    """``<region_code>:<indicator_id>:<year>``: how a conflict and its resolution are named."""
    return f"{region_code}:{indicator_id}:{year}"


@dataclass(frozen=True)
class Resolution:
    """One reviewed decision: at this point, ``stands`` is right and ``set_aside`` are not used."""
    row: int
    region_code: str
    indicator_id: str
    year: int
    stands: str
    set_aside: tuple[str, ...]
    reason: str
    reviewed_by: str
    reviewed_on: str

    @property
    def key(self) -> str:
        return point_key(self.region_code, self.indicator_id, self.year)


@dataclass(frozen=True)
class Report:
    """One source's figure at a disputed point."""
    source_id: str
    value: float
    row: int


@dataclass(frozen=True)
class Conflict:
    region_code: str
    indicator_id: str
    year: int
    reports: tuple[Report, ...]  # in raw-file row order

    @property
    def key(self) -> str:
        return point_key(self.region_code, self.indicator_id, self.year)

    def describe(self) -> str:
        return f"region {self.region_code}, indicator {self.indicator_id}, year {self.year}"


def _number(value: float) -> str:
    return f"{value:g}"


def _reports_text(reports) -> str:
    return ", ".join(f"{r.source_id} gives {_number(r.value)} (row {r.row})" for r in reports)


def load_resolutions(sources: dict[str, dict]) -> list[Resolution]:
    """The reviewed resolutions, each checked on its own (fields filled, dates real, sources cited).

    ``sources``: the citation records by source id (:func:`analysis.statistics.load_sources`). A tree
    without the file has no resolutions.
    """
    path = resolutions_path()
    if not path.exists() and not path.with_name(path.name + ".meta.yaml").exists():
        return []
    name = relative(path)
    resolutions: dict[str, Resolution] = {}
    for row in read_raw_csv(path, RESOLUTION_COLUMNS):
        reject_formulas(name, row)  # reason and reviewer reach data/processed/conflicts.csv as typed
        where = dict(row=row["_row"])
        for column in RESOLUTION_COLUMNS:
            if not row[column]:
                raise InputError(name, f"{column} is empty: a resolution says where, which source stands, which "
                                 "are set aside, why, who reviewed it and when", column=column, **where)
        if not re.fullmatch(r"[0-9]{4}", row["year"]):  # ASCII only: str.isdigit() takes ２０２３ too
            raise InputError(name, f"year {row['year']!r} is not a four-digit year", column="year", **where)
        try:
            date.fromisoformat(row["reviewed_on"])
        except ValueError:
            raise InputError(name, f"reviewed_on {row['reviewed_on']!r} is not a date written YYYY-MM-DD",
                             column="reviewed_on", **where) from None
        set_aside = tuple(s.strip() for s in row["sources_set_aside"].split(";") if s.strip())
        for column, ids in (("source_that_stands", [row["source_that_stands"]]), ("sources_set_aside", set_aside)):
            for source_id in ids:
                if source_id not in sources:
                    raise InputError(name, f"source {source_id!r} is not in {relative(raw_dir() / 'statistics/sources.csv')}; "
                                     "name the source_id exactly as it is cited there", column=column, **where)
        if row["source_that_stands"] in set_aside or len(set(set_aside)) != len(set_aside):
            raise InputError(name, "sources_set_aside repeats a source or names the source that stands",
                             column="sources_set_aside", **where)
        resolution = Resolution(row["_row"], row["region_code"], row["indicator_id"], int(row["year"]),
                                row["source_that_stands"], set_aside, row["reason"], row["reviewed_by"],
                                row["reviewed_on"])
        if resolution.key in resolutions:
            raise InputError(name, f"a second resolution for {resolution.key} (first in row "
                             f"{resolutions[resolution.key].row}); keep one", column="region_code", **where)
        resolutions[resolution.key] = resolution
    return list(resolutions.values())


def find_conflicts(observations: pl.DataFrame) -> list[Conflict]:
    """Every point (region, indicator, year) at which dated, period-stated figures of different sources differ.

    ``observations``: checked observations (:func:`analysis.statistics.checked_observations`) with ``_row``.
    """
    dated = observations.filter(pl.col("indicator_id").is_not_null() & pl.col("unusable_reason").is_null())
    disputed = (dated.group_by(POINT).agg(pl.col("value").n_unique().alias("_values"))
                .filter(pl.col("_values") > 1).select(POINT))
    rows = dated.join(disputed, on=POINT).sort([*POINT, "_row"])
    conflicts = []
    for (code, indicator, year), group in rows.group_by(POINT, maintain_order=True):
        reports = tuple(Report(r["source_id"], r["value"], r["_row"]) for r in group.iter_rows(named=True))
        conflicts.append(Conflict(code, indicator, year, reports))
    return conflicts


def _check_settles(conflict: Conflict, resolution: Resolution) -> None:
    """The resolution names sources that report this point, and once its set-aside sources are removed,
    every remaining source agrees."""
    name = relative(resolutions_path())
    where = dict(row=resolution.row)
    reporting = {r.source_id for r in conflict.reports}
    for column, ids in (("source_that_stands", [resolution.stands]), ("sources_set_aside", resolution.set_aside)):
        for source_id in ids:
            if source_id not in reporting:
                raise InputError(name, f"{source_id!r} gives no figure for {conflict.describe()}; the sources "
                                 f"that do: {_reports_text(conflict.reports)}", column=column, **where)
    kept = [r for r in conflict.reports if r.source_id not in resolution.set_aside]
    if len({r.value for r in kept}) > 1:
        raise InputError(name, f"after setting aside {';'.join(resolution.set_aside)}, the sources still disagree on "
                         f"{conflict.describe()}: {_reports_text(kept)}", column="sources_set_aside", **where)


def _unresolved(conflicts: list[Conflict]) -> InputError:
    first, others = conflicts[0], len(conflicts) - 1
    more = f" ({others} further unresolved conflict(s) follow)" if others else ""
    return InputError(observations_file(), f"sources disagree on {first.describe()}: {_reports_text(first.reports)}. "
                      f"Review the sources and add a resolution to {relative(resolutions_path())} (which source "
                      "stands, which are set aside, why, reviewed_by, reviewed_on), then record it with "
                      f"`python -m analysis.snapshot record {relative(resolutions_path())}`{more}",
                      row=first.reports[0].row, column="value")


def settled(observations: pl.DataFrame, resolutions: list[Resolution]) -> list[tuple[Conflict, Resolution]]:
    """Every conflict with the resolution that settles it; an unresolved conflict or a resolution that does not
    settle its conflict is an :class:`InputError`."""
    by_key = {r.key: r for r in resolutions}
    conflicts = find_conflicts(observations)
    unresolved = [c for c in conflicts if c.key not in by_key]
    if unresolved:
        raise _unresolved(unresolved)
    pairs = [(c, by_key[c.key]) for c in conflicts]
    for conflict, resolution in pairs:
        _check_settles(conflict, resolution)
    return pairs


def apply(observations: pl.DataFrame, resolutions: list[Resolution]) -> pl.DataFrame:
    """The observations with every set-aside figure marked ``usable = false``, ``unusable_reason = set_aside``
    and ``set_aside_by = <key of the resolution>``."""
    marks = [{"region_code": c.region_code, "indicator_id": c.indicator_id, "year": c.year, "source_id": s,
              "_by": r.key}
             for c, r in settled(observations, resolutions) for s in r.set_aside]
    if not marks:
        return observations
    marks = pl.DataFrame(marks, schema={"region_code": pl.String, "indicator_id": pl.String, "year": pl.Int64,
                                        "source_id": pl.String, "_by": pl.String})
    hit = pl.col("_by").is_not_null()
    return (observations.join(marks, on=[*POINT, "source_id"], how="left", maintain_order="left")
            .with_columns(pl.when(hit).then(pl.lit(False)).otherwise(pl.col("usable")).alias("usable"),
                          pl.when(hit).then(pl.lit(SET_ASIDE)).otherwise(pl.col("unusable_reason"))
                          .alias("unusable_reason"),
                          pl.coalesce("_by", "set_aside_by").alias("set_aside_by"))
            .drop("_by"))


def conflict_table(observations: pl.DataFrame, resolutions: list[Resolution]) -> pl.DataFrame:
    """data/processed/conflicts.csv: one row per conflict, the figure that stands, who agrees with it, what
    was set aside and the reviewed reason; sorted by region, indicator and year."""
    rows = []
    for conflict, resolution in settled(observations, resolutions):
        standing = next(r.value for r in conflict.reports if r.source_id == resolution.stands)
        aside = [r for r in conflict.reports if r.source_id in resolution.set_aside]
        confirming = sorted({r.source_id for r in conflict.reports
                             if r.source_id not in resolution.set_aside and r.source_id != resolution.stands})
        rows.append({"region_code": conflict.region_code, "indicator_id": conflict.indicator_id,
                     "year": conflict.year, "value": standing, "source_that_stands": resolution.stands,
                     "sources_confirming": ";".join(confirming) or None,
                     "sources_set_aside": ";".join(r.source_id for r in aside),
                     "values_set_aside": ";".join(_number(r.value) for r in aside),
                     "reason": resolution.reason, "reviewed_by": resolution.reviewed_by,
                     "reviewed_on": resolution.reviewed_on})
    schema = {c: pl.String for c in CONFLICT_COLUMNS} | {"year": pl.Int64, "value": pl.Float64}
    return pl.DataFrame(rows, schema=schema).sort(POINT)


def resolved(directory: Path | None = None) -> list[dict]:
    """Every conflict with its resolution, from data/processed/conflicts.csv (or ``directory``), for the report's
    data-quality section: one dict per conflict in CONFLICT_COLUMNS, ``sources_confirming``,
    ``sources_set_aside`` and ``values_set_aside`` split into lists."""
    if not table_path("conflicts", directory=directory).exists():
        return []
    table = read_table("conflicts", directory)
    lists = ("sources_confirming", "sources_set_aside", "values_set_aside")
    return [row | {c: (row[c] or "").split(";") if row[c] else [] for c in lists} for row in table.iter_rows(named=True)]


def stale(resolutions: list[Resolution], conflicts: pl.DataFrame) -> list[Resolution]:
    """Resolutions with no conflict to settle (``conflicts``: the conflict table built from the same data)."""
    live = {point_key(*row) for row in conflicts.select(POINT).iter_rows()}
    return [r for r in resolutions if r.key not in live]


def stale_message(resolution: Resolution) -> str:
    return (f"{relative(resolutions_path())}, row {resolution.row}: the resolution for region "
            f"{resolution.region_code}, indicator {resolution.indicator_id}, year {resolution.year} is stale: the "
            "sources no longer disagree there, so it is not applied; delete the row (and record the file), or "
            "correct its region_code, indicator_id or year")


def validation_entries(sources: dict[str, dict], directory: Path | None = None) -> list[dict]:
    """The conflict checks as validation-summary entries: resolutions that settle nothing (warning).

    Reads the processed conflicts table (the statistics step has already stopped on any unresolved conflict).
    """
    if not table_path("conflicts", directory=directory).exists():
        return []
    table = read_table("conflicts", directory)
    failing = [{"file": relative(resolutions_path()), "row": r.row, "column": "year", "value": r.key}
               for r in stale(load_resolutions(sources), table)]
    return [{"suite": "conflicts", "expectation": "resolution_not_stale",
             "description": "every reviewed resolution in data/raw/statistics/resolutions.csv settles a conflict "
                            "that still exists (a stale one is not applied; delete it)",
             "severity": "warning", "passed": not failing, "failing": failing}]
