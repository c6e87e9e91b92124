"""Frozen raw inputs: the shipped snapshot verifies, and tampering or a missing file stops everything."""

from __future__ import annotations

import shutil

import pytest

from analysis import snapshot
from analysis.errors import ChecksumError, InputError
from tests.conftest import REPO, SHARED


def test_shipped_snapshot_verifies():
    entries = snapshot.verify_all(REPO / "data" / "raw")
    paths = {p for p, _ in entries}
    assert {f"data/raw/policies/{name}" for name in
            ("000_1e6a61ee0f0d3587.txt", "001_8e9b89bb847363ad.txt", "002_00d98f4437100b45.txt",
             "003_6b52586ec0517abe.txt", "004_edbff8e46c3d18ad.txt")} <= paths
    assert all(len(digest) == 64 for _, digest in entries)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not beside the checkout")
def test_policies_are_byte_for_byte_copies_of_the_seeds():
    """This test reads ../shared on purpose: it proves the frozen copies equal the seeds."""
    for seed in sorted((SHARED / "seeds").glob("0*.txt")):
        assert (REPO / "data/raw/policies" / seed.name).read_bytes() == seed.read_bytes()


def test_tampered_file_stops_with_expected_and_actual_hash(tree):
    target = tree / "data/raw/policies/003_6b52586ec0517abe.txt"
    expected = snapshot.load_meta(target)["sha256"]
    target.write_bytes(target.read_bytes().replace("百色".encode(), "北京".encode(), 1))
    with pytest.raises(ChecksumError) as error:
        snapshot.verify_all()
    message = str(error.value)
    assert "data/raw/policies/003_6b52586ec0517abe.txt" in message
    assert f"expected sha256 {expected}" in message
    assert f"actual {snapshot.sha256_bytes(target.read_bytes())}" in message


def test_missing_file_stops_naming_it(tree):
    (tree / "data/raw/policies/001_8e9b89bb847363ad.txt").unlink()
    with pytest.raises(ChecksumError, match=r"001_8e9b89bb847363ad.txt: missing: the snapshot records it"):
        snapshot.verify_all()


def test_file_without_metadata_is_rejected(tree):
    (tree / "data/raw/statistics").mkdir(exist_ok=True)
    (tree / "data/raw/statistics/new.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(ChecksumError, match=r"new.csv: no metadata file new.csv.meta.yaml"):
        snapshot.verify_all()


def test_a_file_renamed_with_its_metadata_is_not_the_file_recorded(tree):
    """Renaming regions.csv and its .meta.yaml passed the snapshot check; the report then failed with
    "no metadata file regions.csv.meta.yaml", after the data package had been rewritten."""
    reference = tree / "data/raw/reference"
    for suffix in ("", ".meta.yaml"):
        (reference / f"regions.csv{suffix}").rename(reference / f"regions_old.csv{suffix}")
    with pytest.raises(InputError, match=r"regions_old.csv.meta.yaml: field 'file' says 'regions.csv' but the "
                                         r"metadata is beside regions_old.csv"):
        snapshot.verify_all()
    with pytest.raises(ChecksumError, match=r"reference/regions.csv: missing: the pipeline reads this raw file, "
                                            r"and neither it nor its metadata is there"):
        snapshot.read_raw(reference / "regions.csv")


@pytest.mark.parametrize("change, message", [
    (lambda t: t + "sha256: " + "0" * 64 + "\n",  # the last one used to win, unseen
     r"sources.csv.meta.yaml: not valid YAML: key 'sha256' appears twice"),
    (lambda t: t.encode("gbk"), r"sources.csv.meta.yaml, row \d+: not UTF-8"),  # a traceback before
])
def test_metadata_with_a_repeated_key_or_in_gbk_is_one_error(tree, change, message):
    meta = tree / "data/raw/statistics/sources.csv.meta.yaml"
    text = meta.read_text(encoding="utf-8") + "note: 见原文\n"
    changed = change(text)
    (meta.write_bytes if isinstance(changed, bytes) else lambda t: meta.write_text(t, encoding="utf-8"))(changed)
    with pytest.raises(InputError, match=message):
        snapshot.verify_all()


def test_read_raw_refuses_a_tampered_file(tree):
    target = tree / "data/raw/reference/regions.csv"
    target.write_text(target.read_text(encoding="utf-8") + "999999,假,Fake,county,530600\n", encoding="utf-8")
    with pytest.raises(ChecksumError, match="checksum mismatch"):
        snapshot.read_raw(target)


def test_record_updates_checksum_and_keeps_origin_fields(tree):
    target = tree / "data/raw/reference/regions.csv"
    title = snapshot.load_meta(target)["title"]
    target.write_text(target.read_text(encoding="utf-8") + "999999,假,Fake,county,530600\n", encoding="utf-8")
    snapshot.record(target)
    meta = snapshot.load_meta(target)
    assert meta["sha256"] == snapshot.sha256_bytes(target.read_bytes())
    assert meta["title"] == title
    assert snapshot.read_raw(target) == target.read_bytes()


def test_snapshot_hash_changes_with_any_file_and_not_with_order():
    entries = [("a", "1" * 64), ("b", "2" * 64)]
    assert snapshot.snapshot_hash(entries) == snapshot.snapshot_hash(list(reversed(entries)))
    assert snapshot.snapshot_hash(entries) != snapshot.snapshot_hash([("a", "1" * 64), ("b", "3" * 64)])


def test_make_verify_fails_on_tampered_copy(tree):
    """The command line stops with exit 1 and names the file."""
    import subprocess
    import sys

    target = tree / "data/raw/policies/000_1e6a61ee0f0d3587.txt"
    target.write_bytes(target.read_bytes() + b"\n")
    result = subprocess.run([sys.executable, "-m", "analysis.snapshot", "verify"], capture_output=True, text=True,
                            cwd=REPO, env={**__import__("os").environ, "EDUGAP_ROOT": str(tree)})
    assert result.returncode == 1
    assert "000_1e6a61ee0f0d3587.txt: checksum mismatch" in result.stderr
    shutil.rmtree(tree / "data/interim", ignore_errors=True)
