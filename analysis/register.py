"""The target register: one reviewed row per quantitative commitment in the plans
(``data/raw/register/targets.csv``), each proven by a verbatim quote of the normalized text.

A row is accepted only if its quote is found (exactly once) in its document's normalized text and
the numbers of the quote carry the row's value and year. Command line:

    python -m analysis.register          # check every row, stage targets.csv + .parquet for validation
    python -m analysis.register check    # check only; list every problem
    python -m analysis.register check DRAFT.csv   # check a draft file before it joins the register
    python -m analysis.register check DRAFT.csv --text PLAN.txt --period 2023-2025
                                         # ... a draft for a plan not yet in the project, against its text
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import polars as pl

from .cli import step_command
from .crosswalk import load_crosswalk
from .dates import five_year_plan_ends
from .documents import Document, load_documents
from .errors import InputError
from .normalize import Normalized, load_normalized
from .numbers import contains_number, has_ocr_permille, years_in
from .paths import raw_dir, relative, staged_dir
from .reference import load_indicators, load_regions, regions_path
from .semantics import (
    PERIOD_PHRASES,
    VALUE_PHRASES,
    annual_factor,
    benchmark_levels,
    direction_problem,
    value_rule_problems,
)
from .snapshot import meta_path
from .tables import parse_csv, read_raw_csv, reject_formulas, write_tables
from .vocabulary import (
    COMPARATOR_CODES,
    FLAGS,
    NATIONAL,
    PERIOD_CODES,
    SCOPES,
    TARGET_DIRECTIONS,
    TARGET_KIND_CODES,
    VALUELESS_KINDS,
)

FREE_TEXT = ["quote", "year_quote", "note"]  # what a curator types freely (codes are checked by the vocabulary)
COLUMNS = ["target_id", "document_id", "region_code", "indicator_id", "target_kind", "comparator", "value",
           "value_high", "unit", "value_rule", "period", "direction", "benchmark_region_code", "target_year",
           "baseline_value", "baseline_year", "quote", "year_quote", "flags", "note"]
# A sub-region row names its part in the note as "scope: 市区" (vocabulary.SCOPES).
SCOPE_NOTE = re.compile(r"(?:^|;\s*)scope: ([^;]+?)\s*(?:;|$)")
TARGET_ID = re.compile(r"^T\d{3}-\d{3}$")


def register_path() -> Path:
    return raw_dir() / "register" / "targets.csv"


@dataclass
class Problem:
    row: int
    column: str
    message: str


def _number(text: str) -> float | None:
    """A register number: ASCII digits only (float() would also read full-width ９０)."""
    if text and not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        raise ValueError(text)
    return float(text) if text else None


def _check_fields(row: dict, documents: dict[str, Document], indicators: dict, regions: dict) -> list[Problem]:
    """Vocabulary, types and references of one row."""
    r, problems = row["_row"], []
    add = lambda column, message: problems.append(Problem(r, column, message))  # noqa: E731
    if not TARGET_ID.match(row["target_id"]):
        add("target_id", f"{row['target_id']!r} is not of the form T003-017")
    if row["document_id"] not in documents:
        add("document_id", f"unknown document {row['document_id']!r}; known: {sorted(documents)}")
    if not row["indicator_id"]:
        add("indicator_id", "empty: choose one from data/raw/reference/indicators.csv (names and aliases), "
            "or add one there first")
    elif row["indicator_id"] not in indicators:
        add("indicator_id", f"unknown indicator {row['indicator_id']!r}: add it to data/raw/reference/indicators.csv first")
    flags = set(filter(None, row["flags"].split(";")))
    if unknown := flags - set(FLAGS):
        add("flags", f"unknown flag(s) {sorted(unknown)}; known: {sorted(FLAGS)}")
    if row["region_code"]:
        if row["region_code"] not in regions:
            add("region_code", f"unknown region {row['region_code']!r}: add it to data/raw/reference/regions.csv first")
    elif "region_unknown" not in flags:
        add("region_code", "empty: give the region, or flag region_unknown when the document does not name it")
    if row["target_kind"] not in TARGET_KIND_CODES:
        add("target_kind", f"{row['target_kind']!r} is not one of {sorted(TARGET_KIND_CODES)}")
    if row["comparator"] not in COMPARATOR_CODES:
        add("comparator", f"{row['comparator']!r} is not one of {sorted(COMPARATOR_CODES)}")
    for column in ("value", "value_high", "baseline_value"):
        try:
            _number(row[column])
        except ValueError:
            add(column, f"{row[column]!r} is not a number")
    for column in ("target_year", "baseline_year"):
        if row[column] and not re.fullmatch(r"(19|20)[0-9][0-9]", row[column]):
            add(column, f"{row[column]!r} is not a four-digit year")
    if not row["value"] and "value_missing" not in flags and row["target_kind"] not in VALUELESS_KINDS:
        add("value", "empty: the source lost the value? then flag value_missing")
    if row["value"] and "value_missing" in flags:
        add("flags", "value_missing is flagged but a value is given")
    if not row["target_year"] and "year_missing" not in flags:
        add("target_year", "empty: the source gives no year? then flag year_missing")
    if row["target_year"] and "year_missing" in flags:
        add("flags", "year_missing is flagged but a year is given")
    if (row["comparator"] == "range") != bool(row["value_high"]):
        add("value_high", "a range needs value (low) and value_high; only a range has value_high")
    if not row["quote"]:
        add("quote", "empty: every target needs its verbatim quote")
    if row["direction"] not in TARGET_DIRECTIONS:
        add("direction", f"{row['direction']!r} is not one of {TARGET_DIRECTIONS}: say which way the plan wants "
            "the indicator to move")
    if row["period"] and row["period"] not in PERIOD_CODES:
        add("period", f"{row['period']!r} is not one of {PERIOD_CODES}")
    if row["target_kind"] == "per_year" and not row["period"]:
        add("period", "empty: a recurring (per_year) target says per what (month, term, school_year, year)")
    if row["benchmark_region_code"]:
        if row["target_kind"] != "relative_to_benchmark":
            add("benchmark_region_code", "only a relative_to_benchmark target has a benchmark region")
        elif row["benchmark_region_code"] not in regions:
            add("benchmark_region_code", f"unknown region {row['benchmark_region_code']!r}")
    scope = SCOPE_NOTE.search(row["note"])
    if "sub_region" in flags and not (scope and scope.group(1) in SCOPES):
        add("note", f"flag sub_region needs 'scope: <part>' in the note, the part one of {SCOPES}")
    if scope and "sub_region" not in flags:
        add("flags", f"the note gives scope {scope.group(1)!r}: flag sub_region")
    return problems


def _find_once(text: str, quote: str) -> tuple[int, int]:
    """Position of the quote, and how many times it occurs."""
    return text.find(quote), text.count(quote)


def _check_quote(row: dict, document: Document, normalized: Normalized, indicators: dict,
                 regions: dict) -> list[Problem]:
    """The proof: the quote is in the text and its numbers (or a value rule's phrase) carry the row's value
    and year; its words carry the period, the direction and the benchmark region."""
    r, problems = row["_row"], []
    add = lambda column, message: problems.append(Problem(r, column, message))  # noqa: E731
    quote, flags = row["quote"], set(filter(None, row["flags"].split(";")))
    start, count = _find_once(normalized.text, quote)
    if count == 0:
        add("quote", f"not found in the normalized text data/interim/texts/{document.document_id}.txt")
        return problems
    if count > 1:
        add("quote", f"occurs {count} times in the text; lengthen it so it is unique")
    for column in ("value", "value_high", "baseline_value"):
        if column == "value" and row["value_rule"]:
            continue  # proven by the rule's phrase below
        if row[column] and not contains_number(quote, float(row[column])):
            add(column, f"{row[column]} does not appear among the numbers of the quote {quote!r}")
    problems += _check_semantics(row, indicators, regions)
    if row["target_year"]:
        year = int(row["target_year"])
        year_text = quote
        if row["year_quote"]:
            if row["year_quote"] not in normalized.text:
                add("year_quote", "not found in the normalized text")
            year_text += " " + row["year_quote"]
        if year not in years_in(year_text) + five_year_plan_ends(year_text):
            if "year_from_plan_end" in flags:
                if year != document.plan_period_end:
                    add("target_year", f"{year} flagged year_from_plan_end but the plan ends in {document.plan_period_end}")
            else:
                add("target_year", f"{year} is not in the quote (nor in year_quote); "
                    "quote the year, or flag year_from_plan_end if the year is the plan's end")
    if row["baseline_year"] and int(row["baseline_year"]) not in years_in(quote + " " + row["year_quote"]):
        add("baseline_year", f"{row['baseline_year']} is not in the quote")
    if has_ocr_permille(quote) and "ocr_damage" not in flags:
        add("flags", "the quote contains OCR damage ('%o'); flag ocr_damage")
    return problems


def _check_semantics(row: dict, indicators: dict, regions: dict) -> list[Problem]:
    """Value rule, period, direction and benchmark region, each proven by the words of the quote."""
    r, quote, problems = row["_row"], row["quote"], []
    add = lambda column, message: problems.append(Problem(r, column, message))  # noqa: E731
    flags = set(filter(None, row["flags"].split(";")))
    if row["value_rule"]:
        kind = indicators.get(row["indicator_id"], {}).get("kind", "")
        for column, message in value_rule_problems(row["value_rule"], row["value"], row["comparator"], row["unit"],
                                                   kind, quote):
            add(column, message)
    elif (not row["value"] and row["target_kind"] == "milestone" and "needs_review" not in flags
          and (phrase := VALUE_PHRASES.search(quote))):
        add("value_rule", f"the quote says {phrase.group()!r}, which states a value: give it with its value_rule "
            "(docs/register-guide.md), or flag needs_review and say why in the note")
    if row["period"] in PERIOD_PHRASES and not PERIOD_PHRASES[row["period"]].search(quote):
        add("period", f"{row['period']} needs its phrase in the quote ({PERIOD_PHRASES[row['period']].pattern})")
    if row["direction"] in TARGET_DIRECTIONS and (
            why := direction_problem(row["direction"], row["target_kind"], row["comparator"], quote)):
        add("direction", why)
    if row["target_kind"] == "relative_to_benchmark":
        levels = benchmark_levels(quote)
        code = row["benchmark_region_code"]
        if levels and not code:
            add("benchmark_region_code", f"empty, but the quote names the average of a {' or '.join(levels)} "
                "region as the benchmark: give its code")
        elif code in regions:
            if regions[code]["level"] not in levels:
                add("benchmark_region_code", f"{code} is a {regions[code]['level']} region, but the quote names "
                    f"{'the average of a ' + ' or '.join(levels) + ' region' if levels else 'no region average'}")
            elif row["region_code"] and code not in _ancestors(row["region_code"], regions):
                add("benchmark_region_code", f"{code} is not a region above {row['region_code']}")
    return problems


def _ancestors(code: str, regions: dict) -> list[str]:
    """The regions above ``code`` (its parent, the parent's parent, …, the national level)."""
    chain: list[str] = []
    code = regions.get(code, {}).get("parent_code", "")
    while code and code in regions and code not in chain:
        chain.append(code)
        code = regions[code]["parent_code"]
    return chain + ([NATIONAL] if NATIONAL not in chain else [])


def load_register(path: Path | None = None) -> list[dict]:
    """The register rows; ``path`` reads a draft outside data/raw (not checksummed) for review."""
    if path is None:
        rows, name = read_raw_csv(register_path(), COLUMNS), relative(register_path())
    else:
        rows, name = parse_csv(Path(path).read_text(encoding="utf-8"), str(path), COLUMNS), str(path)
    for row in rows:  # a note such as =HYPERLINK(…) would run when targets.csv is opened in a spreadsheet
        reject_formulas(name, {c: row[c] for c in FREE_TEXT} | {"_row": row["_row"]})
    return rows


def check_register(rows: list[dict], new_plans: dict[str, tuple[Document, Normalized]] | None = None) -> list[Problem]:
    """Every problem of every row, so a reviewer can fix them in one pass. ``new_plans`` adds plans
    that are not yet in the project (a draft checked against the text it was drafted from)."""
    documents = {d.document_id: d for d in load_documents()}
    indicators, regions = load_indicators(), load_regions()
    for document in documents.values():  # the plan's region names its report section and region profile
        if document.region_code is not None and document.region_code not in regions:
            raise InputError(relative(meta_path(document.path)), f"field 'region_code': {document.region_code!r} is "
                             f"not in {relative(regions_path())}; correct it, or write null if the plan names no region")
    named = {row["document_id"] for row in rows}
    texts = {doc_id: load_normalized(doc_id) for doc_id in documents if doc_id in named}
    for doc_id, (document, normalized) in (new_plans or {}).items():
        documents[doc_id], texts[doc_id] = document, normalized
    problems, seen = [], {}
    for row in rows:
        if row["target_id"] in seen:
            problems.append(Problem(row["_row"], "target_id", f"duplicated; first used in row {seen[row['target_id']]}"))
        seen.setdefault(row["target_id"], row["_row"])
        field_problems = _check_fields(row, documents, indicators, regions)
        problems += field_problems
        malformed = {p.column for p in field_problems if "is not a" in p.message}
        if row["document_id"] in documents and row["quote"] and not malformed:
            problems += _check_quote(row, documents[row["document_id"]], texts[row["document_id"]], indicators,
                                     regions)
    return sorted(problems, key=lambda p: (p.row, p.column))


def _as_error(problem: Problem, name: str | None = None) -> InputError:
    return InputError(name or relative(register_path()), problem.message, row=problem.row, column=problem.column)


def targets_frame(rows: list[dict]) -> pl.DataFrame:
    """The proven register as a typed table with quote offsets in the normalized and the raw text."""
    documents = {d.document_id: d for d in load_documents()}
    texts = {doc_id: load_normalized(doc_id) for doc_id in documents}
    records = []
    for row in rows:
        document, normalized = documents[row["document_id"]], texts[row["document_id"]]
        start = normalized.text.find(row["quote"])
        end = start + len(row["quote"])
        raw_start, raw_end = normalized.to_raw(start, end)
        records.append({column: row[column] or None for column in COLUMNS} | {
            "quote_start": start, "quote_end": end, "raw_start": raw_start, "raw_end": raw_end,
            "plan_period_start": document.plan_period_start, "plan_period_end": document.plan_period_end}
            | _annual(row))
    schema = {column: pl.String for column in COLUMNS} | {
        "value": pl.Float64, "value_high": pl.Float64, "baseline_value": pl.Float64,
        "annual_value": pl.Float64, "annual_value_high": pl.Float64,
        "target_year": pl.Int64, "baseline_year": pl.Int64, "quote_start": pl.Int64, "quote_end": pl.Int64,
        "raw_start": pl.Int64, "raw_end": pl.Int64, "plan_period_start": pl.Int64, "plan_period_end": pl.Int64}
    frame = pl.DataFrame(records, schema=schema, orient="row") if records else pl.DataFrame(schema=schema)
    return frame.sort("target_id")


def _annual(row: dict) -> dict:
    """A recurring target's value per calendar year (每月1篇 -> 12), where the period has an annual equivalent."""
    factor = annual_factor(row["period"]) if row["target_kind"] == "per_year" else None
    scale = lambda column: float(row[column]) * factor if factor is not None and row[column] else None  # noqa: E731
    return {"annual_value": scale("value"), "annual_value_high": scale("value_high")}


def build() -> pl.DataFrame:
    """Check the register; stop at the first problem (all are printed by `check`); write the outputs."""
    rows = load_register()
    problems = check_register(rows)
    if problems:
        raise _as_error(problems[0])
    # The crosswalk ships with the catalogue (a reader of an older snapshot follows it) but no step reads it:
    # checked here, with the catalogue it maps onto, so a broken one stops the build instead of shipping.
    load_crosswalk(set(load_indicators()))
    frame = targets_frame(rows)
    write_tables({"targets": frame}, main="targets", directory=staged_dir())
    return frame


def new_plan(rows: list[dict], text_file: str, period: str, document_id: str | None = None,
             script: str = "simplified") -> dict[str, tuple[Document, Normalized]]:
    """A plan outside the project, read as ``analysis.draft`` reads it, under the draft's document id."""
    from .draft import parse_period, read_plan_text

    ids = sorted({row["document_id"] for row in rows})
    if document_id is None:
        if len(ids) != 1:
            raise InputError(text_file, f"the draft names documents {ids}; say which one the text is with --document-id")
        document_id = ids[0]
    start, end = parse_period(period)
    text = read_plan_text(Path(text_file), script)
    document = Document(document_id=document_id, path=Path(text_file), title="(draft)", region_code=None,
                        plan_period_start=start, plan_period_end=end, script=script, cleanups=(),
                        known_defects=(), meta={})
    return {document_id: (document, Normalized(document_id, text, ((0, len(text), 0, len(text), 0),)))}


def run() -> pl.DataFrame:
    """The step: check the register, write the proven targets."""
    return build()


@step_command("check")
@click.argument("draft", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--text", "text_file", type=click.Path(exists=True, dir_okay=False),
              help="the plan text of a draft for a plan not yet in the project: quotes are checked against it")
@click.option("--period", help="that plan's period, START-END, e.g. 2024-2026")
@click.option("--document-id", "document_id", help="that plan's document id (default: the draft's)")
@click.option("--script", type=click.Choice(["simplified", "traditional"]), default="simplified",
              show_default=True, help="that plan's script (traditional is converted as the draft converts it)")
def check(draft: str | None, text_file: str | None, period: str | None, document_id: str | None,
          script: str) -> int:
    """List every problem of the register, or of a DRAFT register file before it joins."""
    if text_file and not (draft and period):
        raise click.UsageError("--text needs a DRAFT file and --period")
    name = draft or relative(register_path())
    rows = load_register(draft)
    plans = new_plan(rows, text_file, period, document_id, script) if text_file else None
    problems = check_register(rows, plans)
    for problem in problems:
        print(f"error: {_as_error(problem, name)}", file=sys.stderr)
    print(f"{len(problems)} problem(s) in {name}")
    return 1 if problems else 0


@step_command("register")
def main() -> None:
    """Prove every register row by its quote; stage targets.csv (+ .parquet) for the validation suites."""
    frame = run()
    counts = frame.group_by("document_id").len().sort("document_id")
    print(f"register: {frame.height} targets proven by their quotes -> {relative(staged_dir() / 'targets.csv')} "
          "(published to data/processed once validated)")
    for doc_id, n in counts.iter_rows():
        print(f"  {doc_id}: {n}")


if __name__ == "__main__":  # python -m analysis.register [check [DRAFT]]
    sys.exit(check(sys.argv[2:]) if sys.argv[1:2] == ["check"] else main())
