"""One rule for dates as sources give them (statistics, search trail, metadata)."""

import pytest

from analysis.dates import is_partial_date, partial_date_problem


@pytest.mark.parametrize("text", ["2023", "2025-02", "2024-02-29", "1999-12-31"])
def test_year_month_or_day_precision_is_kept(text):
    assert is_partial_date(text) and partial_date_problem(text) is None


@pytest.mark.parametrize("text, problem", [
    ("2025-13", "is not a date written"), ("2023-02-30", "is not a day of the calendar"),
    ("２０２３", "is not a date written"), ("23-02", "is not a date written"), ("2025/02", "is not a date written"),
])
def test_anything_else_is_refused_saying_why(text, problem):
    assert not is_partial_date(text) and problem in partial_date_problem(text)
