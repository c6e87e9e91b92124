"""The answer first: the headline, the summary per region and the status heat map."""

from __future__ import annotations

import html

import polars as pl

from ..vocabulary import INSUFFICIENT, SUMMARY_GROUPS
from .inputs import Inputs
from .markup import esc, fmt, html_table, indicator_label, missing, pct, region_anchor, region_label

SUMMARY_COLUMNS = [("targets", "登记目标 targets registered"), ("assessable", "可评估 assessable")] + [
    (column, f"{zh} {en}") for column, zh, en in SUMMARY_GROUPS
]


def summary_html(inputs: Inputs) -> str:
    """The answer: one row per region (registered, assessable, outcome counts, 达标率, coverage)."""
    rows, classes = [], []
    frame = inputs.summary.with_columns(pl.col("region_code").fill_null(""))
    order = sorted(
        frame.iter_rows(named=True), key=lambda r: (r["region_code"] == "ALL", r["region_code"] == "", r["region_code"])
    )
    for row in order:
        label = region_label(inputs, row["region_code"] or None)
        link = (
            esc(label)
            if row["region_code"] == "ALL"
            else f'<a href="#{region_anchor(row["region_code"] or None)}">{esc(label)}</a>'
        )
        rows.append(
            [link] + [fmt(row[c]) for c, _ in SUMMARY_COLUMNS] + [pct(row["attainment_rate"]), pct(row["coverage"])]
        )
        classes.append("total" if row["region_code"] == "ALL" else "")
    header = (
        [("地区 Region", "")]
        + [(label, "num") for _, label in SUMMARY_COLUMNS]
        + [("达标率 attainment rate (achieved ÷ assessable)", "num"), ("覆盖率 coverage (assessable ÷ targets)", "num")]
    )
    return html_table(header, rows, table_id="summary-table", row_classes=classes)


def headline(inputs: Inputs) -> str:
    """One sentence with the overall numbers, from the ALL row of summary.csv."""
    total = inputs.summary.filter(pl.col("region_code") == "ALL").to_dicts()
    if not total:
        return "<p>summary.csv has no ALL row: no overall figure.</p>"
    t = total[0]
    return (
        f"<p><strong>{fmt(t['targets'])}</strong> quantitative targets were registered; "
        f"<strong>{fmt(t['assessable'])}</strong> could be assessed (coverage {pct(t['coverage'])}). "
        f"Achieved: <strong>{fmt(t['achieved'])}</strong> (达标率 {pct(t['attainment_rate'])}); "
        f"{fmt(t['not_achieved'])} not achieved, {fmt(t['on_track'])} on track and "
        f"{fmt(t['off_track'])} off track; {fmt(t['insufficient_data'])} lack data. "
        f"Assessment as of {esc(inputs.params.get('as_of'))}.</p>"
    )


def region_codes(inputs: Inputs) -> list:
    """Regions that get a section: every region with a registered target (None = not named), sorted."""
    codes = set(inputs.assessments["region_code"].to_list()) | set(inputs.targets["region_code"].to_list())
    codes |= {c for c in inputs.summary["region_code"].to_list() if c != "ALL"}
    codes = {None if missing(c) else c for c in codes}
    return sorted(codes, key=lambda c: (c is None, c or ""))


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
