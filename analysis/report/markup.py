"""How values are written in the page: numbers, missing values, labels, links and tables. Every string from
an input is escaped here, once."""

from __future__ import annotations

import html
import math
import re

import polars as pl

from ..vocabulary import STATUS
from .inputs import Inputs

MISSING = "—"

SORTABLE_MISSING = "-"


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
    """Plain text (labels also go into figures): escape it with :func:`esc` where it reaches HTML."""
    if missing(code):
        return "地区未注明 Region not named in the source"
    if code == "ALL":
        return "合计 All regions"
    row = inputs.regions.get(code)
    return f"{row['name_zh']} {row['name_en']}".strip() if row else f"{code} (未知代码 unknown code)"


def indicator_label(inputs: Inputs, indicator_id) -> str:
    """Plain text (labels also go into figures): escape it with :func:`esc` where it reaches HTML."""
    row = inputs.indicators.get(indicator_id) if not missing(indicator_id) else None
    return f"{row['name_zh']} {row['name_en']}" if row else ("" if missing(indicator_id) else str(indicator_id))


def region_anchor(code) -> str:
    return "region-unknown" if missing(code) else f"region-{code}"


def html_table(
    header: list[tuple[str, str]], rows: list[list[str]], table_id: str = "", row_classes: list[str] | None = None
) -> str:
    """A static table. ``header``: (label, css class) pairs; cells are HTML already escaped."""
    head = "".join(f'<th class="{cls}">{label}</th>' for label, cls in header)
    body = []
    for k, row in enumerate(rows):
        cls = f' class="{row_classes[k]}"' if row_classes and row_classes[k] else ""
        cells = "".join(f'<td class="{header[i][1]}">{cell}</td>' for i, cell in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    ident = f' id="{table_id}"' if table_id else ""
    return f'<table{ident} class="edugap-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


# The table controls in both languages (DataTables' own labels are English only).
TABLE_LANGUAGE = {
    "search": "搜索 Search:",
    "info": "共 _TOTAL_ 行 _TOTAL_ rows",
    "infoEmpty": "无数据 no rows",
    "infoFiltered": "（从 _MAX_ 行中筛选 filtered from _MAX_）",
    "zeroRecords": "没有匹配的行 no matching rows",
    "emptyTable": "无数据 no rows",
}


def sortable_table(frame, table_id: str, caption: str = "", download: str | None = None) -> str:
    """A long table as an itables DataTable, its JS embedded offline: every row on one page (so the
    browser's find sees them all), sorted by a click on its header, numbers sorted as numbers; with
    ``download``, a link to the same table as a CSV file, embedded in the page.

    Needs ``itables.init_notebook_mode(connected=False)`` shown once earlier in the page."""
    from itables import to_html_datatable

    pandas_frame = frame.to_pandas() if isinstance(frame, pl.DataFrame) else frame
    # DataTables sorts a column numerically only if its non-numbers are "-" (its "empty" value):
    # missing cells are shown as "-" here, "—" elsewhere.
    pandas_frame = pandas_frame.map(lambda cell: SORTABLE_MISSING if cell == MISSING else cell)
    table = to_html_datatable(
        pandas_frame,
        table_id=table_id,
        connected=False,
        showIndex=False,
        caption=caption or None,
        allow_html=True,
        paging=False,
        maxBytes=0,  # never down-sample: every row is shown (itables would otherwise drop rows silently)
        language=TABLE_LANGUAGE,
        classes="display compact",
        columnDefs=[{"className": "dt-left", "targets": "_all"}],
    )
    link = csv_download(frame, download) if download else ""
    return f'<div class="edugap-scroll">{table}</div>{link}'


def plain(cell) -> str:
    """The text a reader sees in an HTML cell: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<br\s*/?>", "; ", re.sub(r"<(?!br)[^>]+>", "", str(cell)))) if cell is not None else ""


def csv_download(frame: pl.DataFrame, filename: str) -> str:
    """A link that saves the table as CSV (UTF-8 with BOM, so spreadsheets read the Chinese), from a
    data: URI inside the page: nothing is fetched."""
    import base64

    text = frame.select(pl.all().map_elements(plain, return_dtype=pl.String)).write_csv()
    payload = base64.b64encode(("\ufeff" + text).encode("utf-8")).decode("ascii")
    return (f'<p class="edugap-download"><a download="{html.escape(filename)}" '
            f'href="data:text/csv;charset=utf-8;base64,{payload}">下载 CSV download ({html.escape(filename)})</a></p>')


WEB_ADDRESS = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def link(url, text: str | None = None) -> str:
    """A plain link to a cited page: a reader may follow it; opening the report loads nothing from it.
    Only http(s) addresses become links (a javascript: URL would run); anything else is shown as text."""
    if missing(url):
        return MISSING
    if not WEB_ADDRESS.match(str(url).strip()):
        return f'<span class="edugap-not-a-link">{html.escape(str(url))}</span>'
    return f'<a href="{html.escape(str(url).strip())}" rel="noreferrer">{html.escape(text or str(url))}</a>'


def status_badge(status) -> str:
    if missing(status) or status not in STATUS:
        return esc(status)
    style = STATUS[status]
    return f'<span class="edugap-status" style="background:{style.colour}">{style.zh} {style.en}</span>'
