"""The project's vocabulary, as data: every code a table may hold, with its labels and its meaning.

One place for each word: the register checker, the assessment, the validation suites (through their
``$PARAMETER`` sets), the report and ``docs/data-contracts.md`` all take their lists from here, so a new
status or target kind is added once.
"""

from __future__ import annotations

from dataclasses import dataclass

# ------------------------------------------------------------------------------------ statuses


@dataclass(frozen=True)
class Status:
    """An assessment outcome. ``group`` is how summaries count it; ``rule`` is the text the report prints
    (``{on_track_ratio}`` and the other parameters of params.yaml are filled in when it is shown)."""

    code: str
    zh: str
    en: str
    group: str
    colour: str  # Okabe–Ito palette: distinguishable with colour-vision deficiency
    hatch: str  # second channel, so a figure still reads in greyscale print
    rule: str

    @property
    def label(self) -> str:
        return f"{self.zh} {self.en}"


# Ordered from best to worst: a figure cell shows the least favourable assessable status it holds.
STATUSES = [
    Status("achieved", "已达成", "achieved", "achieved", "#009E73", "",
           "Target year passed (or value already meets the target): the actual meets the comparator."),
    Status("on_track", "进度正常", "on track", "on_track", "#56B4E9", "//",
           "Target year not passed; R = actual annual progress ÷ required annual progress ≥ {on_track_ratio}."),
    Status("needs_acceleration", "需加快", "needs acceleration", "off_track", "#F0E442", "..",
           "{needs_acceleration_ratio} ≤ R < {on_track_ratio}."),
    Status("limited_progress", "进展有限", "limited progress", "off_track", "#E69F00", "\\\\",
           "0 ≤ R < {needs_acceleration_ratio}."),
    Status("moving_away", "背离目标", "moving away", "off_track", "#CC79A7", "++",
           "R < 0: the indicator moves away from the target."),
    Status("not_achieved", "未达成", "not achieved", "not_achieved", "#D55E00", "xx",
           "Target year passed and the actual for that year misses the target."),
    Status("insufficient_data", "数据不足", "insufficient data", "insufficient_data", "#DDDDDD", "--",
           "No observation for the region, fewer than two points, a missing target value or year: never a guess."),
]
STATUS = {s.code: s for s in STATUSES}
STATUS_CODES = [s.code for s in STATUSES]
INSUFFICIENT = "insufficient_data"
ASSESSABLE = [s.code for s in STATUSES if s.code != INSUFFICIENT]
OFF_TRACK = [s.code for s in STATUSES if s.group == "off_track"]
# The counts a summary gives, in the order a monitoring report prints them: (column, Chinese, English).
SUMMARY_GROUPS = [
    ("achieved", "已达成", "achieved"),
    ("not_achieved", "未达成", "not achieved"),
    ("on_track", "进度正常", "on track"),
    ("off_track", "进度滞后", "off track"),
    ("insufficient_data", "数据不足", "insufficient data"),
]

# Why a target could not be assessed: what a monitoring reader needs to know first (the per-row reason
# gives the detail). (code, Chinese, English), in the order the report lists them.
UNASSESSED_REASONS = [
    ("past_due_no_figure", "已到期，未找到官方数据", "due, but no official figure found"),
    ("not_yet_due", "未到期，数据不足以判断进度", "not yet due; too few official figures to judge progress"),
    ("no_event_recorded", "里程碑：未见官方记录", "milestone: no official record of the event"),
    ("benchmark_not_a_region", "比较基准不是地区平均水平", "the benchmark is not a region's average (e.g. 当地公务员工资)"),
    ("no_year", "原文未给出年份", "the source gives no target year"),
    ("no_value", "原文缺少目标值", "the source lost the target value"),
    ("no_region", "原文未注明地区", "the plan names no region"),
    ("sub_region", "目标针对地区的一部分（如市区），无该部分数据",
     "the target is for part of the region (市区, 县(市)…); figures of the whole region do not measure it"),
]
UNASSESSED_REASON_CODES = [code for code, _, _ in UNASSESSED_REASONS]

# How a status was reached.
METHODS = {
    "final_year_comparison": "the actual of the target year (of every year, for per-year targets) against the target",
    "growth_ratio": "R = actual annual growth rate ÷ required annual growth rate (Eurostat / Statistics Canada)",
    "percentage_point_progress": "R in percentage points a year, used near a natural ceiling",
    "already_met": "the latest actual already meets the target before its year",
    "none": "not assessed: the reason says why",
}

# ------------------------------------------------------------------------------------ targets


@dataclass(frozen=True)
class TargetKind:
    """A kind of commitment. ``needs_value``: the commitment is a number (a milestone is an event);
    ``change``: the value is a change counted in the desired direction, not a level; ``any_unit``: the
    series may be published in another unit (a year-on-year change, an event); ``charted``: the target
    is a point on the indicator's own scale, so a chart can draw it against the series."""

    code: str
    zh: str
    en: str
    example: str
    needs_value: bool
    change: bool
    any_unit: bool
    charted: bool


TARGET_KINDS = [
    TargetKind("level", "水平", "level", "毛入园率达到90%", True, False, False, True),
    TargetKind("increment", "增量", "increment over the plan period", "新建17所", True, True, False, False),
    TargetKind("per_year", "每年", "every year", "每年创建3所", True, True, False, False),
    TargetKind("relative_change", "相对变化", "relative change", "同比下降10%", True, True, True, False),
    TargetKind("milestone", "里程碑", "milestone (an event)", "通过国家认定", False, False, True, False),
    TargetKind("relative_to_benchmark", "对标", "relative to a benchmark region", "控制在全省平均水平以下",
               False, False, False, True),
]
KIND = {k.code: k for k in TARGET_KINDS}
TARGET_KIND_CODES = [k.code for k in TARGET_KINDS]
VALUELESS_KINDS = [k.code for k in TARGET_KINDS if not k.needs_value]
CHANGE_KINDS = [k.code for k in TARGET_KINDS if k.change]
ANY_UNIT_KINDS = [k.code for k in TARGET_KINDS if k.any_unit]
CHARTED_KINDS = [k.code for k in TARGET_KINDS if k.charted]


@dataclass(frozen=True)
class Comparator:
    """How a value binds: ``ceiling`` when the target is a maximum (<=, <), ``strict`` when equality
    does not meet it. ``symbol`` is how the report writes it; ``words`` the plan phrases that give it."""

    code: str
    symbol: str
    ceiling: bool
    strict: bool
    words: str


COMPARATORS = [
    Comparator(">=", "≥", False, False, "达到, 达, 不低于, 以上, 确保"),
    Comparator(">", ">", False, True, "超过, 高于"),
    Comparator("<=", "≤", True, False, "不超过, 控制在…以内, 以下"),
    Comparator("<", "<", True, True, "低于, 少于"),
    Comparator("=", "=", False, False, "保持在, 为"),
    Comparator("range", "–", False, False, "2—3所 (value to value_high)"),
]
COMPARATOR = {c.code: c for c in COMPARATORS}
COMPARATOR_CODES = [c.code for c in COMPARATORS]
CEILING_COMPARATORS = [c.code for c in COMPARATORS if c.ceiling]
STRICT_COMPARATORS = [c.code for c in COMPARATORS if c.strict]
BOUND_COMPARATORS = [c.code for c in COMPARATORS if c.code not in ("=", "range")]  # a floor or a ceiling

# The way a target wants its indicator to move (register column ``direction``): 下降10% is a decrease,
# 保留25所 a hold (keep the level).
TARGET_DIRECTIONS = ["increase", "decrease", "hold"]


@dataclass(frozen=True)
class Period:
    """How often a recurring (per_year) target recurs (register column ``period``). ``per_year``: how many
    fit in a calendar year, for the annual equivalent (None: not defined); ``suffix``: how the report writes it."""

    code: str
    zh: str
    per_year: float | None
    suffix: str


PERIODS = [
    Period("month", "每月", 12.0, "/月"),
    Period("term", "每学期", 2.0, "/学期"),
    Period("school_year", "每学年", 1.0, "/学年"),
    Period("year", "每年", 1.0, "/年"),
    Period("plan_period", "每3年 (once per plan period)", None, "/规划期"),
]
PERIOD = {p.code: p for p in PERIODS}
PERIOD_CODES = [p.code for p in PERIODS]

# Register flags: what a curator or the checker noted about a row, in words the report can print.
FLAGS = {
    "year_missing": ("年份缺失", "the source gives no year"),
    "value_missing": ("数值缺失", "the source lost the value"),
    "year_from_plan_end": ("年份取自规划期末", "year taken from the end of the plan period"),
    "year_from_heading": ("年份取自标题", "year proved by a heading outside the quote"),
    "region_unknown": ("地区未注明", "the document does not name its region"),
    "ocr_damage": ("OCR损坏", "the quote is damaged by text recognition"),
    "needs_review": ("待复核", "a reading a reviewer should confirm"),
    "sub_region": ("子区域目标", "the target is for a part of the region (市区, 县(市), 农村…): scope in the note"),
}

# Parts of a region that plans set their own targets for and GB/T 2260 has no code for. Such a register row
# keeps the region's code, flags sub_region and names its part in the note as "scope: 市区"
# (docs/register-guide.md); analysis.draft finds these words. The assessment leaves such a target
# unassessed (reason sub_region): an observation is of a whole region, and 市区 ≥98% is not the city's figure.
SCOPES = ["市区", "主城区", "城区", "县(市)", "县（市）", "城市", "城镇", "农村", "乡村"]

# ------------------------------------------------------------------------------------ indicators and regions

DIRECTIONS = ["increase", "decrease", "none"]  # which way is better for an indicator
INDICATOR_KINDS = ["rate", "count", "share", "milestone", "other"]
# stock: a level at a point in time (schools in operation); flow: additions within a year (新建 schools),
# so an increment target is met by the sum of the yearly figures, not by a difference of levels.
MEASURES = ["stock", "flow"]
REGION_LEVELS = ["national", "province", "prefecture", "county"]
NATIONAL = "100000"  # GB/T 2260 has no code for the whole country; this project's convention

# Units with a meaning beyond a label.
PERCENT = "%"  # a rate or share: percentage-point progress near a ceiling
PERCENTAGE_POINTS = "个百分点"  # a change of a rate: an absolute difference, not a ratio

# ------------------------------------------------------------------------------------ sources

# From closest to the official publisher to farthest. When two sources give the same point and no
# reviewed resolution says otherwise, the first wins; the order is a default, not a verdict.
SOURCE_KINDS = ["official", "official-media", "compiled-dataset", "reprint", "mirror"]
SOURCE_KIND_LABELS = {
    "official": "the government's own page",
    "official-media": "official newspaper or portal quoting officials",
    "compiled-dataset": "a third party's table naming the official bulletins as its source",
    "reprint": "a third-party copy of an official text",
    "mirror": "a spam-laden copy",
}
SOURCE_RANK = {kind: rank for rank, kind in enumerate(SOURCE_KINDS)}

# ------------------------------------------------------------------------------------ search trail

# What a recorded search found (searches.csv `result`). A search that found a usable figure is not
# recorded there: the figure goes into observations.csv with its source.
SEARCH_RESULTS = ["not found", "found unusable"]
# Per target exactly one outcome (analysis.searches), in the order the counts are printed: (code, 中文, English).
# Precedence when several hold: assessed, found_unusable, searched_not_found, not_yet_searched.
SEARCH_OUTCOMES = [
    ("assessed", "已评估", "assessed"),
    ("searched_not_found", "已查未获", "searched, not found"),
    ("found_unusable", "有数不可用", "found, unusable"),
    ("not_yet_searched", "尚未查找", "not yet searched"),
]
SEARCH_OUTCOME_CODES = [code for code, _, _ in SEARCH_OUTCOMES]
SEARCH_OUTCOME_LABELS = {code: f"{zh} {en}" for code, zh, en in SEARCH_OUTCOMES}
# How a search was tied to a target: it names the target's indicator, or searched a general publication.
SEARCH_MATCHES = ["indicator", "publication"]
