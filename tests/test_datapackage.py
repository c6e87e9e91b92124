"""datapackage.json: a valid Frictionless (v1) descriptor whose sizes, hashes and schemas match the files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import polars as pl
import pytest

from analysis import assess as engine
from analysis import datapackage, versions
from analysis.assess import step as assess_step
from analysis.paths import processed_dir
from analysis.reference import load_indicators, load_regions
from tests.conftest import write_processed

REPO = Path(__file__).resolve().parent.parent
NAME = re.compile(r"^[-a-z0-9._/]+$")  # Frictionless v1 name pattern
TYPES = {"string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime", "year",
         "yearmonth", "duration", "geopoint", "geojson", "any"}


def reference_rows():
    """The catalogues as the assessment step reads them."""
    return list(load_indicators().values()), list(load_regions().values())


def check_descriptor(package: dict, directory: Path) -> None:
    """Structural validation of a Data Package v1 descriptor against the files it describes."""
    assert NAME.match(package["name"]) and package["title"]
    assert package["licenses"] and all(lic.get("name") or lic.get("path") for lic in package["licenses"])
    assert all(isinstance(s, dict) and s["title"] for s in package["sources"])
    resources = package["resources"]
    assert resources, "a package needs at least one resource"
    names = [r["name"] for r in resources]
    assert len(names) == len(set(names)) and all(NAME.match(n) for n in names)
    assert [r["path"] for r in resources] == sorted(r["path"] for r in resources)
    on_disk = sorted(p.name for p in directory.iterdir() if p.is_file() and p.suffix in (".csv", ".parquet", ".json")
                     and p.name != "datapackage.json" and not p.name.startswith("."))
    assert [r["path"] for r in resources] == on_disk, "every processed file is described, nothing else"
    for res in resources:
        data = (directory / res["path"]).read_bytes()
        assert res["bytes"] == len(data)
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert res["format"] == Path(res["path"]).suffix[1:] and res["mediatype"]
        if res["format"] == "csv":
            assert res["encoding"] == "utf-8"
            header = next(csv.reader(io.StringIO(data.decode("utf-8").split("\n", 1)[0])))
            assert [f["name"] for f in res["schema"]["fields"]] == header
        if res["format"] == "parquet":  # a file resource: its table is its CSV twin's
            assert res["type"] == "file" and "schema" not in res
        if res["format"] == "csv":
            fields = res["schema"]["fields"]
            assert all(f["type"] in TYPES for f in fields)
            assert set(res["schema"].get("primaryKey", [])) <= {f["name"] for f in fields}


def build_processed(root: Path) -> Path:
    """Realistic processed files in a temporary tree: the assessment outputs, sources, a CSV without a
    Parquet twin and a JSON file."""
    out = root / "data" / "processed"
    indicator = reference_rows()[0][0]["indicator_id"]
    target = dict(target_id="T003-001", document_id="003-baise", region_code="451000", indicator_id=indicator,
                  target_kind="level", comparator=">=", value=98.8, value_high=None, unit="%", target_year=2023,
                  baseline_value=None, baseline_year=None, plan_period_start=2021, plan_period_end=2023)
    observation = dict(observation_id="s1:450000:x:2023", region_code="450000", indicator_id=indicator, year=2023,
                       value=93.0, unit="%", source_id="s1", source_kind="official-media", note=None, usable="true")
    write_processed(root, "targets", [target])
    write_processed(root, "observations", [observation])
    write_processed(root, "sources", [
        {"source_id": "s2", "title": "B", "publisher": "p", "url": "http://b", "published": "2024-01-01",
         "kind": "official"},
        {"source_id": "s1", "title": "A", "publisher": "q", "url": "", "published": "", "kind": "reprint"}])
    (out / "validation_summary.json").write_text("[]\n", encoding="utf-8")
    assert assess_step.main([]) == 0
    return out


def test_descriptor_is_valid_and_byte_identical_on_rerun(tree):
    out = build_processed(tree)
    assert datapackage.main([]) == 0
    descriptor = out / "datapackage.json"
    first = descriptor.read_bytes()
    package = json.loads(first)
    check_descriptor(package, out)
    assert datapackage.main([]) == 0
    assert descriptor.read_bytes() == first
    assert not re.search(rb"20\d\d-\d\d-\d\dT\d\d:", first), "no timestamps"

    by_name = {r["path"]: r for r in package["resources"]}
    assessments = {f["name"]: f["type"] for f in by_name["assessments.csv"]["schema"]["fields"]}
    assert list(assessments) == engine.ASSESSMENT_COLUMNS
    assert (assessments["region_code"], assessments["target_year"], assessments["gap"]) == \
        ("string", "integer", "number")
    assert by_name["assessments.csv"]["schema"]["primaryKey"] == ["target_id"]
    assert package["version"] == versions.check()  # the release, or "<release>+unreleased" after a described change
    # targets.csv has no Parquet twin here: types are inferred, codes stay strings
    inferred = {f["name"]: f["type"] for f in by_name["targets.csv"]["schema"]["fields"]}
    assert (inferred["region_code"], inferred["target_year"], inferred["value"]) == ("string", "integer", "number")
    assert "schema" not in by_name["validation_summary.json"]
    assert [s["source_id"] for s in package["sources"]] == ["s1", "s2"]
    assert package["sources"][1]["path"] == "http://b" and "path" not in package["sources"][0]


def test_descriptor_follows_the_files(tree):
    out = build_processed(tree)
    assert datapackage.main([]) == 0
    before = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    with (out / "summary.csv").open("a", encoding="utf-8") as handle:
        handle.write("999999,0,0,0,0,0,0,0,,\n")
    assert datapackage.main([]) == 0
    after = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    changed = [a["path"] for a, b in zip(after["resources"], before["resources"]) if a["hash"] != b["hash"]]
    assert changed == ["summary.csv"]
    check_descriptor(after, out)


def test_mismatched_parquet_twin_and_empty_directory_are_errors(tree, capsys):
    assert datapackage.main([]) == 1
    assert "no processed files" in capsys.readouterr().err
    out = build_processed(tree)
    pl.DataFrame({"other": [1]}).write_parquet(out / "summary.parquet")
    assert datapackage.main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: data/processed/summary.parquet") and "differ from the schema's" in err


def test_real_processed_directory_is_described():
    directory = REPO / "data" / "processed"
    if not directory.exists() or not datapackage.processed_files(directory):
        pytest.skip("pipeline input not built yet (data/processed is empty)")
    package = datapackage.describe(directory)
    check_descriptor(package, directory)
    assert processed_dir() == directory  # tests without `tree` read the repository itself
    if (directory / "sources.csv").exists():
        ids = pl.read_csv(directory / "sources.csv", infer_schema=False)["source_id"].sort().to_list()
        assert [s["source_id"] for s in package["sources"]] == ids


# ---------------------------------------------------------------- the reference validator (Frictionless 5)

def frictionless_errors(descriptor: Path) -> list[tuple[str, str]]:
    """(resource, error type) of every error the reference validator reports; [] = the package is valid."""
    import frictionless

    report = frictionless.validate(str(descriptor))
    return sorted({(task.name, error.type) for task in report.tasks for error in task.errors} |
                  {("package", error.type) for error in report.errors})


def twin_errors(directory: Path) -> list[tuple[str, str]]:
    """Each Parquet twin's rows checked by Frictionless against its CSV's schema (the package describes the twin
    as a file, see analysis.datapackage)."""
    import frictionless

    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {r["path"]: r["schema"] for r in package["resources"] if "schema" in r}
    errors = []
    for parquet in sorted(directory.glob("*.parquet")):
        frame = pl.read_parquet(parquet)
        rows = [frame.columns] + [list(row) for row in frame.iter_rows()]
        resource = frictionless.Resource(data=rows, schema=frictionless.Schema.from_descriptor(
            schemas[parquet.with_suffix(".csv").name]))
        errors += [(parquet.name, e.type) for task in frictionless.validate(resource).tasks for e in task.errors]
    return errors


def build_with_unnamed_region(root: Path) -> Path:
    """build_processed plus a target whose plan names no region: summary gets an empty region_code, and the
    assessments' Parquet twin null integer years."""
    out = build_processed(root)
    targets = pl.read_csv(out / "targets.csv", infer_schema=False)
    extra = targets.with_columns(pl.lit("T004-001").alias("target_id"), pl.lit(None, pl.String).alias("region_code"))
    pl.concat([targets, extra]).write_csv(out / "targets.csv")
    assert assess_step.main([]) == 0
    return out


def test_the_reference_validator_passes_on_the_package(tree):
    out = build_with_unnamed_region(tree)
    summary = pl.read_csv(out / "summary.csv", infer_schema=False)
    assert summary["region_code"].null_count() == 1 and "ALL" in summary["region_code"].to_list()
    assert pl.read_parquet(out / "assessments.parquet")["actual_year"].null_count() > 0
    assert datapackage.main([]) == 0
    assert frictionless_errors(out / "datapackage.json") == []
    assert twin_errors(out) == []


def test_the_reference_validator_catches_a_broken_package(tree):
    out = build_with_unnamed_region(tree)
    with (out / "summary.csv").open("a", encoding="utf-8") as handle:
        handle.write("ALL,0,0,0,0,0,0,0,,\n")  # region_code must stay unique
    summary = pl.read_parquet(out / "summary.parquet")
    pl.concat([summary, summary.tail(1)]).write_parquet(out / "summary.parquet")  # and in its twin
    assert datapackage.main([]) == 0
    assert twin_errors(out) == [("summary.parquet", "unique-error")]
    (out / "context.parquet").write_bytes(b"changed after the descriptor was written")
    assert frictionless_errors(out / "datapackage.json") == [("context.parquet", "byte-count"),
                                                             ("context.parquet", "hash-count"),
                                                             ("summary.csv", "unique-error")]
