"""analysis.diff on constructed processed directories: figures, conflicts, targets, assessments (and why)
and context; directories and release archives as sides."""

from __future__ import annotations

import json
import tarfile

import polars as pl

from analysis import diff

OBS = ["observation_id", "region_code", "region_name", "indicator_as_published", "indicator_id", "year", "value",
       "unit", "source_id", "source_kind", "note", "usable", "unusable_reason", "set_aside_by"]
NAT, CITY, RATE = "100000", "451000", "upper_secondary_gross_enrolment_rate"


def figure(source: str, region: str, year: str, value: str, usable: str = "true", reason: str = "",
           by: str = "", indicator: str = RATE) -> dict:
    return dict(zip(OBS, [f"{source}:{region}:{indicator}:{year}", region, "", "高中阶段毛入学率", indicator, year,
                          value, "%", source, "official", "", usable, reason, by]))


def target(tid: str, value: str = "92", year: str = "2025") -> dict:
    return dict(target_id=tid, document_id="003-baise", region_code=CITY, indicator_id=RATE, target_kind="level",
                comparator=">=", value=value, value_high="", unit="%", target_year=year, baseline_value="",
                baseline_year="", flags="")


def assessment(tid: str, status: str, actual: str = "", source: str = "", gap: str = "") -> dict:
    return dict(target_id=tid, region_code=CITY, indicator_id=RATE, status=status, method="none",
                actual_value=actual, actual_year="2024" if actual else "", actual_source_id=source, gap=gap)


def context(source: str, value: str) -> dict:
    return dict(region_code=NAT, level="national", indicator_id=RATE, year="2023", value=value, unit="%",
                source_id=source)


def context_per_target(tid: str, source: str, value: str) -> dict:
    """A context row as snapshots before 2026-11 wrote it: the series repeated for each target."""
    return dict(target_id=tid, context_region_code=NAT, context_level="national", indicator_id=RATE, year="2023",
                value=value, unit="%", source_id=source)


def write(directory, version: str | None = None, **tables: list[dict]):
    directory.mkdir(parents=True)
    for name, rows in tables.items():
        pl.DataFrame(rows, schema={k: pl.String for k in rows[0]}).write_csv(directory / f"{name}.csv")
    if version:
        (directory / "datapackage.json").write_text(json.dumps({"version": version,
                                                                "raw_snapshot_sha256": "ab" * 32}))
    return directory


def snapshots(tmp_path):
    old = write(tmp_path / "old", "2026.11.0",
                observations=[figure("compiled", NAT, "2023", "92.8"), figure("city-a", CITY, "2024", "80"),
                              figure("gone", CITY, "2022", "70")],
                targets=[target("T1"), target("T2", value="90")],
                assessments=[assessment("T1", "insufficient_data"), assessment("T2", "limited_progress", "80",
                                                                                "city-a", "-10")],
                context=[context("compiled", "92.8")])
    new = write(tmp_path / "new", "2026.12.0",
                observations=[figure("compiled", NAT, "2023", "92.8", "false", "set_aside", f"{NAT}:{RATE}:2023"),
                              figure("official", NAT, "2023", "91.8"), figure("city-a", CITY, "2024", "80"),
                              figure("city-b", CITY, "2025", "93")],
                conflicts=[dict(region_code=NAT, indicator_id=RATE, year="2023", value="91.8",
                                source_that_stands="official", sources_confirming="", sources_set_aside="compiled",
                                values_set_aside="92.8", reason="two official reprints", reviewed_by="maintainers",
                                reviewed_on="2026-11-25")],
                targets=[target("T1", value="95"), target("T2", value="90"), target("T3")],
                assessments=[assessment("T1", "insufficient_data"), assessment("T2", "achieved", "93", "city-b", "3"),
                             assessment("T3", "achieved", "93", "city-b", "1")],
                context=[context("official", "91.8")])
    return old, new


def test_every_kind_of_change_is_listed_with_its_source(tmp_path):
    old, new = snapshots(tmp_path)
    result = diff.compare(old, new, "a963ef8", "HEAD")
    assert result.header == ["old: a963ef8: version 2026.11.0, raw snapshot abababababab",
                             "new: HEAD: version 2026.12.0, raw snapshot abababababab"]
    sections = list(result.sections.values())
    figures, conflicts, targets, assessments, context = sections
    assert figures == [
        f"+ {CITY}  {RATE} 2025 = 93 % [source city-b]",
        f"~ compiled:{NAT}:{RATE}:2023: usable true → false; unusable_reason ∅ → set_aside; "
        f"set_aside_by ∅ → {NAT}:{RATE}:2023",
        f"- {CITY}  {RATE} 2022 = 70 % [source gone]",
        f"+ {NAT}  {RATE} 2023 = 91.8 % [source official]"]
    assert conflicts == [f"+ {NAT}:{RATE}:2023: 91.8 from official stands; set aside compiled (92.8), reviewed by "
                         "maintainers on 2026-11-25"]
    assert targets == ["~ T1: value 92 → 95", f"+ T3 {CITY} {RATE} >= 92 % by 2025"]
    assert context == [f"- {NAT} {RATE} 2023 = 92.8 % [source compiled]",
                       f"+ {NAT} {RATE} 2023 = 91.8 % [source official]"]
    assert assessments == [
        f"~ T2 ({CITY} {RATE}): status limited_progress → achieved; actual_value 80 → 93; actual_source_id city-a → "
        "city-b; gap -10 → 3",
        "    why: figures of its region and indicator changed: city-b 2025 = 93 added; gone 2022 = 70 removed"]


def test_an_assessment_change_names_a_changed_target_or_else_the_method(tmp_path):
    old = write(tmp_path / "old", observations=[figure("a", CITY, "2024", "80")], targets=[target("T1")],
                assessments=[assessment("T1", "not_achieved", "80", "a", "-12"), assessment("T2", "on_track")])
    new = write(tmp_path / "new", observations=[figure("a", CITY, "2024", "80")], targets=[target("T1", value="85")],
                assessments=[assessment("T1", "not_achieved", "80", "a", "-5"), assessment("T2", "needs_acceleration")])
    lines = diff.compare(old, new).sections["Assessments whose status, actual or gap changed"]
    assert lines == [f"~ T1 ({CITY} {RATE}): gap -12 → -5", "    why: its target changed (value 92 → 85)",
                     f"~ T2 ({CITY} {RATE}): status on_track → needs_acceleration",
                     "    why: neither its target nor its figures changed: the method or params.yaml did"]


def test_identical_snapshots_have_no_change_and_a_column_added_since_is_not_a_change(tmp_path):
    old, _ = snapshots(tmp_path)
    rows = pl.read_csv(old / "observations.csv", infer_schema=False).with_columns(  # one undated figure
        usable=pl.when(pl.col("source_id") == "gone").then(pl.lit("false")).otherwise(pl.col("usable")),
        unusable_reason=pl.when(pl.col("source_id") == "gone").then(pl.lit("year_not_stated")))
    newer = write(tmp_path / "newer", observations=rows.to_dicts())
    older = write(tmp_path / "older", observations=rows.drop("unusable_reason", "set_aside_by").to_dicts())
    assert diff.compare(older, newer).sections["Figures added (+), removed (-), changed (~)"] == []
    text = diff.compare(old, old).text()
    assert text.count("(no change)") == 5 and "version 2026.11.0" in text


def test_main_compares_a_release_archive_with_a_directory(tmp_path, capsys):
    old, new = snapshots(tmp_path)
    archive = tmp_path / "edugap-2026.11.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(old, arcname="edugap-2026.11.0/data/processed")
    assert diff.main([str(archive), str(new)]) == 0
    out = capsys.readouterr().out
    assert "version 2026.11.0" in out and "version 2026.12.0" in out and "[source city-b]" in out


def test_a_side_that_is_nothing_known_is_an_error(tmp_path, capsys):
    old, _ = snapshots(tmp_path)
    assert diff.main([str(old), "no-such-revision-xyz"]) == 1
    assert "no-such-revision-xyz: is neither a processed directory, a release archive nor a git revision" in \
        capsys.readouterr().err


def test_context_of_a_snapshot_that_repeated_it_per_target_compares_as_each_series_once(tmp_path):
    """Older snapshots wrote the context once per target; the same figures stored once are no change."""
    old = write(tmp_path / "old", context=[context_per_target("T1", "compiled", "92.8"),
                                           context_per_target("T2", "compiled", "92.8")])
    new = write(tmp_path / "new", context=[context("compiled", "92.8"), context("official", "91.8")])
    assert diff.context_section(diff.read_table(old, "context"), diff.read_table(new, "context")) == [
        f"+ {NAT} {RATE} 2023 = 91.8 % [source official]"]
