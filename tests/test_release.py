"""analysis.release on a constructed git tree: byte-identical archives, and the refusals (dirty tree,
unreleased raw data, a version that already has an archive)."""

from __future__ import annotations

import hashlib
import subprocess
import tarfile
from datetime import UTC, datetime

import pytest

from analysis import release
from analysis.errors import InputError
from analysis.snapshot import record, snapshot_hash, verify_all

VERSION, RELEASED = "2026.11.0", "2026-11-25"


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture()
def repo(tmp_path, monkeypatch):
    """A committed project tree with built outputs (ignored by git) and a changelog naming its raw data."""
    root = tmp_path / "edugap"
    monkeypatch.setenv("EDUGAP_ROOT", str(root))
    raw = root / "data/raw/statistics/figures.csv"
    raw.parent.mkdir(parents=True)
    raw.write_text("a,b\n1,2\n", encoding="utf-8")
    meta = record(raw)
    meta.write_text(meta.read_text(encoding="utf-8").replace("title: null  # fill in", "title: Test figures"),
                    encoding="utf-8")  # the origin a researcher fills in (analysis.metadata requires a title)
    (root / "CHANGELOG.md").write_text(f"# Data changelog\n\n## Unreleased\n\n## {VERSION} ({RELEASED})\n\n"
                                       f"Raw snapshot: `{snapshot_hash(verify_all())}`\n\n- first version\n",
                                       encoding="utf-8")
    (root / "CITATION.cff").write_text(f'cff-version: 1.2.0\nversion: {VERSION}\ndate-released: "{RELEASED}"\n',
                                       encoding="utf-8")
    (root / ".gitignore").write_text("data/processed/\nreports/\ndist/\n", encoding="utf-8")
    outputs = {"data/processed/observations.csv": "x\n1\n", "data/processed/datapackage.json": "{}\n",
               "reports/_site/index.html": "<html>report</html>\n", "reports/validation.html": "<html>v</html>\n"}
    for name, text in outputs.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "snapshot")
    return root


def test_two_releases_of_one_commit_are_byte_identical(repo, tmp_path):
    release.check_clean()
    first = release.write_archive(tmp_path / "dist-1")
    (repo / "data/processed/observations.csv").touch()  # a rebuild changes mtimes, never the archive
    second = release.write_archive(tmp_path / "dist-2")
    assert first.name == f"edugap-{VERSION}.tar.gz"
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes()[4:8] == b"\0\0\0\0"  # gzip header without a time
    with tarfile.open(first) as tar:
        infos = tar.getmembers()
        names = [i.name for i in infos]
        data = {i.name: tar.extractfile(i).read() for i in infos}
    prefix = f"edugap-{VERSION}/"
    assert names == sorted(names)
    assert [n.removeprefix(prefix) for n in names] == [
        "CHANGELOG-entry.md", "CITATION.cff", "SHA256SUMS", "data/processed/datapackage.json",
        "data/processed/observations.csv", "reports/_site/index.html", "reports/validation.html"]
    epoch = int(datetime(2026, 11, 25, tzinfo=UTC).timestamp())
    assert {(i.mtime, i.uid, i.gid, i.uname, i.gname, i.mode) for i in infos} == {(epoch, 0, 0, "", "", 0o644)}
    assert data[prefix + "CHANGELOG-entry.md"].decode().startswith(f"## {VERSION} ({RELEASED})\n")
    sums = data[prefix + "SHA256SUMS"].decode().splitlines()
    assert sums == [f"{hashlib.sha256(data[prefix + n]).hexdigest()}  {n}"
                    for n in sorted(n.removeprefix(prefix) for n in names) if n != "SHA256SUMS"]


def test_a_changed_output_changes_the_archive(repo, tmp_path):
    first = release.write_archive(tmp_path / "dist-1").read_bytes()
    (repo / "reports/validation.html").write_text("<html>other</html>\n", encoding="utf-8")
    assert release.write_archive(tmp_path / "dist-2").read_bytes() != first


@pytest.mark.parametrize("change", ["modified", "untracked"])
def test_a_dirty_tree_is_refused_before_anything_is_built(repo, monkeypatch, capsys, change):
    if change == "modified":
        (repo / "CITATION.cff").write_text((repo / "CITATION.cff").read_text() + "# edited\n", encoding="utf-8")
    else:
        (repo / "notes.txt").write_text("scratch\n", encoding="utf-8")
    monkeypatch.setattr(release, "build", lambda *a: pytest.fail("built despite a dirty tree"))
    assert release.main([]) == 1
    err = capsys.readouterr().err
    assert "the working tree has uncommitted changes" in err
    assert ("CITATION.cff" if change == "modified" else "notes.txt") in err
    assert not (repo / "dist").exists()


def test_a_version_that_already_has_an_archive_is_refused(repo, monkeypatch, capsys):
    monkeypatch.setattr(release, "build", lambda *a: None)
    assert release.main([]) == 0
    archive = release.archive_path(VERSION)
    before = archive.read_bytes()
    assert release.main([]) == 1
    assert f"dist/edugap-{VERSION}.tar.gz: version {VERSION} already has an archive" in capsys.readouterr().err
    assert archive.read_bytes() == before


def test_raw_data_newer_than_the_newest_version_are_refused(repo):
    raw = repo / "data/raw/statistics/figures.csv"
    raw.write_text("a,b\n1,3\n", encoding="utf-8")
    record(raw)
    changelog = repo / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("## Unreleased\n", "## Unreleased\n\n- corrected b\n"))
    with pytest.raises(InputError, match="the raw data differ from the newest version: name a version first"):
        release.release_version()


def test_the_archive_opens_with_a_plain_tar(repo, tmp_path):
    archive = release.write_archive(tmp_path / "dist")
    out = tmp_path / "out"
    out.mkdir()
    subprocess.run(["tar", "-xzf", str(archive), "-C", str(out)], check=True)
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out / f"edugap-{VERSION}", capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stdout + check.stderr
