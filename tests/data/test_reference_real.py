"""The engine against the row-by-row reference implementation, on the real register and figures."""

from __future__ import annotations

import pandas as pd

from analysis import assess as engine
from analysis.params import load_params
from analysis.reference import load_indicators, load_regions
from analysis.tables import read_table
from benchmarks import reference_assessment as reference
from tests.conftest import built
from tests.test_reference_assessment import differences


def test_real_register_agrees_exactly():
    processed = built("targets.csv", "observations.csv")
    indicators, regions = list(load_indicators().values()), list(load_regions().values())
    params = load_params()
    got, _ = engine.assess(read_table("targets"), read_table("observations"), indicators, regions, params)
    read = lambda path: pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])  # noqa: E731
    ref = reference.assess(read(processed / "targets.csv"), read(processed / "observations.csv"),
                           pd.DataFrame(indicators), pd.DataFrame(regions), params)
    assert got.height == read_table("targets").height
    assert differences(got, ref) == []
