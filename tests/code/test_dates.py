"""One rule for dates as sources give them (statistics, search trail, metadata)."""

import pytest

from analysis import dates
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


@pytest.mark.parametrize("text, years", [
    ("到“十四五”末", [(2021, 2025)]),
    ("十三五时期", [(2016, 2020)]),
    ("十一五", [(2006, 2010)]),
    ("“十五五”规划", [(2026, 2030)]),
    ("比“十三五”末提高，到“十四五”末", [(2016, 2020), (2021, 2025)]),
    ("十五个县、九五折", []),  # a bare 十五 or 九五 is a number, not a plan
])
def test_a_five_year_plan_is_read_as_its_years(text, years):
    assert [(first, last) for first, last, _, _ in dates.five_year_plans(text)] == years
    assert dates.five_year_plan_ends(text) == [last for _, last in years]
