"""The search trail: where official figures were looked for and not found, so that a target without an
actual can say whether its figure is unpublished, unusable or simply not looked for yet.

Input: ``data/raw/statistics/searches.csv`` (one row per fruitless search; read strictly, every bad cell
named by file, row and column). Outputs, one row per target and one per region:

* ``data/processed/target_searches.{csv,parquet}``: per target exactly one ``outcome`` —
  ``assessed`` (the assessment found an actual), ``found_unusable`` (a figure of the target's own region
  and indicator exists but cannot assess it), ``searched_not_found`` (a recorded search covers it) or
  ``not_yet_searched`` — with the searches, what was sought, where, when and a note.
* ``data/processed/search_coverage.{csv,parquet}``: the outcome counts per region plus an ``ALL`` row.
* ``data/processed/searches.{csv,parquet}``: the trail itself with its ids, what each row names and how many
  targets it covers (a row covering none is one to reword: it names neither an indicator nor a publication).

The matching rule (docs/data-contracts.md, "How a search is linked to targets"), kept deliberately small
so that a curator can predict it: a search covers a target when

1. **region**: the target's region code is one of the search's codes. Exact codes only: a province's search
   does not cover its cities' targets, nor a city's its counties' (a parent's figure is context, never an actual);
2. **indicator**: ``what_was_sought`` names the target's indicator (its ``indicator_id``, ``name_zh`` or an
   alias from ``reference/indicators.csv``, as a literal substring), or names a general publication of the
   region (``PUBLICATIONS``: 统计公报, 年鉴, 工作报告, …), which would carry any of its figures. A row that
   names neither (e.g. "昭通职业学院 first intake") covers no target: the trail never claims a search that
   cannot be tied to an indicator. The output says which held (``matched_by``);
3. **years**: the years sought overlap the years whose figure could assess the target — from its baseline
   year (stated, else the year before the plan period) to its target year. A target without a year uses its
   plan period; without a plan period, any year counts.

Command line::

    edugap searches                  # after the assessment (or python -m analysis.searches)
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .cli import step_command
from .dates import is_partial_date
from .errors import InputError
from .paths import raw_dir, relative
from .reference import load_indicators, load_regions, regions_path
from .tables import read_raw_csv, read_table, reject_formulas, schema, write_tables
from .vocabulary import SEARCH_MATCHES, SEARCH_OUTCOME_CODES, SEARCH_OUTCOME_LABELS, SEARCH_RESULTS

SEARCH_COLUMNS = ["region_code", "region_name", "what_was_sought", "years", "where_searched", "searched_on",
                  "result", "note"]
REQUIRED_CELLS = ["region_code", "what_was_sought", "years", "where_searched", "searched_on", "result"]
RESULTS = SEARCH_RESULTS
# Words that make a search a search of a general publication of the region (every indicator it could carry).
PUBLICATIONS = ["统计公报", "年鉴", "工作报告", "总结", "新闻发布会", "bulletin", "yearbook", "work report",
                "summar", "press conference"]
MATCHED_BY = SEARCH_MATCHES
OUTCOMES = SEARCH_OUTCOME_CODES
ALL = "ALL"
CODE_SEPARATOR = ";"
JOIN = " | "  # joins several searches' free texts, which may themselves contain ';'

YEARS = re.compile(r"([0-9]{4})(?:-([0-9]{4}))?")  # ASCII digits only (\d takes ２０２１)


@dataclass(frozen=True)
class Search:
    """One recorded search: the indicators it names, and whether it searched a general publication."""

    search_id: str
    region_codes: tuple[str, ...]
    sought: str
    year_from: int
    year_to: int
    where: str
    searched_on: str  # as written: its precision (year, month or day) is kept
    result: str
    note: str
    indicators: frozenset[str]
    general: bool
    region_name: str = ""


def searches_path() -> Path:
    return raw_dir() / "statistics" / "searches.csv"


# ---------------------------------------------------------------- reading the trail

def search_id(row_number: int) -> str:
    """``S001`` = the first data row (spreadsheet row 2): append new searches so the ids stay put."""
    return f"S{row_number - 1:03d}"


def parse_years(name: str, row: dict) -> tuple[int, int]:
    match = YEARS.fullmatch(row["years"])
    if not match:
        raise InputError(name, f"years {row['years']!r} is not a year (2023) or a range of years (2021-2024)",
                         row=row["_row"], column="years")
    start = int(match.group(1))
    end = int(match.group(2) or start)
    if end < start:
        raise InputError(name, f"years {row['years']!r} runs the wrong way round: write {end}-{start}",
                         row=row["_row"], column="years")
    return start, end


def check_search_date(name: str, row: dict) -> str:
    """The date as written (YYYY, YYYY-MM or YYYY-MM-DD: a search remembered only to the month stays so)."""
    text = row["searched_on"]
    if not is_partial_date(text):
        raise InputError(name, f"searched_on {text!r} is not a date written YYYY-MM-DD (or YYYY-MM, or YYYY "
                         "when only the month or year is known)", row=row["_row"], column="searched_on")
    return text


def region_codes(name: str, row: dict, regions: dict) -> tuple[str, ...]:
    codes = tuple(code.strip() for code in row["region_code"].split(CODE_SEPARATOR))
    for code in codes:
        if code not in regions:
            raise InputError(name, f"region code {code!r} is not in {relative(regions_path())}; correct the code "
                             f"or add the region there (six-digit GB/T 2260 codes, several separated by "
                             f"{CODE_SEPARATOR!r})", row=row["_row"], column="region_code")
    return codes


def indicators_named(text: str, indicators: dict) -> frozenset[str]:
    """Catalogue indicators whose id, Chinese name or an alias occurs literally in ``text``.

    Literal substrings only, no fuzzy matching: a search is linked to an indicator only when the searcher
    wrote its name, so the trail never claims a search that was not made."""
    return frozenset(indicator_id for indicator_id, row in indicators.items()
                     if any(term and term in text for term in (indicator_id, row["name_zh"], *row["aliases"])))


def names_publication(text: str) -> bool:
    """Does the text name a general publication (statistical bulletin, yearbook, work report, …)?"""
    lowered = text.lower()
    return any(word in lowered for word in PUBLICATIONS)


def load_searches(regions: dict | None = None, indicators: dict | None = None) -> list[Search]:
    """Every recorded search, checked; the first bad cell stops the build with file, row and column."""
    path = searches_path()
    name = relative(path)
    regions = load_regions() if regions is None else regions
    indicators = load_indicators() if indicators is None else indicators
    searches = []
    for row in read_raw_csv(path, SEARCH_COLUMNS):
        reject_formulas(name, row)
        for column in REQUIRED_CELLS:
            if not row[column]:
                raise InputError(name, f"{column} is empty", row=row["_row"], column=column)
        codes = region_codes(name, row, regions)
        year_from, year_to = parse_years(name, row)
        searched_on = check_search_date(name, row)
        if row["result"] not in RESULTS:
            raise InputError(name, f"result {row['result']!r} is not one of {RESULTS} (a search that found a "
                             "usable figure is recorded as the figure, in observations.csv)",
                             row=row["_row"], column="result")
        searches.append(Search(search_id(row["_row"]), codes, row["what_was_sought"], year_from, year_to,
                               row["where_searched"], searched_on, row["result"], row["note"],
                               indicators_named(row["what_was_sought"], indicators),
                               names_publication(row["what_was_sought"]), row["region_name"]))
    return searches


# ---------------------------------------------------------------- linking searches to targets

def _year(value) -> int | None:
    return None if value is None or value == "" else int(float(value))


def target_years(target: dict) -> tuple[int | None, int | None]:
    """(first, last) year whose figure could assess the target; ``None`` = open on that side.

    The assessment compares the target year's figure, or progress from the baseline (stated, else the year
    before the plan period) up to the target year; a target without a year is read over its plan period."""
    start, end = _year(target.get("plan_period_start")), _year(target.get("plan_period_end"))
    last = _year(target.get("target_year"))
    if last is None:
        last = end
    first = _year(target.get("baseline_year"))
    if first is None:
        first = start - 1 if start is not None else last
    return first, last


def covers(search: Search, target: dict) -> bool:
    """The matching rule (module docstring): same region code, indicator named (or a general publication
    searched), years overlap."""
    if not target.get("region_code") or target["region_code"] not in search.region_codes:
        return False
    if not (search.general or target.get("indicator_id") in search.indicators):
        return False
    first, last = target_years(target)
    return (last is None or search.year_from <= last) and (first is None or first <= search.year_to)


def link(searches: list[Search], targets: list[dict]) -> dict[str, list[Search]]:
    """Target id -> the searches that cover it, in trail order."""
    by_region: dict[str, list[Search]] = {}
    for search in searches:
        for code in search.region_codes:
            by_region.setdefault(code, []).append(search)
    return {t["target_id"]: [s for s in by_region.get(t.get("region_code") or "", []) if covers(s, t)]
            for t in targets}


# ---------------------------------------------------------------- figures that exist but cannot assess

def unusable_figures(observations: list[dict], indicators: dict) -> dict[tuple[str, str], list[str]]:
    """(region, indicator) -> why each of its figures cannot assess a target.

    Two kinds: a figure of the indicator without a usable year (``usable`` false: no reference year, period
    not stated, or a validation error), and a figure kept as context only (no ``indicator_id``) whose
    published name names the indicator, by the same literal rule as the searches."""
    found: dict[tuple[str, str], list[str]] = {}
    named: dict[str, frozenset[str]] = {}  # published name -> indicators it names, computed once per name
    for obs in observations:
        note = f" ({obs['note']})" if obs.get("note") else ""
        label = f"{obs['indicator_as_published']!s} = {obs['value']} {obs['unit']}, {obs['source_id']}{note}"
        if obs.get("indicator_id"):
            if not obs.get("usable"):
                found.setdefault((obs["region_code"], obs["indicator_id"]), []).append(f"no usable year: {label}")
            continue
        published = obs["indicator_as_published"] or ""
        if published not in named:
            named[published] = indicators_named(published, indicators)
        for indicator_id in sorted(named[published]):
            found.setdefault((obs["region_code"], indicator_id), []).append(f"context only: {label}")
    return found


# ---------------------------------------------------------------- one outcome per target

def _joined(values, separator: str = JOIN) -> str | None:
    """Distinct values in first-seen order; None when there are none (an empty CSV cell)."""
    distinct = list(dict.fromkeys(v for v in values if v))
    return separator.join(distinct) if distinct else None


def _search_fields(found: list[Search], indicator_id: str | None) -> dict:
    years = [f"{s.year_from}" if s.year_from == s.year_to else f"{s.year_from}-{s.year_to}" for s in found]
    named = any(indicator_id in s.indicators for s in found)
    return {"matched_by": MATCHED_BY[0] if named else MATCHED_BY[1], "search_ids": _joined((s.search_id for s in found), ";"),
            "sought": _joined(s.sought for s in found), "years": _joined(years, ";"),
            "where": _joined(s.where for s in found), "when": _joined(sorted({s.searched_on for s in found}), ";")}


def outcome_of(target: dict, status: str | None, linked: list[Search], unusable: list[str]) -> dict:
    """Exactly one outcome: an actual first; then a figure that exists but cannot assess; then a search that
    found nothing; else not yet searched. A search whose result is "found unusable" counts as such a figure."""
    empty = dict.fromkeys(["matched_by", "search_ids", "sought", "years", "where", "when", "note"])
    row = {"target_id": target["target_id"], "region_code": target.get("region_code") or None,
           "indicator_id": target.get("indicator_id") or None, "target_year": _year(target.get("target_year"))}
    if status is not None and status != "insufficient_data":
        return row | empty | {"outcome": "assessed", "note": f"status {status}"}
    unusable_searches = [s for s in linked if s.result == "found unusable"]
    if unusable or unusable_searches:
        notes = unusable + [f"{s.search_id}: {s.note or 'found, not usable'}" for s in unusable_searches]
        fields = _search_fields(unusable_searches, row["indicator_id"]) if unusable_searches else empty
        return row | fields | {"outcome": "found_unusable", "note": _joined(notes, "; ")}
    if linked:
        notes = [f"{s.search_id}: {s.note}" for s in linked if s.note]
        return row | _search_fields(linked, row["indicator_id"]) | {"outcome": "searched_not_found",
                                                                    "note": _joined(notes, "; ")}
    why = ("the plan does not name its region, so no search can be linked to it" if not row["region_code"]
           else "no recorded search covers this region, indicator and years")
    return row | empty | {"outcome": "not_yet_searched", "note": why}


def target_searches(targets: list[dict], assessments: list[dict], observations: list[dict],
                    searches: list[Search], indicators: dict) -> pl.DataFrame:
    """One row per target of the register, sorted by target id, in TARGET_SEARCH_COLUMNS."""
    status = {a["target_id"]: a["status"] for a in assessments}
    linked = link(searches, targets)
    unusable = unusable_figures(observations, indicators)
    rows = [outcome_of(t, status.get(t["target_id"]), linked[t["target_id"]],
                       unusable.get((t.get("region_code") or "", t.get("indicator_id") or ""), []))
            for t in targets]
    return pl.DataFrame(rows, schema=schema("target_searches").dtypes).sort("target_id")


def coverage_by_region(outcomes: pl.DataFrame) -> pl.DataFrame:
    """Outcome counts per region (targets without a region last, empty code) and an ``ALL`` row."""
    measures = [pl.len().cast(pl.Int64).alias("targets")] + [
        (pl.col("outcome") == o).sum().cast(pl.Int64).alias(o) for o in OUTCOMES]
    per_region = outcomes.group_by("region_code").agg(measures).sort("region_code", nulls_last=True)
    overall = outcomes.select(measures).with_columns(pl.lit(ALL).alias("region_code"))
    columns = schema("search_coverage").names
    return pl.concat([per_region.select(columns), overall.select(columns)])


def trail_table(searches: list[Search], targets: list[dict]) -> pl.DataFrame:
    """The trail as processed data, one row per search in id order, with the number of targets it covers."""
    covered: dict[str, int] = {}
    for found in link(searches, targets).values():
        for search in found:
            covered[search.search_id] = covered.get(search.search_id, 0) + 1
    rows = [{"search_id": s.search_id, "region_code": CODE_SEPARATOR.join(s.region_codes),
             "region_name": s.region_name or None, "what_was_sought": s.sought, "year_from": s.year_from,
             "year_to": s.year_to, "where_searched": s.where, "searched_on": s.searched_on, "result": s.result,
             "note": s.note or None, "named_indicators": CODE_SEPARATOR.join(sorted(s.indicators)) or None,
             "general_publication": s.general, "targets_covered": covered.get(s.search_id, 0)} for s in searches]
    return pl.DataFrame(rows, schema=schema("searches").dtypes).sort("search_id")


# ---------------------------------------------------------------- for the report

OUTCOME_LABELS = SEARCH_OUTCOME_LABELS


def _cell(value) -> str:
    return "" if value is None else html.escape(str(value))


def coverage_html(outcomes: pl.DataFrame, coverage: pl.DataFrame, region_names: dict[str, str] | None = None) -> str:
    """The coverage split for the report: counts per region, then every target without an actual with
    its outcome, what was sought, where and when. Every text from the inputs is escaped.

    ``outcomes`` / ``coverage``: target_searches.csv and search_coverage.csv (typed or read as text; an
    empty region code may be null or ''); ``region_names``: code -> name shown beside the code."""
    names = region_names or {}
    label = lambda code: ("合计 All regions" if code == ALL else "地区未注明 region not named" if not code  # noqa: E731
                          else f"{names.get(code, '')} {code}".strip())
    head = "".join(f"<th>{html.escape(h)}</th>" for h in
                   ["地区 region", "指标 targets", *(OUTCOME_LABELS[o] for o in OUTCOMES)])
    body = "".join("<tr>" + f"<td>{_cell(label(r['region_code']))}</td>"
                   + "".join(f'<td class="num">{_cell(r[c])}</td>' for c in ["targets", *OUTCOMES]) + "</tr>"
                   for r in coverage.iter_rows(named=True))
    parts = [f'<table id="search-coverage"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>']
    missing = outcomes.filter(pl.col("outcome") != "assessed")
    columns = ["target_id", "outcome", "matched_by", "sought", "years", "where", "when", "note"]
    for (code,), group in missing.group_by("region_code", maintain_order=True):
        rows = "".join("<tr>" + "".join(f"<td>{_cell(OUTCOME_LABELS.get(v, v) if c == 'outcome' else v)}</td>"
                                        for c, v in ((c, r[c]) for c in columns)) + "</tr>"
                       for r in group.sort("target_id").iter_rows(named=True))
        head = "".join(f"<th>{c}</th>" for c in columns)
        parts.append(f"<details><summary>{_cell(label(code))}: {group.height} target(s) without an actual"
                     f"</summary><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></details>")
    return "\n".join(parts)


# ---------------------------------------------------------------- files and command line

def build() -> dict[str, pl.DataFrame]:
    """All three tables, fully checked; nothing is written until all are built."""
    regions, indicators = load_regions(), load_indicators()
    targets, trail = read_table("targets").to_dicts(), load_searches(regions, indicators)
    outcomes = target_searches(targets, read_table("assessments").to_dicts(), read_table("observations").to_dicts(),
                               trail, indicators)
    return {"target_searches": outcomes, "search_coverage": coverage_by_region(outcomes),
            "searches": trail_table(trail, targets)}


def write(tables: dict[str, pl.DataFrame]) -> list[Path]:
    """The three tables published together, target_searches.csv (the make target) last."""
    return write_tables(tables, main="target_searches")


def run() -> dict[str, pl.DataFrame]:
    """The step: read the trail and the assessment, write target_searches, search_coverage and searches."""
    tables = build()
    write(tables)
    return tables


@step_command("searches")
def main() -> None:
    """Link the search trail to the targets: one outcome per target without an actual."""
    tables = build()
    paths = write(tables)
    total = tables["search_coverage"].filter(pl.col("region_code") == ALL).row(0, named=True)
    print("searches: " + ", ".join(f"{o} {total[o]}" for o in OUTCOMES) + f" of {total['targets']} targets -> "
          + ", ".join(relative(p) for p in paths))


if __name__ == "__main__":
    sys.exit(main())
