"""One vocabulary: the docs, the suites and the tables use the same codes as analysis/vocabulary.py."""

from __future__ import annotations

import json
import re

from analysis import vocabulary as v
from analysis.schemas import TABLES
from tests.conftest import REPO

CONTRACTS = (REPO / "docs" / "data-contracts.md").read_text(encoding="utf-8")


def test_every_status_kind_comparator_and_source_kind_is_documented():
    for code in [*v.STATUS_CODES, *v.TARGET_KIND_CODES, *v.SOURCE_KINDS, *v.METHODS, *v.FLAGS]:
        assert f"`{code}`" in CONTRACTS, code
    for code in v.COMPARATOR_CODES:
        assert f"`{code}`" in CONTRACTS, code


def test_every_processed_table_and_column_is_documented():
    for name, table in TABLES.items():
        assert f"### `{name}.csv`" in CONTRACTS, name
        section = CONTRACTS.split(f"### `{name}.csv`", 1)[1].split("\n### ", 1)[0]
        for column in table.names:
            assert re.search(rf"\b{re.escape(column)}\b", section), f"{name}.{column}"


def test_suites_take_their_sets_from_the_vocabulary_not_literals():
    for suite in ("observations", "targets"):
        text = (REPO / "expectations" / f"{suite}.json").read_text(encoding="utf-8")
        for literal in ('"relative_to_benchmark"', '"compiled-dataset"', '"range"]'):
            assert literal not in text, (suite, literal)
    targets = json.loads((REPO / "expectations" / "targets.json").read_text(encoding="utf-8"))
    parameters = {json.dumps(e["kwargs"].get("value_set")) for e in targets["expectations"]}
    assert '{"$PARAMETER": "target_kinds"}' in parameters and '{"$PARAMETER": "comparators"}' in parameters


def test_statuses_are_ordered_best_to_worst_with_distinct_colours_and_hatches():
    assert v.STATUS_CODES[0] == "achieved" and v.STATUS_CODES[-1] == v.INSUFFICIENT
    assert len({s.colour for s in v.STATUSES}) == len(v.STATUSES)
    assert len({s.hatch for s in v.STATUSES}) == len(v.STATUSES)
    assert set(v.OFF_TRACK) == {"needs_acceleration", "limited_progress", "moving_away"}


def test_source_ranking_puts_the_publisher_first():
    assert v.SOURCE_KINDS[0] == "official" and v.SOURCE_RANK["official"] < v.SOURCE_RANK["mirror"]
