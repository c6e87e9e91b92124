"""A target written as the plan means it, and what stands behind its verdict: the caveats, flags and
source of the actual, in words (Chinese and English), never as codes."""

from __future__ import annotations

import polars as pl

from .. import semantics
from ..vocabulary import FLAGS, INSUFFICIENT
from .inputs import Inputs
from .markup import MISSING, esc, link, missing


def target_text(inputs: Inputs, a: dict, t: dict) -> str:
    """The target as the plan means it ("≥1 篇/月", "下降 ≥10%", "≥100% (全覆盖)", "≤ 全省 平均"), from the
    register row ``t`` (``a``, the assessment, stands in where the register row is missing)."""
    row = t or {"target_kind": a["target_kind"], "comparator": a["comparator"], "value": a["target_value"],
                "value_high": a["target_value_high"], "unit": a["unit"]}
    bench = row.get("benchmark_region_code")
    name = inputs.regions[bench]["name_zh"] if bench in inputs.regions else ""
    return semantics.target_text(row, name)


def flags_in_words(flags) -> list[str]:
    """'year_from_plan_end;needs_review' → bilingual phrases."""
    words = []
    for flag in filter(None, (flags or "").split(";")):
        zh, en = FLAGS.get(flag, (flag, ""))
        words.append(f"{zh} {en}".strip())
    return words


def notes_html(a: dict, t: dict) -> str:
    """Caveat of the figure used (first: it can change how the verdict reads), flags and the reviewer's
    note, each labelled, escaped."""
    parts = []
    if not missing(a.get("caveat")):
        parts.append(f'<strong class="edugap-caveat">注意 Caveat:</strong> {esc(a["caveat"])}')
    flags = flags_in_words(t.get("flags"))
    if flags:
        parts.append("标记 Flags: " + esc("; ".join(flags)))
    if not missing(t.get("note")):
        parts.append("说明 Note: " + esc(t["note"]))
    return "<br>".join(parts) or MISSING


def source_html(inputs: Inputs, source_ids) -> str:
    """Publisher, date, kind and link of the source(s) an actual comes from."""
    if missing(source_ids):
        return MISSING
    sources = {r["source_id"]: r for r in inputs.sources.iter_rows(named=True)}
    parts = []
    for source_id in str(source_ids).split(";"):
        s = sources.get(source_id)
        if not s:
            parts.append(esc(source_id))
            continue
        when = s.get("published") or "date not stated 未注明日期"
        parts.append(f"{esc(s.get('publisher'))}, {esc(when)} ({esc(s.get('kind'))}) {link(s.get('url'), '链接 link')}")
    return "<br>".join(parts)


def register_rows(inputs: Inputs) -> dict[str, dict]:
    return {r["target_id"]: r for r in inputs.targets.iter_rows(named=True)}


def assessed(inputs: Inputs) -> pl.DataFrame:
    return inputs.assessments.filter(pl.col("status") != INSUFFICIENT).sort("region_code", "target_id")
