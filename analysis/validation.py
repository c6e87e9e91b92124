"""Great Expectations suites (expectations/*.json) run on the processed data the assessment uses.

Each suite file is a GX 1.x suite in GX's own JSON form: expectation ``type``, ``kwargs``, ``severity``
(``critical`` = error, stops the build; ``warning`` = reported) and ``meta`` (``name``, ``description``,
``report_column``). Sets that depend on the catalogues are GX suite parameters (``{"$PARAMETER": ...}``)
filled in here. Checks that need a lookup (plausible range, the indicator's unit, year-over-year change)
are computed as columns first, then expected with GX.

The suites run on the tables the register and statistics steps *staged* (data/interim/staged). When no
error-severity expectation fails, this step publishes them into data/processed together with
data/processed/validation_summary.json (one entry per expectation, failing rows located by file,
spreadsheet row and column) and reports/validation.html (self-contained, works offline). When one fails,
the summary and the page go to data/interim/validation/ instead, the console names the first failing file,
row and column, and data/processed keeps its last validated state.

Command line::

    python -m analysis.validation      # exits 1 if an error-severity expectation fails
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import polars as pl

from . import conflicts
from .atomic import bytes_writer, copy_writer, json_bytes, publish
from .cli import step_command
from .errors import InputError
from .params import as_of_year, load_params
from .paths import expectations_dir, processed_dir, raw_dir, relative, reports_dir, staged_dir, validation_failure_dir
from .reference import load_indicators, load_regions
from .schemas import VALIDATED_TABLES, table
from .semantics import FALL_WORDS, RISE_WORDS, VALUE_RULES
from .snapshot import read_raw, read_raw_text
from .startup import finish_background_import, import_great_expectations, start_importing_great_expectations
from .statistics import load_sources, observations_path
from .tables import read_table, table_path
from .vocabulary import (
    COMPARATOR_CODES,
    PERIOD_CODES,
    SOURCE_KINDS,
    TARGET_DIRECTIONS,
    TARGET_KIND_CODES,
    VALUELESS_KINDS,
)

SEVERITY = {"critical": "error", "warning": "warning", "info": "warning"}
SUITES = ("observations", "targets")
SMALL_SET = 100  # catalogue sets up to this size go to GX whole (see sets_cut_to_frame)


@dataclass
class Prepared:
    """A frame ready for GX: processed columns as strings, derived columns, and where each row lives.

    ``locate`` gives the file and spreadsheet row of every frame row (columns ``file``, ``row``); it is
    only called when a row fails, so a clean run never re-reads the raw file to find rows.
    """
    frame: pl.DataFrame
    locate: Callable[[], pl.DataFrame]

    @cached_property
    def where(self) -> pl.DataFrame:
        return self.locate()

    @property
    def files(self) -> pl.Series:
        return self.where["file"]

    @property
    def rows(self) -> pl.Series:
        return self.where["row"]


def load_suite(name: str) -> dict:
    path = expectations_dir() / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(relative(path), f"cannot read the suite: {exc}") from exc


def suite_parameters() -> dict:
    """Run-time values of the suites' $PARAMETER references, from the catalogues and params.yaml."""
    return {"region_codes": sorted(load_regions()), "indicator_ids": sorted(load_indicators()),
            "source_ids": sorted(load_sources()), "current_year": as_of_year(load_params()),
            "target_kinds": TARGET_KIND_CODES, "comparators": COMPARATOR_CODES, "source_kinds": SOURCE_KINDS,
            "target_directions": TARGET_DIRECTIONS, "periods": PERIOD_CODES, "value_rules": sorted(VALUE_RULES)}


def sets_cut_to_frame(suite: dict, frame: pl.DataFrame, parameters: dict) -> dict:
    """``parameters`` with each set that only in-set expectations use cut to the values that occur in the
    columns checked against it (order kept).

    Every row gets the same verdict: a value of the frame is in the cut set exactly when it is in the
    whole one. GX copies each expectation's value set thousands of times while it validates (pydantic-v1
    model dumps), so the 3,213 region codes of the catalogue cost ~2 s on a frame that holds 30 of them.
    A set of at most SMALL_SET values is left whole: GX copies it for nothing worth a pass over the column.
    """
    columns: dict[str, list[str]] = {}
    for spec in suite["expectations"]:
        for value in spec["kwargs"].values():
            if isinstance(value, dict) and "$PARAMETER" in value:
                in_set = spec["type"] == "expect_column_values_to_be_in_set" and value is spec["kwargs"].get("value_set")
                columns.setdefault(value["$PARAMETER"], []).append(spec["kwargs"]["column"] if in_set else None)
    cut = dict(parameters)
    for name, checked in columns.items():
        whole = parameters.get(name)
        if (None in checked or not all(c in frame.columns for c in checked) or not isinstance(whole, list)
                or len(whole) <= SMALL_SET):
            continue
        occurring = set().union(*(frame[c].drop_nulls().unique().to_list() for c in checked))
        cut[name] = [v for v in whole if v in occurring]
    return cut


def _with_indicator(frame: pl.DataFrame) -> pl.DataFrame:
    """Join the indicator's unit and plausible range; flag values outside it (null where it cannot be judged)."""
    indicators = pl.DataFrame([{"indicator_id": k, "indicator_unit": v["unit"], "_min": v["min"], "_max": v["max"]}
                               for k, v in sorted(load_indicators().items())],
                              schema={"indicator_id": pl.String, "indicator_unit": pl.String,
                                      "_min": pl.Float64, "_max": pl.Float64})
    number = pl.col("value").cast(pl.Float64, strict=False)
    inside = (pl.col("_min").is_null() | (number >= pl.col("_min"))) & (pl.col("_max").is_null() | (number <= pl.col("_max")))
    judged = number.is_not_null() & pl.col("indicator_unit").is_not_null()
    return (frame.join(indicators, on="indicator_id", how="left", maintain_order="left")
            .with_columns(value_number=number, value_in_range=pl.when(judged).then(inside))
            .drop("_min", "_max"))


def _context_figure_not_negative(frame: pl.DataFrame) -> pl.DataFrame:
    """A context-only figure (no catalogue indicator, so no plausible range) may not be negative: counts,
    places, money and shares cannot be. Only a published change (增长, 下降 … in its name) may."""
    change = pl.col("indicator_as_published").str.contains(f"{RISE_WORDS.pattern}|{FALL_WORDS.pattern}")
    unjudged = pl.col("value_in_range").is_null() & pl.col("value_number").is_not_null()
    return frame.with_columns(value_in_range=pl.when(unjudged & ~change.fill_null(False))
                              .then(pl.col("value_number") >= 0).otherwise(pl.col("value_in_range")))


def _year_over_year(frame: pl.DataFrame) -> pl.DataFrame:
    """Annual change from the previous reference year of the same (region, indicator) series.

    In percentage points for % figures, relative otherwise; null for the first point of a series and for
    two sources giving the same year (a disagreement, not a jump).
    """
    series = ["region_code", "indicator_id"]
    # Sorted once, so the previous point is a plain shift within each series (a window with order_by per
    # expression sorted two million rows five times).
    dated = (frame.filter(pl.col("indicator_id").is_not_null() & pl.col("year_number").is_not_null())
             .sort([*series, "year_number", "source_id"])
             .with_columns(pl.col("year_number").shift(1).over(series).alias("_previous_year"),
                           pl.col("value_number").shift(1).over(series).alias("_previous_value")))
    gap = pl.col("year_number") - pl.col("_previous_year")
    change = pl.col("value_number") - pl.col("_previous_value")
    in_series = gap > 0
    dated = dated.with_columns(
        yoy_pp_per_year=pl.when(in_series & (pl.col("unit") == "%")).then(change / gap),
        yoy_relative_per_year=pl.when(in_series & (pl.col("unit") != "%") & (pl.col("_previous_value") != 0))
        .then(change / pl.col("_previous_value") / gap))
    return frame.join(dated.select("_index", "yoy_pp_per_year", "yoy_relative_per_year"), on="_index", how="left",
                      maintain_order="left")


def with_year_and_usable(frame: pl.DataFrame) -> pl.DataFrame:
    """``year_and_usable`` = "<has_year>/<usable>" ("missing" for an empty usable): a figure may be usable only
    with a year. One column checked against a set instead of GX's pair-in-set check, which loops over the
    rows in Python (16 s for 100 000 rows) where a set check is vectorised."""
    return frame.with_columns(
        year_and_usable=pl.format("{}/{}", pl.col("has_year"), pl.col("usable").cast(pl.String).fill_null("missing")))


def with_observation_checks(frame: pl.DataFrame) -> pl.DataFrame:
    """The observations (every cell as text) with the columns the suite's lookups are computed into:
    plausible range and unit, no negative context figure, year as a number, year-over-year change."""
    frame = _context_figure_not_negative(_with_indicator(frame.with_row_index("_index"))).with_columns(
        indicator_key=pl.coalesce("indicator_id", "indicator_as_published"),
        year_number=pl.col("year").cast(pl.Int64, strict=False),
        has_year=pl.when(pl.col("year").is_not_null()).then(pl.lit("true")).otherwise(pl.lit("false")))
    return with_year_and_usable(_year_over_year(frame).drop("_index"))


def prepare_observations() -> Prepared:
    """The staged observations.csv with derived columns; rows located in the raw file they come from."""
    path = table_path("observations", directory=staged_dir())
    frame = with_observation_checks(read_table("observations", directory=staged_dir(), as_text=True))

    def locate() -> pl.DataFrame:
        located = (frame.select("observation_id").with_row_index("_index")
                   .join(_raw_observation_rows(), on="observation_id", how="left", maintain_order="left"))
        return located.select(
            file=pl.when(pl.col("_row").is_not_null()).then(pl.lit(relative(observations_path())))
            .otherwise(pl.lit(relative(path))),
            row=pl.col("_row").fill_null(pl.col("_index").cast(pl.Int64) + 2))

    return Prepared(frame, locate)


def _raw_observation_rows() -> pl.DataFrame:
    """observation_id -> spreadsheet row in the raw file (same key as statistics.observation_key), read
    with polars: re-running the per-row loader here would double the cost at national scale."""
    raw = pl.read_csv(io.BytesIO(read_raw(observations_path())), infer_schema=False)
    cell = lambda name: pl.col(name).str.strip_chars().fill_null("")  # noqa: E731
    indicator = pl.when(cell("indicator_id") != "").then(cell("indicator_id")).otherwise(cell("indicator_as_published"))
    return (raw.with_row_index("_row", offset=2)
            .select(pl.format("{}:{}:{}:{}", cell("source_id"), cell("region_code"), indicator, cell("year"))
                    .alias("observation_id"), pl.col("_row").cast(pl.Int64)))


def _raw_row_numbers(path: Path, key: str) -> dict[str, int]:
    """Spreadsheet row of each key in a raw CSV (header = row 1); empty if the file is absent."""
    if not path.exists():
        return {}
    reader = csv.DictReader(io.StringIO(read_raw_text(path), newline=""))
    return {row.get(key): number for number, row in enumerate(reader, start=2) if row.get(key)}


def prepare_targets(path: Path | None = None) -> Prepared:
    """The staged targets.csv (or ``path``) with derived columns; rows located in the raw register."""
    path = Path(path) if path else table_path("targets", directory=staged_dir())
    frame = _with_indicator(read_table("targets", directory=path.parent, as_text=True) if path.name == "targets.csv"
                            else pl.read_csv(path, infer_schema=False))
    frame = frame.with_columns(
        value_high_number=pl.col("value_high").cast(pl.Float64, strict=False),
        value_stated=pl.col("value").is_not_null() | pl.col("target_kind").is_in(VALUELESS_KINDS))
    raw_path = raw_dir() / "register" / "targets.csv"
    raw_rows = _raw_row_numbers(raw_path, "target_id")
    files, rows = [], []
    for number, key in enumerate(frame["target_id"].to_list() if "target_id" in frame.columns else [], start=2):
        found = raw_rows.get(key)
        files.append(relative(raw_path) if found else relative(path))
        rows.append(found or number)
    where = pl.DataFrame({"file": files, "row": rows}, schema={"file": pl.String, "row": pl.Int64})
    return Prepared(frame, lambda: where)


def gx_frame(suite: dict, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame handed to GX: the same rows, fewer and cheaper columns, the same results.

    * Only the columns the suite names (its required column set, and every column an expectation reads);
      all of them when the suite checks the column set exactly or counts columns. The whole frame, as it
      is, when an expectation has a ``row_condition`` (it may read any column).
    * A column named only by a table-level expectation (column set, column count) goes as an empty
      categorical: those expectations read column names, never values, and GX would otherwise fingerprint
      two million distinct ids it never checks (2 s of a 7 s run at national scale). A column any
      expectation reads by value (``column``, ``column_A``/``column_B``, ``column_list``) goes whole.
    * Text that repeats (fewer distinct values than half the rows: codes, years, units, kinds) goes as a
      pandas categorical, so GX's fingerprint, filters and set checks work on integer codes instead of
      millions of strings. Text stays text where a categorical would cost more or change the check:
      columns compared in pairs (pandas compares two categoricals only when their categories are
      identical), columns matched against a regex (GX casts them to str: pyarrow matches text vectorised,
      a categorical becomes Python strings matched one by one) and near-unique ones (ids).

    GX fingerprints every batch under 1 GB (``hash_pandas_dataframe`` in its pandas execution engine, with
    no setting to turn it off): these choices are what make that, and each filter, cheap.
    """
    if any("row_condition" in spec["kwargs"] for spec in suite["expectations"]):
        return frame  # a condition may read any column: the whole frame, as it is
    in_column_set, read, exact = set(), set(), False
    for spec in suite["expectations"]:
        kwargs, kind = spec["kwargs"], spec["type"]
        if kind.startswith("expect_table_column") and not (
                kind == "expect_table_columns_to_match_set" and kwargs.get("exact_match") is False):
            exact = True
        in_column_set |= set(kwargs.get("column_set", []))
        read |= set(kwargs.get("column_list", [])) | {kwargs[key] for key in ("column", "column_A", "column_B")
                                                      if key in kwargs}
    as_text = {spec["kwargs"][key] for spec in suite["expectations"] for key in ("column_A", "column_B")
               if key in spec["kwargs"]}
    as_text |= {spec["kwargs"]["column"] for spec in suite["expectations"]
                if spec["type"] == "expect_column_values_to_match_regex"}
    handed = frame if exact else frame.select(c for c in frame.columns if c in in_column_set | read)
    names_only = [c for c in handed.columns if c not in read]
    handed = handed.with_columns(pl.lit(None, pl.Categorical).alias(c) for c in names_only)
    text = [c for c, dtype in handed.schema.items() if dtype == pl.String and c not in as_text]
    if not text or handed.height == 0:
        return handed
    distinct = handed.select(pl.col(text).n_unique()).row(0, named=True)
    repeating = [c for c in text if distinct[c] * 2 < handed.height]
    return handed.with_columns(pl.col(repeating).cast(pl.Categorical))


def run_suite(suite: dict, frame: pl.DataFrame, parameters: dict) -> list:
    """GX validation results of one suite on one frame (handed over as pandas: see :func:`gx_frame`), in
    the suite's order; row numbers in the results are rows of ``frame``.

    Two passes over one batch: every expectation with GX's BOOLEAN_ONLY result format (pass or fail), then
    only the failing ones again with COMPLETE, which lists their rows. A clean run never pays for listing
    rows (1.3 s of a 4 s run at national scale). The verdicts are those of one COMPLETE pass, and so are
    the results of the failing expectations; a passing one carries no counts (nothing reads them).

    Each pass is a GX ValidationDefinition, which loads the batch once. ``get_batch`` followed by
    ``Batch.validate`` loads it twice, and each load fingerprints the whole frame
    (``pd.util.hash_pandas_object``; GX skips that only above 1 GB of shallow pandas memory).
    """
    gx = import_great_expectations()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (context.data_sources.add_pandas(f"edugap-{suite['name']}").add_dataframe_asset(suite["name"])
             .add_batch_definition_whole_dataframe("all"))
    dataframe, cut = gx_frame(suite, frame).to_pandas(), sets_cut_to_frame(suite, frame, parameters)

    def run(name: str, expectations: list[dict], result_format: str) -> dict:
        expectation_suite = gx.ExpectationSuite(name=name, expectations=expectations)
        names = [e.get("meta", {}).get("name") for e in expectations]
        if len(expectation_suite.expectations) != len(names) or None in names or len(set(names)) != len(names):
            raise InputError(f"expectations/{suite['name']}.json", "every expectation needs a unique meta.name "
                             "and a configuration GX accepts (see the log above)")
        definition = context.validation_definitions.add(gx.ValidationDefinition(
            name=name, data=batch, suite=context.suites.add(expectation_suite)))
        result = definition.run(batch_parameters={"dataframe": dataframe}, expectation_parameters=cut,
                                result_format={"result_format": result_format})
        return {r.expectation_config.meta["name"]: r for r in result.results}

    by_name = run(suite["name"], suite["expectations"], "BOOLEAN_ONLY")
    failing = [e for e in suite["expectations"] if not by_name[e["meta"]["name"]].success]
    if failing:
        by_name |= run(f"{suite['name']}-failing", failing, "COMPLETE")
    return [by_name[e["meta"]["name"]] for e in suite["expectations"]]


def _cell(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def summarise(suite: dict, results: list, prepared: Prepared, data_file: str) -> list[dict]:
    """One contract entry per expectation: suite, expectation, severity, passed, failing rows."""
    entries = []
    for spec, result in zip(suite["expectations"], results):
        meta = spec["meta"]
        kwargs = spec["kwargs"]
        column = meta.get("report_column") or kwargs.get("column") or kwargs.get("column_A")
        failing = []
        if "unexpected_index_list" in result.result:
            # Only failing rows are located (locating re-reads the raw file): GX lists none for a pass.
            indices = sorted(set(result.result["unexpected_index_list"]))
            values = (prepared.frame[column].gather(indices).to_list() if column in prepared.frame.columns
                      else [None] * len(indices))
            where = prepared.where.select(pl.all().gather(indices)) if indices else None
            failing = [{"file": file, "row": row, "column": column, "value": _cell(value)} for file, row, value
                       in zip(where["file"].to_list(), where["row"].to_list(), values)] if indices else []
        elif not result.success:
            missing = (result.result.get("details") or {}).get("mismatched", {}).get("missing")
            failing = ([{"file": data_file, "row": 1, "column": name, "value": None} for name in missing] if missing
                       else [{"file": data_file, "row": None, "column": None,
                              "value": _cell(result.result.get("observed_value"))}])
        entries.append({"suite": suite["name"], "expectation": meta["name"],
                        "description": meta.get("description", ""), "severity": SEVERITY[spec.get("severity", "critical")],
                        "passed": bool(result.success),
                        "failing": sorted(failing, key=lambda f: (f["file"], f["row"], f["column"] or ""))})
    return entries


def _skipped(name: str, data_file: str, reason: str) -> dict:
    return {"suite": name, "expectation": "input_present", "description": f"suite skipped: {reason}",
            "severity": "warning", "passed": False,
            "failing": [{"file": data_file, "row": None, "column": None, "value": None}]}


def validate(targets_path: Path | None = None) -> list[dict]:
    """Run both suites; the targets suite is skipped (with a warning entry) while targets.csv does not exist."""
    start_importing_great_expectations()  # overlaps the preparation below
    try:
        return _validate(targets_path)
    finally:
        finish_background_import()  # never left importing behind a failure (a long-lived process goes on)


def _validate(targets_path: Path | None) -> list[dict]:
    parameters = suite_parameters()
    entries = []
    for name in SUITES:
        suite = load_suite(name)
        data = targets_path if name == "targets" and targets_path else table_path(name, directory=staged_dir())
        if name == "targets" and not data.exists():
            print(f"validation: {relative(data)} not found; the target register suite is skipped "
                  "(run `python -m analysis.register` first)", file=sys.stderr)
            entries.append(_skipped(name, relative(data), f"{relative(data)} not found"))
            continue
        prepared = prepare_observations() if name == "observations" else prepare_targets(data)
        # a failure of the whole table (no row to point at) names the file a researcher edits, not the staged copy
        origin = (relative(observations_path()) if name == "observations"
                  else relative(data) if targets_path else relative(raw_dir() / "register" / "targets.csv"))
        entries += summarise(suite, run_suite(suite, prepared.frame, parameters), prepared, origin)
    return entries + conflicts.validation_entries(load_sources(), staged_dir())


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>edugap: data validation</title>
<style>
body{{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:2rem;max-width:72rem;color:#222}}
table{{border-collapse:collapse;width:100%;margin:1rem 0}}
th,td{{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}}
th{{background:#f3f3f3}}.pass{{color:#176f2c}}.error{{color:#b00020;font-weight:bold}}.warning{{color:#9a6700;font-weight:bold}}
details table{{font-size:.9em}}code{{font-size:.95em}}
</style></head><body>
<h1>Data validation 数据校验</h1>
<p>{overview}</p>
{sections}
<p><small>Generated by <code>python -m analysis.validation</code> from <code>data/processed/validation_summary.json</code>
(Great Expectations suites in <code>expectations/</code>). Self-contained page: no external resources.</small></p>
</body></html>
"""


def render_html(entries: list[dict]) -> str:
    """A small offline page: one table per suite, failing rows folded under each expectation."""
    esc = lambda v: "" if v is None else html.escape(str(v))  # noqa: E731
    sections = []
    for suite in dict.fromkeys(e["suite"] for e in entries):
        rows = []
        for e in (e for e in entries if e["suite"] == suite):
            status = "pass" if e["passed"] else e["severity"]
            label = "passed" if e["passed"] else f"{e['severity']}: {len(e['failing'])} row(s)"
            detail = ""
            if e["failing"]:
                cells = "".join(f"<tr><td>{esc(f['file'])}</td><td>{esc(f['row'])}</td><td>{esc(f['column'])}</td>"
                                f"<td>{esc(f['value'])}</td></tr>" for f in e["failing"])
                detail = (f"<details><summary>{len(e['failing'])} failing row(s)</summary><table><tr><th>file</th>"
                          f"<th>row</th><th>column</th><th>value</th></tr>{cells}</table></details>")
            rows.append(f"<tr><td class=\"{status}\">{esc(label)}</td><td><code>{esc(e['expectation'])}</code></td>"
                        f"<td>{esc(e['description'])}{detail}</td></tr>")
        sections.append(f"<h2>Suite <code>{esc(suite)}</code></h2><table><tr><th>result</th><th>expectation</th>"
                        f"<th>what is checked</th></tr>{''.join(rows)}</table>")
    errors = sum(1 for e in entries if not e["passed"] and e["severity"] == "error")
    warnings = sum(1 for e in entries if not e["passed"] and e["severity"] == "warning")
    overview = (f"{len(entries)} expectations: {sum(e['passed'] for e in entries)} passed, {errors} error(s), "
                f"{warnings} warning(s). Errors stop the build; warnings are findings to review. Rows are spreadsheet "
                "rows (header = row 1) of the file named.")
    return PAGE.format(overview=esc(overview), sections="\n".join(sections))


def error_entries(entries: list[dict]) -> list[dict]:
    return [e for e in entries if not e["passed"] and e["severity"] == "error"]


def _page_and_summary(entries: list[dict], page: Path, summary: Path) -> list:
    """The validation page and the summary as publish outputs, the summary (a make target) last."""
    return [(page, bytes_writer(render_html(entries).encode("utf-8"))), (summary, bytes_writer(json_bytes(entries)))]


def publish_validated(entries: list[dict]) -> tuple[Path, Path]:
    """The suites passed: the staged tables, the page and the summary published together, the summary (the
    make target) last, so a kill part-way leaves the step to be re-run. A failure page of an earlier run goes."""
    copies = [(table_path(name, suffix), copy_writer(table_path(name, suffix, staged_dir())))
              for name in VALIDATED_TABLES for suffix in table(name).suffixes
              if table_path(name, suffix, staged_dir()).exists()]
    *_, page, summary = publish(copies + _page_and_summary(entries, reports_dir() / "validation.html",
                                                           processed_dir() / "validation_summary.json"))
    for leftover in validation_failure_dir().glob("*"):
        leftover.unlink()
    return summary, page


def record_failure(entries: list[dict]) -> tuple[Path, Path]:
    """The suites failed: the page and the summary go beside the staged tables; data/processed and reports/
    keep the last validated state (nothing there changes, so make deletes nothing either)."""
    page, summary = publish(_page_and_summary(entries, validation_failure_dir() / "validation.html",
                                              validation_failure_dir() / "validation_summary.json"))
    return summary, page


def write_results(entries: list[dict]) -> tuple[Path, Path]:
    """Publish if no error-severity expectation failed, else record the failure: (summary, page) either way."""
    return record_failure(entries) if error_entries(entries) else publish_validated(entries)


def first_failure(entries: list[dict], page: Path) -> InputError:
    """One line for the console: the first failing file, row and column, and where the full list is."""
    failed = error_entries(entries)
    first = failed[0]
    where = first["failing"][0] if first["failing"] else {"file": f"expectations/{first['suite']}.json", "row": None,
                                                          "column": None, "value": None}
    value = f" (value {where['value']!r})" if where.get("value") is not None else ""
    more = sum(max(len(e["failing"]), 1) for e in failed) - 1
    return InputError(where["file"], f"{first['description']}{value} [{first['suite']}.{first['expectation']}]; "
                      f"{more} more failing row(s) in all; full list: {relative(page)}; data/processed is unchanged",
                      row=where["row"], column=where["column"])


def run() -> list[dict]:
    """The step: run the suites; publish the staged tables with the summary and the page if no error failed."""
    entries = validate()
    _, page = write_results(entries)
    if error_entries(entries):
        raise first_failure(entries, page)
    return entries


@step_command("validate")
def main() -> None:
    """Run the Great Expectations suites; publish the staged tables into data/processed if no error fails."""
    started = time.perf_counter()
    entries = validate()
    failed = [e for e in entries if not e["passed"]]
    for e in failed:
        print(f"  {e['severity']:7} {e['suite']}.{e['expectation']}: {len(e['failing'])} row(s)")
    bad = error_entries(entries)
    summary, page = write_results(entries)
    print(f"validation: {len(entries)} expectations, {len(bad)} error(s), {len(failed) - len(bad)} warning(s) "
          f"in {time.perf_counter() - started:.1f} s -> {relative(summary)}, {relative(page)}")
    if bad:
        raise first_failure(entries, page)


if __name__ == "__main__":
    sys.exit(main())
