"""The assessment step: read the register and the observations, assess, write assessments, context,
actuals and summary together (assessments.csv, the make target, last)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ..cli import step_command
from ..params import load_params
from ..paths import processed_dir, relative
from ..reference import load_indicators, load_regions
from ..summary import summarize
from ..tables import read_table, write_tables
from .engine import assess_tables
from .inputs import OBSERVATION_TYPES


def load() -> dict:
    """The step's inputs: processed register and observations, the catalogues, the parameters."""
    return {
        "targets": read_table("targets"),
        # Only the columns the engine reads: the others (ids, published names) would double its input at scale.
        "observations": read_table("observations").select(list(OBSERVATION_TYPES)),
        "indicators": list(load_indicators().values()),
        "regions": list(load_regions().values()),
        "params": load_params(),
    }


def transform(inputs: dict) -> dict[str, pl.DataFrame]:
    """Pure: the assessment's tables and the summary of them."""
    tables = assess_tables(**inputs)
    return tables | {"summary": summarize(tables["assessments"])}


def save(tables: dict[str, pl.DataFrame]) -> list[Path]:
    return write_tables(tables, main="assessments")


def run() -> dict[str, pl.DataFrame]:
    tables = transform(load())
    save(tables)
    return tables


@step_command("assess")
def main() -> None:
    """Assess every target against the official figures (writes assessments, context, actuals, summary)."""
    tables = run()
    counts = tables["assessments"]["status"].value_counts().sort("status")
    listing = ", ".join(f"{status} {count}" for status, count in counts.iter_rows())
    print(
        f"assessed {tables['assessments'].height} targets ({listing}); {tables['context'].height} context rows, "
        f"{tables['actuals'].height} series points -> {relative(processed_dir())}"
    )
