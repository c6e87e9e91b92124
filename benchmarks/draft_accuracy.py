"""How right is `analysis.draft` on plan texts written for this measurement (tests/fixtures/plans/)?

Per field: how many draft values equal the curator's answer in ``expected.csv``; and the register cells
a researcher types by hand before (16 per commitment) and after the draft (only the wrong or missing
ones; a missed commitment costs its 16). Run: ``.venv/bin/python -m benchmarks.draft_accuracy``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from analysis.draft import Plan, draft_rows
from analysis.reference import load_indicators
from analysis.register import COLUMNS

PLANS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "plans"
FIELDS = ["value", "value_high", "unit", "comparator", "target_year", "target_kind", "indicator_id"]
PERIODS = {"preschool_city.txt": (2024, 2026), "compulsory_county.txt": (2023, 2025),
           "vocational_province.txt": (2024, 2027), "heldout_basic_city.txt": (2024, 2026),
           "heldout_county_digital.txt": (2025, 2027), "heldout_city_with_context.txt": (2026, 2030)}


def _span(row: dict) -> tuple[int, int]:
    start, end = re.search(r"at (\d+)-(\d+)$", row["note"]).groups()
    return int(start), int(end)


def _scope(row: dict) -> str:
    m = re.search(r"scope: ([^;]+)", row["note"])
    return m.group(1) if m else ""


def _direction(row: dict) -> str:
    """The direction the curator wrote for a relative change (others are not in expected.csv)."""
    return row["direction"] if row["target_kind"] == "relative_change" else ""


def measure(files: list[str] | None = None) -> dict:
    indicators = load_indicators()
    expected = [t for t in csv.DictReader((PLANS / "expected.csv").open(encoding="utf-8"))
                if files is None or t["file"] in files]
    right = dict.fromkeys(FIELDS + ["scope", "direction"], 0)
    found = typed_after = drafted = new_indicators = extra = 0
    for name, (start, end) in PERIODS.items():
        if files is not None and name not in files:
            continue
        text = (PLANS / name).read_text(encoding="utf-8")
        rows = draft_rows(Plan("900-" + name.split(".")[0], text, "430300", start, end), indicators)
        drafted += len(rows)
        used: set[str] = set()
        for truth in (t for t in expected if t["file"] == name):
            a = text.index(truth["anchor"])
            b = a + len(truth["anchor"])
            # the row of this commitment: the shortest quote holding the anchor (the anchor ends in the number)
            holding = [r for r in rows if _span(r)[0] <= a and b <= _span(r)[1]]
            row = min(holding, key=lambda r: _span(r)[1] - _span(r)[0]) if holding else None
            if row is not None:
                used.add(row["target_id"])
            if row is None:
                typed_after += len(COLUMNS)
                continue
            found += 1
            wrong = [f for f in FIELDS if row[f] != truth[f]]
            scope_ok = _scope(row) == truth["scope"]
            direction_ok = _direction(row) == truth["direction"]
            for f in FIELDS:
                right[f] += f not in wrong
            right["scope"] += scope_ok
            right["direction"] += direction_ok
            # an indicator the catalogue lacks is typed too (and added to indicators.csv)
            typed_after += len(wrong) + (not scope_ok) + (not direction_ok) + (truth["indicator_id"] == "")
            new_indicators += truth["indicator_id"] == ""
        extra += len(rows) - len(used)
    return {"commitments": len(expected), "found": found, "drafted_rows": drafted, "right": right,
            "typed_before": len(expected) * len(COLUMNS), "typed_after": typed_after,
            "new_indicators": new_indicators, "extra_rows": extra}


def main() -> None:
    for label, files in (("written first, rules then corrected on them", list(PERIODS)[:3]),
                         ("held out: written after the rules were frozen", list(PERIODS)[3:]),
                         ("all", None)):
        print(f"== {label}")
        report(measure(files))


def report(result: dict) -> None:
    print(f"commitments {result['commitments']}, found by the draft {result['found']}, "
          f"draft rows {result['drafted_rows']}, of which not a commitment {result['extra_rows']}")
    for field, n in result["right"].items():
        print(f"  {field:<12} {n}/{result['found']} right")
    print(f"cells typed by hand: before {result['typed_before']}, after {result['typed_after']} "
          f"(of which {result['new_indicators']} indicator ids the catalogue lacks)")


if __name__ == "__main__":
    main()
