"""The built report in a real browser: headless Chromium opens it from disk, as a reviewer would.

Checks: no console errors, no request to anything but the file itself (data: URIs are embedded),
the summary table, the heat map and every region section present, the sortable tables initialised.
Saves a full-page screenshot to tests/artifacts/report.png. Runs on the real report (built here if
absent); skipped, with the reason, when chromium or chromedriver are not installed (.ci/run installs
the Debian packages chromium and chromium-driver).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from analysis import report
from tests.conftest import REPO

ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
                       reason="headless browser test needs the Debian packages chromium and chromium-driver "
                              "(apt-get install -y chromium chromium-driver)"),
]


def _stale(output: Path, inputs: Path) -> bool:
    """Older than any of its inputs (processed data, report source, rendering code)?"""
    sources = [*inputs.glob("*.csv"), *inputs.glob("*.json"), REPO / "reports" / "index.py",
               *(REPO / "reports" / "assets").iterdir(), *(REPO / "analysis" / "report").glob("*.py"),
               REPO / "analysis" / "figures.py"]
    return not output.exists() or any(s.stat().st_mtime > output.stat().st_mtime for s in sources if s.exists())


@pytest.fixture(scope="module")
def built_report(tmp_path_factory):
    """(page, processed dir). The real report in reports/_site when the pipeline has produced
    data/processed (rebuilt by analysis.report if absent or stale); otherwise a report of the SYNTHETIC
    fixture, built in a temporary tree so it never lands where the real report belongs."""
    real = REPO / "data" / "processed"
    with pytest.MonkeyPatch.context() as mp:
        if (real / "summary.csv").exists():
            mp.delenv("EDUGAP_ROOT", raising=False)
            mp.setenv(report.ENV_PROCESSED, str(real))
            output = REPO / "reports" / report.OUTPUT
            if _stale(output, real) or os.environ.get("EDUGAP_REBUILD_REPORT"):
                report.render()
            yield output, real
            return
        root = tmp_path_factory.mktemp("edugap")
        for name in ("data/raw", "reports/index.py", "reports/_quarto.yml", "reports/assets", "params.yaml",
                     "CITATION.cff"):
            source = REPO / name
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
        fixture = REPO / "tests" / "fixtures" / "processed"
        mp.setenv("EDUGAP_ROOT", str(root))
        mp.setenv(report.ENV_PROCESSED, str(fixture))
        output, _, _ = report.render()
        yield output, fixture


def _driver(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1300,900", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def _full_page_png(driver) -> bytes:
    """The whole page, not just the window (Chrome DevTools: capture beyond the viewport)."""
    import base64

    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
    return base64.b64decode(shot["data"])


def _requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_report_opens_offline_in_chromium(built_report, tmp_path):
    from selenium.webdriver.common.by import By

    page, processed = built_report
    page_url = page.resolve().as_uri()
    driver = _driver(tmp_path / "profile")
    try:
        driver.get("about:blank")
        driver.get_log("performance")  # drain: the new-tab page's own chrome:// loads are not the report's
        driver.get(page_url)
        driver.implicitly_wait(5)
        # itables renders its tables after its embedded module has loaded: wait for the first one.
        driver.find_element(By.CSS_SELECTOR, "div.dt-container")
        console = driver.get_log("browser")
        requests = _requests(driver)
        ids = set(driver.execute_script("return Array.from(document.querySelectorAll('[id]')).map(e => e.id)"))
        renderer = driver.find_element(By.ID, "renderer").text
        total_row = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#summary-table tr.total td")]
        header = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#summary-table thead th")]
        answer_text = driver.find_element(By.ID, "assessed-targets").text
        chart_text = driver.execute_script(
            "return Array.from(document.querySelectorAll('.edugap-figure svg text')).map(t => t.textContent).join(' ')")
        bad_links = driver.execute_script(
            "return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"
            ".filter(h => !/^(https?:|#|data:text\\/csv|\\.\\.\\/)/.test(h))")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        reader_views = {}
        for width in (1400, 400):  # a desktop and a phone
            driver.set_window_size(width, 900)
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            reader_views[width] = {"overflow": overflow}
            (ARTIFACTS / f"report-{width}px.png").write_bytes(_full_page_png(driver))
        (ARTIFACTS / "report.png").write_bytes((ARTIFACTS / "report-1400px.png").read_bytes())
    finally:
        driver.quit()

    errors = [e for e in console if e["level"] == "SEVERE"]
    assert not errors, f"console errors: {errors}"
    # data: URIs are embedded resources; blob: URLs are made in the page from embedded data (itables).
    foreign = [u for u in requests if u != page_url and not u.startswith(("data:", "blob:"))]
    assert not foreign, f"the page requested other resources: {foreign}"
    assert "summary-table" in ids and "heatmap" in ids and "build-info" in ids
    inputs = report.load_inputs(processed)
    missing = [report.region_anchor(c) for c in report.region_codes(inputs)
               if report.region_anchor(c) not in ids]
    assert not missing, f"region sections missing from the page: {missing}"
    assert renderer.startswith("Rendered by ")
    for widths in reader_views.values():
        assert widths["overflow"] <= 1, f"the page scrolls sideways: {widths}"
    assessed = inputs.assessments.filter(pl.col("status") != "insufficient_data")
    for row in assessed.iter_rows(named=True):
        assert row["target_id"] in answer_text, f"assessed target {row['target_id']} not named in the answer"
        if row["caveat"]:
            assert row["caveat"] in answer_text, f"the caveat of {row['target_id']} is not visible"
    assert "年份 year" in chart_text, "chart labels are text a reader can search and copy"
    assert not bad_links, f"links that do not point at a web address or an anchor: {bad_links[:5]}"
    # The answer as a reader sees it: each count of the total row under its own heading equals summary.csv.
    total = inputs.summary.filter(pl.col("region_code") == "ALL").row(0, named=True)
    shown = dict(zip(header, total_row, strict=True))
    for column, label in report.SUMMARY_COLUMNS:
        assert shown[label] == report.fmt(total[column]), (label, shown[label], total[column])
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000


def test_the_browser_checks_catch_a_page_that_loads_from_elsewhere(tmp_path):
    """The detectors themselves: a page loading a script from another host (a closed local port, so
    nothing leaves the machine) shows up as a foreign request and a console error."""
    page = tmp_path / "bad.html"
    page.write_text('<html><body><p id="x">x</p><script src="http://127.0.0.1:9/cdn.js"></script>'
                    '<script>undefinedFunction()</script></body></html>', encoding="utf-8")
    driver = _driver(tmp_path / "profile")
    try:
        driver.get("about:blank")
        driver.get_log("performance")
        driver.get(page.resolve().as_uri())
        console = driver.get_log("browser")
        requests = _requests(driver)
    finally:
        driver.quit()
    assert "http://127.0.0.1:9/cdn.js" in requests
    assert any(e["level"] == "SEVERE" and "undefinedFunction" in e["message"] for e in console)


PAYLOADS = {  # each would set window.__pwned if the page let it run
    "script": "<script>window.__pwned='script'</script>",
    "img": "<img src=x onerror=\"window.__pwned='img'\">",
    "details": "<details open ontoggle=\"window.__pwned='details'\">x</details>",
    "svg": "<svg onload=\"window.__pwned='svg'\"></svg>",
}


def _poison_csv(path: Path, column: str, value: str, where=lambda row: True) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    for row in rows:
        if where(row):
            row[column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_text_from_inputs_never_runs_as_script(tmp_path):
    """Payloads in every catalogue and statistics field that reaches the page (region and indicator names,
    source titles, publishers and URLs, quotes, notes, caveats) are shown as text: nothing runs."""
    from analysis.snapshot import record

    root = tmp_path / "edugap"
    for name in ("data/raw", "reports/index.py", "reports/_quarto.yml", "reports/assets", "params.yaml",
                 "CITATION.cff", "CHANGELOG.md"):
        source = REPO / name
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    processed = tmp_path / "processed"
    shutil.copytree(REPO / "tests" / "fixtures" / "processed", processed)
    # catalogues (raw, re-recorded as a researcher would) and processed text fields
    regions, indicators = root / "data/raw/reference/regions.csv", root / "data/raw/reference/indicators.csv"
    _poison_csv(regions, "name_en", PAYLOADS["script"], lambda r: r["region_code"] == "530600")
    _poison_csv(indicators, "name_zh", PAYLOADS["details"], lambda r: r["indicator_id"] == "preschool_gross_enrolment_rate")
    _poison_csv(processed / "sources.csv", "url", "javascript:window.__pwned='url'")
    _poison_csv(processed / "sources.csv", "publisher", PAYLOADS["img"])
    _poison_csv(processed / "sources.csv", "title", PAYLOADS["svg"])
    _poison_csv(processed / "targets.csv", "quote", PAYLOADS["img"])
    _poison_csv(processed / "assessments.csv", "caveat", PAYLOADS["script"])
    _poison_csv(processed / "observations.csv", "indicator_as_published", PAYLOADS["details"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EDUGAP_ROOT", str(root))
        mp.setenv(report.ENV_PROCESSED, str(processed))
        record(regions)
        record(indicators)
        page, _, _ = report.render(renderer="jupyter")
    driver = _driver(tmp_path / "profile")
    try:
        driver.get(page.resolve().as_uri())
        driver.implicitly_wait(3)
        import time

        time.sleep(1)  # let any onerror / ontoggle handler fire
        pwned = driver.execute_script("return window.__pwned || null")
        links = driver.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        text = driver.execute_script("return document.body.innerText")
    finally:
        driver.quit()
    assert pwned is None, f"a payload ran: {pwned}"
    assert not [h for h in links if h.lower().startswith("javascript:")]
    assert "<script>window.__pwned='script'</script>" in text, "the payload is shown as text"
