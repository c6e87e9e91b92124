"""The official statistics: the shipped snapshot, the processed tables, and every kind of bad input."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import polars as pl
import pytest

from analysis import statistics
from analysis.snapshot import record
from analysis.statistics import PROCESSED_COLUMNS, SOURCE_COLUMNS

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"  # only the test that says so reads ../shared

BROKEN = Path(__file__).parent / "broken_inputs"
OBS = "data/raw/statistics/observations.csv"
CONTEXT_ONLY = ["各级各类学校", "普通中等专业学校", "职业高中", "高校", "普通中学", "小学", "特殊教育学校", "幼儿园",
                "小学教学点", "各级各类在校生", "教职工"]


def test_shipped_observations_are_tidy_and_complete():
    frame = statistics.processed_observations()
    raw = list(csv.DictReader((REPO / OBS).open(encoding="utf-8")))
    assert frame.columns == PROCESSED_COLUMNS
    assert frame.height == len(raw)
    assert frame["observation_id"].is_unique().all()
    assert frame["observation_id"].to_list() == sorted(frame["observation_id"].to_list())
    undated = [r for r in raw if not r["year"].strip()]
    assert frame.filter(pl.col("year").is_null() & ~pl.col("usable")).height == len(undated)
    assert frame.filter(pl.col("usable"))["year"].null_count() == 0
    context = frame.filter(pl.col("indicator_id").is_null())
    assert sorted(context["indicator_as_published"].to_list()) == sorted(
        r["indicator_as_published"] for r in raw if not r["indicator_id"].strip())
    assert set(CONTEXT_ONLY) <= set(context["indicator_as_published"]), "the shipped counts stay context"
    gx = frame.filter(pl.col("observation_id") == "gmw-2022-09-14:450000:compulsory_consolidation_rate:2021")
    assert gx.row(0, named=True) == {
        "observation_id": "gmw-2022-09-14:450000:compulsory_consolidation_rate:2021", "region_code": "450000",
        "region_name": "广西壮族自治区", "indicator_as_published": "九年义务教育巩固率",
        "indicator_id": "compulsory_consolidation_rate", "year": 2021, "value": 96.5, "unit": "%",
        "source_id": "gmw-2022-09-14", "source_kind": "reprint", "note": None, "usable": True,
        "unusable_reason": None, "set_aside_by": None}


def test_published_names_map_onto_the_catalogue():
    rows = list(csv.DictReader((REPO / OBS).open(encoding="utf-8")))
    mapping = {(r["indicator_as_published"], r["indicator_id"]) for r in rows if r["indicator_id"]}
    names = [name for name, _ in mapping]
    assert len(names) == len(set(names)), "a published name maps onto one indicator only"
    assert mapping >= {
        ("学前教育三年毛入园率", "preschool_gross_enrolment_rate"), ("学前三年毛入园率", "preschool_gross_enrolment_rate"),
        ("学前教育毛入园率", "preschool_gross_enrolment_rate"), ("kindergarten enrollment rate", "preschool_gross_enrolment_rate"),
        ("九年义务教育巩固率", "compulsory_consolidation_rate"), ("高中阶段毛入学率", "upper_secondary_gross_enrolment_rate"),
        ("高等教育毛入学率", "higher_education_gross_enrolment_rate"), ("新建、改扩建幼儿园", "new_or_expanded_public_kindergartens"),
        ("被教育部认定为全国义务教育优质均衡县 (2023-2024 cumulative)", "quality_balanced_compulsory_counties"),
        ("被教育部认定为学前教育普及普惠县 (2023-2024 cumulative)", "universal_inclusive_preschool_counties"),
        ("高中阶段教育毛入学率", "upper_secondary_gross_enrolment_rate"),
        ("高中毛入学率(标题)", "upper_secondary_gross_enrolment_rate"),
        ("学前教育毛入学率(原文如此,指毛入园率)", "preschool_gross_enrolment_rate"),
        ("普惠性幼儿园在园幼儿占全国在园幼儿的比例", "inclusive_kindergarten_coverage")}


@pytest.mark.skipif(not (SHARED / "official-statistics").exists(), reason="reads ../shared (the snapshot's origin)")
def test_raw_snapshot_keeps_the_shared_figures_as_written():
    ours = list(csv.DictReader((REPO / OBS).open(encoding="utf-8")))
    shared = list(csv.DictReader((SHARED / "official-statistics" / "observations.csv").open(encoding="utf-8")))
    assert [{k: v for k, v in r.items() if k != "indicator_id"} for r in ours] == shared
    ours = list(csv.DictReader((REPO / "data/raw/statistics/sources.csv").open(encoding="utf-8")))
    shared = list(csv.DictReader((SHARED / "official-statistics" / "sources.csv").open(encoding="utf-8")))
    assert [{k: v for k, v in r.items() if k != "accessed"} for r in ours] == shared
    assert all(r["accessed"] == "" for r in ours)


def test_main_writes_contract_tables_byte_identically(tree, capsys):
    assert statistics.main([]) == 0
    out = tree / "data" / "interim" / "staged"  # published to data/processed by the validate step
    first = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert sorted(first) == ["conflicts.csv", "conflicts.parquet", "observations.csv", "observations.parquet",
                             "sources.csv", "sources.parquet"]
    assert first["observations.csv"].decode().splitlines()[0] == ",".join(PROCESSED_COLUMNS)
    assert first["sources.csv"].decode().splitlines()[0] == ",".join(SOURCE_COLUMNS)
    assert pl.read_parquet(out / "observations.parquet").equals(pl.read_csv(
        out / "observations.csv", schema_overrides={"region_code": pl.String, "year": pl.Int64}))
    assert statistics.main([]) == 0
    assert {p.name: p.read_bytes() for p in sorted(out.iterdir())} == first
    observations = pl.read_csv(out / "observations.csv", infer_schema=False)
    usable = observations.filter(pl.col("usable") == "true").height
    context = observations["indicator_id"].null_count()
    sources = pl.read_csv(out / "sources.csv", infer_schema=False).height
    assert (f"{observations.height} observations ({usable} usable, {context} context-only), {sources} sources"
            in capsys.readouterr().out)


BROKEN_CASES = {
    "gbk_encoding.csv": "row 2: not UTF-8 (undecodable byte at byte 98, line 2); if it is GBK, convert it "
                        "with `iconv -f GBK -t UTF-8 in.csv > out.csv`",
    "missing_column.csv": "row 1, column 'unit': missing required column(s) ['unit']",
    "byte_order_mark.csv": "row 1: starts with a byte-order mark (Excel's \"CSV UTF-8\" adds one): save it as "
                           "plain UTF-8, or remove the mark with `sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`",
    "misspelled_column.csv": "row 1, column 'value': missing required column(s) ['value'] "
                             "(found unknown column(s) ['vaule']: misspelled?)",
    "approximate_value.csv": "row 3, column 'value': value '约90%' is not a number; write digits only (e.g. 90 or "
                             "81.08): the unit belongs in 'unit', words such as 约 (about) in 'note'",
    "fullwidth_digits.csv": "row 3, column 'value': value '９０' is not a number; write digits only (e.g. 90 or "
                            "81.08): the unit belongs in 'unit', words such as 约 (about) in 'note'",
    "percent_sign_in_value.csv": "row 4, column 'value': value '90%' is not a number; write digits only (e.g. 90 "
                                 "or 81.08): the unit belongs in 'unit', words such as 约 (about) in 'note'",
    "permille_unit.csv": "row 3, column 'unit': unit '‰' does not match the unit '%' of indicator "
                         "compulsory_consolidation_rate; convert the value (the source's figure goes in 'note') "
                         "or correct indicator_id",
    "unknown_region.csv": "row 3, column 'region_code': region_code '530060' is not in "
                          "data/raw/reference/regions.csv; correct the code or add the region there "
                          "(six-digit GB/T 2260 code)",
    "duplicate_key.csv": "row 5, column 'source_id': duplicated key (region_code, indicator, year, source_id) "
                         "'ztnews-2022-10-19:530600:preschool_gross_enrolment_rate:2021': row 2 has the same; "
                         "keep one figure per source",
    "unknown_source.csv": "row 3, column 'source_id': source_id 'ztnews-2022-10-91' has no citation in "
                          "data/raw/statistics/sources.csv; add a row for the source there",
    "formula_cell.csv": "row 3, column 'note': cell '=HYPERLINK(\"http://example.com\",\"see source\")' starts with "
                        "'=' and would run as a formula when the CSV is opened in a spreadsheet; remove the leading "
                        "character",
    "overlong_cell.csv": "row 3, column 'note': the cell is 10,001 characters long; the limit is 10,000 (a paste "
                         "gone wrong?)",
}


def test_corpus_has_one_case_per_file():
    assert sorted(BROKEN_CASES) == sorted(p.name for p in BROKEN.glob("*.csv"))


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_broken_input_is_rejected_naming_file_row_and_column(tree, capsys, name):
    target = tree / OBS
    shutil.copyfile(BROKEN / name, target)
    record(target)
    processed = tree / "data" / "interim" / "staged"
    processed.mkdir(parents=True, exist_ok=True)
    (processed / "observations.csv").write_text("previous good build\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in processed.iterdir()}

    with pytest.raises(statistics.InputError) as caught:
        statistics.build()
    assert str(caught.value) == f"{OBS}, {BROKEN_CASES[name]}"

    assert statistics.main([]) == 1
    assert capsys.readouterr().err == f"error: {OBS}, {BROKEN_CASES[name]}\n"
    assert {p.name: p.read_bytes() for p in processed.iterdir()} == before  # nothing written, no temp files


@pytest.mark.parametrize("file, column", [("data/raw/statistics/sources.csv", "title"),
                                          ("data/raw/register/targets.csv", "note")])
def test_an_overlong_cell_in_a_hand_kept_file_is_one_error(tree, file, column):
    """Python's csv module stops at 131,072 characters with a traceback; the limit is said first, in words."""
    from analysis.tables import read_raw_csv

    path = tree / file
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[1][rows[0].index(column)] = "x" * 200_000
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    record(path)
    with pytest.raises(statistics.InputError) as caught:
        read_raw_csv(path, rows[0])
    assert str(caught.value) == (f"{file}, row 2, column '{column}': the cell is 200,000 characters long; the limit "
                                 "is 10,000 (a paste gone wrong?)")


def test_unknown_source_kind_is_rejected(tree):
    path = tree / "data/raw/statistics/sources.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",official-media,", ",blog,", 1), encoding="utf-8")
    record(path)
    with pytest.raises(statistics.InputError, match=r"sources.csv, row \d+, column 'kind': kind 'blog' is not one of"):
        statistics.build()


def test_a_new_figure_and_source_are_picked_up_without_code_change(tree):
    """The README recipe: append a source and a figure, record both checksums, rebuild."""
    before = statistics.processed_observations()
    with (tree / "data/raw/statistics/sources.csv").open("a", encoding="utf-8", newline="") as handle:
        handle.write("test-source-2026,TEST ONLY: not a real publication,edugap tests,https://example.org/test,"
                     "2026-01-01,2026-11-23,official,test fixture\n")
    with (tree / OBS).open("a", encoding="utf-8", newline="") as handle:
        handle.write("451000,百色市,学前教育毛入园率,preschool_gross_enrolment_rate,2025,1.5,%,test-source-2026,"
                     "test fixture\n")
    record(tree / "data/raw/statistics/sources.csv")
    record(tree / OBS)
    assert statistics.main([]) == 0
    after = pl.read_csv(tree / "data/interim/staged/observations.csv", schema_overrides={"region_code": pl.String})
    assert after.height == before.height + 1
    added = after.filter(pl.col("observation_id") == "test-source-2026:451000:preschool_gross_enrolment_rate:2025")
    assert added.select("value", "source_kind", "usable").row(0) == (1.5, "official", True)
    sources = pl.read_csv(tree / "data/interim/staged/sources.csv")
    assert "test-source-2026" in sources["source_id"].to_list()


def test_an_unrecorded_edit_stops_the_build(tree):
    with (tree / OBS).open("a", encoding="utf-8") as handle:
        handle.write("530600,昭通市,幼儿园,,2024,1,所,zt-gov-2024-05-20,\n")
    with pytest.raises(statistics.InputError, match="checksum mismatch"):
        statistics.build()


CELLS = {  # odd values per column, each tried alone in an otherwise good row
    "region_code": ["", "530060", "=530600", " 530600", "５３０６００"],
    "region_name": ["", "百色市", "@昭通市", "-昭通市"],
    "indicator_as_published": ["", "+rate", "-1", "-x"],
    "indicator_id": ["", "no_such_indicator", "=x"],
    "year": ["", "21", "2021.0", "２０２１", "-2021", "=2021", "year"],
    "value": ["", "90%", "约90", "-5", "-5.5", "5.", ".5", "+5", "1e3", "９０", "-", "@1"],
    "unit": ["", "‰", "=%"],
    "source_id": ["", "no-such-source", "=ztnews-2022-10-19"],
    "note": ["", "=HYPERLINK(1)", "-1", "-1.5", "-see source", "+1", "@me", "plain note"],
}


def test_all_rows_at_once_flag_exactly_the_rows_the_row_by_row_check_rejects():
    rows = list(csv.DictReader((REPO / OBS).open(encoding="utf-8")))
    catalogues = (statistics.load_regions(), statistics.load_indicators(), statistics.load_sources())
    cases = [dict(row) for row in rows]
    cases += [rows[i % len(rows)] | {column: value}
              for i, (column, value) in enumerate((c, v) for c, values in CELLS.items() for v in values)]

    def rejected(row: dict) -> bool:
        try:
            statistics._check_observation(OBS, row | {"_row": 0}, *catalogues)
        except statistics.InputError:
            return True
        return False

    frame = pl.DataFrame(cases, schema={c: pl.String for c in statistics.OBSERVATION_COLUMNS})
    flags = frame.select(statistics._fails_check(statistics.OBSERVATION_COLUMNS, *catalogues)).to_series().to_list()
    assert flags == [rejected(row) for row in cases]
    assert 0 < sum(flags) < len(cases)


def test_the_first_bad_row_in_file_order_is_reported_whatever_its_problem(tree):
    lines = (tree / OBS).read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines[1].split(",")
    lines[3] = lines[3].replace(lines[3].split(",")[7], "no-such-source")  # row 4: checked last
    lines[5] = lines[5].rstrip("\n") + "=1\n"  # row 6: a formula, checked first
    lines.insert(4, ",".join(first))  # row 5: repeats row 2's key
    (tree / OBS).write_text("".join(lines), encoding="utf-8")
    record(tree / OBS)
    with pytest.raises(statistics.InputError, match=r"row 4, column 'source_id': source_id 'no-such-source'"):
        statistics.build()
    lines[3] = (REPO / OBS).read_text(encoding="utf-8").splitlines(keepends=True)[3]
    (tree / OBS).write_text("".join(lines), encoding="utf-8")
    record(tree / OBS)
    with pytest.raises(statistics.InputError, match=r"row 5, column 'source_id': duplicated key .*: row 2 has the same"):
        statistics.build()
