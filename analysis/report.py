"""The report: its inputs, the HTML blocks the report source shows, and the build.

The report source is ``reports/index.py`` (a Jupyter percent script). ``python -m analysis.report``
renders it with Quarto when a ``quarto`` binary is on PATH, otherwise with the Jupyter fallback
(jupytext → nbclient → nbconvert). Either way the page footer and the build log name the renderer
that actually ran — the kernel learns it from ``EDUGAP_RENDERER``, which only this module sets — so
the fallback can never claim Quarto. The result, ``reports/_site/index.html``, is one self-contained
file; :func:`external_resources` lists anything in it that would load from elsewhere, and the build
fails if that list is not empty.

Command line::

    python -m analysis.report                 # render (Quarto if available, else the Jupyter fallback)
    python -m analysis.report --renderer jupyter
    python -m analysis.report --check reports/_site/index.html   # list external resource loads
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import yaml

from .errors import InputError
from .notebooks import execute, read_script
from .paths import processed_dir, project_root, raw_dir, relative, reports_dir

MISSING = "—"
SORTABLE_MISSING = "-"
ENV_RENDERER = "EDUGAP_RENDERER"
ENV_PROCESSED = "EDUGAP_PROCESSED"
CSV_INPUTS = ["summary", "assessments", "context", "targets", "observations", "sources"]
NUMERIC = {"targets", "assessable", "achieved", "not_achieved", "on_track", "off_track", "insufficient_data",
           "attainment_rate", "coverage", "value", "value_high", "target_value", "target_value_high",
           "actual_value", "baseline_value", "gap", "attainment", "progress_ratio", "target_year",
           "actual_year", "baseline_year", "year"}


class ReportError(RuntimeError):
    """The report cannot be built as promised (renderer failed, output not self-contained)."""


# ---------------------------------------------------------------------------------------- inputs

def input_dir() -> Path:
    """Directory of the processed tables: ``EDUGAP_PROCESSED`` if set, else data/processed."""
    env = os.environ.get(ENV_PROCESSED)
    return Path(env).resolve() if env else processed_dir()


@dataclass
class Inputs:
    summary: pl.DataFrame
    assessments: pl.DataFrame
    context: pl.DataFrame
    targets: pl.DataFrame
    observations: pl.DataFrame
    sources: pl.DataFrame
    validation: list
    datapackage: dict
    regions: dict  # region_code -> row dict
    indicators: dict  # indicator_id -> row dict
    documents: list
    params: dict
    directory: Path


def read_table(path: Path) -> pl.DataFrame:
    """A processed CSV: every cell read as text first (codes keep leading zeros), then the numeric
    columns cast; empty cells stay null."""
    if not path.exists():
        raise InputError(relative(path), "missing: build the processed data first (make data)")
    frame = pl.read_csv(path, infer_schema=False)
    casts = [pl.col(c).cast(pl.Float64, strict=False) for c in frame.columns if c in NUMERIC]
    return frame.with_columns(casts) if casts else frame


def load_inputs(directory: Path | None = None) -> Inputs:
    """Everything the report shows, read once."""
    from .documents import load_documents
    from .reference import load_indicators, load_regions

    directory = Path(directory) if directory else input_dir()
    tables = {name: read_table(directory / f"{name}.csv") for name in CSV_INPUTS}
    payloads = {}
    for name in ("validation_summary.json", "datapackage.json"):
        path = directory / name
        if not path.exists():
            raise InputError(relative(path), "missing: build the processed data first (make data)")
        try:
            payloads[name] = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(relative(path), f"not valid JSON: {exc}", row=exc.lineno) from exc
    params = yaml.safe_load((project_root() / "params.yaml").read_text(encoding="utf-8"))
    return Inputs(**tables, validation=payloads["validation_summary.json"],
                  datapackage=payloads["datapackage.json"],
                  regions=load_regions(), indicators=load_indicators(),
                  documents=load_documents(), params=params, directory=directory)


# ------------------------------------------------------------------------------------- formatting

def missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def fmt(value, digits: int = 1) -> str:
    """A number as shown: integers without decimals, missing as '—'."""
    if missing(value):
        return MISSING
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    return str(value)


def pct(value) -> str:
    return MISSING if missing(value) else f"{100 * value:.1f}%"


def esc(value) -> str:
    return MISSING if missing(value) else html.escape(str(value))


def region_label(inputs: Inputs, code) -> str:
    if missing(code):
        return "地区未注明 Region not named in the source"
    if code == "ALL":
        return "合计 All regions"
    row = inputs.regions.get(code)
    return f"{row['name_zh']} {row['name_en']}" if row else f"{code} (未知代码 unknown code)"


def indicator_label(inputs: Inputs, indicator_id) -> str:
    row = inputs.indicators.get(indicator_id) if not missing(indicator_id) else None
    return f"{row['name_zh']} {row['name_en']}" if row else esc(indicator_id)


def region_anchor(code) -> str:
    return "region-unknown" if missing(code) else f"region-{code}"


def html_table(header: list[tuple[str, str]], rows: list[list[str]], table_id: str = "",
               row_classes: list[str] | None = None) -> str:
    """A static table. ``header``: (label, css class) pairs; cells are HTML already escaped."""
    head = "".join(f'<th class="{cls}">{label}</th>' for label, cls in header)
    body = []
    for k, row in enumerate(rows):
        cls = f' class="{row_classes[k]}"' if row_classes and row_classes[k] else ""
        cells = "".join(f'<td class="{header[i][1]}">{cell}</td>' for i, cell in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    ident = f' id="{table_id}"' if table_id else ""
    return (f'<table{ident} class="edugap-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def sortable_table(frame, table_id: str, caption: str = "") -> str:
    """A long table as an itables DataTable (sortable, searchable), its JS embedded offline.

    Needs ``itables.init_notebook_mode(connected=False)`` shown once earlier in the page."""
    from itables import to_html_datatable

    pandas_frame = frame.to_pandas() if isinstance(frame, pl.DataFrame) else frame
    # DataTables sorts a column numerically only if its non-numbers are "-" (its "empty" value):
    # missing cells are shown as "-" here, "—" elsewhere.
    pandas_frame = pandas_frame.map(lambda cell: SORTABLE_MISSING if cell == MISSING else cell)
    return to_html_datatable(pandas_frame, table_id=table_id, connected=False, showIndex=False,
                             caption=caption or None, allow_html=True, pageLength=25,
                             lengthMenu=[10, 25, 100, -1], classes="display compact",
                             columnDefs=[{"className": "dt-left", "targets": "_all"}])


def link(url, text: str | None = None) -> str:
    """A plain link to a cited page: a reader may follow it; opening the report loads nothing from it."""
    if missing(url):
        return MISSING
    return f'<a href="{html.escape(url)}" rel="noreferrer">{html.escape(text or url)}</a>'


def status_badge(status) -> str:
    from .figures import STATUS

    if missing(status) or status not in STATUS:
        return esc(status)
    style = STATUS[status]
    return f'<span class="edugap-status" style="background:{style.colour}">{style.zh} {style.en}</span>'


# ------------------------------------------------------------------------------------ the blocks

CHARTED_KINDS = ["level", "relative_to_benchmark"]  # kinds whose target is a point on the indicator's scale
SUMMARY_COLUMNS = [
    ("targets", "登记目标 targets registered"), ("assessable", "可评估 assessable"),
    ("achieved", "已达成 achieved"), ("not_achieved", "未达成 not achieved"),
    ("on_track", "进度正常 on track"), ("off_track", "进度滞后 off track"),
    ("insufficient_data", "数据不足 insufficient data"),
]


def summary_html(inputs: Inputs) -> str:
    """The answer: one row per region (registered, assessable, outcome counts, 达标率, coverage)."""
    rows, classes = [], []
    frame = inputs.summary.with_columns(pl.col("region_code").fill_null(""))
    order = sorted(frame.iter_rows(named=True), key=lambda r: (r["region_code"] == "ALL", r["region_code"] == "", r["region_code"]))
    for row in order:
        label = region_label(inputs, row["region_code"] or None)
        link = label if row["region_code"] == "ALL" else \
            f'<a href="#{region_anchor(row["region_code"] or None)}">{html.escape(label)}</a>'
        rows.append([link] + [fmt(row[c]) for c, _ in SUMMARY_COLUMNS]
                    + [pct(row["attainment_rate"]), pct(row["coverage"])])
        classes.append("total" if row["region_code"] == "ALL" else "")
    header = ([("地区 Region", "")] + [(label, "num") for _, label in SUMMARY_COLUMNS]
              + [("达标率 attainment rate (achieved ÷ assessable)", "num"),
                 ("覆盖率 coverage (assessable ÷ targets)", "num")])
    return html_table(header, rows, table_id="summary-table", row_classes=classes)


def headline(inputs: Inputs) -> str:
    """One sentence with the overall numbers, from the ALL row of summary.csv."""
    total = inputs.summary.filter(pl.col("region_code") == "ALL").to_dicts()
    if not total:
        return "<p>summary.csv has no ALL row: no overall figure.</p>"
    t = total[0]
    return (f"<p><strong>{fmt(t['targets'])}</strong> quantitative targets were registered; "
            f"<strong>{fmt(t['assessable'])}</strong> could be assessed (coverage {pct(t['coverage'])}). "
            f"Achieved: <strong>{fmt(t['achieved'])}</strong> (达标率 {pct(t['attainment_rate'])}); "
            f"{fmt(t['not_achieved'])} not achieved, {fmt(t['on_track'])} on track and "
            f"{fmt(t['off_track'])} off track; {fmt(t['insufficient_data'])} lack data. "
            f"Assessment as of {esc(inputs.params.get('as_of'))}.</p>")


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
        assessable = rows.filter(pl.col("status") != "insufficient_data").height > 0
        regions = rows["region_code"].n_unique()
        (shown if assessable or regions > 1 else left_out).append(indicator)
    order = list(inputs.indicators)
    key = lambda i: (order.index(i) if i in order else len(order), i)  # noqa: E731
    return sorted(shown, key=key), sorted(left_out, key=key)


def heatmap_svg(inputs: Inputs) -> str:
    from . import figures

    shown, left_out = heatmap_indicators(inputs)
    cells = [{"region_code": r["region_code"], "indicator_id": r["indicator_id"], "status": r["status"]}
             for r in inputs.assessments.iter_rows(named=True) if r["indicator_id"] in shown]
    if not cells:
        return "<p class='edugap-missing'>无可绘制的评估 no assessments to draw.</p>"
    used_regions = {c["region_code"] for c in cells}
    regions = [(c, region_label(inputs, c)) for c in region_codes(inputs) if c in used_regions]
    indicators = [(i, figures.wrap(indicator_label(inputs, i), 46)) for i in shown]
    svg = figures.to_svg(figures.heatmap(cells, regions, indicators))
    note = ""
    if left_out:
        names = "; ".join(html.escape(indicator_label(inputs, i)) for i in left_out)
        note = (f"<details><summary>{len(left_out)} further indicators, each with targets of one region only and "
                f"none assessable, are not drawn (see the region tables)</summary><p>{names}</p></details>")
    return f'<div class="edugap-figure" id="heatmap">{svg}</div>{note}'


def _target_rows(inputs: Inputs, code) -> list[dict]:
    targets = {r["target_id"]: r for r in inputs.targets.iter_rows(named=True)}
    frame = inputs.assessments.filter(pl.col("region_code").is_null() if code is None
                                      else pl.col("region_code") == code).sort("target_id")
    rows = []
    for a in frame.iter_rows(named=True):
        t = targets.get(a["target_id"], {})
        value = fmt(a["target_value"]) if missing(a["target_value_high"]) else \
            f"{fmt(a['target_value'])}–{fmt(a['target_value_high'])}"
        rows.append({
            "目标 target": html.escape(a["target_id"]),
            "指标 indicator": indicator_label(inputs, a["indicator_id"]),
            "原文 quote": f'<span class="edugap-quote">{esc(t.get("quote"))}</span>',
            "目标值 target": f"{esc(a['comparator'])} {value} {esc(a['unit'])}".strip(),
            "年份 year": fmt(a["target_year"]),
            "实际 actual": fmt(a["actual_value"], 2),
            "实际年份 actual year": fmt(a["actual_year"]),
            "差距 gap": fmt(a["gap"], 2),
            "状态 status": status_badge(a["status"]),
            "方法 method": esc(a["method"]),
            "原因 reason / flags": "; ".join(x for x in (esc(a["reason"]) if not missing(a["reason"]) else "",
                                                          esc(t.get("flags")) if not missing(t.get("flags")) else "")
                                             if x) or MISSING,
        })
    return rows


def region_heading(inputs: Inputs, code) -> str:
    docs = [d for d in inputs.documents if d.region_code == code]
    doc_list = "; ".join(f"{html.escape(d.document_id)}: {html.escape(d.title)}" for d in docs) or MISSING
    return (f'<h3 id="{region_anchor(code)}">{html.escape(region_label(inputs, code))}</h3>'
            f'<p>区划代码 Region code: {esc(code)} · 文件 Plan(s): {doc_list}</p>')


def region_table(inputs: Inputs, code) -> str:
    rows = _target_rows(inputs, code)
    if not rows:
        return "<p class='edugap-missing'>无登记目标 no registered targets.</p>"
    return sortable_table(pl.DataFrame(rows), table_id=f"targets-{region_anchor(code)}")


def region_charts(inputs: Inputs, code) -> list[str]:
    """One SVG per indicator with a level (or benchmark) target here and something observed: the
    region's series, its targets, and the labelled context series."""
    from . import figures

    frame = inputs.assessments.filter(pl.col("region_code").is_null() if code is None
                                      else pl.col("region_code") == code)
    charts = []
    for indicator in sorted({i for i in frame["indicator_id"].to_list() if not missing(i)}):
        rows = frame.filter((pl.col("indicator_id") == indicator)
                            & pl.col("target_kind").is_in(CHARTED_KINDS)).sort("target_id").to_dicts()
        if not rows:
            continue
        actual = []
        if code is not None:
            obs = inputs.observations.filter((pl.col("region_code") == code) & (pl.col("indicator_id") == indicator)
                                             & pl.col("year").is_not_null() & pl.col("value").is_not_null())
            if "usable" in obs.columns:
                obs = obs.filter(pl.col("usable").cast(pl.Utf8).str.to_lowercase() == "true")
            actual = sorted({(int(r["year"]), r["value"]) for r in obs.iter_rows(named=True)})
        ids = [r["target_id"] for r in rows]
        ctx = inputs.context.filter(pl.col("target_id").is_in(ids) & pl.col("year").is_not_null()
                                    & pl.col("value").is_not_null())
        context = []
        for ctx_code in sorted(set(ctx["context_region_code"].to_list())):
            points = sorted({(int(r["year"]), r["value"]) for r in
                             ctx.filter(pl.col("context_region_code") == ctx_code).iter_rows(named=True)})
            context.append((f"背景 context: {region_label(inputs, ctx_code)} (非本地区实际 not this region's actual)",
                            points))
        targets = [{"label": f"目标 target {r['target_id']}: {r['comparator']} {fmt(r['target_value'])}"
                             f"{'' if missing(r['target_year']) else ' by ' + fmt(r['target_year'])}",
                    "value": None if missing(r["target_value"]) else r["target_value"],
                    "year": None if missing(r["target_year"]) else int(r["target_year"]),
                    "baseline_value": None if missing(r["baseline_value"]) else r["baseline_value"],
                    "baseline_year": None if missing(r["baseline_year"]) else int(r["baseline_year"])}
                   for r in rows]
        if not actual and not any(points for _, points in context):
            continue  # nothing observed: the table already says 'insufficient data'; a lone star adds nothing
        unit = rows[0]["unit"] or ""
        fig = figures.series_chart(indicator_label(inputs, indicator), f"{unit}",
                                   actual, f"实际 actual: {region_label(inputs, code)}", targets, context)
        charts.append(f'<div class="edugap-figure">{figures.to_svg(fig)}</div>')
    return charts


def validation_html(inputs: Inputs) -> str:
    """What the validation suites found: counts per suite and severity, then each failing expectation."""
    results = sorted(inputs.validation, key=lambda r: (r.get("suite", ""), r.get("expectation", "")))
    rows = []
    for r in results:
        failing = r.get("failing") or []
        examples = "<br>".join(
            html.escape(f"{f.get('file')} row {f.get('row')} column {f.get('column')}: {f.get('value')!r}")
            for f in failing[:3]) or MISSING
        rows.append({"套件 suite": esc(r.get("suite")), "检查 expectation": esc(r.get("expectation")),
                     "说明 description": esc(r.get("description")),
                     "级别 severity": esc(r.get("severity")),
                     "结果 result": "通过 passed" if r.get("passed") else "<strong>未通过 failed</strong>",
                     "失败行数 failing rows": len(failing), "示例 examples": examples})
    passed = sum(1 for r in results if r.get("passed"))
    errors = sum(1 for r in results if not r.get("passed") and r.get("severity") == "error")
    warnings_ = sum(1 for r in results if not r.get("passed") and r.get("severity") != "error")
    intro = (f"<p>{len(results)} expectations checked: {passed} passed, {errors} failed with severity "
             f"error, {warnings_} failed with severity warning.</p>")
    if not rows:
        return intro
    return intro + sortable_table(pl.DataFrame(rows), table_id="validation-table")


def defects_html(inputs: Inputs) -> str:
    """The known defects and documented clean-ups of each source text (from its .meta.yaml)."""
    parts = []
    for d in inputs.documents:
        defects = "".join(f"<li>{html.escape(str(x))}</li>" for x in d.known_defects) or "<li>—</li>"
        cleanups = "".join(f"<li>{html.escape(str(x))}</li>" for x in d.cleanups) or "<li>—</li>"
        parts.append(f"<h4>{html.escape(d.document_id)}: {html.escape(d.title)}</h4>"
                     f"<p>已知缺陷 Known defects:</p><ul>{defects}</ul>"
                     f"<p>清理 Clean-ups applied (documented, raw file unchanged):</p><ul>{cleanups}</ul>")
    return "".join(parts)


def methodology_html(inputs: Inputs) -> str:
    from .figures import STATUSES

    p = inputs.params
    rules = {
        "achieved": "Target year passed (or value already meets the target): the actual meets the comparator.",
        "not_achieved": "Target year passed and the actual for that year misses the target.",
        "on_track": f"Target year not passed; R = actual annual progress ÷ required annual progress ≥ {p.get('on_track_ratio')}.",
        "needs_acceleration": f"{p.get('needs_acceleration_ratio')} ≤ R < {p.get('on_track_ratio')}.",
        "limited_progress": f"0 ≤ R < {p.get('needs_acceleration_ratio')}.",
        "moving_away": "R < 0: the indicator moves away from the target.",
        "insufficient_data": "No observation for the region, fewer than two points, a missing target value or year: never a guess.",
    }
    rows = [[status_badge(s.code), html.escape(rules[s.code])] for s in STATUSES]
    return (html_table([("状态 Status", ""), ("规则 Rule", "")], rows, table_id="status-rules")
            + f"<p>Near a natural ceiling (rate targets ≥ {p.get('ceiling_threshold')}%) growth-rate ratios "
              "mislead, so progress is measured in percentage points (method <code>percentage_point_progress</code>). "
              "Gap = actual − target, signed so that a positive gap is better than the target. "
              "达标率 = achieved ÷ assessable (as in NBS monitoring reports); coverage = assessable ÷ registered. "
              "Context figures (province, nation) are shown beside a region's target, labelled, and are never "
              f"used as the region's actual. Parameters: <code>params.yaml</code> (as_of {esc(p.get('as_of'))}). "
              "Thresholds follow Eurostat's SDG monitoring and Statistics Canada's progress-assessment "
              "convention.</p>")


def sources_html(inputs: Inputs) -> str:
    """Every source the figures come from, with URL as a plain link (it loads nothing)."""
    rows = []
    counts = inputs.observations.group_by("source_id").len().to_dicts()
    per_source = {r["source_id"]: r["len"] for r in counts}
    for s in inputs.sources.sort("source_id").iter_rows(named=True):
        rows.append({"来源 source": esc(s["source_id"]), "标题 title": esc(s.get("title")),
                     "发布者 publisher": esc(s.get("publisher")), "网址 URL": link(s.get("url")),
                     "发布 published": esc(s.get("published")), "访问 accessed": esc(s.get("accessed")),
                     "类型 kind": esc(s.get("kind")), "数字 figures": per_source.get(s["source_id"], 0)})
    return sortable_table(pl.DataFrame(rows), table_id="sources-table") if rows else \
        "<p class='edugap-missing'>no sources.</p>"


def figures_html(inputs: Inputs) -> str:
    """Every figure cited (each observation), its source and the checksum of the raw file holding it."""
    from .snapshot import load_meta

    raw_obs = raw_dir() / "statistics" / "observations.csv"
    try:
        checksum = load_meta(raw_obs)["sha256"][:16] if raw_obs.exists() else MISSING
    except InputError:
        checksum = MISSING
    sources = {s["source_id"]: s for s in inputs.sources.iter_rows(named=True)}
    rows = []
    for o in inputs.observations.sort("observation_id").iter_rows(named=True):
        s = sources.get(o["source_id"], {})
        rows.append({"数字 figure": esc(o["observation_id"]), "地区 region": region_label(inputs, o["region_code"]),
                     "指标 indicator (as published)": esc(o.get("indicator_as_published")),
                     "年份 year": fmt(o["year"]), "数值 value": fmt(o["value"], 2), "单位 unit": esc(o.get("unit")),
                     "发布者 publisher": esc(s.get("publisher")), "发布 published": esc(s.get("published")),
                     "来源 source": esc(o["source_id"]), "网址 URL": link(s.get("url"), "link"),
                     "快照 sha256 (raw file)": checksum})
    return sortable_table(pl.DataFrame(rows), table_id="figures-table") if rows else \
        "<p class='edugap-missing'>no figures.</p>"


def documents_html(inputs: Inputs) -> str:
    rows = [[esc(d.document_id), esc(d.title), esc(d.meta.get("publisher")),
             link(d.meta.get("url")),
             esc(d.meta.get("date_published")), f"<code>{esc(d.meta.get('sha256'))}</code>"]
            for d in inputs.documents]
    return html_table([("文件 document", ""), ("标题 title", ""), ("发布者 publisher", ""), ("网址 URL", ""),
                       ("发布 published", ""), ("sha256", "")], rows, table_id="documents-table")


def citation_html(inputs: Inputs) -> str:
    """How to cite: CITATION.cff for the software and report, datapackage.json for the dataset."""
    cff_path = project_root() / "CITATION.cff"
    cff = yaml.safe_load(cff_path.read_text(encoding="utf-8")) if cff_path.exists() else {}
    dp = inputs.datapackage
    resources = sorted(dp.get("resources", []), key=lambda r: r.get("path", ""))
    rows = [[esc(r.get("path")), fmt(r.get("bytes")), f"<code>{esc(r.get('hash'))}</code>"] for r in resources]
    cite = (f"{esc(', '.join(a.get('name', '') for a in cff.get('authors', [])))} "
            f"({esc(str(cff.get('date-released', ''))[:4])}). <em>{esc(cff.get('title'))}</em>, "
            f"version {esc(cff.get('version'))}." if cff else "CITATION.cff is missing.")
    return (f"<p>Cite the report and code as (from <code>CITATION.cff</code>): {cite}</p>"
            f"<p>Cite the processed dataset by its data package <code>{esc(dp.get('name'))}</code> "
            f"(<code>data/processed/datapackage.json</code>) together with the raw snapshot hash in the footer; "
            f"its resources and their hashes:</p>"
            + html_table([("文件 resource", ""), ("bytes", "num"), ("hash", "")], rows, table_id="datapackage-table"))


# ------------------------------------------------------------------------------------ provenance

def git_commit(root: Path | None = None) -> str:
    """Short commit of the tree, with a note when it has uncommitted changes; 'unknown' without git."""
    root = root or project_root()
    git = shutil.which("git")
    if not git:
        return "unknown (git not installed)"
    try:
        head = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=20)
        if head.returncode != 0:
            return "unknown (not a git checkout or no commit yet)"
        dirty = subprocess.run([git, "status", "--porcelain", "--", ".", ":!reports/_site", ":!reports/_build",
                                ":!tests/artifacts"], cwd=root, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return "unknown (git failed)"
    commit = head.stdout.strip()
    return f"{commit} with uncommitted changes" if dirty.stdout.strip() else commit


def snapshot_id() -> str:
    from .snapshot import snapshot_hash, verify_all

    return snapshot_hash(verify_all())


def renderer_label() -> str:
    """What rendered this page, as told by the build (never guessed)."""
    return os.environ.get(ENV_RENDERER) or "renderer not recorded (executed outside `python -m analysis.report`)"


def footer_html() -> str:
    return (f'<footer class="edugap-build" id="build-info"><p>'
            f'<span id="renderer">Rendered by {html.escape(renderer_label())}</span> · '
            f'git commit <code id="git-commit">{html.escape(git_commit())}</code> · '
            f'raw-data snapshot sha256 <code id="snapshot-hash">{snapshot_id()}</code></p></footer>')


# ------------------------------------------------------------------------------------ offline check

class _ResourceFinder(HTMLParser):
    LOADS = {"script": ["src"], "link": ["href"], "img": ["src", "srcset"], "iframe": ["src"], "frame": ["src"],
             "source": ["src", "srcset"], "video": ["src", "poster"], "audio": ["src"], "track": ["src"],
             "embed": ["src"], "object": ["data"], "input": ["src"], "image": ["href", "xlink:href"],
             "use": ["href", "xlink:href"], "feimage": ["href", "xlink:href"]}
    CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.I)
    JS_IMPORT = re.compile(r"""(?:\bimport\s*(?:[\w*{}\s,]+from\s*)?|\bimport\s*\(\s*)['"]((?:https?:)?//[^'"]+)['"]""")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []
        self._in = None

    def _add(self, tag, attr, url):
        url = url.strip()
        if url and not url.startswith(("data:", "#", "blob:", "about:")):
            self.found.append((tag, attr, url))

    def handle_starttag(self, tag, attrs):
        for attr, value in attrs:
            if value is None:
                continue
            if attr in self.LOADS.get(tag, []):
                if attr == "srcset":  # "url 1x, url 2x": URLs hold no spaces, data: URIs hold commas
                    for token in value.split():
                        if not re.fullmatch(r"[\d.]+[wx],?", token):
                            self._add(tag, attr, token.rstrip(",") if not token.startswith("data:") else token)
                else:
                    self._add(tag, attr, value)
            elif attr == "style":
                for url in self.CSS_URL.findall(value):
                    self._add(tag, "style", url)
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            for url in self.CSS_URL.findall(data):
                self._add("style", "url()", url)
        elif self._in == "script":
            for url in self.JS_IMPORT.findall(data):
                self._add("script", "import", url)


def external_resources(page: str) -> list[tuple[str, str, str]]:
    """Every resource the page would load from outside itself: (tag, attribute, URL).

    Links a reader may click (<a href>) load nothing and are not listed; data: URIs are embedded."""
    finder = _ResourceFinder()
    finder.feed(page)
    finder.close()
    return sorted(set(finder.found))


# ------------------------------------------------------------------------------------ rendering

SOURCE = "index.py"
OUTPUT = Path("_site") / "index.html"
NOTEBOOK = Path("_build") / "index.ipynb"


def quarto_version() -> str | None:
    quarto = shutil.which("quarto")
    if not quarto:
        return None
    done = subprocess.run([quarto, "--version"], capture_output=True, text=True, timeout=60)
    return done.stdout.strip() if done.returncode == 0 else None


def _versions() -> tuple[str, str]:
    import nbclient
    import nbconvert

    return nbclient.__version__, nbconvert.__version__


def _environment(label: str) -> dict:
    env = dict(os.environ, **{ENV_RENDERER: label, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    env[ENV_PROCESSED] = str(input_dir())  # absolute: the kernel runs in reports/
    env["EDUGAP_ROOT"] = str(project_root())
    return env


def _notebook_from_source(source: Path):
    """The percent script as a notebook; the YAML header cell becomes a title block for nbconvert."""
    import nbformat

    nb = read_script(source)
    first = nb.cells[0] if nb.cells else None
    if first is not None and first.cell_type == "markdown" and first.source.lstrip().startswith("---"):
        header = yaml.safe_load(first.source.strip().strip("-")) or {}
        nb.metadata["title"] = header.get("title", "Report")
        subtitle = f"\n\n*{header['subtitle']}*" if header.get("subtitle") else ""
        title = nbformat.v4.new_markdown_cell(f"# {header.get('title', 'Report')}{subtitle}")
        title.id = first.id
        nb.cells[0] = title
    return nb


def render_fallback(source: Path, output: Path, label: str) -> None:
    """Execute the percent script with nbclient (kernel = this interpreter) and export one HTML file."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = _notebook_from_source(source)
    saved, environment = dict(os.environ), _environment(label)
    os.environ.clear()
    os.environ.update(environment)
    try:
        try:
            execute(nb, source.parent)
        except Exception as exc:  # nbclient raises CellExecutionError (ename, evalue, traceback)
            what = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}"
            raise ReportError(f"executing {relative(source)} failed: {what}") from exc
    finally:
        os.environ.clear()
        os.environ.update(saved)
    from .atomic import write_text_atomic

    write_text_atomic(source.parent / NOTEBOOK, nbformat.writes(nb) + "\n")
    assets = source.parent / "assets"
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(assets)],
                            template_file="edugap.html.j2", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    body, _ = exporter.from_notebook_node(
        nb, resources={"edugap_css": (assets / "report.css").read_text(encoding="utf-8")})
    write_text_atomic(output, body)


def render_quarto(source: Path, output: Path, label: str) -> None:
    """``quarto render`` of the same source; _quarto.yml asks for one self-contained HTML file."""
    done = subprocess.run([shutil.which("quarto"), "render", source.name, "--to", "html"], cwd=source.parent,
                          env=_environment(label) | {"QUARTO_PYTHON": sys.executable},
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise ReportError(f"quarto render failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    if not output.exists():
        raise ReportError(f"quarto render did not write {relative(output)}")


def render(renderer: str = "auto") -> tuple[Path, str, float]:
    """Render the report; return (output path, renderer label, seconds). Fails if not self-contained."""
    from .figures import cjk_font

    cjk_font()  # fail before the long part if figures would draw empty boxes
    load_inputs()  # and if an input is missing or broken: a one-line error instead of a kernel traceback
    source = reports_dir() / SOURCE
    output = reports_dir() / OUTPUT
    version = quarto_version()
    if renderer == "quarto" and version is None:
        raise ReportError("--renderer quarto: no working `quarto` on PATH")
    start = time.perf_counter()
    if renderer in ("auto", "quarto") and version is not None:
        label = f"Quarto {version}"
        render_quarto(source, output, label)
    else:
        why = "Quarto was not available" if version is None else "Quarto was available but not used (--renderer jupyter)"
        nbclient_v, nbconvert_v = _versions()
        label = f"the Jupyter fallback (nbclient {nbclient_v}, nbconvert {nbconvert_v}) — {why}"
        render_fallback(source, output, label)
    seconds = time.perf_counter() - start
    page = output.read_text(encoding="utf-8")
    loads = external_resources(page)
    if loads:
        listing = "; ".join(f"<{t} {a}={u}>" for t, a, u in loads[:10])
        output.unlink()
        raise ReportError(f"{relative(output)} is not self-contained ({len(loads)} external loads: {listing}); "
                          "removed")
    if f"Rendered by {label}" not in html.unescape(page):
        raise ReportError(f"{relative(output)} does not name its renderer ({label!r}) in the footer")
    return output, label, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.report", description=__doc__.split("\n")[0])
    parser.add_argument("--renderer", choices=["auto", "quarto", "jupyter"], default="auto")
    parser.add_argument("--check", metavar="HTML", help="only list external resource loads of HTML")
    args = parser.parse_args(argv)
    try:
        if args.check:
            loads = external_resources(Path(args.check).read_text(encoding="utf-8"))
            for tag, attr, url in loads:
                print(f"{tag}\t{attr}\t{url}")
            if loads:
                print(f"error: {args.check}: {len(loads)} external resource loads", file=sys.stderr)
                return 1
            print(f"{args.check}: self-contained (no external resource loads)")
            return 0
        output, label, seconds = render(args.renderer)
    except (InputError, ReportError, OSError) as exc:
        print(f"error: {str(exc).strip()}", file=sys.stderr)
        return 1
    except Exception as exc:  # FigureError and friends: one line, not a traceback
        print(f"error: {type(exc).__name__}: {str(exc).strip()}", file=sys.stderr)
        return 1
    print(f"Rendered by {label}")
    print(f"git commit {git_commit()}; raw-data snapshot {snapshot_id()}")
    print(f"wrote {relative(output)} ({output.stat().st_size:,} bytes) in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
