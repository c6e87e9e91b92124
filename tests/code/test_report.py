"""The report machinery: inputs, HTML blocks, the offline check, renderer selection and the fallback.

Layout and machinery are exercised on the SYNTHETIC fixture in tests/fixtures/processed (see its
README); the browser test runs on the real report.
"""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys
import time

import polars as pl
import pytest

from analysis import figures, report
from analysis.errors import InputError
from tests.conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "processed"


@pytest.fixture()
def inputs(monkeypatch):
    monkeypatch.setenv(report.ENV_PROCESSED, str(FIXTURE))
    return report.load_inputs()


@pytest.fixture()
def report_tree(tree, monkeypatch):
    """A temporary tree with the report source, its assets, CITATION.cff and a copy of the fixture."""
    for name in ("reports/index.py", "reports/_quarto.yml", "reports/assets", "CITATION.cff"):
        source, target = REPO / name, tree / name
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    shutil.copytree(FIXTURE, tree / "processed")
    monkeypatch.setenv(report.ENV_PROCESSED, str(tree / "processed"))
    return tree


# ------------------------------------------------------------------------------------ formatting

def test_missing_values_are_shown_as_missing():
    for value in (None, "", float("nan")):
        assert report.fmt(value) == report.MISSING
        assert report.pct(value) == report.MISSING
    assert report.fmt(2025.0) == "2025"
    assert report.fmt(92.5, 2) == "92.5"
    assert report.pct(0.5556) == "55.6%"


def test_summary_table_lists_every_region_with_the_total_last(inputs):
    page = report.summary_html(inputs)
    assert '<table id="summary-table"' in page
    rows = page.split("<tr")[2:]  # skip the header row
    assert len(rows) == inputs.summary.height
    assert "合计 All regions" in rows[-1] and 'class="total"' in rows[-1]
    assert "地区未注明" in page  # the target without a region is not dropped
    assert f'<td class="num">{report.MISSING}</td>' in page  # its attainment rate is missing, not 0
    assert '<td class="num">n = 1</td>' in page  # a rate on one assessable target is not published
    assert 'href="#region-530600"' in page


def test_region_sections_cover_every_region_including_an_unnamed_one(inputs):
    assert report.region_codes(inputs) == ["430300", "451000", "530600", None]
    assert report.region_anchor(None) == "region-unknown"
    assert 'id="region-530600"' in report.region_heading(inputs, "530600")


def test_headline_counts_are_the_summarys_total_row(inputs):
    """Each count in the headline sits beside its own label: swapping two would fail here."""
    import re

    total = inputs.summary.filter(pl.col("region_code") == "ALL").row(0, named=True)
    text = re.sub(r"<[^>]+>", "", report.headline(inputs))
    labels = {"targets": r"(\d+) quantitative targets", "assessable": r"(\d+) could be assessed",
              "achieved": r"Achieved: (\d+)", "not_achieved": r"(\d+) not achieved", "on_track": r"(\d+) on track",
              "off_track": r"(\d+) off track", "insufficient_data": r"(\d+) lack data"}
    for column, pattern in labels.items():
        found = re.search(pattern, text)
        assert found and int(found.group(1)) == total[column], (column, text)


def test_methodology_states_every_status_rule_with_this_runs_thresholds(inputs):
    import html as html_module

    from analysis.vocabulary import STATUSES

    page = html_module.unescape(report.methodology_html(inputs))
    for status in STATUSES:
        assert status.label in page and status.rule.format(**inputs.params) in page, status.code
    for key in ("on_track_ratio", "needs_acceleration_ratio", "ceiling_threshold"):
        assert str(inputs.params[key]) in page, key


def test_text_from_the_data_is_escaped(inputs):
    table = report.region_table(inputs, None) + report.region_table(inputs, "451000")
    assert "<script>alert(1)" not in table and "&lt;script&gt;alert(1)" in table
    assert "<b>not bold</b>" not in table


def test_region_charts_draw_level_targets_only(inputs):
    figures.setup()
    charts = report.region_charts(inputs, "530600")
    # T000-001 and T000-002 are level targets with two indicators; T000-003 is an increment: no chart.
    assert len(charts) == 2
    assert all("<svg" in c for c in charts)


def test_a_sub_region_target_is_not_drawn_against_the_whole_regions_series(inputs):
    """市区 ≥98% beside the city's series would make the comparison the assessment refuses."""
    import dataclasses

    figures.setup()
    changed = dataclasses.replace(inputs, assessments=inputs.assessments.with_columns(
        pl.when(pl.col("target_id") == "T000-001").then(pl.lit("sub_region")).otherwise(pl.col("unassessed_reason"))
        .alias("unassessed_reason")))
    assert len(report.region_charts(changed, "530600")) == 1


def test_a_chart_draws_the_context_of_its_regions_parents(inputs):
    """The context table holds each parent series once; the chart of 530600 (昭通) finds 云南 (530000) by
    walking parent_code, and cites its publisher as context (the national row has no value: not drawn)."""
    figures.setup()
    sources = {r["source_id"]: r["publisher"] for r in inputs.sources.iter_rows(named=True)}
    charts = [c for c in report.region_charts(inputs, "530600") if "背景 context:" in c]
    assert len(charts) == 1
    cited = charts[0].split("背景 context:")[1]
    assert report.esc(sources["S-SYN-1"]) in cited and report.esc(sources["S-SYN-3"]) not in cited


def test_a_missing_input_is_named(tmp_path, monkeypatch):
    for item in FIXTURE.iterdir():
        if item.name != "validation_summary.json":
            shutil.copy2(item, tmp_path / item.name)
    monkeypatch.setenv(report.ENV_PROCESSED, str(tmp_path))
    with pytest.raises(InputError, match="validation_summary.json: missing"):
        report.load_inputs()


# ------------------------------------------------------------------------------------ offline check

def test_external_resources_finds_every_kind_of_load_and_ignores_links():
    page = """<html><head>
      <script src="https://cdn.example.com/require.js"></script>
      <link rel="stylesheet" href="//fonts.example.com/css">
      <style>body { background: url('https://img.example.com/bg.png') } @import "https://x.example/a.css";</style>
      <script type="module">import { DataTable } from "https://esm.example.com/dt.js";</script>
    </head><body>
      <img src="data:image/png;base64,AAAA"><img srcset="https://a.example/1.png 1x, data:image/png;base64,B 2x">
      <a href="https://www.gov.cn/source.html">a cited source</a>
      <svg><image href="https://a.example/pic.svg"/></svg>
      <div style="background-image:url(https://a.example/s.png)"></div>
      <iframe src="local.html"></iframe>
    </body></html>"""
    found = {url for _, _, url in report.external_resources(page)}
    assert found == {"https://cdn.example.com/require.js", "//fonts.example.com/css",
                     "https://img.example.com/bg.png", "https://x.example/a.css", "https://esm.example.com/dt.js",
                     "https://a.example/1.png", "https://a.example/pic.svg", "https://a.example/s.png",
                     "local.html"}


def test_check_command_fails_on_a_page_that_loads_from_a_cdn(tmp_path):
    bad, good = tmp_path / "bad.html", tmp_path / "good.html"
    bad.write_text('<script src="https://cdn.example.com/x.js"></script>', encoding="utf-8")
    good.write_text('<a href="https://example.org">link</a>', encoding="utf-8")
    assert report.main(["--check", str(bad)]) == 1
    assert report.main(["--check", str(good)]) == 0


# ------------------------------------------------------------------------------------ provenance

def test_git_commit_outside_a_checkout_is_unknown(tmp_path):
    assert report.git_commit(tmp_path).startswith("unknown")


def _git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_commit_is_the_checkouts_head_and_says_when_the_tree_differs(tmp_path):
    """Each commit gets its own hash, as `git rev-parse` gives it; a changed file is said."""
    _git("init", "-q", cwd=tmp_path)
    (tmp_path / "a.txt").write_text("one\n")
    for message in ("first", "second"):
        (tmp_path / "a.txt").write_text(message)
        _git("add", "a.txt", cwd=tmp_path)
        _git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", message, cwd=tmp_path)
        assert report.git_commit(tmp_path) == _git("rev-parse", "--short", "HEAD", cwd=tmp_path)
    (tmp_path / "a.txt").write_text("edited")
    assert report.git_commit(tmp_path) == _git("rev-parse", "--short", "HEAD", cwd=tmp_path) + \
        " with uncommitted changes"


def test_footer_names_only_what_the_build_told_it(monkeypatch):
    monkeypatch.delenv(report.ENV_RENDERER, raising=False)
    assert "renderer not recorded" in report.footer_html()
    monkeypatch.setenv(report.ENV_RENDERER, "Quarto 1.6.40")
    footer = report.footer_html()
    assert "Rendered by Quarto 1.6.40" in footer and 'id="snapshot-hash"' in footer


# ------------------------------------------------------------------------------------ rendering

def test_fallback_renders_a_self_contained_page_that_names_its_renderer(report_tree, monkeypatch, capsys):
    monkeypatch.setattr(report, "quarto_version", lambda: None)
    start = time.perf_counter()
    assert report.main([]) == 0
    seconds = time.perf_counter() - start
    out = capsys.readouterr().out
    assert "Rendered by the Jupyter fallback (nbclient" in out and "Quarto was not available" in out
    page = (report_tree / "reports" / "_site" / "index.html").read_text(encoding="utf-8")
    assert report.external_resources(page) == []
    assert "Rendered by the Jupyter fallback" in page and "Rendered by Quarto" not in page
    assert 'id="summary-table"' in page and 'id="region-unknown"' in page
    assert "unknown (not a git checkout" in page  # the temporary tree is no git checkout
    assert "require.js" not in page and "mathjax" not in page.lower()
    assert (report_tree / "reports" / "_build" / "index.ipynb").exists()
    assert seconds < 60, f"rendering took {seconds:.1f} s"
    # Same inputs, same bytes.
    assert report.main([]) == 0
    assert (report_tree / "reports" / "_site" / "index.html").read_text(encoding="utf-8") == page


def test_a_broken_input_fails_the_build_with_one_line(report_tree, monkeypatch, capsys):
    monkeypatch.setattr(report, "quarto_version", lambda: None)
    (report_tree / "processed" / "summary.csv").unlink()
    assert report.main([]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: ") and "summary.csv: missing" in err[-1]
    assert not (report_tree / "reports" / "_site" / "index.html").exists()


def test_no_cjk_font_fails_the_build_before_rendering(report_tree, monkeypatch, capsys):
    monkeypatch.setattr(report, "quarto_version", lambda: None)
    monkeypatch.setattr(figures, "CJK_FONTS", ["No Such Font Family"])
    figures.cjk_font.cache_clear()
    try:
        assert report.main([]) == 1
    finally:
        figures.cjk_font.cache_clear()
    assert "fonts-noto-cjk" in capsys.readouterr().err
    assert not (report_tree / "reports" / "_site" / "index.html").exists()


def test_quarto_requested_but_absent_is_an_error_not_a_silent_fallback(report_tree, monkeypatch):
    monkeypatch.setattr(report, "quarto_version", lambda: None)
    with pytest.raises(report.ReportError, match="no working `quarto`"):
        report.render("quarto")


def test_a_quarto_on_path_is_used_and_its_failure_is_not_hidden(report_tree, tmp_path, monkeypatch):
    """A stand-in `quarto` that reports a version and fails to render: the build must fail, not fall back."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text("#!/bin/sh\nif [ \"$1\" = --version ]; then echo 9.9.9; exit 0; fi\n"
                    "echo 'stand-in quarto: cannot render' >&2; exit 3\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}:{__import__('os').environ['PATH']}")
    assert report.quarto_version() == "9.9.9"
    with pytest.raises(report.ReportError, match="quarto render failed \\(exit 3\\)"):
        report.render()
    assert not (report_tree / "reports" / "_site" / "index.html").exists()


@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto not on PATH")
def test_quarto_path_renders_and_says_so(report_tree):
    output, label, _ = report.render("quarto")
    page = output.read_text(encoding="utf-8")
    assert label.startswith("Quarto ") and f"Rendered by {label}" in page
    assert "Jupyter fallback" not in page
    assert report.external_resources(page) == []


def test_command_line_module_runs():
    done = subprocess.run([sys.executable, "-m", "analysis.report", "--check", str(FIXTURE / "README.md")],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0 and "self-contained" in done.stdout


def test_heatmap_leaves_out_single_region_indicators_with_nothing_assessable(inputs):
    shown, left_out = report.heatmap_indicators(inputs)
    assert shown == ["preschool_gross_enrolment_rate", "compulsory_consolidation_rate",
                     "upper_secondary_gross_enrolment_rate"]
    assert "public_kindergarten_enrolment_share" in left_out and "education_network_access_rate" in left_out
    figures.setup()
    page = report.heatmap_svg(inputs)
    assert page.count("<svg") == 1 and f"{len(left_out)} further indicators" in page


@pytest.mark.parametrize("code", ["benchmark_not_a_region", "sub_region"])
def test_an_unassessed_reason_is_named_in_the_headline_and_the_summary(inputs, code):
    """A benchmark such as 当地公务员工资, or a target for 市区 only, is not 'no figure found': it says why."""
    import dataclasses
    import html
    import re

    from analysis.vocabulary import UNASSESSED_REASONS

    zh, en = {c: (z, e) for c, z, e in UNASSESSED_REASONS}[code]
    first = inputs.assessments.filter(pl.col("unassessed_reason").is_not_null())["target_id"][0]
    changed = dataclasses.replace(inputs, assessments=inputs.assessments.with_columns(
        pl.when(pl.col("target_id") == first).then(pl.lit(code)).otherwise(pl.col("unassessed_reason"))
        .alias("unassessed_reason")))
    text = html.unescape(re.sub(r"<[^>]+>", "", report.headline(changed)))
    assert f"{zh} 1 项" in text and f"{en}: 1" in text
    assert html.escape(zh) in report.summary_html(changed)


def test_the_notebook_links_do_not_depend_on_which_notebooks_have_run(tree):
    """The report renders while make runs the notebooks: a glob of reports/_build listed whichever had
    finished, so two clean builds gave two different reports. The list is derived from the sources."""
    import re

    from analysis.documents import load_documents

    shutil.copytree(REPO / "notebooks", tree / "notebooks")
    before = report.working_files_html()
    (tree / "reports/_build/notebooks").mkdir(parents=True)
    (tree / "reports/_build/notebooks/01_validate_statistics.ipynb").write_text("{}", encoding="utf-8")
    assert report.working_files_html() == before
    names = re.findall(r'href="../_build/notebooks/([^"]+)\.ipynb"', before)
    regions = sorted({d.region_code for d in load_documents() if d.region_code})
    steps = sorted(p.stem for p in (REPO / "notebooks").glob("[0-9]*.py") if p.stem != "04_region_profile")
    assert names == sorted(steps + [f"04_region_profile-{r}" for r in regions])
