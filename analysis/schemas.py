"""The processed tables, as data: name, columns (type and meaning), primary key and description.

Writers check their frames against these schemas, readers get these types back, ``datapackage.json``
describes the tables from here and ``docs/data-contracts.md`` is checked against them by a test.
Change a table here first.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

S, F, INT, B = pl.String, pl.Float64, pl.Int64, pl.Boolean


@dataclass(frozen=True)
class Column:
    name: str
    dtype: type[pl.DataType] | pl.DataType
    description: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    parquet: bool = True  # written as CSV and a Parquet twin (candidates: CSV only, for the curator)
    unique: tuple[str, ...] = ()  # unique but not a key (one value may be empty)
    # Written to data/interim/staged by its step; the validate step publishes it into data/processed only
    # when the suites pass (paths.staged_dir).
    validated: bool = False

    @property
    def suffixes(self) -> tuple[str, ...]:
        """The files the table is written as: the CSV, and its Parquet twin where it has one."""
        return (".csv", ".parquet") if self.parquet else (".csv",)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def dtypes(self) -> dict[str, pl.DataType]:
        return {c.name: c.dtype for c in self.columns}


def _cols(*specs) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


REGISTER_COLUMNS = _cols(
    ("target_id", S, "stable id T<doc>-<nnn>"), ("document_id", S, "the plan"),
    ("region_code", S, "GB/T 2260 code of the region the commitment is about"),
    ("indicator_id", S, "catalogue indicator"), ("target_kind", S, "vocabulary.TARGET_KINDS"),
    ("comparator", S, "vocabulary.COMPARATORS"), ("value", F, "the number as written (low end of a range)"),
    ("value_high", F, "high end of a range"), ("unit", S, "as in the quote"),
    ("value_rule", S, "phrase rule that states the value without a digit (semantics.VALUE_RULES: 全覆盖 = 100 …)"),
    ("period", S, "recurring targets: month, term, school_year, year or plan_period (semantics.PERIODS)"),
    ("direction", S, "increase, decrease or hold: the way the plan wants the indicator to move"),
    ("benchmark_region_code", S, "relative_to_benchmark: the region whose average is the benchmark"),
    ("target_year", INT, "year the target is due"), ("baseline_value", F, "baseline stated in the text"),
    ("baseline_year", INT, "year of the stated baseline"), ("quote", S, "verbatim span of the normalized text"),
    ("year_quote", S, "verbatim heading that proves the year"), ("flags", S, "';'-separated vocabulary.FLAGS"),
    ("note", S, "for the reviewer"),
)

TABLES = {t.name: t for t in [
    Table("targets", "The target register: one row per quantitative commitment, with its verbatim quote and "
          "offsets.",
          REGISTER_COLUMNS + _cols(
              ("annual_value", F, "a recurring target's value per calendar year (×12 a month, ×2 a term)"),
              ("annual_value_high", F, "the same for the high end of a range"),
              ("quote_start", INT, "offset of the quote in the normalized text"), ("quote_end", INT, ""),
              ("raw_start", INT, "offset of the quote's original in the raw text"), ("raw_end", INT, ""),
              ("plan_period_start", INT, "first year of the plan"), ("plan_period_end", INT, "last year of the plan")),
          ("target_id",), validated=True),
    Table("candidates", "Numeric candidates and value-less commitments (全覆盖, 清零, 一半, 实现…) found in the "
          "normalized texts, for the register's review.",
          _cols(("document_id", S), ("start", INT, "offset in the normalized text"), ("end", INT),
                ("candidate", S, "the number and its measure word, or the value-less phrase"),
                ("kind", S, "numeric or valueless"), ("year_hint", S, "year phrase of the sentence"),
                ("status", S, "registered, dismissed or uncovered"), ("sentence", S)),
          ("document_id", "start", "end"), parquet=False),
    Table("observations", "Official figures (actuals), one per source, region, indicator and year; usable=false "
          "rows (unusable_reason: year_not_stated, period_not_stated, or set_aside by the reviewed resolution "
          "named in set_aside_by) are shown but never used as actuals or context.",
          _cols(("observation_id", S, "<source_id>:<region_code>:<indicator>:<year>"), ("region_code", S),
                ("region_name", S), ("indicator_as_published", S, "as the source writes it"),
                ("indicator_id", S, "catalogue indicator; empty = context only"), ("year", INT, "reference year"),
                ("value", F), ("unit", S), ("source_id", S), ("source_kind", S, "vocabulary.SOURCE_KINDS"),
                ("note", S), ("usable", B, "may be used as an actual or context point"),
                ("unusable_reason", S, "year_not_stated, period_not_stated or set_aside; empty when usable"),
                ("set_aside_by", S, "<region_code>:<indicator_id>:<year> of the resolution that set it aside")),
          ("observation_id",), validated=True),
    Table("conflicts", "Every point (region, indicator, year) at which sources disagreed, the figure that stands, "
          "the sources set aside and the reviewed reason (data/raw/statistics/resolutions.csv).",
          _cols(("region_code", S), ("indicator_id", S), ("year", INT), ("value", F, "the figure that stands"),
                ("source_that_stands", S), ("sources_confirming", S, "';'-separated: other sources giving it"),
                ("sources_set_aside", S, "';'-separated"), ("values_set_aside", S, "';'-separated, same order"),
                ("reason", S, "why, on the evidence"), ("reviewed_by", S), ("reviewed_on", S, "YYYY-MM-DD")),
          ("region_code", "indicator_id", "year"), validated=True),
    Table("sources", "Where every figure comes from: publisher, URL, dates, kind and where the figure stands.",
          _cols(("source_id", S), ("title", S), ("publisher", S), ("url", S), ("published", S), ("accessed", S),
                ("kind", S, "vocabulary.SOURCE_KINDS"), ("where_the_figures_stand", S)),
          ("source_id",), validated=True),
    Table("assessments", "One assessment per target: status, method, actual, baseline, gap (positive = better "
          "than target), attainment, progress ratio, reason and caveat (notes of the observations used).",
          _cols(("target_id", S), ("document_id", S), ("region_code", S), ("indicator_id", S), ("target_kind", S),
                ("comparator", S), ("target_value", F), ("target_value_high", F), ("unit", S), ("target_year", INT),
                ("status", S, "vocabulary.STATUSES"), ("method", S, "vocabulary.METHODS"), ("actual_value", F),
                ("actual_year", INT), ("actual_source_id", S), ("baseline_value", F), ("baseline_year", INT),
                ("gap", F, "signed: positive = better than target"), ("attainment", F, "actual ÷ target"),
                ("progress_ratio", F, "R"), ("reason", S), ("caveat", S, "notes of the observations used"),
                ("unassessed_reason", S, "why not assessable: vocabulary.UNASSESSED_REASONS (empty when assessed)")),
          ("target_id",)),
    Table("actuals", "The regions' own series the assessment used: one point per region, indicator, unit and "
          "year, after choosing among sources (see vocabulary.SOURCE_KINDS); the charts draw exactly these.",
          _cols(("region_code", S), ("indicator_id", S), ("unit", S), ("year", INT), ("value", F),
                ("source_id", S, "the source that stands for this point"), ("note", S)),
          ("region_code", "indicator_id", "unit", "year")),
    Table("context", "Parent regions' figures shown beside a target as labelled context, never a region's actual: "
          "each (region, indicator) series once, for every region that is a parent of a target's region and the "
          "target's indicator. A target's context = the rows of its indicator whose region is one of its region's "
          "parents (regions.csv parent_code, walked to the top; analysis.assess.context_of).",
          _cols(("region_code", S, "the parent region (province, national, …) whose figure this is"),
                ("level", S, "that region's level in regions.csv"), ("indicator_id", S),
                ("year", INT), ("value", F), ("unit", S), ("source_id", S)),
          ("region_code", "indicator_id", "year", "source_id")),
    Table("summary", "Per region and ALL: targets, assessable, counts by status, 达标率 (achieved ÷ assessable), "
          "coverage (assessable ÷ targets). An empty region_code groups the targets of a plan that names no region; "
          "ALL is the total.",
          _cols(("region_code", S, "GB/T 2260 code; empty for a plan naming no region; ALL for the total"),
                ("targets", INT), ("assessable", INT), ("achieved", INT), ("not_achieved", INT), ("on_track", INT),
                ("off_track", INT, "needs acceleration + limited progress + moving away"), ("insufficient_data", INT),
                ("attainment_rate", F, "achieved ÷ assessable"), ("coverage", F, "assessable ÷ targets")),
          (), unique=("region_code",)),  # empty for a plan naming no region: unique, not a primary key
    Table("target_searches", "Per target exactly one outcome: assessed, found_unusable, searched_not_found or "
          "not_yet_searched, with the searches (searches.csv) that cover it: what was sought, years, where and when.",
          _cols(("target_id", S), ("region_code", S), ("indicator_id", S), ("target_year", INT),
                ("outcome", S, "vocabulary.SEARCH_OUTCOMES"),
                ("matched_by", S, "vocabulary.SEARCH_MATCHES: how the searches were tied to the target"),
                ("search_ids", S, "';'-separated ids of searches.csv"), ("sought", S, "'|'-separated"),
                ("years", S, "years sought, ';'-separated"), ("where", S, "'|'-separated"),
                ("when", S, "';'-separated dates, precision as written"), ("note", S)),
          ("target_id",)),
    Table("search_coverage", "Per region and ALL: targets and the count of each search outcome (they sum to "
          "targets).",
          _cols(("region_code", S, "GB/T 2260 code; empty for a plan naming no region; ALL for the total"),
                ("targets", INT), ("assessed", INT), ("searched_not_found", INT), ("found_unusable", INT),
                ("not_yet_searched", INT)),
          (), unique=("region_code",)),  # empty for targets naming no region: unique, not a primary key
    Table("searches", "The search trail: where figures were looked for and not found (or found unusable), with "
          "the indicators each search names and the number of targets it covers.",
          _cols(("search_id", S, "S + data row number of data/raw/statistics/searches.csv"),
                ("region_code", S, "';'-separated GB/T 2260 codes"), ("region_name", S),
                ("what_was_sought", S), ("year_from", INT), ("year_to", INT), ("where_searched", S),
                ("searched_on", S, "YYYY, YYYY-MM or YYYY-MM-DD as written"),
                ("result", S, "vocabulary.SEARCH_RESULTS"), ("note", S),
                ("named_indicators", S, "';'-separated catalogue ids named in what_was_sought"),
                ("general_publication", B, "what_was_sought names a general publication"),
                ("targets_covered", INT)),
          ("search_id",)),
]}


VALIDATED_TABLES = tuple(name for name, t in TABLES.items() if t.validated)


def table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known: {sorted(TABLES)}") from None
