"""Sources: every statistical source, every cited figure, the plans, and how to cite."""

from __future__ import annotations

import polars as pl
import yaml

from ..errors import InputError
from ..paths import project_root, raw_dir
from .inputs import Inputs
from .markup import MISSING, esc, fmt, html_table, link, region_label, sortable_table


def sources_html(inputs: Inputs) -> str:
    """Every source the figures come from, with URL as a plain link (it loads nothing)."""
    rows = []
    counts = inputs.observations.group_by("source_id").len().to_dicts()
    per_source = {r["source_id"]: r["len"] for r in counts}
    for s in inputs.sources.sort("source_id").iter_rows(named=True):
        rows.append(
            {
                "来源 source": esc(s["source_id"]),
                "标题 title": esc(s.get("title")),
                "发布者 publisher": esc(s.get("publisher")),
                "网址 URL": link(s.get("url")),
                "发布 published": esc(s.get("published")),
                "访问 accessed": esc(s.get("accessed")),
                "类型 kind": esc(s.get("kind")),
                "数字 figures": per_source.get(s["source_id"], 0),
            }
        )
    return (
        sortable_table(pl.DataFrame(rows), table_id="sources-table", download="sources.csv")
        if rows
        else "<p class='edugap-missing'>no sources.</p>"
    )


def figures_html(inputs: Inputs) -> str:
    """Every figure cited (each observation), its source and the checksum of the raw file holding it."""
    from ..snapshot import load_meta

    raw_obs = raw_dir() / "statistics" / "observations.csv"
    try:
        checksum = load_meta(raw_obs)["sha256"][:16] if raw_obs.exists() else MISSING
    except InputError:
        checksum = MISSING
    sources = {s["source_id"]: s for s in inputs.sources.iter_rows(named=True)}
    rows = []
    for o in inputs.observations.sort("observation_id").iter_rows(named=True):
        s = sources.get(o["source_id"], {})
        rows.append(
            {
                "数字 figure": esc(o["observation_id"]),
                "地区 region": esc(region_label(inputs, o["region_code"])),
                "指标 indicator (as published)": esc(o.get("indicator_as_published")),
                "年份 year": fmt(o["year"]),
                "数值 value": fmt(o["value"], 2),
                "单位 unit": esc(o.get("unit")),
                "发布者 publisher": esc(s.get("publisher")),
                "发布 published": esc(s.get("published")),
                "来源 source": esc(o["source_id"]),
                "网址 URL": link(s.get("url"), "link"),
                "快照 sha256 (raw file)": checksum,
            }
        )
    return (
        sortable_table(pl.DataFrame(rows), table_id="figures-table", download="cited-figures.csv")
        if rows
        else "<p class='edugap-missing'>no figures.</p>"
    )


def documents_html(inputs: Inputs) -> str:
    rows = [
        [
            esc(d.document_id),
            esc(d.title),
            esc(d.meta.get("publisher")),
            link(d.meta.get("url")),
            esc(d.meta.get("date_published")),
            f"<code>{esc(d.meta.get('sha256'))}</code>",
        ]
        for d in inputs.documents
    ]
    return html_table(
        [
            ("文件 document", ""),
            ("标题 title", ""),
            ("发布者 publisher", ""),
            ("网址 URL", ""),
            ("发布 published", ""),
            ("sha256", ""),
        ],
        rows,
        table_id="documents-table",
    )


def citation_html(inputs: Inputs) -> str:
    """How to cite: CITATION.cff for the software and report, datapackage.json for the dataset."""
    cff_path = project_root() / "CITATION.cff"
    cff = yaml.safe_load(cff_path.read_text(encoding="utf-8")) if cff_path.exists() else {}
    dp = inputs.datapackage
    resources = sorted(dp.get("resources", []), key=lambda r: r.get("path", ""))
    rows = [[esc(r.get("path")), fmt(r.get("bytes")), f"<code>{esc(r.get('hash'))}</code>"] for r in resources]
    cite = (
        f"{esc(', '.join(a.get('name', '') for a in cff.get('authors', [])))} "
        f"({esc(str(cff.get('date-released', ''))[:4])}). <em>{esc(cff.get('title'))}</em>, "
        f"version {esc(cff.get('version'))}."
        if cff
        else "CITATION.cff is missing."
    )
    return (
        f"<p>Cite the report and code as (from <code>CITATION.cff</code>): {cite}</p>"
        f"<p>Cite the processed dataset by its data package <code>{esc(dp.get('name'))}</code> "
        f"(<code>data/processed/datapackage.json</code>) together with the raw snapshot hash in the footer; "
        f"its resources and their hashes:</p>"
        + html_table([("文件 resource", ""), ("bytes", "num"), ("hash", "")], rows, table_id="datapackage-table")
    )
