"""Snapshot versions: CHANGELOG.md is parsed strictly, and the build refuses raw data no entry describes."""

from __future__ import annotations

import pytest

from analysis import datapackage, versions
from analysis.errors import InputError
from analysis.snapshot import record
from tests.conftest import write_processed

HASH_A, HASH_B = "a" * 64, "b" * 64
PREAMBLE = "# Data changelog\n\nHow to record a change: write one line under Unreleased.\n\n"


def changelog(*sections: str) -> str:
    return PREAMBLE + "\n".join(sections)


def version(name: str, on: str, raw: str = HASH_A, body: str = "- figures added") -> str:
    return f"## {name} ({on})\n\nRaw snapshot: `{raw}`\n\n{body}\n"


def write(tree, text: str, cff_version: str = "2026.11.0", cff_date: str = "2026-11-25") -> None:
    (tree / "CHANGELOG.md").write_text(text, encoding="utf-8")
    (tree / "CITATION.cff").write_text(f"cff-version: 1.2.0\ntitle: t\nversion: {cff_version}\n"
                                       f'date-released: "{cff_date}"\n', encoding="utf-8")


def test_the_newest_version_is_what_a_reader_cites(tree):
    write(tree, changelog("## Unreleased\n", version("2026.11.0", "2026-11-25", HASH_B),
                          version("2026.10.1", "2026-10-30")))
    assert versions.snapshot_version() == ("2026.11.0", "2026-11-25", HASH_B)
    assert versions.entry_text("2026.10.1").startswith("## 2026.10.1 (2026-10-30)\n")
    assert versions.check(HASH_B) == "2026.11.0"


def test_raw_data_no_entry_describes_stop_the_build_with_one_line_saying_what_to_do(tree):
    write(tree, changelog("## Unreleased\n\n", version("2026.11.0", "2026-11-25", HASH_A)))
    with pytest.raises(InputError) as caught:
        versions.check(HASH_B)
    message = str(caught.value)
    assert "\n" not in message
    assert message == ("CHANGELOG.md: the raw data (snapshot bbbbbbbbbbbb) differ from version 2026.11.0 "
                       "(aaaaaaaaaaaa): write one line under '## Unreleased' in CHANGELOG.md saying what changed")


def test_a_described_change_builds_as_unreleased(tree):
    write(tree, changelog("## Unreleased\n\n- corrected the 2024 figure of src-x\n",
                          version("2026.11.0", "2026-11-25", HASH_A)))
    assert versions.check(HASH_B) == "2026.11.0+unreleased"


@pytest.mark.parametrize("text, row, fragment", [
    (changelog(version("2026.11.0", "2026-11-25", body="- no hash line").replace(f"Raw snapshot: `{HASH_A}`", "")),
     5, "needs exactly one line 'Raw snapshot: <sha256>'"),
    (changelog("## 2026-11 release\n"), 5, "is neither '## Unreleased' nor '## YYYY.MM.N (YYYY-MM-DD)'"),
    (changelog(version("2026.10.0", "2026-10-01"), version("2026.11.0", "2026-11-25")), 11, "newest first"),
    (changelog(version("2026.11.0", "2026-11-25"), "## Unreleased\n"), 11, "must be the first section"),
    (changelog(version("2026.11.0", "2026-11-31")), 5, "is not a date"),
])
def test_a_malformed_changelog_is_an_error_naming_the_line(tree, text, row, fragment):
    write(tree, text)
    with pytest.raises(InputError) as caught:
        versions.read_changelog()
    assert (caught.value.file, caught.value.row) == ("CHANGELOG.md", row)
    assert fragment in caught.value.detail


def test_citation_must_name_the_newest_version(tree):
    write(tree, changelog(version("2026.11.0", "2026-11-25")), cff_version="0.1.0")
    with pytest.raises(InputError, match=r"CITATION.cff, column 'version': version '0.1.0'"):
        versions.check(HASH_A)


def test_stamp_turns_unreleased_into_a_version_with_the_raw_hash(tree):
    write(tree, changelog("## Unreleased\n\n- added 3 figures\n", version("2026.11.0", "2026-11-25")))
    text, citation = versions.stamp("2026.12.0", "2026-12-02", HASH_B)
    write(tree, text, "2026.12.0", "2026-12-02")
    assert (tree / "CHANGELOG.md").read_text(encoding="utf-8") == text
    assert "version: 2026.12.0\n" in citation and 'date-released: "2026-12-02"' in citation
    entries = versions.read_changelog()
    assert [(e.version, e.raw_hash, e.has_changes) for e in entries] == \
        [(None, None, False), ("2026.12.0", HASH_B, True), ("2026.11.0", HASH_A, True)]
    assert "- added 3 figures" in versions.entry_text("2026.12.0")
    assert versions.check(HASH_B) == "2026.12.0"
    with pytest.raises(InputError, match="nothing under '## Unreleased'"):
        versions.stamp("2026.12.1", "2026-12-03", HASH_B)


def test_stamp_refuses_a_version_that_does_not_come_after_the_newest(tree):
    write(tree, changelog("## Unreleased\n\n- x\n", version("2026.11.0", "2026-11-25")))
    with pytest.raises(InputError, match="must come after 2026.11.0"):
        versions.stamp("2026.11.0", "2026-11-26", HASH_B)


def test_the_datapackage_step_refuses_an_undescribed_raw_change(tree, capsys):
    """The real check in the build: change a raw file deliberately (recorded), forget the changelog."""
    write(tree, changelog("## Unreleased\n", version("2026.11.0", "2026-11-25", versions.current_raw_hash())))
    write_processed(tree, "sources", [{"source_id": "x"}])
    assert datapackage.main([]) == 0
    path = tree / "data/raw/reference/errata.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    record(path)
    assert datapackage.main([]) == 1
    assert "write one line under '## Unreleased' in CHANGELOG.md" in capsys.readouterr().err


def test_snapshot_info_gives_the_report_its_version_block(tree):
    write(tree, changelog("## Unreleased\n\n- added a figure\n", version("2026.11.0", "2026-11-25", HASH_A)))
    info = versions.snapshot_info(HASH_B)
    assert (info["label"], info["version"], info["date"], info["raw_hash"]) == \
        ("2026.11.0+unreleased", "2026.11.0", "2026-11-25", HASH_A)
    assert info["entry"].startswith("## 2026.11.0 (2026-11-25)") and "- added a figure" in info["unreleased"]
    assert versions.snapshot_info(HASH_A)["label"] == "2026.11.0"
