"""A section per region: its targets, written with their quotes, and its charts."""

from __future__ import annotations

import polars as pl

from ..vocabulary import CHARTED_KINDS
from .inputs import Inputs
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


def _target_rows(inputs: Inputs, code) -> list[dict]:
    targets = {r["target_id"]: r for r in inputs.targets.iter_rows(named=True)}
    frame = inputs.assessments.filter(
        pl.col("region_code").is_null() if code is None else pl.col("region_code") == code
    ).sort("target_id")
    rows = []
    for a in frame.iter_rows(named=True):
        t = targets.get(a["target_id"], {})
        value = (
            fmt(a["target_value"])
            if missing(a["target_value_high"])
            else f"{fmt(a['target_value'])}–{fmt(a['target_value_high'])}"
        )
        rows.append(
            {
                "目标 target": esc(a["target_id"]),
                "指标 indicator": esc(indicator_label(inputs, a["indicator_id"])),
                "原文 quote": f'<span class="edugap-quote">{esc(t.get("quote"))}</span>',
                "目标值 target": f"{esc(a['comparator'])} {value} {esc(a['unit'])}".strip(),
                "年份 year": fmt(a["target_year"]),
                "实际 actual": fmt(a["actual_value"], 2),
                "实际年份 actual year": fmt(a["actual_year"]),
                "差距 gap": fmt(a["gap"], 2),
                "状态 status": status_badge(a["status"]),
                "方法 method": esc(a["method"]),
                "原因 reason / flags": "; ".join(
                    x
                    for x in (
                        esc(a["reason"]) if not missing(a["reason"]) else "",
                        esc(t.get("flags")) if not missing(t.get("flags")) else "",
                    )
                    if x
                )
                or MISSING,
            }
        )
    return rows


def region_heading(inputs: Inputs, code) -> str:
    docs = [d for d in inputs.documents if d.region_code == code]
    doc_list = "; ".join(f"{esc(d.document_id)}: {esc(d.title)}" for d in docs) or MISSING
    return (
        f'<h3 id="{region_anchor(code)}">{esc(region_label(inputs, code))}</h3>'
        f"<p>区划代码 Region code: {esc(code)} · 文件 Plan(s): {doc_list}</p>"
    )


def region_table(inputs: Inputs, code) -> str:
    rows = _target_rows(inputs, code)
    if not rows:
        return "<p class='edugap-missing'>无登记目标 no registered targets.</p>"
    return sortable_table(pl.DataFrame(rows), table_id=f"targets-{region_anchor(code)}")


def region_charts(inputs: Inputs, code) -> list[str]:
    """One SVG per indicator with a level (or benchmark) target here and something observed: the
    region's series exactly as the assessment used it (the ``actuals`` table: one point per year, the
    source that stands), its targets, and the labelled context series."""
    from .. import figures

    frame = inputs.assessments.filter(
        pl.col("region_code").is_null() if code is None else pl.col("region_code") == code
    )
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
        actual = sorted((int(year), value) for year, value in series.select("year", "value").iter_rows())
        ids = [r["target_id"] for r in rows]
        ctx = inputs.context.filter(
            pl.col("target_id").is_in(ids) & pl.col("year").is_not_null() & pl.col("value").is_not_null()
        )
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
        charts.append(f'<div class="edugap-figure">{figures.to_svg(fig)}</div>')
    return charts
