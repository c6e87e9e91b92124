"""The table layer: named tables typed by their schemas, published together with the make target last."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import polars as pl
import pytest

from analysis import tables
from analysis.errors import InputError
from analysis.schemas import TABLES
from tests.conftest import REPO, write_processed


def test_every_table_reads_back_with_its_schema_types(tree):
    for name, table in TABLES.items():
        write_processed(tree, name, [])
        frame = tables.read_table(name)
        assert frame.columns == table.names and dict(frame.schema) == table.dtypes, name


def test_a_cell_of_the_wrong_type_names_file_row_and_column(tree):
    write_processed(tree, "summary", [{"region_code": "ALL", "targets": 3}, {"region_code": "x", "targets": "many"}])
    with pytest.raises(InputError, match=r"data/processed/summary.csv, row 3, column 'targets': 'many' is not"):
        tables.read_table("summary")


def test_a_missing_table_says_how_to_build_it(tree):
    with pytest.raises(InputError, match=r"data/processed/assessments.csv: missing: build it first"):
        tables.read_table("assessments")


def test_write_tables_conforms_columns_and_writes_twins(tree):
    frame = pl.DataFrame({"targets": [2], "region_code": ["ALL"]})  # wrong order, missing columns
    with pytest.raises(ValueError, match="lacks column"):
        tables.write_tables({"summary": frame}, main="summary")
    full = pl.DataFrame({c: [None] for c in TABLES["summary"].names}).with_columns(pl.lit("ALL").alias("region_code"))
    written = tables.write_tables({"summary": full.select(list(reversed(full.columns)))}, main="summary")
    assert [p.name for p in written] == ["summary.parquet", "summary.csv"]
    assert pl.read_parquet(written[0]).columns == TABLES["summary"].names
    assert not [p for p in written[0].parent.iterdir() if p.name.startswith(".")], "no temporary file left"


def test_unknown_table_name_is_a_programming_error():
    with pytest.raises(KeyError, match="unknown table"):
        tables.table_path("nonsense")


def test_a_kill_between_renames_leaves_the_make_target_old(tree):
    """Killed after the first rename: the other tables are new but the main one (make's target) is not,
    so make re-runs the step; nothing half-written is left behind."""
    out = tree / "data" / "processed"
    for name in ("assessments", "summary"):
        write_processed(tree, name, [])
    before = (out / "assessments.csv").read_bytes()
    script = textwrap.dedent("""
        import polars as pl
        from analysis import tables
        from analysis.schemas import TABLES
        frames = {n: pl.DataFrame({c: [None] for c in TABLES[n].names}).with_columns(
                  pl.lit("X").alias(TABLES[n].names[0])) for n in ("assessments", "summary")}
        tables.write_tables(frames, main="assessments")
    """)
    env = dict(os.environ, EDUGAP_ROOT=str(tree), EDUGAP_TEST_KILL_AFTER_RENAMES="1")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True)
    assert done.returncode == 137
    assert (out / "assessments.csv").read_bytes() == before, "the make target was not replaced"
    assert (out / "assessments.csv").stat().st_mtime_ns <= (out / "assessments.parquet").stat().st_mtime_ns
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert leftovers, "the kill left the unpublished temporaries (a rebuild replaces them)"
    env.pop("EDUGAP_TEST_KILL_AFTER_RENAMES")
    assert subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env).returncode == 0
    assert (out / "assessments.csv").read_bytes() != before
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")], "the rebuild cleared the leftovers"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux) to fill the disk")
def test_a_full_disk_while_writing_parquet_is_an_os_error():
    """polars reports a failed Parquet write as a ComputeError, which the command line shows as a traceback;
    an OSError is one line naming the file and the reason."""
    import errno
    from pathlib import Path

    from analysis import atomic

    with pytest.raises(OSError) as caught:
        atomic.parquet_writer(pl.DataFrame({"a": [1, 2, 3]}))(Path("/dev/full"))
    assert caught.value.errno == errno.ENOSPC


def test_a_failed_write_names_the_output_not_its_temporary_or_source(tmp_path):
    """A full disk while publishing a staged table said 'data/interim/staged/targets.csv: No space left'
    (the file copied from), a read-only folder named the hidden temporary."""
    import errno

    from analysis import atomic

    def full(tmp):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "staged" / "source.csv"))

    target = tmp_path / "processed" / "targets.csv"
    with pytest.raises(OSError) as caught:
        atomic.publish([(target, full)])
    assert (caught.value.errno, caught.value.filename) == (errno.ENOSPC, str(target))
    assert list((tmp_path / "processed").iterdir()) == [], "no temporary left behind"
