"""What the report reads: the processed tables (typed by their schemas), the validation results, the data
package, the catalogues, the plans and the parameters, read once."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ..assess.inputs import REGION_TYPES
from ..errors import InputError
from ..paths import processed_dir, relative
from ..tables import read_table

ENV_PROCESSED = "EDUGAP_PROCESSED"
TABLES = [
    "summary",
    "assessments",
    "context",
    "actuals",
    "targets",
    "observations",
    "sources",
    "target_searches",
    "search_coverage",
]


class ReportError(RuntimeError):
    """The report cannot be built as promised (renderer failed, output not self-contained)."""


def input_dir() -> Path:
    """Directory of the processed tables: ``EDUGAP_PROCESSED`` if set, else data/processed."""
    env = os.environ.get(ENV_PROCESSED)
    return Path(env).resolve() if env else processed_dir()


@dataclass
class Inputs:
    summary: pl.DataFrame
    assessments: pl.DataFrame
    context: pl.DataFrame
    actuals: pl.DataFrame
    target_searches: pl.DataFrame
    search_coverage: pl.DataFrame
    targets: pl.DataFrame
    observations: pl.DataFrame
    sources: pl.DataFrame
    validation: list
    datapackage: dict
    regions: dict  # region_code -> row dict
    indicators: dict  # indicator_id -> row dict
    documents: list
    params: dict
    directory: Path


def load_inputs(directory: Path | None = None) -> Inputs:
    """Everything the report shows, read once."""
    from ..documents import load_documents
    from ..params import load_params
    from ..reference import load_indicators, load_regions

    directory = Path(directory) if directory else input_dir()
    tables = {name: read_table(name, directory=directory) for name in TABLES}
    payloads = {}
    for name in ("validation_summary.json", "datapackage.json"):
        path = directory / name
        if not path.exists():
            raise InputError(relative(path), "missing: build the processed data first (`make`)")
        try:
            payloads[name] = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(relative(path), f"not valid JSON: {exc}", row=exc.lineno) from exc
    params = load_params()
    return Inputs(
        **tables,
        validation=payloads["validation_summary.json"],
        datapackage=payloads["datapackage.json"],
        regions=load_regions(),
        indicators=load_indicators(),
        documents=load_documents(),
        params=params,
        directory=directory,
    )


def regions_frame(inputs: Inputs) -> pl.DataFrame:
    """The regions catalogue as a frame (region_code, level, parent_code): what links a target to its context."""
    rows = [{k: r.get(k) or None for k in REGION_TYPES} for r in inputs.regions.values()]
    return pl.DataFrame(rows, schema=REGION_TYPES)
