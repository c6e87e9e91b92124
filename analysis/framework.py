"""How comparable the register is across regions, measured on the indicator framework (themes ->
indicators): which indicators serve two or more plans, how many targets share an indicator with another
region, and which themes each region's plan covers. Regions can be compared where they share an indicator
(the same figure answers both targets) and, more coarsely, theme by theme.

    edugap framework      # print the measures for the shipped register and catalogue
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass

from .cli import step_command


@dataclass(frozen=True)
class Comparability:
    indicators: int  # in the catalogue
    used: int  # by at least one target
    shared_by_documents: list[str]  # indicator ids used by two or more plans
    targets: int
    targets_sharing: int  # targets whose indicator also serves a target of another region
    targets_sharing_across_plans: int  # ... of another region in another plan (not two counties of one plan)
    single_target_indicators: int


def _place(row: dict) -> str:
    """The region a target is about; a plan that names no region stands for its own unknown region."""
    return row["region_code"] or f"document:{row['document_id']}"


def comparability(targets: list[dict], indicator_ids: list[str]) -> Comparability:
    documents, places, counts = defaultdict(set), defaultdict(set), defaultdict(int)
    for row in targets:
        documents[row["indicator_id"]].add(row["document_id"])
        places[row["indicator_id"]].add((row["document_id"], _place(row)))
        counts[row["indicator_id"]] += 1

    def others(row: dict, across_plans: bool) -> bool:
        return any(place != _place(row) and (document != row["document_id"] or not across_plans)
                   for document, place in places[row["indicator_id"]])

    return Comparability(
        indicators=len(indicator_ids), used=len(documents),
        shared_by_documents=sorted(i for i, d in documents.items() if len(d) > 1),
        targets=len(targets), targets_sharing=sum(others(row, False) for row in targets),
        targets_sharing_across_plans=sum(others(row, True) for row in targets),
        single_target_indicators=sum(1 for n in counts.values() if n == 1))


def themes_by_document(targets: list[dict], theme_of: dict[str, str]) -> dict[str, dict[str, int]]:
    """theme -> document -> number of targets: what each plan commits to, theme by theme."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in targets:
        table[theme_of[row["indicator_id"]]][row["document_id"]] += 1
    return {theme: dict(docs) for theme, docs in table.items()}


@step_command("framework")
def main() -> int:
    """Print how comparable the register is: shared indicators, targets sharing one, targets by theme."""
    from .reference import load_indicators, load_themes
    from .register import load_register
    indicators, themes, targets = load_indicators(), load_themes(), load_register()
    measure = comparability(targets, list(indicators))
    print(f"indicators: {measure.indicators} in the catalogue, {measure.used} used, "
          f"{len(measure.shared_by_documents)} used by two or more plans, "
          f"{measure.single_target_indicators} serve a single target")
    print(f"targets: {measure.targets_sharing} of {measure.targets} share an indicator with another region, "
          f"{measure.targets_sharing_across_plans} with a region of another plan")
    print("the rule for sharing an indicator and the audit of near-shared ones: docs/indicator-framework.md")
    print("shared indicators: " + ", ".join(measure.shared_by_documents))
    documents = sorted({row["document_id"] for row in targets})
    table = themes_by_document(targets, {i: row["theme_id"] for i, row in indicators.items()})
    print("targets by theme and plan: " + " ".join(documents))
    for theme_id in themes:
        cells = [str(table.get(theme_id, {}).get(d, 0)) for d in documents]
        print(f"  {theme_id:<14} {' '.join(f'{c:>3}' for c in cells)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
