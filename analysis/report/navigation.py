"""Finding one's way: the title block (publisher, date, how recent the data are), the contents menu, and
links to the pages that stand behind the report (the validation page, the executed notebooks)."""

from __future__ import annotations

import polars as pl

from .answer import plan_regions, region_codes
from .inputs import Inputs
from .markup import MISSING, esc, fmt, region_anchor, region_label

SECTIONS = [
    ("answer", "结论 The answer"),
    ("regions", "各地区 Regions"),
    ("quality", "数据质量 Data quality"),
    ("method", "方法 Methodology"),
    ("sources", "来源 Sources"),
    ("cite", "引用 How to cite"),
]
PUBLISHER = "edugap contributors（开源项目 open-source project）"


def anchor(section: str) -> str:
    """The target of a contents link (the headings' own ids differ between renderers)."""
    return f'<a id="{esc(section)}" class="edugap-anchor"></a>'


def title_block(inputs: Inputs) -> str:
    """Who publishes, as of when, and up to which year the official figures reach."""
    usable = inputs.observations.filter(pl.col("usable") & pl.col("indicator_id").is_not_null())
    data_up_to = fmt(usable["year"].max()) if usable.height else MISSING
    version = inputs.datapackage.get("version")
    version_text = f" · 数据快照版本 snapshot version <strong>{esc(version)}</strong>" if version else ""
    return (f'<p class="edugap-byline">发布 Published by {esc(PUBLISHER)} · 评估日期 assessment as of '
            f'<strong>{esc(inputs.params.get("as_of"))}</strong> · 官方数据截至 official figures up to '
            f"<strong>{data_up_to}</strong>{version_text}</p>")


def contents_html(inputs: Inputs) -> str:
    """A contents menu: the sections, and under Regions every plan's region (counties under their city)."""
    owner = plan_regions(inputs)
    regions = "".join(
        f'<li class="{"nested" if c is not None and owner.get(c) not in (c, None) else ""}">'
        f'<a href="#{region_anchor(c)}">{esc(region_label(inputs, c))}</a></li>' for c in region_codes(inputs))
    items = "".join(
        f'<li><a href="#{key}">{esc(label)}</a>' + (f"<ul>{regions}</ul>" if key == "regions" else "") + "</li>"
        for key, label in SECTIONS)
    return f'<nav class="edugap-contents" aria-label="目录 Contents"><strong>目录 Contents</strong><ul>{items}</ul></nav>'


def working_files_html() -> str:
    """Links to the validation page and the executed step notebooks (relative to reports/_site/index.html;
    they sit beside the report in the project, so they open from a checkout, not from a copied page)."""
    from ..documents import load_documents
    from ..notebooks import executed_names

    names = executed_names({d.region_code for d in load_documents() if d.region_code})
    links = ['<li><a href="../validation.html">数据校验页 The data validation page</a> (reports/validation.html)</li>']
    links += [f'<li><a href="../_build/notebooks/{esc(n)}.ipynb">{esc(n)}</a> (executed notebook)</li>' for n in names]
    return "<ul>" + "".join(links) + "</ul>"
