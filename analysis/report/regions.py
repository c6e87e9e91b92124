"""A section per region: its targets, written with their quotes, and its charts."""

from __future__ import annotations

import polars as pl

from ..assess.context import context_of
from ..vocabulary import CHARTED_KINDS, UNASSESSED_REASONS
from .answer import plan_regions
from .inputs import Inputs, regions_frame
from .markup import (
    MISSING,
    esc,
    fmt,
    indicator_label,
    missing,
    region_anchor,
    region_label,
    sortable_table,
    status_badge,
)
from .targets import notes_html, register_rows, source_html, target_text


def _target_rows(inputs: Inputs, code) -> list[dict]:
    """One row per target, written as the plan means it; numbers in columns of their own so they sort as
    numbers; the caveats, flags and the source of the actual in words."""
    register = register_rows(inputs)
    frame = inputs.assessments.filter(
        pl.col("region_code").is_null() if code is None else pl.col("region_code") == code
    ).sort("target_id")
    reasons = {code: f"{zh} {en}" for code, zh, en in UNASSESSED_REASONS}
    rows = []
    for a in frame.iter_rows(named=True):
        t = register.get(a["target_id"], {})
        why = reasons.get(a["unassessed_reason"], "")
        rows.append(
            {
                "目标 target": esc(a["target_id"]),
                "指标 indicator": esc(indicator_label(inputs, a["indicator_id"])),
                "原文 quote": f'<span class="edugap-quote">{esc(t.get("quote"))}</span>',
                "目标（按原文）target as the plan says": esc(target_text(inputs, a, t)),
                "目标值 value": fmt(a["target_value"]),
                "年份 year": fmt(a["target_year"]),
                "实际 actual": fmt(a["actual_value"], 2),
                "实际年份 actual year": fmt(a["actual_year"]),
                "差距 gap": fmt(a["gap"], 2),
                "状态 status": status_badge(a["status"]),
                "为何无法评估 why not assessable": esc(why) if why else MISSING,
                "原因 reason": esc(a["reason"]),
                "注意与说明 caveats, flags, notes": notes_html(a, t),
                "实际值来源 source of the actual": source_html(inputs, a["actual_source_id"]),
            }
        )
    return rows


def region_heading(inputs: Inputs, code) -> str:
    """A plan's region as a section heading; a county (its targets set by its city's plan) as a sub-heading
    under it. Either way the plans that set the targets are named."""
    owner = plan_regions(inputs).get(code, code)
    documents = {d.document_id: d for d in inputs.documents}
    ids = sorted(set(inputs.assessments.filter(
        pl.col("region_code").is_null() if code is None else pl.col("region_code") == code)["document_id"]))
    plans = "; ".join(f"{esc(i)}: {esc(documents[i].title) if i in documents else ''}" for i in ids) or MISSING
    nested = code is not None and owner not in (code, None)
    level, role = ("h4", f"由{esc(region_label(inputs, owner))}的规划设定 targets set by the plan of "
                         f"{esc(region_label(inputs, owner))}") if nested else ("h3", "规划 Plan(s)")
    return (f'<{level} id="{region_anchor(code)}">{esc(region_label(inputs, code))}</{level}>'
            f"<p>区划代码 Region code: {esc(code)} · {role}: {plans}</p>")


def region_table(inputs: Inputs, code) -> str:
    rows = _target_rows(inputs, code)
    if not rows:
        return "<p class='edugap-missing'>无登记目标 no registered targets.</p>"
    return sortable_table(pl.DataFrame(rows), table_id=f"targets-{region_anchor(code)}",
                          download=f"targets-{region_anchor(code)}.csv")


def region_charts(inputs: Inputs, code) -> list[str]:
    """One SVG per indicator with a level (or benchmark) target here and something observed: the
    region's series exactly as the assessment used it (the ``actuals`` table: one point per year, the
    source that stands), its targets, and the labelled context series."""
    from .. import figures

    frame = inputs.assessments.filter(
        pl.col("region_code").is_null() if code is None else pl.col("region_code") == code
    )
    # A target for part of the region (市区 ≥98%) is not drawn against the whole region's series: the
    # chart would make the comparison the assessment refuses. Its table row says why.
    frame = frame.filter(pl.col("unassessed_reason").fill_null("") != "sub_region")
    charts = []
    for indicator in sorted({i for i in frame["indicator_id"].to_list() if not missing(i)}):
        rows = (
            frame.filter((pl.col("indicator_id") == indicator) & pl.col("target_kind").is_in(CHARTED_KINDS))
            .sort("target_id")
            .to_dicts()
        )
        if not rows:
            continue
        unit = rows[0]["unit"] or ""
        series = (
            inputs.actuals.filter(
                (pl.col("region_code") == code) & (pl.col("indicator_id") == indicator) & (pl.col("unit") == unit)
            )
            if code is not None
            else inputs.actuals.clear()
        )
        actual = sorted((int(year), value, source) for year, value, source in
                        series.select("year", "value", "source_id").iter_rows())
        these = pl.DataFrame([{k: r[k] for k in ("target_id", "region_code", "indicator_id")} for r in rows],
                             schema={"target_id": pl.String, "region_code": pl.String, "indicator_id": pl.String})
        ctx = context_of(these, inputs.context, regions_frame(inputs))
        ctx = ctx.filter(pl.col("year").is_not_null() & pl.col("value").is_not_null())
        context = []
        for ctx_code in sorted(set(ctx["context_region_code"].to_list())):
            points = sorted(
                {
                    (int(r["year"]), r["value"])
                    for r in ctx.filter(pl.col("context_region_code") == ctx_code).iter_rows(named=True)
                }
            )
            context.append(
                (f"背景 context: {region_label(inputs, ctx_code)} (非本地区实际 not this region's actual)", points)
            )
        targets = [
            {
                "label": f"目标 target {r['target_id']}: {r['comparator']} {fmt(r['target_value'])}"
                f"{'' if missing(r['target_year']) else ' by ' + fmt(r['target_year'])}",
                "value": None if missing(r["target_value"]) else r["target_value"],
                "year": None if missing(r["target_year"]) else int(r["target_year"]),
                "baseline_value": None if missing(r["baseline_value"]) else r["baseline_value"],
                "baseline_year": None if missing(r["baseline_year"]) else int(r["baseline_year"]),
            }
            for r in rows
        ]
        if not actual and not any(points for _, points in context):
            continue  # nothing observed: the table already says 'insufficient data'; a lone star adds nothing
        fig = figures.series_chart(
            indicator_label(inputs, indicator),
            f"{unit}",
            actual,
            f"实际 actual: {region_label(inputs, code)}",
            targets,
            context,
        )
        sources = chart_sources(inputs, series["source_id"].to_list(), ctx["source_id"].to_list())
        charts.append(f'<div class="edugap-figure">{figures.to_svg(fig)}{sources}</div>')
    return charts


def chart_sources(inputs: Inputs, own: list, context: list) -> str:
    """The line under a chart: who published each series drawn."""
    names = {r["source_id"]: r for r in inputs.sources.iter_rows(named=True)}

    def cite(ids):
        return "; ".join(f"{esc(names[i]['publisher']) if i in names else esc(i)}"
                         f"{' (' + esc(names[i]['published']) + ')' if i in names and names[i]['published'] else ''}"
                         for i in sorted(set(ids)))

    parts = []
    if own:
        parts.append(f"本地区 this region: {cite(own)}")
    if context:
        parts.append(f"背景 context: {cite(context)}")
    return f'<p class="edugap-chart-source">来源 Sources — {" · ".join(parts)}</p>' if parts else ""
