"""The gap analysis: every target in the register assessed against the observations.

Conventions (official SDG monitoring, adapted; thresholds in params.yaml):

* A target year has *passed* when it is before the year of ``as_of``. Passed and observed for that
  year: ``achieved`` / ``not_achieved`` (``final_year_comparison``).
* Otherwise, progress from the baseline (stated in the text, else the earliest observation from the
  plan's base year, ``plan_period_start - 1``, on) to the latest observation up to the target year,
  Eurostat / Statistics Canada style: R = actual annual growth / required annual growth
  (``growth_ratio``); near a ceiling (unit ``%`` and target at or above ``ceiling_threshold``)
  percentage-point progress per year instead (``percentage_point_progress``). A latest value that
  already meets the target is ``achieved`` (``already_met``).
* ``gap`` is signed so that positive means better than target; ``attainment`` is actual ÷ target
  (target ÷ actual where lower is better). Too little data gives ``insufficient_data`` with the reason.
* Only observations of the target's own region and indicator (``usable`` rows) are actuals; parent
  regions' figures go to the context table (each parent series once; a target's context is derived from
  its region's parents by ``context_of``), labelled, and never into an assessment.

Target kinds: ``increment`` of a stock indicator = latest − baseline count (stated, else the observation of
``plan_period_start - 1``); of a flow indicator (``measure`` = flow in indicators.csv: the figure already
counts additions) = the sum of the yearly figures over the plan period.
``per_year`` is checked year by year, on the register's value per calendar year (``annual_value``: 每月1篇
is 12 a year); ``relative_change`` needs the target year and the one before, and counts the change in the
target's own direction (the register's ``direction``: 下降10% is a fall); ``milestone`` is achieved only when
an observation records the event; ``relative_to_benchmark`` compares with the register's
``benchmark_region_code`` (the region whose average the quote names, proven by ``analysis.register``).
全覆盖 / 清零 / 一半 targets are levels (100 %, 0, 50 %) in the register, so a coverage figure assesses them.
Ranges are met at their less demanding end. Output adds a ``caveat`` column: the notes of the observations used.

Everything is vectorised polars (joins and expressions): 100 000 targets against 1.8 million
observations assess in about 1.4 s on two cores.

The package, along its seams: ``inputs`` (typed, checked, targets prepared with their signs), ``series``
(one figure per point, lookups by year), ``rules`` (how a rule list decides), one module per family of
kinds (``levels``, ``flows``, ``relative``, ``milestones``), ``context``, ``engine`` (puts them together)
and ``step`` (the command: read, assess, write).
"""

from __future__ import annotations

from .context import context_of
from .engine import assess, assess_context, assess_tables, assess_targets
from .rules import ASSESSMENT_COLUMNS
from .series import actual_series, ancestors

__all__ = [
    "ASSESSMENT_COLUMNS",
    "actual_series",
    "ancestors",
    "assess",
    "assess_context",
    "assess_tables",
    "assess_targets",
    "context_of",
]
