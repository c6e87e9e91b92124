"""Targets as the plans mean them: how often (period), which way (direction), against whom (benchmark
region) and what a value-less phrase stands for (全覆盖 = 100%). Each reading is a register column that a
curator fills and the checker proves from the quote, like ``target_year``: a rule is accepted only when
its phrase stands in the quote. The phrase tables below are the one place this knowledge lives
(``docs/register-guide.md`` explains them to curators).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabulary import CEILING_COMPARATORS, COMPARATOR, PERIOD, TARGET_DIRECTIONS

# ---------------------------------------------------------------- period (每月 / 每学期 / 每学年 / 每年)

# period (vocabulary.PERIODS) -> the phrase that proves it. ``plan_period`` is "once per plan period"
# (每3年 in a three-year plan): the plan, not the calendar, is its unit.
PERIOD_PHRASES: dict[str, re.Pattern] = {
    "month": re.compile(r"每(?:个)?月"),
    "term": re.compile(r"每(?:个)?学期"),
    "school_year": re.compile(r"每学年"),
    "year": re.compile(r"每(?:一)?年(?!级)(?:度)?|年均"),
    "plan_period": re.compile(r"每(?:3|三)年"),
}


def period_phrases(quote: str) -> list[str]:
    """The periods whose phrase stands in the quote."""
    return [name for name, pattern in PERIOD_PHRASES.items() if pattern.search(quote)]


def annual_factor(period: str) -> float | None:
    """How many of ``period`` a year holds (per month -> 12), or None when no annual equivalent is defined."""
    return PERIOD[period].per_year if period in PERIOD else None


# ---------------------------------------------------------------- direction (上升 / 下降 / 保持)

# Words that prove a relative change's direction, and the words that make a target a "hold" (keep the level).
FALL_WORDS = re.compile(r"下降|减少|降低|压减|缩减")
RISE_WORDS = re.compile(r"增长|增加|提高|提升|上升|增幅|只增不减")
HOLD_WORDS = re.compile(r"保持|保留|巩固|持续|常态|只增不减|稳定")


def direction_problem(direction: str, target_kind: str, comparator: str, quote: str) -> str | None:
    """Why ``direction`` does not fit the row, or None. A relative change names its way in words
    (下降10% is a fall); other targets take it from the comparator (a ceiling is a decrease), and a
    hold needs a word that keeps the level (保持, 保留, 巩固, 只增不减…)."""
    if direction not in TARGET_DIRECTIONS:
        return f"{direction!r} is not one of {TARGET_DIRECTIONS}"
    if direction == "hold":
        return None if HOLD_WORDS.search(quote) else (
            "hold needs a word that keeps a level in the quote (保持/保留/巩固/持续/常态/只增不减/稳定)")
    if target_kind == "relative_change":
        words = FALL_WORDS if direction == "decrease" else RISE_WORDS
        if not words.search(quote):
            return (f"a relative change marked {direction} needs a word for it in the quote "
                    f"({'下降/减少/降低' if direction == 'decrease' else '增长/增加/提高/只增不减'})")
        return None
    if (comparator in CEILING_COMPARATORS) != (direction == "decrease"):
        return (f"comparator {comparator} is a {'ceiling' if comparator in CEILING_COMPARATORS else 'floor'}; "
                f"direction {direction} does not fit it")
    return None


# ---------------------------------------------------------------- benchmark region (全国/全省/全区/全市 平均)

# The benchmark a quote names: 全国 -> national; 全省 / 全区 (an autonomous region) -> province; 全市 / 全州 ->
# prefecture. The region itself is the one of that level above (or equal to) the target's region.
BENCHMARK = re.compile(r"全([国省区市州])[^,，。;；]{0,6}平均")
BENCHMARK_LEVELS = {"国": "national", "省": "province", "区": "province", "市": "prefecture", "州": "prefecture"}


def benchmark_levels(quote: str) -> list[str]:
    """The levels whose average the quote names as a benchmark (usually one)."""
    return sorted({BENCHMARK_LEVELS[m.group(1)] for m in BENCHMARK.finditer(quote)})


# ---------------------------------------------------------------- value rules (全覆盖 = 100, 清零 = 0, 一半 = 50)

@dataclass(frozen=True)
class ValueRule:
    """A phrase that states a value without a digit. ``unit``: the unit the row must carry ('' = any);
    ``share``: the indicator must be a share (a coverage indicator), so that 100 means everyone."""
    name: str
    pattern: re.Pattern
    value: float
    comparators: tuple[str, ...]
    unit: str
    share: bool
    meaning: str


VALUE_RULES: dict[str, ValueRule] = {rule.name: rule for rule in [
    ValueRule("全覆盖", re.compile(r"(?<!健)全覆盖|覆盖全[国省区市州县]"), 100, (">=",), "%", True,
              "full coverage (全覆盖 but not 健全覆盖…, 覆盖全市…): 100% of the units named"),
    ValueRule("所有", re.compile(r"所有"), 100, (">=",), "%", True, "all units named: 100%"),
    ValueRule("每个…都", re.compile(r"每[个所名位县乡][^,，。;；]{0,15}[都均]"), 100, (">=",), "%", True,
              "every unit named (每个…都/均): 100%"),
    ValueRule("全面", re.compile(r"全面(?:接入|普及|覆盖)"), 100, (">=",), "%", True,
              "all units connected / covered (全面接入, 全面普及): 100%"),
    ValueRule("清零", re.compile(r"清零"), 0, ("<=",), "", False, "cleared to zero: at most 0"),
    ValueRule("零", re.compile(r"零(?!突破)"), 0, ("<=",), "", False, "zero (零事故, 零容忍 of a count): at most 0"),
    ValueRule("零突破", re.compile(r"零突破"), 1, (">=",), "", False, "a first one (from none): at least 1"),
    ValueRule("一半", re.compile(r"一半"), 50, (">=", ">"), "%", False, "half: 50% (一半以上 >=, 超过一半 >)"),
    ValueRule("只增不减", re.compile(r"只增不减"), 0, (">=",), "%", False,
              "only increase, never decrease: a change over the previous year of at least 0%"),
]}
# Phrases that state a value without a digit: a value-less row whose quote holds one must use the rule
# (or be flagged needs_review with the reason in its note).
VALUE_PHRASES = re.compile("|".join(rule.pattern.pattern for rule in VALUE_RULES.values()))


def value_rule_problems(rule_name: str, value: str, comparator: str, unit: str, indicator_kind: str,
                        quote: str) -> list[tuple[str, str]]:
    """(column, message) for every way the row does not follow its value rule."""
    rule = VALUE_RULES.get(rule_name)
    if rule is None:
        return [("value_rule", f"{rule_name!r} is not one of {sorted(VALUE_RULES)}")]
    problems = []
    if not rule.pattern.search(quote):
        problems.append(("value_rule", f"rule {rule.name} needs its phrase in the quote; the quote has none"))
    if not value or float(value) != rule.value:
        problems.append(("value", f"rule {rule.name} means {rule.value:g}; the row says {value or 'nothing'}"))
    if comparator not in rule.comparators:
        problems.append(("comparator", f"rule {rule.name} takes {' or '.join(rule.comparators)}, not {comparator}"))
    if rule.unit and unit != rule.unit:
        problems.append(("unit", f"rule {rule.name} is a level in {rule.unit}; the row's unit is {unit!r}"))
    if rule.share and indicator_kind != "share":
        problems.append(("indicator_id", f"rule {rule.name} needs a coverage indicator (kind share), "
                                         f"not kind {indicator_kind!r}"))
    return problems


# ---------------------------------------------------------------- the target as the plan writes it

def _symbol(comparator: str | None) -> str:
    return COMPARATOR[comparator].symbol if comparator in COMPARATOR else str(comparator)


def _number(value) -> str:
    """A value as written: 98.8, 100 (no trailing .0); a value the source lost as '— (数值缺失 value lost)'."""
    if value in (None, ""):
        return "— (数值缺失 value lost) "
    return f"{float(value):g}"


def target_text(row: dict, benchmark_name: str = "") -> str:
    """A target as the plan means it, for a reader: "≥1 篇/月", "下降 ≥10%", "≥100% (全覆盖)", "≤ 全省 average".

    ``row``: a register or processed-targets row; ``benchmark_name``: the benchmark region's name, if any."""
    kind, unit = row.get("target_kind"), row.get("unit") or ""
    value, high = row.get("value"), row.get("value_high")
    if kind == "milestone" and value in (None, ""):
        return "达成 (milestone)"
    if kind == "relative_to_benchmark" and value in (None, ""):
        where = f"{benchmark_name} 平均" if benchmark_name else "benchmark"
        return f"{_symbol(row.get('comparator'))} {where}"
    if row.get("comparator") == "range" and high not in (None, ""):
        amount = f"{_number(value)}–{_number(high)}{unit}"
    else:
        amount = f"{_symbol(row.get('comparator'))}{_number(value)}{unit}"
    if kind == "relative_change":
        amount = ("下降 " if row.get("direction") == "decrease" else "增长 ") + amount
    if row.get("period") in PERIOD:
        amount += PERIOD[row["period"]].suffix
    if row.get("value_rule"):
        amount += f" ({row['value_rule']})"
    return amount
