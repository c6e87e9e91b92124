"""A plain reference implementation of the assessment, written the way a researcher would: pandas to
tidy the observations, then one Python loop over the targets (``itertuples``), one ``if`` per rule.

It implements the rules stated in ``analysis/assess/`` (package docstring) and ``tests/code/test_engine.py``
independently (no engine internals are called), so the benchmark and the tests can check that the
vectorised engine gives exactly the same answers, and how much faster it is. Not used by the pipeline.

Numbers in the reasons are written as the engine writes them: rounded to 4 decimals the way pandas and
polars round (multiply, round half to even, divide), without a trailing ``.0``; 'n/a' when missing.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd

from analysis.vocabulary import SOURCE_RANK

COLUMNS = ["target_id", "document_id", "region_code", "indicator_id", "target_kind", "comparator",
           "target_value", "target_value_high", "unit", "target_year", "status", "method", "actual_value",
           "actual_year", "actual_source_id", "baseline_value", "baseline_year", "gap", "attainment",
           "progress_ratio", "reason", "caveat", "unassessed_reason"]


# ---------------------------------------------------------------- small helpers

def missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def clean(value):
    """NaN / NA -> None; numpy scalars -> Python numbers."""
    if missing(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def year(value):
    value = clean(value)
    return None if value is None else int(float(value))


def number(value):
    value = clean(value)
    return None if value is None else float(value)


def rnd(value, decimals: int):
    return None if value is None else float(np.round(value, decimals))


def num(value) -> str:
    """214, 98.8, 0.3333 (4 decimals, no trailing .0), 'n/a' when missing."""
    return "n/a" if value is None else repr(rnd(float(value), 4)).removesuffix(".0")


def yr(value) -> str:
    return "n/a" if value is None else str(int(value))


def gt(a, b) -> bool:
    """a > b, False when either is missing (a missing comparison never decides a rule)."""
    return a is not None and b is not None and a > b


def ge(a, b) -> bool:
    return a is not None and b is not None and a >= b


def met(gap, strict: bool) -> bool:
    return gt(gap, 0) if strict else ge(gap, 0)


def notes(*values) -> str | None:
    """The notes of the observations used, unique, in order, joined by '; '."""
    kept = list(dict.fromkeys(v for v in values if v is not None))
    return "; ".join(kept) if kept else None


# ---------------------------------------------------------------- the observations, tidied

def tidy_observations(observations: pd.DataFrame):
    """(by_unit, any_unit, counts, unusable): the usable figures of each series, one per year, as dicts.

    by_unit[(region, indicator, unit)][year] = (value, source_id, note, unit): when two sources give the
    same point, the closest to the publisher wins, then the smallest source_id, then the smallest value.
    any_unit[(region, indicator)][year]: the same, across units (the best-ranked, then the smallest unit).
    counts / unusable: usable / not-usable figures per (region, indicator), for the notes on missing data.
    """
    obs = observations.copy()
    flagged = obs["usable"].astype(str).str.lower().isin(["true", "1", "yes"])
    unusable = obs[~flagged & obs["indicator_id"].notna()].groupby(["region_code", "indicator_id"]).size()
    usable = flagged & obs[["indicator_id", "region_code", "year", "value"]].notna().all(axis=1)
    obs = obs[usable].copy()
    kind = obs["source_kind"] if "source_kind" in obs.columns else pd.Series(None, index=obs.index, dtype=object)
    obs["rank"] = kind.map(SOURCE_RANK).fillna(len(SOURCE_RANK)).astype(int)
    obs["year"] = obs["year"].astype(float).astype(int)
    obs["value"] = obs["value"].astype(float)
    obs = obs.sort_values(["region_code", "indicator_id", "unit", "year", "rank", "source_id", "value"],
                          na_position="last", kind="stable")
    counts = obs.groupby(["region_code", "indicator_id"]).size()
    best = obs.drop_duplicates(["region_code", "indicator_id", "unit", "year"], keep="first")
    across = best.sort_values(["region_code", "indicator_id", "year", "rank", "unit", "source_id"],
                              na_position="last", kind="stable")
    across = across.drop_duplicates(["region_code", "indicator_id", "year"], keep="first")
    return series(best, with_unit=True), series(across, with_unit=False), counts.to_dict(), unusable.to_dict()


def series(frame: pd.DataFrame, with_unit: bool) -> dict:
    """{(region, indicator[, unit]): {year: (value, source_id, note, unit)}} from one figure per point."""
    found: dict = {}
    columns = ["region_code", "indicator_id", "unit", "year", "value", "source_id", "note"]
    frame = frame[columns].astype(object)
    frame = frame.where(frame.notna(), None)  # missing is None, whatever the reader made of it
    # Columns as Python lists: iterating pandas' Arrow-backed strings row by row is ~20x slower.
    for region, indicator, unit, when, value, source, note in zip(*(frame[c].tolist() for c in columns)):
        key = (region, indicator, unit) if with_unit else (region, indicator)
        found.setdefault(key, {})[when] = (value, source, note, unit)
    return found


def parents(regions: pd.DataFrame) -> tuple[dict, dict]:
    parent = {r.region_code: clean(r.parent_code) for r in regions.itertuples(index=False)}
    level = {r.region_code: r.level for r in regions.itertuples(index=False)}
    return parent, level


def ancestors(code, parent: dict) -> list[str]:
    found, seen = [], {code}
    while parent.get(code) is not None and parent[code] not in seen:
        code = parent[code]
        seen.add(code)
        found.append(code)
    return found


# ---------------------------------------------------------------- one target

class Target:
    """One target row with the signs its comparisons need (see the engine's docstring for the conventions)."""

    def __init__(self, row, indicator: dict, year_now: int):
        self.id, self.document, self.region = row.target_id, clean(row.document_id), clean(row.region_code)
        self.indicator, self.kind, self.comparator = row.indicator_id, row.target_kind, row.comparator
        self.value, self.value_high, self.unit = number(row.value), number(row.value_high), clean(row.unit)
        self.year, self.baseline, self.baseline_year = year(row.target_year), number(row.baseline_value), \
            year(row.baseline_year)
        self.start, self.end = year(row.plan_period_start), year(row.plan_period_end)
        self.quote = clean(getattr(row, "quote", None)) or ""
        self.benchmark = clean(getattr(row, "benchmark_region_code", None))
        self.sub_region = "sub_region" in (clean(getattr(row, "flags", None)) or "").split(";")
        found = re.search(r"scope:\s*([^;,\s]+)", clean(getattr(row, "note", None)) or "")
        self.scope = found.group(1) if found else "a part the note does not name"
        # more is better (+1) or less (-1): the target's own direction where the register gives one
        wanted = clean(getattr(row, "direction", None)) or indicator.get("direction")
        self.d = -1 if wanted == "decrease" else 1
        self.c = -1 if self.comparator in ("<=", "<") else 1           # floor (+1) or ceiling (-1)
        self.s_level = self.c if self.comparator in (">=", ">", "<=", "<") else self.d
        self.s = self.c if self.kind in ("increment", "relative_change", "per_year") else self.s_level
        self.strict = self.comparator in (">", "<")
        self.passed = self.year is not None and self.year < year_now
        self.flow = indicator.get("measure") == "flow"
        low, high = self.value, self.value_high
        annual, annual_high = number(getattr(row, "annual_value", None)), number(getattr(row, "annual_value_high", None))
        if self.kind == "per_year":  # a recurring target is checked on its value per calendar year
            low = annual if annual is not None else low
            high = annual_high if annual_high is not None else high
        ceiling_end = self.comparator == "range" and self.s_level < 0 and high is not None
        self.thr = high if ceiling_end else low   # a range is met at its less demanding end

    def row(self, status, method, reason, actual=None, actual_year=None, source=None, baseline="stated",
            baseline_year="stated", gap=None, attainment=None, ratio=None, caveat=None) -> dict:
        return {"target_id": self.id, "document_id": self.document, "region_code": self.region,
                "indicator_id": self.indicator, "target_kind": self.kind, "comparator": self.comparator,
                "target_value": self.value, "target_value_high": self.value_high, "unit": self.unit,
                "target_year": self.year, "status": status, "method": method, "actual_value": actual,
                "actual_year": actual_year, "actual_source_id": source,
                "baseline_value": self.baseline if baseline == "stated" else baseline,
                "baseline_year": self.baseline_year if baseline_year == "stated" else baseline_year,
                "gap": rnd(gap, 6), "attainment": rnd(attainment, 6), "progress_ratio": rnd(ratio, 6),
                "reason": reason, "caveat": caveat, "unassessed_reason": None}


def unassessed_reason(t: Target, year_now: int) -> str:
    """What an unassessed target lacks first, else whether it is past due or not yet due."""
    if t.region is None:
        return "no_region"
    if t.sub_region:
        return "sub_region"
    if t.kind not in ("milestone", "relative_to_benchmark") and t.value is None:
        return "no_value"
    if t.year is None and t.kind != "per_year":
        return "no_year"
    if t.kind == "milestone":
        return "no_event_recorded"
    if t.kind == "relative_to_benchmark" and t.benchmark is None:
        return "benchmark_not_a_region"
    due = t.year if t.year is not None else t.end
    return "past_due_no_figure" if due is not None and due < year_now else "not_yet_due"


def why_not_assessable(t: Target) -> str | None:
    if t.region is None:
        return "region unknown: the document does not name the region the target is about"
    if t.sub_region:
        return f"a target for part of the region ({t.scope}): figures of the whole region do not measure it"
    if t.kind not in ("milestone", "relative_to_benchmark") and t.value is None:
        return "target value missing in the source"
    if t.year is None and not (t.kind == "per_year" and t.end is not None):
        return "target year missing in the source"
    return None


def assess_level(t: Target, series: dict, params: dict) -> dict:
    """A level (or the increment of a stock, read as the level baseline + increment)."""
    inc = t.kind == "increment"
    at = lambda y: series.get(y, (None,) * 4) if y is not None else (None,) * 4  # noqa: E731
    base_plan = t.start - 1 if t.start is not None else None
    a = at(t.year)
    before = [y for y in series if y <= t.year]
    latest_year = max(before) if before else None
    from_year = (t.start if t.start is not None else -10_000) - 1
    after = [y for y in series if y >= from_year]
    first_year = min(after) if after else None
    final = t.passed and a[0] is not None
    x_year = t.year if final else latest_year
    x, x_src, x_note, _ = at(x_year)
    p = at(base_plan)
    p_year = base_plan if p[0] is not None else None
    stated = t.baseline is not None and t.baseline_year is not None and gt(x_year, t.baseline_year)
    observed = gt(x_year, first_year)
    x0 = t0 = x0_note = None
    if inc:
        x0 = t.baseline if t.baseline is not None else p[0]
        t0 = t.baseline_year if t.baseline is not None else p_year
        x0_note = p[2] if t.baseline is None else None
    elif stated:
        x0, t0 = t.baseline, t.baseline_year
    elif observed:
        x0, t0, x0_note = at(first_year)[0], first_year, at(first_year)[2]
    level = (x0 + t.d * t.thr if x0 is not None else None) if inc else t.thr
    sign = t.d * t.c if inc else t.s
    gap = sign * (x - level) if x is not None and level is not None else None
    is_met = met(gap, t.strict)
    ceiling = t.unit == "%" and ge(level, params["ceiling_threshold"])

    change = t.d * (x - x0) if x is not None and x0 is not None else None
    what = f"increase {num(x)} − {num(x0)} = {num(change)}" if inc else num(x)
    op = f"{num(t.value)}–{num(t.value_high)}" if t.comparator == "range" else f"{t.comparator} {num(t.thr)}"
    not_yet = f"no observation for target year {yr(t.year)} yet; " if t.passed else ""
    actual = change if inc else x
    if not inc and t.s > 0 and t.thr != 0:
        attainment = x / t.thr if x is not None else None
    elif not inc and t.s < 0 and x is not None and x != 0:
        attainment = t.thr / x
    elif inc and t.thr != 0 and actual is not None:
        attainment = actual / t.thr
    else:
        attainment = None
    out = dict(actual=actual, actual_year=x_year if x is not None else None,
               source=x_src if x is not None else None, baseline=x0, baseline_year=t0,
               caveat=notes(x_note, x0_note))
    verdict = dict(gap=gap, attainment=attainment, **out)
    insufficient = lambda why: t.row("insufficient_data", "none", why, **out)  # noqa: E731

    if x is None:
        return insufficient(f"no usable observation for this region and indicator in unit {t.unit or 'n/a'} "
                            f"up to {yr(t.year)}")
    if inc and x0 is None:
        return insufficient(f"an increment needs a baseline count: none stated and no observation for {yr(base_plan)}")
    if final:
        if is_met:
            return t.row("achieved", "final_year_comparison", f"{yr(t.year)} actual {what} against target {op}: met",
                         **verdict)
        return t.row("not_achieved", "final_year_comparison",
                     f"{yr(t.year)} actual {what} against target {op}: not met", **verdict)
    if is_met:
        return t.row("achieved", "already_met",
                     f"{not_yet}latest actual {what} ({yr(x_year)}) already meets target {op}", **verdict)
    if inc and t0 is None:
        return insufficient(f"{not_yet}the stated baseline {num(x0)} has no year: progress cannot be annualised")
    if x0 is None or t0 is None:
        return insufficient(f"{not_yet}fewer than two points: only {num(x)} ({yr(x_year)}), no baseline stated or "
                            "observed")
    if t0 >= x_year:
        return insufficient(f"baseline year {yr(t0)} is not before the latest observation ({yr(x_year)})")
    if not ceiling and not (x0 > 0 and x > 0 and level > 0):
        return insufficient("growth rate undefined for zero or negative values")
    method = "percentage_point_progress" if ceiling else "growth_ratio"
    if ceiling:  # percentage points a year
        act, req = (x - x0) / (x_year - t0), (level - x0) / (t.year - t0)
    else:        # compound annual growth rates
        act, req = (x / x0) ** (1 / (x_year - t0)) - 1, (level / x0) ** (1 / (t.year - t0)) - 1
    if sign * req <= 0:
        return t.row("moving_away", method, f"{not_yet}the baseline {num(x0)} ({yr(t0)}) met the target, the latest "
                     f"{num(x)} ({yr(x_year)}) no longer does", **verdict)
    ratio = rnd(act / req, 6)  # rounded first: the status follows the ratio as published
    if ratio >= params["on_track_ratio"]:
        status = "on_track"
    elif ratio >= params["needs_acceleration_ratio"]:
        status = "needs_acceleration"
    elif ratio >= 0:
        status = "limited_progress"
    elif ratio < 0:
        status = "moving_away"
    else:
        return insufficient("progress ratio undefined")
    words = " percentage points" if ceiling else " (growth rate)"
    reason = (f"{not_yet}R = {num(rnd(ratio, 4))}: progress from {num(x0)} ({yr(t0)}) to {num(x)} ({yr(x_year)}): "
              f"actual {num(rnd(act, 6))} a year, required {num(rnd(req, 6))} a year to reach {num(level)} by "
              f"{yr(t.year)}{words}")
    return t.row(status, method, reason, ratio=ratio, **verdict)


def assess_flow(t: Target, series: dict, year_now: int) -> dict:
    """Per-year targets (every year on its own) and increments of flows (the sum of the yearly additions)."""
    per_year = t.kind == "per_year"
    end = t.year if t.year is not None else t.end
    start = t.start if t.start is not None else end
    start = min(start, end)
    seen_years = sorted(y for y in series if start <= y <= end)
    points = [(y, *series[y]) for y in seen_years]
    n, expected, over = len(points), end - start + 1, end < year_now
    span = f"{yr(start)}–{yr(end)}"
    if n == 0:
        return t.row("insufficient_data", "none",
                     f"no usable observation for this region and indicator in unit {t.unit or 'n/a'} for {span}")
    total = sum(p[1] for p in points)
    worst = min(points, key=lambda p: (t.s * (p[1] - t.thr), p[0]))  # the year furthest from the target
    seen = f"observed in {n} of {expected} years ({', '.join(str(y) for y in seen_years)})"
    complete = n == expected
    gap = t.s * (worst[1] - t.thr) if per_year else t.c * (total - t.thr)
    is_met = met(gap, t.strict)
    actual = worst[1] if per_year else total
    sources = ";".join(sorted({p[2] for p in points if p[2] is not None}))
    the_notes = sorted({p[3] for p in points if p[3] is not None})
    out = dict(actual=actual, actual_year=worst[0] if per_year else end, source=worst[2] if per_year else sources,
               gap=gap, attainment=actual / t.thr if t.thr != 0 else None,
               caveat="; ".join(the_notes) if the_notes else None)
    if per_year:
        if not is_met:
            return t.row("not_achieved", "final_year_comparison", f"per-year target {t.comparator} {num(t.thr)} "
                         f"missed in {yr(worst[0])} (actual {num(worst[1])}); {seen}", **out)
        if complete and over:
            return t.row("achieved", "final_year_comparison", f"per-year target met in every year {span}", **out)
        if over:
            return t.row("insufficient_data", "none", f"per-year target met where observed, but {seen}", **out)
        return t.row("on_track", "final_year_comparison", f"per-year target met in every observed year so far; {seen}",
                     **out)
    against = f"additions {span} sum to {num(total)} against target {t.comparator} {num(t.thr)}"
    if complete and over:
        if is_met:
            return t.row("achieved", "final_year_comparison", f"{against}: met", **out)
        return t.row("not_achieved", "final_year_comparison", f"{against}: not met", **out)
    if is_met and t.c > 0:
        return t.row("achieved", "already_met", f"additions so far sum to {num(total)}, already meeting target "
                     f"{num(t.thr)}; {seen}", **out)
    return t.row("insufficient_data", "none", f"additions {span} so far sum to {num(total)}; {seen}: the sum over "
                 f"{span} cannot be checked yet", **out)


def assess_relative_change(t: Target, series: dict) -> dict:
    """同比下降10%: the change from the year before the target year, counted in the desired direction."""
    prev = t.year - 1
    a, p = series.get(t.year), series.get(prev)
    if not t.passed:
        return t.row("insufficient_data", "none", f"a year-on-year change can be checked only once {yr(t.year)} "
                     "has passed and is observed", baseline=None, baseline_year=None)
    if a is None or p is None:
        return t.row("insufficient_data", "none", f"a relative change needs observations for two consecutive "
                     f"years, {yr(prev)} and {yr(t.year)}", baseline=None, baseline_year=None)
    if a[3] is not None and p[3] is not None and a[3] != p[3]:
        return t.row("insufficient_data", "none", "the two years are published in different units", baseline=None,
                     baseline_year=None)
    if t.unit == "个百分点":
        change = a[0] - p[0]
    elif p[0] != 0:
        change = (a[0] / p[0] - 1) * 100
    else:
        return t.row("insufficient_data", "none", "relative change undefined (previous value 0)", baseline=None,
                     baseline_year=None)
    r = t.d * change
    gap = t.c * (r - t.thr)
    desc = (f"{yr(prev)} {num(p[0])} → {yr(t.year)} {num(a[0])}: change {num(r)} in the desired direction against "
            f"target {t.comparator} {num(t.thr)} ({t.unit or ''})")
    status, verdict = ("achieved", "met") if met(gap, t.strict) else ("not_achieved", "not met")
    return t.row(status, "final_year_comparison", f"{desc}: {verdict}", actual=r, actual_year=t.year, source=a[1],
                 baseline=p[0], baseline_year=prev, gap=gap, attainment=r / t.thr if t.thr != 0 else None,
                 caveat=notes(a[2], p[2]))


def assess_milestone(t: Target, series: dict) -> dict:
    """通过国家认定: achieved only when an observation records the event (a value above 0) by the target year."""
    events = sorted(y for y, point in series.items() if point[0] > 0)
    first = events[0] if events else None
    e = series[first] if first is not None else None
    a = series.get(t.year)
    if first is not None and first <= t.year:
        return t.row("achieved", "final_year_comparison", f"event recorded in {first} (target year {t.year})",
                     actual=e[0], actual_year=first, source=e[1], caveat=e[2])
    if t.passed and a is not None and a[0] == 0:
        return t.row("not_achieved", "final_year_comparison",
                     f"the observation for {t.year} records the event as not reached",
                     actual=a[0], actual_year=t.year, source=a[1], caveat=a[2])
    if t.passed and first is not None:
        return t.row("not_achieved", "final_year_comparison",
                     f"event recorded only in {first}, after the target year {t.year}",
                     actual=e[0], actual_year=first, source=e[1], caveat=e[2])
    return t.row("insufficient_data", "none", "no observation records the event")


def benchmark_region(t: Target, parent: dict, level: dict) -> str | None:
    """The region whose average is the benchmark: the register's column (proven there by the quote)."""
    return t.benchmark


def assess_benchmark(t: Target, by_unit: dict, parent: dict, level: dict) -> dict:
    """控制在全省平均水平以下: the region's figure against the named region's figure for the target year."""
    bench = benchmark_region(t, parent, level)
    if bench is None:
        return t.row("insufficient_data", "none", "the quote names no region's average as the benchmark "
                     "(全国/全省/全区/全市平均): not assessed automatically")
    if not t.passed:
        return t.row("insufficient_data", "none", f"target year {yr(t.year)} has not passed")
    a = by_unit.get((t.region, t.indicator, t.unit), {}).get(t.year)
    if a is None:
        return t.row("insufficient_data", "none",
                     f"no usable observation for this region and indicator in {yr(t.year)}")
    b = by_unit.get((bench, t.indicator, t.unit), {}).get(t.year)
    if b is None:
        return t.row("insufficient_data", "none", f"no observation of the benchmark region {bench} for {yr(t.year)}")
    gap = t.s_level * (a[0] - b[0])
    desc = (f"{yr(t.year)} actual {num(a[0])} against the benchmark region {bench}'s {num(b[0])} "
            f"({t.comparator} {b[1] or 'n/a'})")
    status, verdict = ("achieved", "met") if met(gap, t.strict) else ("not_achieved", "not met")
    return t.row(status, "final_year_comparison", f"{desc}: {verdict}", actual=a[0], actual_year=t.year, source=a[1],
                 gap=gap, caveat=notes(a[2], b[2]))


# ---------------------------------------------------------------- all targets

def assess(targets: pd.DataFrame, observations: pd.DataFrame, indicators: pd.DataFrame, regions: pd.DataFrame,
           params: dict) -> pd.DataFrame:
    """One row per target, sorted by target_id, in the engine's assessment columns."""
    return assess_tidied(targets, tidy_observations(observations), indicators, regions, params)


def assess_tidied(targets: pd.DataFrame, tidied: tuple, indicators: pd.DataFrame, regions: pd.DataFrame,
                  params: dict) -> pd.DataFrame:
    """:func:`assess` with the observations already tidied by :func:`tidy_observations`."""
    as_of = params["as_of"]
    year_now = as_of.year if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of)).year
    by_unit, any_unit, counts, unusable = tidied
    catalogue = {row["indicator_id"]: row for row in indicators.to_dict("records")}
    parent, level = parents(regions)
    rows = []
    for row in targets.sort_values("target_id").itertuples(index=False):
        t = Target(row, catalogue.get(row.indicator_id, {}), year_now)
        why = why_not_assessable(t)
        if why is not None:
            result = t.row("insufficient_data", "none", why)
        elif t.kind == "relative_change":
            result = assess_relative_change(t, any_unit.get((t.region, t.indicator), {}))
        elif t.kind == "milestone":
            result = assess_milestone(t, any_unit.get((t.region, t.indicator), {}))
        elif t.kind == "relative_to_benchmark":
            result = assess_benchmark(t, by_unit, parent, level)
        elif t.kind == "per_year" or (t.kind == "increment" and t.flow):
            result = assess_flow(t, by_unit.get((t.region, t.indicator, t.unit), {}), year_now)
        else:
            result = assess_level(t, by_unit.get((t.region, t.indicator, t.unit), {}), params)
        if result["status"] == "insufficient_data":
            # No number where there is no verdict; tell the reader what else exists.
            result.update(gap=None, attainment=None, progress_ratio=None)
            bad = unusable.get((t.region, t.indicator), 0)
            if bad:
                result["reason"] += (f"; {bad} observation(s) of this region and indicator are not usable (no "
                                     "reference year or failed validation)")
            context = sum(counts.get((code, t.indicator), 0) for code in ancestors(t.region, parent)) \
                if t.region is not None else 0
            if context:
                result["reason"] += (f"; context only: {context} figure(s) of parent regions in context.csv, not used "
                                     "as this region's actual")
            result["unassessed_reason"] = unassessed_reason(t, year_now)
        rows.append(result)
    return pd.DataFrame(rows, columns=COLUMNS)
