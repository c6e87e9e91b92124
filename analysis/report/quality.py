"""Data quality and methodology: what the validation suites found, the defects of the texts, the rules."""

from __future__ import annotations

import html

import polars as pl

from ..vocabulary import STATUSES
from .inputs import Inputs
from .markup import MISSING, esc, fmt, html_table, indicator_label, region_label, sortable_table, status_badge


def validation_html(inputs: Inputs) -> str:
    """What the validation suites found: counts per suite and severity, then each failing expectation."""
    results = sorted(inputs.validation, key=lambda r: (r.get("suite", ""), r.get("expectation", "")))
    rows = []
    for r in results:
        failing = r.get("failing") or []
        examples = (
            "<br>".join(
                html.escape(f"{f.get('file')} row {f.get('row')} column {f.get('column')}: {f.get('value')!r}")
                for f in failing[:3]
            )
            or MISSING
        )
        rows.append(
            {
                "套件 suite": esc(r.get("suite")),
                "检查 expectation": esc(r.get("expectation")),
                "说明 description": esc(r.get("description")),
                "级别 severity": esc(r.get("severity")),
                "结果 result": "通过 passed" if r.get("passed") else "<strong>未通过 failed</strong>",
                "失败行数 failing rows": len(failing),
                "示例 examples": examples,
            }
        )
    passed = sum(1 for r in results if r.get("passed"))
    errors = sum(1 for r in results if not r.get("passed") and r.get("severity") == "error")
    warnings_ = sum(1 for r in results if not r.get("passed") and r.get("severity") != "error")
    intro = (
        f"<p>{len(results)} expectations checked: {passed} passed, {errors} failed with severity "
        f"error, {warnings_} failed with severity warning.</p>"
    )
    if not rows:
        return intro
    return intro + sortable_table(pl.DataFrame(rows), table_id="validation-table", download="validation-findings.csv")


def defects_html(inputs: Inputs) -> str:
    """The known defects and documented clean-ups of each source text (from its .meta.yaml)."""
    parts = []
    for d in inputs.documents:
        defects = "".join(f"<li>{html.escape(str(x))}</li>" for x in d.known_defects) or "<li>—</li>"
        cleanups = "".join(f"<li>{html.escape(str(x))}</li>" for x in d.cleanups) or "<li>—</li>"
        parts.append(
            f"<h4>{html.escape(d.document_id)}: {html.escape(d.title)}</h4>"
            f"<p>已知缺陷 Known defects:</p><ul>{defects}</ul>"
            f"<p>清理 Clean-ups applied (documented, raw file unchanged):</p><ul>{cleanups}</ul>"
        )
    return "".join(parts)


def methodology_html(inputs: Inputs) -> str:
    """The rule of every status (from the vocabulary, with this run's thresholds) and the conventions."""
    p = inputs.params
    rows = [[status_badge(s.code), html.escape(s.rule.format(**p))] for s in STATUSES]
    return (
        html_table([("状态 Status", ""), ("规则 Rule", "")], rows, table_id="status-rules")
        + f"<p>Near a natural ceiling (rate targets ≥ {p.get('ceiling_threshold')}%) growth-rate ratios "
        "mislead, so progress is measured in percentage points (method <code>percentage_point_progress</code>). "
        "Gap = actual − target, signed so that a positive gap is better than the target. "
        "达标率 = achieved ÷ assessable (as in NBS monitoring reports); coverage = assessable ÷ registered. "
        "Context figures (province, nation) are shown beside a region's target, labelled, and are never "
        f"used as the region's actual. Parameters: <code>params.yaml</code> (as_of {esc(p.get('as_of'))}). "
        "Thresholds follow Eurostat's SDG monitoring and Statistics Canada's progress-assessment "
        "convention.</p>"
    )


def conflicts_html(inputs: Inputs) -> str:
    """Every point two sources disagree on, and the reviewed resolution that settles it (which figure
    stands, which are set aside, why, who and when)."""
    from ..conflicts import resolved

    conflicts = resolved(inputs.directory)
    if not conflicts:
        return "<p>没有来源冲突 No two sources disagree on any point.</p>"
    rows = [[esc(region_label(inputs, c["region_code"])), esc(indicator_label(inputs, c["indicator_id"])),
             fmt(c["year"]), f"<strong>{fmt(c['value'], 2)}</strong> ({esc(c['source_that_stands'])}"
             + (f"; confirmed by {esc(', '.join(c['sources_confirming']))}" if c["sources_confirming"] else "") + ")",
             esc("; ".join(f"{v} ({s})" for v, s in zip(c["values_set_aside"], c["sources_set_aside"], strict=False))),
             esc(c["reason"]), f"{esc(c['reviewed_by'])}, {esc(c['reviewed_on'])}"] for c in conflicts]
    header = [("地区 Region", ""), ("指标 Indicator", ""), ("年份 Year", "num"), ("采用 Stands", ""),
              ("搁置 Set aside", ""), ("理由 Why", ""), ("复核 Reviewed", "")]
    return f'<div class="edugap-scroll">{html_table(header, rows, table_id="conflicts-table")}</div>'


def changes_html() -> str:
    """What changed in the data: the changelog entry of this snapshot's version, and anything not yet
    released, as the maintainers wrote them."""
    from ..versions import snapshot_info

    info = snapshot_info()
    pending = (f'<p><strong>尚未发布的更改 Not yet released:</strong></p><div class="edugap-changelog">'
               f"{esc(info['unreleased'])}</div>") if info["unreleased"] else ""
    return (f"<p>数据快照 Data snapshot <strong>{esc(info['label'])}</strong> — changelog entry of "
            f"{esc(info['version'])} ({esc(info['date'])}):</p>"
            f'<div class="edugap-changelog">{esc(info["entry"])}</div>{pending}')
