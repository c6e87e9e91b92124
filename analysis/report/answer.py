"""The answer first: the outcome in sentences, the assessed targets by name, the summary per region with
why the rest cannot be assessed, and the status heat map."""

from __future__ import annotations

import html

import polars as pl

from ..vocabulary import INSUFFICIENT, OFF_TRACK, SUMMARY_GROUPS, UNASSESSED_REASONS
from .inputs import Inputs
from .markup import (
    MISSING,
    esc,
    fmt,
    html_table,
    indicator_label,
    missing,
    pct,
    region_anchor,
    region_label,
    status_badge,
)
from .targets import assessed, notes_html, register_rows, source_html, target_text

SUMMARY_COLUMNS = [("targets", "登记目标 targets registered"), ("assessable", "可评估 assessable")] + [
    (column, f"{zh} {en}") for column, zh, en in SUMMARY_GROUPS
]
REASON_COLUMNS = [(code, f"{zh} {en}") for code, zh, en in UNASSESSED_REASONS]


def min_assessable(inputs: Inputs) -> int:
    """Below this many assessable targets a 达标率 is not published (params.yaml min_assessable_for_rate)."""
    return int(inputs.params.get("min_assessable_for_rate", 5))


def rate_text(achieved, assessable, minimum: int) -> str:
    """达标率 as a percentage only on enough assessable targets; otherwise the n it would rest on."""
    if missing(assessable) or assessable == 0:
        return MISSING
    if assessable < minimum:
        return f"n = {fmt(assessable)}"
    return pct(achieved / assessable)


def plan_regions(inputs: Inputs) -> dict:
    """region -> the region of the plan that set its targets (a county's targets come from its city's plan);
    a plan's own region maps to itself. None: the plan names no region."""
    document_region = {d.document_id: d.region_code for d in inputs.documents}
    owner = {}
    for row in inputs.assessments.select("region_code", "document_id").unique().iter_rows(named=True):
        code = None if missing(row["region_code"]) else row["region_code"]
        parent = document_region.get(row["document_id"])
        owner.setdefault(code, code if parent is None or code is None else parent)
    return owner


def region_codes(inputs: Inputs) -> list:
    """Regions that get a section, each plan's region followed by the counties its plan sets targets for;
    the plan that names no region last."""
    owner = plan_regions(inputs)
    return sorted(owner, key=lambda c: (owner[c] is None, owner[c] or "", c != owner[c], c or ""))


def _counts(frame: pl.DataFrame) -> dict:
    status, reason = pl.col("status"), pl.col("unassessed_reason")
    counts = frame.select(
        pl.len().alias("targets"), (status != INSUFFICIENT).sum().alias("assessable"),
        *[(status == code).sum().alias(code) for code in ("achieved", "not_achieved", "on_track")],
        status.is_in(OFF_TRACK).sum().alias("off_track"), (status == INSUFFICIENT).sum().alias("insufficient_data"),
        *[(reason == code).sum().alias(code) for code, _ in REASON_COLUMNS],
    ).row(0, named=True)
    return counts


def summary_html(inputs: Inputs) -> str:
    """The answer per region: outcomes, then why the rest cannot be assessed; counties indented under the
    city whose plan set their targets; the total last. 达标率 only on enough assessable targets."""
    owner, minimum = plan_regions(inputs), min_assessable(inputs)
    rows, classes = [], []
    for code in region_codes(inputs):
        frame = inputs.assessments.filter(pl.col("region_code").is_null() if code is None
                                          else pl.col("region_code") == code)
        nested = code is not None and owner.get(code) not in (code, None)
        label = f'<a href="#{region_anchor(code)}">{esc(region_label(inputs, code))}</a>'
        rows.append(_summary_row(label, _counts(frame), minimum))
        classes.append("nested" if nested else "")
    rows.append(_summary_row(esc(region_label(inputs, "ALL")), _counts(inputs.assessments), minimum))
    classes.append("total")
    header = ([("地区 Region", "")] + [(label, "num") for _, label in SUMMARY_COLUMNS]
              + [(f"达标率 attainment rate (achieved ÷ assessable; shown from n ≥ {minimum})", "num"),
                 ("覆盖率 coverage (assessable ÷ targets)", "num")]
              + [(f"无法评估：{label}", "num reason") for _, label in REASON_COLUMNS])
    table = html_table(header, rows, table_id="summary-table", row_classes=classes)
    return f'<div class="edugap-scroll">{table}</div>'


def _summary_row(label: str, c: dict, minimum: int) -> list[str]:
    coverage = c["assessable"] / c["targets"] if c["targets"] else None
    return ([label] + [fmt(c[column]) for column, _ in SUMMARY_COLUMNS]
            + [rate_text(c["achieved"], c["assessable"], minimum), pct(coverage)]
            + [fmt(c[code]) for code, _ in REASON_COLUMNS])


def headline(inputs: Inputs) -> str:
    """The answer in sentences, Chinese then English: outcomes, the rate only where it means something,
    and why the rest cannot be assessed, largest reason first."""
    c, minimum = _counts(inputs.assessments), min_assessable(inputs)
    rate = rate_text(c["achieved"], c["assessable"], minimum)
    rate_en = (f"达标率 {rate}" if not rate.startswith("n =") else
               f"{rate}: too few assessable targets for a 达标率, published from {minimum} on")
    reasons = sorted(((c[code], zh, en) for code, zh, en in UNASSESSED_REASONS if c[code]), reverse=True)
    zh_reasons = "；".join(f"{zh} {n} 项" for n, zh, _ in reasons)
    en_reasons = "; ".join(f"{en}: {n}" for n, _, en in reasons)
    plans = inputs.assessments["document_id"].n_unique()
    coverage = pct(c["assessable"] / c["targets"]) if c["targets"] else MISSING
    return (
        f'<div class="edugap-answer" lang="zh-CN"><p>{plans} 份规划共登记 <strong>{fmt(c["targets"])}</strong> 项量化目标，'
        f'可用官方数据评估 <strong>{fmt(c["assessable"])}</strong> 项（覆盖率 {coverage}）：'
        f'已达成 {fmt(c["achieved"])}，未达成 {fmt(c["not_achieved"])}，进度正常 {fmt(c["on_track"])}，'
        f'进度滞后 {fmt(c["off_track"])}。其余 {fmt(c["insufficient_data"])} 项无法评估：{esc(zh_reasons)}。</p>'
        f'<p lang="en"><strong>{fmt(c["targets"])}</strong> quantitative targets were registered in {plans} plans; '
        f'<strong>{fmt(c["assessable"])}</strong> could be assessed (coverage {coverage}). '
        f'Achieved: <strong>{fmt(c["achieved"])}</strong> ({rate_en}); {fmt(c["not_achieved"])} not achieved, '
        f'{fmt(c["on_track"])} on track and {fmt(c["off_track"])} off track; {fmt(c["insufficient_data"])} lack data '
        f'— {esc(en_reasons)}. Assessment as of {esc(inputs.params.get("as_of"))}.</p></div>'
    )


def assessed_targets_html(inputs: Inputs) -> str:
    """Every assessed target named, with what it promised, what was found, and the caveat that goes with it."""
    frame = assessed(inputs)
    if frame.height == 0:
        return "<p class='edugap-missing'>没有可评估的目标 no target could be assessed.</p>"
    register = register_rows(inputs)
    rows = []
    for a in frame.iter_rows(named=True):
        t = register.get(a["target_id"], {})
        actual = f"{fmt(a['actual_value'], 2)} {esc(a['unit'] or '')} ({fmt(a['actual_year'])})"
        rows.append([f'<a href="#{region_anchor(a["region_code"])}">{esc(region_label(inputs, a["region_code"]))}</a>',
                     esc(a["target_id"]), esc(indicator_label(inputs, a["indicator_id"])),
                     esc(target_text(inputs, a, t)) + f" · {fmt(a['target_year'])}", actual, status_badge(a["status"]),
                     notes_html(a, t), source_html(inputs, a["actual_source_id"])])
    header = [("地区 Region", ""), ("目标 Target", ""), ("指标 Indicator", ""), ("目标值 Target (as the plan says)", ""),
              ("实际 Actual (year)", ""), ("状态 Status", ""), ("注意与说明 Caveats and notes", ""),
              ("来源 Source of the actual", "")]
    table = html_table(header, rows, table_id="assessed-targets")
    return f'<div class="edugap-scroll">{table}</div>'


def heatmap_indicators(inputs: Inputs) -> tuple[list[str], list[str]]:
    """(shown, left out): the map shows an indicator if any of its targets could be assessed or it is
    shared by two or more regions; the rest (single-region, nothing assessable) would only add rows
    of grey — they are named under the map and listed in the region tables."""
    frame = inputs.assessments.filter(pl.col("indicator_id").is_not_null())
    shown, left_out = [], []
    for indicator in sorted(set(frame["indicator_id"].to_list())):
        rows = frame.filter(pl.col("indicator_id") == indicator)
        assessable = rows.filter(pl.col("status") != INSUFFICIENT).height > 0
        regions = rows["region_code"].n_unique()
        (shown if assessable or regions > 1 else left_out).append(indicator)
    order = list(inputs.indicators)
    key = lambda i: (order.index(i) if i in order else len(order), i)  # noqa: E731
    return sorted(shown, key=key), sorted(left_out, key=key)


def heatmap_svg(inputs: Inputs) -> str:
    from .. import figures

    shown, left_out = heatmap_indicators(inputs)
    cells = [
        {"region_code": r["region_code"], "indicator_id": r["indicator_id"], "status": r["status"]}
        for r in inputs.assessments.iter_rows(named=True)
        if r["indicator_id"] in shown
    ]
    if not cells:
        return "<p class='edugap-missing'>无可绘制的评估 no assessments to draw.</p>"
    used_regions = {c["region_code"] for c in cells}
    regions = [(c, region_label(inputs, c)) for c in region_codes(inputs) if c in used_regions]
    indicators = [(i, figures.wrap(indicator_label(inputs, i), 46)) for i in shown]
    svg = figures.to_svg(figures.heatmap(cells, regions, indicators))
    note = ""
    if left_out:
        names = "; ".join(html.escape(indicator_label(inputs, i)) for i in left_out)
        note = (
            f"<details><summary>{len(left_out)} further indicators, each with targets of one region only and "
            f"none assessable, are not drawn (see the region tables)</summary><p>{names}</p></details>"
        )
    return f'<div class="edugap-figure" id="heatmap">{svg}</div>{note}'


def theme_view_html(inputs: Inputs) -> str:
    """Regions × themes: how many targets each plan sets in each theme and what became of them, in words
    and numbers (reads in greyscale). A county's targets count under the plan that set them."""
    from ..reference import load_themes

    themes = load_themes()
    owner = plan_regions(inputs)
    theme_of = {i: row.get("theme_id") for i, row in inputs.indicators.items()}
    frame = inputs.assessments.with_columns(
        pl.col("indicator_id").replace_strict(theme_of, default=None, return_dtype=pl.String).alias("_theme"),
        pl.col("region_code").replace_strict({k: v for k, v in owner.items() if k is not None}, default=None,
                                             return_dtype=pl.String).alias("_plan_region"))
    columns = sorted({owner[c] for c in owner}, key=lambda c: (c is None, c or ""))
    reasons = {code: zh for code, zh, _ in UNASSESSED_REASONS}
    rows = []
    for theme_id, theme in themes.items():
        in_theme = frame.filter(pl.col("_theme") == theme_id)
        if in_theme.height == 0:
            continue
        cells = [f"<strong>{esc(theme['name_zh'])}</strong><br>{esc(theme['name_en'])}"]
        for code in columns:
            part = in_theme.filter(pl.col("_plan_region").is_null() if code is None else pl.col("_plan_region") == code)
            cells.append(_theme_cell(part, reasons))
        rows.append(cells)
    header = [("主题 Theme", "")] + [(esc(region_label(inputs, c)), "") for c in columns]
    return f'<div class="edugap-scroll" id="theme-view">{html_table(header, rows, table_id="theme-table")}</div>'


def _theme_cell(part: pl.DataFrame, reasons: dict) -> str:
    if part.height == 0:
        return '<span class="edugap-missing">—</span>'
    counts = _counts(part)
    outcome = [f"{zh} {counts[code]}" for code, zh, _ in SUMMARY_GROUPS if code != INSUFFICIENT and counts[code]]
    missing_parts = [f"{reasons[code]} {counts[code]}" for code, _ in REASON_COLUMNS if counts[code]]
    text = f"<strong>{counts['targets']}</strong> 项 targets"
    if outcome:
        text += "<br>" + esc("；".join(outcome))
    if missing_parts:
        text += '<br><span class="edugap-reasons">无法评估 ' + esc("；".join(missing_parts)) + "</span>"
    return text


def search_trail_html(inputs: Inputs) -> str:
    """For every target without an actual: searched and not found (where, when), found but unusable, or not
    yet searched — so a reader can tell 'not published' from 'not looked for'."""
    from ..searches import coverage_html

    names = {code: row["name_zh"] for code, row in inputs.regions.items()}
    return coverage_html(inputs.target_searches, inputs.search_coverage, names)
