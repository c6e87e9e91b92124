"""The report: its inputs, the HTML blocks the report source shows, and the build.

The report source is ``reports/index.py`` (a Jupyter percent script). ``edugap report`` (``python -m
analysis.report``) renders it with Quarto when a ``quarto`` binary is on PATH, otherwise with the Jupyter
fallback (jupytext → nbclient → nbconvert). Either way the page footer and the build log name the renderer
that actually ran — the kernel learns it from ``EDUGAP_RENDERER``, which only this package sets — so the
fallback can never claim Quarto. The result, ``reports/_site/index.html``, is one self-contained file;
:func:`external_resources` lists anything in it that would load from elsewhere, and a page with any is
never published.

The package, along its seams: ``inputs`` (what the page reads), ``markup`` (how values are written and
escaped), one module per part of the page (``answer``, ``regions``, ``quality``, ``sources``),
``provenance`` (renderer, commit, snapshot), ``offline`` (the self-containment check) and ``render``.
"""

from __future__ import annotations

from .answer import (
    SUMMARY_COLUMNS,
    assessed_targets_html,
    headline,
    heatmap_indicators,
    heatmap_svg,
    region_codes,
    search_trail_html,
    summary_html,
    theme_view_html,
)
from .inputs import ENV_PROCESSED, Inputs, ReportError, input_dir, load_inputs
from .markup import MISSING, esc, fmt, indicator_label, link, pct, region_anchor, region_label, status_badge
from .navigation import anchor, contents_html, title_block, working_files_html
from .offline import external_resources
from .provenance import ENV_RENDERER, footer_html, git_commit, renderer_label, snapshot_id
from .quality import changes_html, conflicts_html, defects_html, methodology_html, validation_html
from .regions import region_charts, region_heading, region_table
from .render import OUTPUT, SOURCE, check_page, main, quarto_version, render
from .sources import citation_html, documents_html, figures_html, sources_html

__all__ = [
    "search_trail_html",
    "theme_view_html",
    "changes_html",
    "conflicts_html",
    "anchor",
    "assessed_targets_html",
    "contents_html",
    "title_block",
    "working_files_html",
    "SUMMARY_COLUMNS",
    "ENV_PROCESSED",
    "ENV_RENDERER",
    "MISSING",
    "OUTPUT",
    "SOURCE",
    "Inputs",
    "ReportError",
    "check_page",
    "citation_html",
    "defects_html",
    "documents_html",
    "esc",
    "external_resources",
    "figures_html",
    "fmt",
    "footer_html",
    "git_commit",
    "headline",
    "heatmap_indicators",
    "heatmap_svg",
    "indicator_label",
    "input_dir",
    "link",
    "load_inputs",
    "main",
    "methodology_html",
    "pct",
    "quarto_version",
    "region_charts",
    "region_codes",
    "region_anchor",
    "region_heading",
    "region_label",
    "region_table",
    "render",
    "renderer_label",
    "snapshot_id",
    "sources_html",
    "status_badge",
    "summary_html",
    "validation_html",
]
