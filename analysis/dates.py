"""Dates as sources give them: YYYY, YYYY-MM or YYYY-MM-DD. A source dated only to the month keeps that
precision, and no day is invented. One rule for the statistics, the search trail and the metadata."""

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
