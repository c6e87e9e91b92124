"""Dates as sources give them: YYYY, YYYY-MM or YYYY-MM-DD. A source dated only to the month keeps that
precision, and no day is invented. One rule for the statistics, the search trail and the metadata. Also
the years a plan names by a five-year plan (十四五 = 2021–2025), for the draft and the register check."""

from __future__ import annotations

import datetime as dt
import re

# ASCII digits only (Python's \d would also take full-width ２０２３); years 1900–2099, months 01–12.
PARTIAL_DATE = re.compile(r"^(19|20)[0-9]{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$")


def partial_date_problem(value: str) -> str | None:
    """Why a written date is not one (None when it is): YYYY, YYYY-MM or YYYY-MM-DD, a real day."""
    if not PARTIAL_DATE.match(value):
        return f"{value!r} is not a date written YYYY, YYYY-MM or YYYY-MM-DD"
    if len(value) == 10:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return f"{value!r} is not a day of the calendar"
    return None


def is_partial_date(text: str) -> bool:
    return partial_date_problem(text) is None


# China's five-year plans by their short names: 十四五 is the 14th, 2021–2025. From the sixth (1981–1985) on
# each follows the last without a gap, so the Nth runs 1981 + 5·(N − 6) to four years later. Only 十一五 to
# 十六五 are read: a bare 十五 or 九五 is too often just a number. Quote marks around the name belong to it,
# so that a baseline word before them (比“十三五”末) still stands right before the match.
FIVE_YEAR_PLAN = re.compile(r"[“\"'‘]?十(?P<n>[一二三四五六])五[”\"'’]?")
_ORDINAL = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}


def five_year_plans(text: str) -> list[tuple[int, int, int, int]]:
    """(first year, last year, start, end) of every five-year plan a text names (十四五 -> 2021, 2025)."""
    found = []
    for m in FIVE_YEAR_PLAN.finditer(text):
        first = 1981 + 5 * (10 + _ORDINAL[m.group("n")] - 6)
        found.append((first, first + 4, m.start(), m.end()))
    return found


def five_year_plan_ends(text: str) -> list[int]:
    """The last years of the five-year plans a text names: the year 到“十四五”末 or 十四五期间 dates a target to."""
    return [last for _, last, _, _ in five_year_plans(text)]
