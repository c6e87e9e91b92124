"""A target written as the plan means it, and what stands behind its verdict: the caveats, flags and
source of the actual, in words (Chinese and English), never as codes."""

from __future__ import annotations

import polars as pl

from ..vocabulary import COMPARATOR, FLAGS, KIND, PERCENTAGE_POINTS
from .inputs import Inputs
from .markup import MISSING, esc, fmt, link, missing

# Optional register columns (a newer register has them): read with .get, so older snapshots still render.
PERIOD_SUFFIX = {"month": "/月 a month", "term": "/学期 a term", "school_year": "/学年 a school year",
                 "year": "/年 a year", "plan_period": " over the plan period"}


def target_text(a: dict, t: dict) -> str:
    """Plain text: '≥ 98.8 %', '下降 decrease ≥ 10 %', '≥ 1 篇/月 a month', '+17 所 (increment)',
    '实现 event', '≤ benchmark region'. ``a``: the assessment row, ``t``: the register row."""
    kind, comparator = a["target_kind"], COMPARATOR.get(a["comparator"])
    symbol = comparator.symbol if comparator else (a["comparator"] or "")
    unit = a["unit"] or ""
    value = fmt(a["target_value"]) if missing(a["target_value_high"]) else \
        f"{fmt(a['target_value'])}–{fmt(a['target_value_high'])}"
    if a["comparator"] == "range":
        symbol = ""
    if missing(a["target_value"]) and kind in ("milestone", "relative_to_benchmark"):
        if kind == "milestone":
            return "实现 event (里程碑 milestone)"
        bench = t.get("benchmark_region_code")
        return f"{symbol} 对标 benchmark {'' if missing(bench) else bench}".strip()
    if missing(a["target_value"]):
        return f"{symbol} — (数值缺失 value lost)".strip()
    direction = t.get("direction")
    if kind == "relative_change" or direction in ("increase", "decrease"):
        if direction == "decrease":
            return f"下降 fall {symbol} {value} {unit}".replace("  ", " ").strip()
        if kind == "relative_change":
            return f"提高 rise {symbol} {value} {unit}".replace("  ", " ").strip()
    if kind == "increment":
        return f"新增 add {symbol} {value} {unit} (增量 increment)".replace("  ", " ").strip()
    if kind == "per_year":
        period = t.get("period") or "year"
        return f"{symbol} {value} {unit}{PERIOD_SUFFIX.get(period, '/' + str(period))}".replace("  ", " ").strip()
    if unit == PERCENTAGE_POINTS:
        return f"{symbol} {value} 个百分点 percentage points".strip()
    return f"{symbol} {value} {unit}".replace("  ", " ").strip()


def kind_label(kind) -> str:
    found = KIND.get(kind)
    return f"{found.zh} {found.en}" if found else str(kind or MISSING)


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
    return inputs.assessments.filter(pl.col("status") != "insufficient_data").sort("region_code", "target_id")
