"""The hardening campaign of issue 17: deliberate attacks and faults, each on its own copy of the project.

Not part of ``make test`` (it takes about half an hour of CPU). Run it from the project root::

    .venv/bin/python scripts/attacks.py                  # every attack; prints the Markdown tables
    .venv/bin/python scripts/attacks.py --only xss       # attacks whose family or id contains "xss"
    .venv/bin/python scripts/attacks.py --base /tmp/b    # reuse a built copy (made by an earlier run)
    .venv/bin/python scripts/attacks.py --tables a.json b.json   # the tables of shards run with --json

How it works:

* A **base** copy of this tree (without ``.git``, ``.venv`` or anything generated; ``.venv`` symlinked) is
  built once with ``make``. Each attack copies the built base (``cp -a``, so times are kept and ``make``
  sees only what the attack changes), breaks one thing as a careless user or an adversary would
  (re-recording checksums where a researcher would), and runs the one step or ``make`` target concerned.
* Each outcome is classified automatically:

  - **rejected precisely**: exit code not 0, exactly one ``error:`` line that names a file (and a row,
    column or field where the defect has one), no traceback, ``data/processed`` and ``reports/`` unchanged
    and no temporary file left behind;
  - **rejected imprecisely**: refused, but not in one such line, or with outputs changed;
  - **crashed**: a Python traceback;
  - **accepted silently**: a bad input went through (a formula reached a processed CSV, a script ran in
    the page, a command ran, a file was written outside ``data/raw``). Formula attacks build the data, not
    the report, so the report's CSV downloads are not searched: a formula that reaches only them shows as
    held (catalogue names did; their guard is tested in ``tests/code/test_framework.py``);
  - **stale**: after a fault, the next ``make`` says done while the outputs differ from a clean build;
  - **held**: an attack whose right answer is not a refusal was handled (the payload shown as text, a
    killed step repaired by the next ``make``, byte-identical rebuilds, a lock that serialised two makes).

* XSS attacks open the built report and validation page in headless Chromium (Debian ``chromium`` and
  ``chromium-driver``) and record which payloads ran.

Run as root it can also mount a tiny tmpfs (a full disk) and run a step as ``nobody`` (a read-only folder);
otherwise those two attacks are reported as skipped.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = ".venv/bin/python"
DATA = "data/processed/datapackage.json"
REPORT = "reports/_site/index.html"
GENERATED = ("data/interim", "data/processed", "reports/_site", "reports/_build", "reports/validation.html",
             "reports/benchmarks", "tests/artifacts", "dist")
OUTCOMES = ["rejected precisely", "held", "rejected imprecisely", "crashed", "accepted silently", "stale",
            "skipped"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
MARKS = Path(tempfile.gettempdir()) / "edugap-attack-marks"  # a command that ran leaves a file here

OBS = "data/raw/statistics/observations.csv"
SOURCES = "data/raw/statistics/sources.csv"
RESOLUTIONS = "data/raw/statistics/resolutions.csv"
SEARCHES = "data/raw/statistics/searches.csv"
REGISTER = "data/raw/register/targets.csv"
DISMISSALS = "data/raw/register/dismissals.csv"
ERRATA = "data/raw/reference/errata.csv"
REGIONS = "data/raw/reference/regions.csv"
INDICATORS = "data/raw/reference/indicators.csv"
THEMES = "data/raw/reference/themes.csv"
CROSSWALK = "data/raw/reference/indicator_crosswalk.csv"
PLAN = "data/raw/policies/000_1e6a61ee0f0d3587.txt"
PLAN_META = PLAN + ".meta.yaml"
# free-text columns of each hand-kept CSV (what a curator types freely)
FREE_TEXT = {
    OBS: ["region_name", "indicator_as_published", "note"],
    SOURCES: ["title", "publisher", "url", "where_the_figures_stand"],
    RESOLUTIONS: ["reason", "reviewed_by"],
    SEARCHES: ["region_name", "what_was_sought", "where_searched", "note"],
    REGISTER: ["note", "year_quote", "quote"],
    DISMISSALS: ["reason", "quote"],
    ERRATA: ["reason", "replacement"],
    REGIONS: ["name_zh", "name_en"],
    INDICATORS: ["name_zh", "name_en", "aliases_zh", "definition", "definition_source", "notes"],
    THEMES: ["name_zh", "name_en", "description"],
    CROSSWALK: ["note"],
}
# a numeric or coded cell of each file, for full-width digits
DIGITS = {OBS: ["value", "year"], SOURCES: ["published"], RESOLUTIONS: ["year"], SEARCHES: ["years", "searched_on"],
          REGISTER: ["value", "target_year"], ERRATA: ["offset"], REGIONS: ["region_code"], INDICATORS: ["max"]}
# a reference to another table, broken (unknown id)
UNKNOWN_REF = {SEARCHES: ("region_code", "999999"), RESOLUTIONS: ("source_that_stands", "no-such-source"),
               DISMISSALS: ("document_id", "999-nowhere"), ERRATA: ("document_id", "999-nowhere"),
               REGIONS: ("parent_code", "999999"), INDICATORS: ("theme_id", "no_such_theme"),
               CROSSWALK: ("new_id", "no_such_indicator"), REGISTER: ("indicator_id", "no_such_indicator")}


# ---- copies of the project --------------------------------------------------------------------------

def _ignore_generated(root: Path):
    def ignore(directory: str, names: list[str]) -> set[str]:
        rel = Path(directory).relative_to(root).as_posix()
        skip = {n for n in names if n in (".git", ".venv", "__pycache__", ".pytest_cache")}
        for name in names:
            path = name if rel == "." else f"{rel}/{name}"
            if path in GENERATED:
                skip.add(name)
        return skip
    return ignore


def build_base(work: Path) -> Path:
    """A copy of this tree with nothing generated, built once by ``make`` (its log kept beside it)."""
    base = work / "base"
    shutil.copytree(REPO, base, symlinks=True, ignore=_ignore_generated(REPO))
    for name in ("data/interim", "data/processed"):
        (base / name).mkdir(parents=True, exist_ok=True)
    (base / ".venv").symlink_to((REPO / ".venv").resolve())
    started = time.monotonic()
    result = run(base, ["make"], timeout=1800)
    (work / "base-build.log").write_text(result.out + result.err, encoding="utf-8")
    if result.rc != 0:
        sys.exit(f"the base build failed (see {work / 'base-build.log'})")
    print(f"base built in {time.monotonic() - started:.0f} s: {base}", file=sys.stderr)
    return base


def copy_of(base: Path, work: Path, name: str) -> Path:
    root = work / name
    if root.exists():
        shutil.rmtree(root)
    subprocess.run(["cp", "-a", str(base), str(root)], check=True)
    return root


@dataclass
class Result:
    rc: int
    out: str
    err: str


def environment(root: Path, extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("EDUGAP_ROOT", "EDUGAP_MAKE_LOCK", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    env["EDUGAP_ROOT"] = str(root)
    env.update(extra or {})
    return env


def run(root: Path, command: list[str], extra_env: dict | None = None, timeout: int = 900,
        user: str | None = None) -> Result:
    if user:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", "--"] + command
    try:
        done = subprocess.run(command, cwd=root, env=environment(root, extra_env), capture_output=True,
                              text=True, timeout=timeout, start_new_session=True)
    except subprocess.TimeoutExpired as exc:
        return Result(124, str(exc.stdout or ""), str(exc.stderr or "") + "\n(timed out)")
    return Result(done.returncode, done.stdout, done.stderr)


def make(root: Path, *targets: str, extra_env: dict | None = None, timeout: int = 900) -> Result:
    return run(root, ["make", "JOBS=1", "--no-print-directory", *targets], extra_env, timeout)


def step(root: Path, name: str, *args: str, extra_env: dict | None = None, user: str | None = None) -> Result:
    return run(root, [PY, "-m", "analysis.cli", name, *args], extra_env, user=user)


def record(root: Path, *paths: str) -> None:
    result = step(root, "record", *paths)
    if result.rc != 0:
        raise RuntimeError(f"record {paths} failed: {result.err}")


def outputs(root: Path) -> dict[str, str]:
    """sha256 of every file in data/processed and reports/ (what a reader or a later step sees)."""
    found = {}
    for top in ("data/processed", "reports"):
        for path in sorted((root / top).rglob("*")):
            if path.is_file() and "benchmarks" not in path.parts:
                found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def leftovers(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for top in ("data", "reports") for p in (root / top).rglob(".*.tmp")]


# ---- editing hand-kept files --------------------------------------------------------------------------

def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    return list(reader.fieldnames), list(reader)


def write_rows(path: Path, fields: list[str], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(root: Path, file: str, column: str, value: str, where: Callable[[dict], bool] | None = None) -> None:
    """Set one cell (the first row matching ``where``, else the first row) and record the file."""
    fields, rows = read_rows(root / file)
    row = next((r for r in rows if where is None or where(r)), rows[0])
    row[column] = value
    write_rows(root / file, fields, rows)
    record(root, file)


def rewrite(root: Path, file: str, change: Callable[[str], str | bytes]) -> None:
    path = root / file
    old = path.read_bytes()
    new = change(old.decode("utf-8"))
    if (new if isinstance(new, bytes) else new.encode("utf-8")) == old:
        raise RuntimeError(f"the change leaves {file} as it was")
    (path.write_bytes if isinstance(new, bytes) else lambda t: path.write_text(t, encoding="utf-8"))(new)
    record(root, file)


def saved_in_gbk(root: Path, file: str) -> None:
    """The file as a Chinese spreadsheet saves it: GBK (a Chinese word added, so ASCII-only files change too)."""
    fields, rows = read_rows(root / file)
    rows[0][FREE_TEXT[file][0]] += "（见原文）"
    write_rows(root / file, fields, rows)
    rewrite(root, file, lambda t: t.encode("gbk", errors="replace"))


def first_row_duplicated(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(lines[:2] + [lines[1]] + lines[2:])


def column_dropped(text: str, index: int = 1) -> str:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([r[:index] + r[index + 1:] for r in rows])
    return buffer.getvalue()


def column_added(text: str) -> str:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([r + (["extra"] if i == 0 else ["x"]) for i, r in enumerate(rows)])
    return buffer.getvalue()


def header_misspelled(text: str) -> str:
    header, rest = text.split("\n", 1)
    names = header.split(",")
    names[1] = names[1][:-1] + names[1][-1].upper() + "x"
    return ",".join(names) + "\n" + rest


def fullwidth(text: str) -> str:
    return text.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})


# ---- classification -------------------------------------------------------------------------------

ERROR_LINE = re.compile(r"^error: ")
NAMES_FILE = re.compile(r"(\S+\.(csv|yaml|yml|txt|json|md|py)\b|params\.yaml|data/raw|/)")
NAMES_WHERE = re.compile(r"(row \d+|column '|field|line \d+|key )", re.I)


def noise_free(text: str) -> list[str]:
    """stderr without make's own lines and blank lines."""
    return [line for line in text.splitlines()
            if line.strip() and not re.match(r"^make(\[\d+\])?: ", line)]


def classify_refusal(result: Result, before: dict, after: dict, root: Path, where_needed: bool = True) -> tuple[str, str]:
    text = result.out + result.err
    if "Traceback (most recent call last)" in text:
        last = [line for line in text.splitlines() if line.strip()][-1]
        return "crashed", last[:160]
    errors = [line for line in noise_free(result.err) if ERROR_LINE.match(line)]
    message = errors[0] if errors else (noise_free(result.err) or ["(nothing on stderr)"])[-1]
    problems = []
    if len(errors) != 1:
        problems.append(f"{len(errors)} error lines")
    if errors and not NAMES_FILE.search(errors[0]):
        problems.append("names no file")
    if errors and where_needed and not NAMES_WHERE.search(errors[0]):
        problems.append("no row/column/field")
    if before != after:
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        problems.append(f"outputs changed: {changed[:3]}")
    if leftovers(root):
        problems.append(f"temporaries left: {leftovers(root)[:2]}")
    if problems:
        return "rejected imprecisely", f"{'; '.join(problems)} — {message[:200]}"
    return "rejected precisely", message[:220]


@dataclass
class Attack:
    id: str
    family: str
    what: str
    run: Callable[[Path, Path], list[tuple[str, str, str]]]  # (base, work) -> [(id suffix, outcome, detail)]


ATTACKS: list[Attack] = []


def attack(family: str, id: str, what: str):
    def register(fn):
        ATTACKS.append(Attack(id, family, what, fn))
        return fn
    return register


def bad_input(family: str, id: str, what: str, mutate: Callable[[Path], None], target: str = DATA,
              expect: str = "reject", where_needed: bool = True, formula: str | None = None,
              command: list[str] | None = None):
    """The common shape: break an input in a copy, run make (or one step), classify.

    ``expect``: "reject" (acceptance is silent acceptance), "either" (acceptance is fine: held).
    ``formula``: a string that must not reach any processed CSV if the input is accepted."""
    def fn(base: Path, work: Path):
        root = copy_of(base, work, id)
        before = outputs(root)
        mutate(root)
        result = run(root, command) if command else make(root, target)
        after = outputs(root)
        if result.rc != 0 or "Traceback (most recent call last)" in result.out + result.err:
            return [("", *classify_refusal(result, before, after, root, where_needed))]
        if formula is not None:
            landed = [p for p in (root / "data/processed").glob("*.csv")
                      if any(cell.startswith(formula) for line in csv.reader(p.open(encoding="utf-8"))
                             for cell in line)]
            if landed:
                return [("", "accepted silently", f"formula cell lands in {[p.name for p in landed]}")]
            return [("", "held", "accepted; the cell reaches no processed CSV")]
        if expect == "either":
            return [("", "held", "accepted (a legitimate input)")]
        return [("", "accepted silently", "exit 0: " + (noise_free(result.err) or ["no message"])[-1][:160])]
    ATTACKS.append(Attack(id, family, what, fn))


# ---- family: bad inputs of items 5 and 7, and tests/broken_inputs applied to every hand-kept file ----

LONG = "长" * 200_000


def _register_bad_inputs():
    for file, columns in FREE_TEXT.items():
        short = Path(file).stem
        for column in columns[:2]:  # two columns a file: the guard is per file
            formula = f'=HYPERLINK("http://evil.example/{short}/{column}","x")'
            bad_input("7 formulas", f"formula-{short}-{column}", f"{file}: `=HYPERLINK(…)` in {column}",
                      lambda r, f=file, c=column, v=formula: set_cell(r, f, c, v), formula=formula[:20])
        column = columns[0]
        bad_input("5 huge field", f"long-{short}-{column}", f"{file}: 200,000 characters in {column}",
                  lambda r, f=file, c=column: set_cell(r, f, c, LONG))
    for file, columns in DIGITS.items():
        for column in columns:
            bad_input("5 full-width digits", f"fullwidth-{Path(file).stem}-{column}",
                      f"{file}: full-width digits in {column}",
                      lambda r, f=file, c=column: set_cell(r, f, c, fullwidth(read_rows(r / f)[1][0][c]) or "２０２３"))
    legit_when_empty = {SEARCHES, CROSSWALK, ERRATA}
    for file in [OBS, SOURCES, RESOLUTIONS, SEARCHES, REGISTER, DISMISSALS, ERRATA, REGIONS, INDICATORS, THEMES,
                 CROSSWALK]:
        short = Path(file).stem
        family = "10 broken inputs, other files"
        bad_input("7 header-only / empty", f"header-only-{short}", f"{file}: header line only",
                  lambda r, f=file: rewrite(r, f, lambda t: t.split("\n", 1)[0] + "\n"),
                  expect="either" if file in legit_when_empty else "reject", where_needed=False)
        bad_input("7 header-only / empty", f"empty-{short}", f"{file}: 0 bytes",
                  lambda r, f=file: rewrite(r, f, lambda t: ""), where_needed=False)
        if file != OBS:  # tests/broken_inputs covers GBK in observations.csv
            bad_input(family, f"gbk-{short}", f"{file}: saved in GBK", lambda r, f=file: saved_in_gbk(r, f),
                      where_needed=False)
        bad_input(family, f"bom-{short}", f"{file}: UTF-8 with BOM (Excel's 'CSV UTF-8')",
                  lambda r, f=file: rewrite(r, f, lambda t: "\ufeff" + t), expect="either", where_needed=False)
        bad_input(family, f"crlf-{short}", f"{file}: Windows line ends",
                  lambda r, f=file: rewrite(r, f, lambda t: t.replace("\n", "\r\n")), expect="either")
        bad_input(family, f"unquoted-{short}", f"{file}: an unterminated quote",
                  lambda r, f=file: rewrite(r, f, lambda t: t.rstrip("\n") + '\n"half,a,row\n'))
        if file == OBS:
            continue  # tests/broken_inputs covers the rest for observations.csv
        bad_input(family, f"missing-column-{short}", f"{file}: second column removed",
                  lambda r, f=file: rewrite(r, f, column_dropped))
        bad_input(family, f"misspelled-column-{short}", f"{file}: second column misspelled",
                  lambda r, f=file: rewrite(r, f, header_misspelled))
        bad_input(family, f"extra-column-{short}", f"{file}: an extra column",
                  lambda r, f=file: rewrite(r, f, column_added), expect="either")
        bad_input(family, f"duplicate-{short}", f"{file}: first row twice",
                  lambda r, f=file: rewrite(r, f, first_row_duplicated),
                  expect="either" if file == SEARCHES else "reject")
        if file in UNKNOWN_REF:
            column, value = UNKNOWN_REF[file]
            bad_input(family, f"unknown-ref-{short}", f"{file}: unknown {column} {value}",
                      lambda r, f=file, c=column, v=value: set_cell(r, f, c, v))
    # .meta.yaml files and the plan text
    meta = "data/raw/statistics/observations.csv.meta.yaml"
    family = "10 broken inputs, other files"
    for id, what, change in [
        ("meta-bad-yaml", "observations .meta.yaml: not YAML", lambda t: t + "\nbroken: [\n"),
        ("meta-wrong-sha", "observations .meta.yaml: a wrong sha256", lambda t: re.sub(r"sha256: \w+", "sha256: " + "0" * 64, t)),
        ("meta-no-sha", "observations .meta.yaml: sha256 removed", lambda t: re.sub(r"(?m)^sha256:.*\n", "", t)),
        ("meta-bytes-text", "observations .meta.yaml: bytes is text", lambda t: re.sub(r"(?m)^bytes:.*$", "bytes: many", t)),
        ("meta-python-tag", "observations .meta.yaml: a !!python/object tag",
         lambda t: t + "\nevil: !!python/object/apply:os.system ['touch " + str(MARKS / "meta-python-tag") + "']\n"),
        ("meta-list", "observations .meta.yaml: a list, not a mapping", lambda t: "- a\n- b\n"),
        ("meta-duplicate-key", "observations .meta.yaml: sha256 twice", lambda t: t + "sha256: " + "0" * 64 + "\n"),
    ]:
        bad_input(family, id, what, lambda r, c=change: (r / meta).write_text(c((r / meta).read_text(encoding="utf-8")),
                                                                              encoding="utf-8"),
                  where_needed=False)
    for id, what, change in [
        ("plan-meta-date", "plan .meta.yaml: issue_date 2023-02-30", lambda t: t.replace('"2023-09-06"', '"2023-02-30"')),
        ("plan-meta-period", "plan .meta.yaml: plan_period_start 二〇二三",
         lambda t: t.replace("plan_period_start: 2023", "plan_period_start: 二〇二三")),
        ("plan-meta-no-id", "plan .meta.yaml: document_id removed", lambda t: re.sub(r"(?m)^document_id:.*\n", "", t)),
        ("plan-meta-region", "plan .meta.yaml: unknown region 999999", lambda t: t.replace('"530600"', '"999999"')),
    ]:
        bad_input(family, id, what, lambda r, c=change: (r / PLAN_META).write_text(c((r / PLAN_META).read_text(encoding="utf-8")),
                                                                                   encoding="utf-8"),
                  where_needed=False)
    bad_input(family, "meta-gbk", "observations .meta.yaml saved in GBK",
              lambda r: (r / meta).write_bytes(((r / meta).read_text(encoding="utf-8") + "note: 见原文\n").encode("gbk")),
              where_needed=False)
    bad_input(family, "plan-gbk", "a plan text saved in GBK (recorded)",
              lambda r: rewrite(r, PLAN, lambda t: t.encode("gbk", errors="replace")), where_needed=False)
    bad_input(family, "plan-gb18030", "a plan text saved in GB18030 (recorded)",
              lambda r: rewrite(r, PLAN, lambda t: t.encode("gb18030")), where_needed=False)
    # item 7: negative context figures and a huge input are under validation / huge


_register_bad_inputs()


# ---- family: validation errors --------------------------------------------------------------------

CONTEXT_ROW = lambda r: r["region_code"] == "530600" and r["indicator_as_published"] == "各级各类学校"  # noqa: E731
YUNNAN_214 = lambda r: r["region_code"] == "530000" and r["value"] == "214"  # noqa: E731

for id, what, column, value, where in [
    ("validation-negative-context", "a negative context-only figure (-3287 schools)", "value", "-3287", CONTEXT_ROW),
    ("validation-out-of-range", "a rate of 180 %", "value", "180", lambda r: r["unit"] == "%" and r["indicator_id"]),
    ("validation-year-1899", "a figure for 1899", "year", "1899", None),
    ("validation-year-2999", "a figure for 2999", "year", "2999", None),
    ("validation-negative-count", "a negative count of new kindergartens", "value", "-214", YUNNAN_214),
]:
    bad_input("4 validation errors", id, what, lambda r, c=column, v=value, w=where: set_cell(r, OBS, c, v, w))


# ---- family: params.yaml --------------------------------------------------------------------------

for id, what, change in [
    ("params-as-of-date", "as_of: 2026-13-45", lambda t: t.replace('"2026-11-23"', '"2026-13-45"')),
    ("params-as-of-word", "as_of: tomorrow", lambda t: t.replace('"2026-11-23"', "tomorrow")),
    ("params-python-tag", "a !!python/object/apply tag",
     lambda t: t + f"\nevil: !!python/object/apply:os.system ['touch {MARKS / 'params-python-tag'}']\n"),
    ("params-missing-key", "on_track_ratio removed", lambda t: re.sub(r"(?m)^on_track_ratio:.*\n", "", t)),
    ("params-text-ratio", "on_track_ratio: high", lambda t: t.replace("on_track_ratio: 0.95", "on_track_ratio: high")),
    ("params-inverted", "on_track_ratio below needs_acceleration_ratio",
     lambda t: t.replace("on_track_ratio: 0.95", "on_track_ratio: 0.5")),
    ("params-empty", "an empty params.yaml", lambda t: ""),
    ("params-syntax", "not YAML", lambda t: t + "\nas_of: [\n"),
    ("params-duplicate-key", "as_of twice", lambda t: t + '\nas_of: "2020-01-01"\n'),
    ("params-unknown-key", "an unknown key", lambda t: t + "\nthreshold_typo: 3\n"),
]:
    bad_input("5 params.yaml", id, what,
              lambda r, c=change: (r / "params.yaml").write_text(c((r / "params.yaml").read_text(encoding="utf-8")),
                                                                 encoding="utf-8"),
              where_needed=False, expect="either" if id == "params-unknown-key" else "reject")


# ---- family: make and shell injection --------------------------------------------------------------

def _mark(id: str) -> Path:
    return MARKS / id


def injection(id: str, what: str, mutate: Callable[[Path, str], None], record_with_make: str | None = None):
    def fn(base: Path, work: Path):
        root = copy_of(base, work, id)
        mark = root / "PWNED"  # make and its recipes run in the copy: a relative `touch PWNED` lands here
        before = outputs(root)
        mutate(root, "touch PWNED")
        dry = make(root, "-n", DATA) if record_with_make is None else Result(0, "", "")
        result = make(root, DATA) if record_with_make is None else run(root, ["make", "record", f"FILE={record_with_make}"])
        after = outputs(root)
        if mark.exists():
            return [("", "accepted silently", "the command ran" + (" under make -n" if dry.rc == 0 else ""))]
        if result.rc == 0:
            return [("", "held", "accepted as text; nothing ran")]
        outcome, detail = classify_refusal(result, before, after, root, where_needed=False)
        return [("", outcome, "nothing ran; " + detail)]
    ATTACKS.append(Attack(id, "3 injection", what, fn))


def _meta_field(field: str, value: str):
    def mutate(root: Path, command: str):
        path = root / PLAN_META
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(rf"(?m)^{field}:.*$", f"{field}: '{value.format(cmd=command)}'", text), encoding="utf-8")
    return mutate


injection("inject-document-id", "plan .meta.yaml document_id `$(shell touch …)`",
          _meta_field("document_id", "000-zhaotong$(shell {cmd})"))
injection("inject-region-code", "plan .meta.yaml region_code `$(shell touch …)`",
          _meta_field("region_code", "$(shell {cmd})"))
injection("inject-meta-file", "plan .meta.yaml file `x;$(shell touch …)`",
          _meta_field("file", "x;$(shell {cmd})"))
injection("inject-document-id-newline", "plan .meta.yaml document_id with a newline and a recipe line",
          _meta_field("document_id", "x\n\t{cmd}"))


def _new_raw_file(name: str):
    def mutate(root: Path, command: str):
        path = root / "data/raw/statistics" / name.format(cmd=command)
        path.write_text("a,b\n1,2\n", encoding="utf-8")
        record(root, path.relative_to(root).as_posix())
    return mutate


def _new_plan(name: str):
    def mutate(root: Path, command: str):
        target = root / "data/raw/policies" / name.format(cmd=command)
        shutil.copy(root / PLAN, target)
        meta = (root / PLAN_META).read_text(encoding="utf-8").replace("000-zhaotong", "005-copy")
        meta = re.sub(r"(?m)^file:.*$", f"file: '{target.name}'", meta)
        Path(str(target) + ".meta.yaml").write_text(meta, encoding="utf-8")
    return mutate


injection("inject-raw-file-name", "a recorded raw file named `x;$(shell touch …);.csv`", _new_raw_file("x;$(shell {cmd});.csv"))
injection("inject-raw-file-backticks", "a recorded raw file named `` `touch …`.csv ``", _new_raw_file("`{cmd}`.csv"))
injection("inject-plan-file-name", "a plan text named `005_$(shell touch …).txt` with metadata", _new_plan("005_$(shell {cmd}).txt"))
injection("inject-csv-cell", "`$(shell touch …)` and backticks in an observation note",
          lambda r, c: set_cell(r, OBS, "note", f"$(shell {c}) `{c}` $({c})"))
injection("inject-register-note", "`$(shell touch …)` in a register note",
          lambda r, c: set_cell(r, REGISTER, "note", f"$(shell {c}) `{c}`"))
injection("inject-errata-document", "`$(shell touch …)` as an erratum's document_id",
          lambda r, c: set_cell(r, ERRATA, "document_id", f"$(shell {c})"))
injection("inject-record-semicolon", "`make record FILE='x; touch …'`", lambda r, c: None, record_with_make="x; touch PWNED")
injection("inject-record-subshell", "`make record FILE='$(touch …)'`", lambda r, c: None, record_with_make="$$(touch PWNED)")
injection("inject-record-backticks", "make record FILE='`touch …`'", lambda r, c: None, record_with_make="`touch PWNED`")


# ---- family: make record paths --------------------------------------------------------------------

def record_path(id: str, what: str, file: str, prepare: Callable[[Path], None] | None = None,
                outside: str | None = None, expect: str = "reject"):
    def fn(base: Path, work: Path):
        root = copy_of(base, work, id)
        if prepare:
            prepare(root)
        before = outputs(root)
        existed = outside and Path(outside.format(root=root)).exists()  # left by an earlier campaign?
        result = run(root, ["make", "record", f"FILE={file}"])
        after = outputs(root)
        written = outside and not existed and Path(outside.format(root=root)).exists()
        if written:
            Path(outside.format(root=root)).unlink()  # ours: this run wrote it
            return [("", "accepted silently", f"wrote {outside}")]
        if result.rc == 0:
            return [("", "held" if expect == "either" else "accepted silently", (result.out.strip() or "exit 0")[-160:])]
        return [("", *classify_refusal(result, before, after, root, where_needed=False))]
    ATTACKS.append(Attack(id, "4 record paths", what, fn))


record_path("record-etc-passwd", "make record FILE=/etc/passwd", "/etc/passwd", outside="/etc/passwd.meta.yaml")
record_path("record-dotdot", "make record FILE=data/raw/../../outside.csv",
            "data/raw/../../outside.csv", prepare=lambda r: (r.parent / "outside.csv").write_text("a\n"),
            outside="{root}/../outside.csv.meta.yaml")
record_path("record-project-file", "make record FILE=Makefile", "Makefile", outside="{root}/Makefile.meta.yaml")
record_path("record-missing", "make record FILE=data/raw/statistics/missing.csv", "data/raw/statistics/missing.csv")
record_path("record-directory", "make record FILE=data/raw/statistics", "data/raw/statistics",
            outside="{root}/data/raw/statistics.meta.yaml")
record_path("record-raw-root", "make record FILE=data/raw", "data/raw", outside="{root}/data/raw.meta.yaml")
record_path("record-symlink-out", "make record on a symlink in data/raw pointing at /etc/hostname",
            "data/raw/statistics/link.csv", prepare=lambda r: (r / "data/raw/statistics/link.csv").symlink_to("/etc/hostname"),
            outside="/etc/hostname.meta.yaml")
record_path("record-glob", "make record FILE='data/raw/statistics/*.csv'", "data/raw/statistics/*.csv")
record_path("record-empty", "make record FILE=", "")
record_path("record-meta-itself", "make record FILE=<a .meta.yaml>", "data/raw/statistics/sources.csv.meta.yaml",
            outside="{root}/data/raw/statistics/sources.csv.meta.yaml.meta.yaml")
record_path("record-two-files", "make record FILE='<two raw files>' (legitimate)",
            "data/raw/statistics/sources.csv data/raw/statistics/observations.csv", expect="either")


# ---- family: deleted and extra raw files (make must notice) ----------------------------------------

def raw_files(id: str, what: str, mutate: Callable[[Path], None], expect: str = "reject"):
    def fn(base: Path, work: Path):
        root = copy_of(base, work, id)
        before = outputs(root)
        mutate(root)
        result = make(root)
        after = outputs(root)
        if result.rc == 0 and "Traceback" not in result.err:
            if expect == "either":
                return [("", "held", "exit 0 (a harmless change)")]
            return [("", "accepted silently", "make exit 0: " + (result.out.strip().splitlines() or ["(silent)"])[-1][:150])]
        return [("", *classify_refusal(result, before, after, root, where_needed=False))]
    ATTACKS.append(Attack(id, "6 deleted / extra raw files", what, fn))


raw_files("delete-obs-meta", "delete observations.csv.meta.yaml", lambda r: (r / (OBS + ".meta.yaml")).unlink())
raw_files("delete-plan-meta", "delete a plan's .meta.yaml", lambda r: (r / PLAN_META).unlink())
raw_files("delete-regions-meta", "delete regions.csv.meta.yaml", lambda r: (r / (REGIONS + ".meta.yaml")).unlink())
raw_files("delete-sources", "delete the raw sources.csv", lambda r: (r / SOURCES).unlink())
raw_files("delete-plan", "delete a plan text", lambda r: (r / PLAN).unlink())
raw_files("extra-unrecorded", "an extra unrecorded CSV in data/raw/statistics",
          lambda r: (r / "data/raw/statistics/extra.csv").write_text("a\n1\n"))
raw_files("extra-top-level", "an extra file directly in data/raw", lambda r: (r / "data/raw/notes.txt").write_text("x\n"))
raw_files("rename-regions", "regions.csv renamed (with its metadata)",
          lambda r: [(r / (REGIONS + s)).rename(r / ("data/raw/reference/regions_old.csv" + s)) for s in ("", ".meta.yaml")])
raw_files("edit-unrecorded", "a raw file edited without recording", lambda r: (r / OBS).write_text(
    (r / OBS).read_text(encoding="utf-8").replace(",214,", ",215,"), encoding="utf-8"))
raw_files("name-with-space", "a copy named 'observations (copy).csv' left in data/raw/statistics",
          lambda r: shutil.copy(r / OBS, r / "data/raw/statistics/observations (copy).csv"))
raw_files("touch-only", "a raw file touched (content unchanged)", lambda r: os.utime(r / OBS), expect="either")


# ---- family: XSS through every field that reaches the page -----------------------------------------

def payload(tag: str) -> str:
    push = f"(window.__p=window.__p||[]).push('{tag}')"
    return (f"</script><script>{push}</script><img src=x onerror=\"{push}\">'\"><svg onload=\"{push}\">"
            f"<details open ontoggle=\"{push}\">{tag}</details>")


def browser_check(pages: list[Path]) -> tuple[list[str], list[str], str]:
    """What ran (tags pushed), javascript: links, and the visible text of the pages."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="attack-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                 "--disable-background-networking", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    ran, links, text = [], [], ""
    try:
        for page in pages:
            if not page.exists():
                continue
            driver.get(page.resolve().as_uri())
            time.sleep(1.5)
            driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
            time.sleep(0.5)
            ran += driver.execute_script("return window.__p || []")
            links += driver.execute_script(
                "return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"
                ".filter(h => /^\\s*(javascript|vbscript|data:text\\/html)/i.test(h))")
            text += driver.execute_script("return document.documentElement.outerHTML")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return ran, links, text


def xss(id: str, what: str, fields: list[tuple[str, str, Callable | None]], target: str = REPORT,
        extra: Callable[[Path], None] | None = None, extra_tags: tuple[str, ...] = (),
        pages=("reports/_site/index.html", "reports/validation.html")):
    """Payloads in several fields at once (one build); one result per field."""
    def fn(base: Path, work: Path):
        root = copy_of(base, work, id)
        before = outputs(root)
        tags = []
        for file, column, where in fields:
            tag = f"{Path(file).stem}.{column}"
            tag = tag if tag not in tags else f"{tag}#{len(tags)}"
            tags.append(tag)
            value = "javascript:(window.__p=window.__p||[]).push('url')" if column == "url" else payload(tag)
            fieldnames, rows = read_rows(root / file)
            row = next((r for r in rows if where is None or where(r)), rows[0])
            # appended, so the row still means what it meant (a search still names its publication)
            row[column] = value if column == "url" else f"{row[column]} {value}".strip()
            write_rows(root / file, fieldnames, rows)
        for file in sorted({f for f, _, _ in fields}):
            record(root, file)
        if extra:
            extra(root)
        result = make(root, target)
        after = outputs(root)
        tags += list(extra_tags)
        if result.rc != 0:
            outcome, detail = classify_refusal(result, before, after, root, where_needed=False)
            return [(f":{t}", outcome, detail) for t in tags]
        ran, links, html = browser_check([root / p for p in pages])
        results = []
        for column, tag in [(c, t) for (_, c, _), t in zip(fields, tags)] + [("", t) for t in extra_tags]:
            if column == "url":
                bad = [h for h in links if "push('url')" in h]
                results.append((f":{tag}", "accepted silently" if bad or "url" in ran else "held",
                                "javascript: link in the page" if bad else "no javascript: link"))
            elif tag in ran:
                results.append((f":{tag}", "accepted silently", "the payload ran in Chromium"))
            else:
                shown = tag in html
                results.append((f":{tag}", "held", "shown as text, nothing ran" if shown else "not on the page"))
        return results
    ATTACKS.append(Attack(id, "2 XSS", what, fn))


NO_YEAR = lambda r: r["year"] == ""  # noqa: E731
xss("xss-statistics", "payloads in observation, source, resolution and search fields",
    [(OBS, "indicator_as_published", YUNNAN_214), (OBS, "note", YUNNAN_214), (OBS, "note", NO_YEAR),
     (SOURCES, "title", None), (SOURCES, "publisher", None), (SOURCES, "where_the_figures_stand", None),
     (SOURCES, "url", None), (RESOLUTIONS, "reason", None), (RESOLUTIONS, "reviewed_by", None),
     (SEARCHES, "what_was_sought", None), (SEARCHES, "where_searched", None), (SEARCHES, "note", None)])
xss("xss-catalogues", "payloads in region, indicator and theme names and descriptions",
    [(REGIONS, "name_zh", lambda r: r["region_code"] == "530602"), (REGIONS, "name_en", lambda r: r["region_code"] == "530600"),
     (INDICATORS, "name_zh", lambda r: r["indicator_id"] == "new_or_expanded_public_kindergartens"),
     (INDICATORS, "name_en", lambda r: r["indicator_id"] == "preschool_gross_enrolment_rate"),
     (INDICATORS, "definition", lambda r: r["indicator_id"] == "new_or_expanded_public_kindergartens"),
     (INDICATORS, "notes", lambda r: r["indicator_id"] == "preschool_gross_enrolment_rate"),
     (THEMES, "name_zh", None), (THEMES, "name_en", None), (THEMES, "description", None)])
xss("xss-register", "payloads in register notes and dismissal reasons, plan metadata and the changelog",
    [(REGISTER, "note", lambda r: r["target_id"] == "T002-001"), (DISMISSALS, "reason", None)],
    extra=lambda r: (
        (r / PLAN_META).write_text(re.sub(r"(?m)^title_en:.*$", "title_en: '" + payload("meta.title_en").replace("'", "''") + "'",
                                          (r / PLAN_META).read_text(encoding="utf-8")), encoding="utf-8"),
        (r / "CHANGELOG.md").write_text((r / "CHANGELOG.md").read_text(encoding="utf-8").replace(
            "## Unreleased\n", "## Unreleased\n\n- " + payload("changelog") + "\n", 1), encoding="utf-8")),
    extra_tags=("meta.title_en", "changelog"))
xss("xss-region-name", "a payload as an observation's region_name", [(OBS, "region_name", NO_YEAR)], target=DATA)


@attack("2 XSS", "xss-validation-error-page", "payloads in the rows a failed validation lists")
def _xss_failed_validation(base: Path, work: Path):
    root = copy_of(base, work, "xss-validation-error-page")
    fields, rows = read_rows(root / OBS)
    row = next(r for r in rows if CONTEXT_ROW(r))
    row["value"], row["note"], row["indicator_as_published"] = "-1", payload("failed.note"), payload("failed.name")
    write_rows(root / OBS, fields, rows)
    record(root, OBS)
    result = make(root, DATA)
    page = root / "data/interim/validation/validation.html"
    if result.rc == 0 or not page.exists():
        return [("", "accepted silently" if result.rc == 0 else "rejected imprecisely",
                 f"exit {result.rc}; failure page {'absent' if not page.exists() else 'present'}")]
    ran, links, html = browser_check([page])
    return [("", "accepted silently" if ran else "held",
             f"ran {ran}" if ran else "failure page shows the payloads as text" if "failed.note" in html else "not on the failure page")]


# ---- family: kills between writes ------------------------------------------------------------------

def change_214(root: Path) -> None:
    """A figure changed (214 -> 215 new kindergartens): observations, assessments and the report all change."""
    set_cell(root, OBS, "value", "215", YUNNAN_214)


def staged_change(base: Path, work: Path, name: str) -> Path:
    """A copy with one figure changed and its tables staged: the validate step, under attack, comes next."""
    root = copy_of(base, work, name)
    change_214(root)
    make(root, *STAGED)
    return root


def change_note(root: Path) -> None:
    """A register note changed: the register step and everything after it re-run."""
    set_cell(root, REGISTER, "note", "checked again", lambda r: r["target_id"] == "T002-001")


_REFERENCE: dict[str, dict] = {}


def reference_outputs(base: Path, work: Path, change: Callable[[Path], None] = change_214) -> dict:
    """The outputs of a clean build of the changed input (what a repaired tree must equal)."""
    if change.__name__ not in _REFERENCE:
        root = copy_of(base, work, f"reference-{change.__name__}")
        change(root)
        result = make(root)
        if result.rc != 0:
            raise RuntimeError("reference build failed: " + result.err[-500:])
        _REFERENCE[change.__name__] = outputs(root)
    return _REFERENCE[change.__name__]


def _compare(got: dict, want: dict, prefix: str = "") -> list[str]:
    keys = [k for k in set(got) | set(want) if k.startswith(prefix)]
    return sorted(k for k in keys if got.get(k) != want.get(k))


def kill(id: str, step_name: str, after: int, prepare: list[str], target: str = DATA,
         change: Callable[[Path], None] = change_214):
    def fn(base: Path, work: Path):
        want = reference_outputs(base, work, change)
        root = copy_of(base, work, id)
        change(root)
        if prepare:
            ready = make(root, *prepare)
            if ready.rc != 0:
                return [("", "crashed", "could not prepare: " + ready.err[-200:])]
        killed = step(root, step_name, extra_env={"EDUGAP_TEST_KILL_AFTER_RENAMES": str(after)})
        if killed.rc != 137:
            return [("", "skipped", f"the step was not killed (exit {killed.rc}): fewer than {after + 1} renames")]
        question = run(root, ["make", "-q", target])
        repaired = make(root, target)
        got = outputs(root)
        differ = _compare(got, want, "data/processed") + _compare(got, want, "reports/validation.html")
        if target == REPORT:
            differ += _compare(got, want, REPORT)
        if repaired.rc != 0:
            return [("", "crashed" if "Traceback" in repaired.err else "rejected imprecisely", repaired.err[-200:])]
        if differ:
            return [("", "stale", f"make exit 0 but differs from a clean build: {differ[:3]}")]
        return [("", "held", f"make -q {'said up to date (!)' if question.rc == 0 else 'saw the step out of date'}; "
                             f"the next make repaired it; leftovers {leftovers(root) or 'none'}")]
    ATTACKS.append(Attack(id, "1 kills between writes", f"kill `{step_name}` after {after} rename(s), then make", fn))


SNAP = "data/interim/snapshot.json"
STAGED = ["data/interim/staged/observations.csv", "data/interim/staged/targets.csv"]
kill("kill-statistics-1", "statistics", 1, [SNAP])
kill("kill-statistics-4", "statistics", 4, [SNAP])
kill("kill-validate-1", "validate", 1, STAGED)
kill("kill-validate-5", "validate", 5, STAGED)
kill("kill-assess-1", "assess", 1, ["data/processed/validation_summary.json"])
kill("kill-assess-6", "assess", 6, ["data/processed/validation_summary.json"])
kill("kill-searches-2", "searches", 2, ["data/processed/assessments.csv"])
kill("kill-register-1", "register", 1, [SNAP, "data/interim/texts/000-zhaotong.txt"], change=change_note)
kill("kill-report-0", "report", 0, [DATA], target=REPORT)


def sigkill_make(id: str, seconds: float):
    def fn(base: Path, work: Path):
        want = reference_outputs(base, work)
        root = copy_of(base, work, id)
        change_214(root)
        process = subprocess.Popen(["make", "JOBS=2"], cwd=root, env=environment(root), start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(seconds)
        if process.poll() is not None:
            return [("", "skipped", f"make finished before {seconds} s")]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        repaired = make(root)
        got = outputs(root)
        differ = _compare(got, want, "data/processed") + _compare(got, want, "reports/")
        if repaired.rc != 0:
            return [("", "crashed" if "Traceback" in repaired.err else "rejected imprecisely", repaired.err[-200:])]
        if differ:
            return [("", "stale", f"differs from a clean build: {differ[:3]}")]
        return [("", "held", f"SIGKILL to the whole make at {seconds} s; the next make repaired everything")]
    ATTACKS.append(Attack(id, "1 kills between writes", f"SIGKILL the whole `make` after {seconds} s, then make", fn))


sigkill_make("sigkill-make-8s", 8)
sigkill_make("sigkill-make-25s", 25)


# ---- family: read-only folder, full disk ----------------------------------------------------------

@attack("5 read-only / full disk", "readonly-processed", "validate with data/processed read-only (as nobody)")
def _readonly(base: Path, work: Path):
    if os.geteuid() != 0:
        return [("", "skipped", "needs root to run a step as nobody")]
    root = staged_change(base, work, "readonly-processed")
    subprocess.run(["chmod", "-R", "a+rwX", str(root)], check=True)
    (root / "data/processed").chmod(0o555)
    before = outputs(root)
    result = step(root, "validate", user="65534", extra_env={"HOME": str(root), "MPLCONFIGDIR": str(root / ".mpl")})
    after = outputs(root)
    if result.rc == 0:
        return [("", "accepted silently", "wrote into a read-only folder")]
    return [("", *classify_refusal(result, before, after, root, where_needed=False))]


@contextmanager
def nearly_full(folder: Path, keep: Path, room: int):
    """``folder`` on a tmpfs holding its current files and ``room`` bytes more (root only), unmounted after."""
    shutil.copytree(folder, keep, dirs_exist_ok=True)
    used = sum(p.stat().st_size for p in keep.rglob("*") if p.is_file())
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={used + room}", "tmpfs", str(folder)], check=True)
    try:
        subprocess.run(["cp", "-a", f"{keep}/.", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@attack("5 read-only / full disk", "full-disk-validate", "validate with data/processed on a full 1 MB tmpfs")
def _full_disk(base: Path, work: Path):
    if os.geteuid() != 0:
        return [("", "skipped", "needs root to mount a small tmpfs")]
    root = staged_change(base, work, "full-disk-validate")
    with nearly_full(root / "data/processed", work / "full-disk-keep", room=64 * 1024):
        before = outputs(root)
        result = step(root, "validate")
        after = outputs(root)
        temps = leftovers(root)
    if result.rc == 0:
        return [("", "accepted silently", "exit 0 on a full disk")]
    outcome, detail = classify_refusal(result, before, after, root, where_needed=False)
    if temps:
        outcome, detail = "rejected imprecisely", f"temporaries left {temps[:2]}; {detail}"
    return [("", outcome, detail)]


@attack("5 read-only / full disk", "full-disk-staged", "statistics with data/interim/staged on a full tmpfs")
def _full_disk_staged(base: Path, work: Path):
    if os.geteuid() != 0:
        return [("", "skipped", "needs root to mount a small tmpfs")]
    root = copy_of(base, work, "full-disk-staged")
    change_214(root)
    make(root, SNAP)
    staged = root / "data/interim/staged"
    with nearly_full(staged, work / "full-disk-staged-keep", room=16 * 1024):
        before = {p.name: p.read_bytes() for p in staged.iterdir()}
        result = step(root, "statistics")
        after = {p.name: p.read_bytes() for p in staged.iterdir()}
        temps = [p.name for p in staged.iterdir() if p.name.endswith(".tmp")]
    if result.rc == 0:
        return [("", "accepted silently", "exit 0 on a full disk")]
    outcome, detail = classify_refusal(result, {}, {}, root, where_needed=False)
    if temps or before != after:
        outcome, detail = "rejected imprecisely", f"staged changed or temporaries {temps[:2]}; {detail}"
    return [("", outcome, detail)]


# ---- family: huge input ---------------------------------------------------------------------------

@attack("7 huge input", "huge-observations", "observations.csv with 20,000 extra context rows, full report")
def _huge(base: Path, work: Path):
    root = copy_of(base, work, "huge-observations")
    fields, rows = read_rows(root / OBS)
    template = next(r for r in rows if CONTEXT_ROW(r))
    extra = [dict(template, indicator_as_published=f"学校类别{i:05d}", value=str(i + 1)) for i in range(20_000)]
    write_rows(root / OBS, fields, rows + extra)
    record(root, OBS)
    result = make(root, REPORT)
    if result.rc != 0:
        return [("", *classify_refusal(result, {}, {}, root, where_needed=False))]
    html = (root / REPORT).read_text(encoding="utf-8")
    shown = len(set(re.findall(r"学校类别\d{5}", html)))
    return [("", "held" if shown >= 20_000 else "accepted silently",
             f"{shown:,} of 20,000 extra figures present in the page ({(root / REPORT).stat().st_size / 1e6:.1f} MB)")]


# ---- family: first build (kernel) -----------------------------------------------------------------

def notebook(id: str, what: str, env: dict, parallel: bool = False):
    def fn(base: Path, work: Path):
        root = copy_of(base, work, id)
        for value in env.values():
            if value.startswith(str(work)) and "missing" not in value:
                Path(value).mkdir(parents=True, exist_ok=True)
        commands = [["notebooks/01_validate_statistics.py", "reports/_build/notebooks/01_validate_statistics.ipynb"],
                    ["notebooks/03_gap_analysis.py", "reports/_build/notebooks/03_gap_analysis.ipynb"]]
        commands = commands if parallel else commands[:1]
        processes = [subprocess.Popen([PY, "-m", "analysis.cli", "notebook", *c], cwd=root, env=environment(root, env),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
        results = [Result(p.wait(), *p.communicate()) for p in processes]
        text = "".join(r.out + r.err for r in results)
        if "Traceback" in text:
            return [("", "crashed", [line for line in text.splitlines() if line.strip()][-1][:160])]
        if any(r.rc for r in results):
            return [("", "rejected imprecisely", text.strip().splitlines()[-1][:160])]
        if "without encryption" in text or "ZMQError" in text:
            return [("", "rejected imprecisely", "kernel warning in the log")]
        return [("", "held", "executed, no kernel warning")]
    ATTACKS.append(Attack(id, "8 first build (kernel)", what, fn))


notebook("kernel-two-at-once", "two notebooks executed at the same time in one tree", {}, parallel=True)
notebook("kernel-long-tmpdir", "TMPDIR 150 characters deep (IPC socket path limit is 107)",
         {"TMPDIR": "/tmp/edugap-attack-" + "d" * 130})
notebook("kernel-missing-tmpdir", "TMPDIR that does not exist", {"TMPDIR": "/nonexistent/tmp"})
notebook("kernel-runtime-dir", "JUPYTER_RUNTIME_DIR not writable", {"JUPYTER_RUNTIME_DIR": "/proc/edugap"})


@attack("8 first build (kernel)", "kernel-build-log", "the base build log: no port clash, no encryption warning")
def _build_log(base: Path, work: Path):
    log = (work / "base-build.log")
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    if not text:
        return [("", "skipped", "base built by an earlier run; no log")]
    bad = [w for w in ("without encryption", "ZMQError", "Address already in use", "Kernel didn't respond") if w in text]
    return [("", "rejected imprecisely" if bad else "held", f"found {bad}" if bad else "clean build log")]


# ---- family: determinism and concurrent makes ------------------------------------------------------

@attack("9 determinism / concurrency", "rebuild-byte-identical", "make clean; make in another folder: same bytes")
def _rebuild(base: Path, work: Path):
    root = copy_of(base, work, "rebuild-byte-identical")
    run(root, ["make", "clean"])
    result = run(root, ["make"], timeout=1800)
    if result.rc != 0:
        return [("", "crashed", result.err[-200:])]
    # The footer names the git commit: a base built in a git checkout says which, a copy without .git says
    # "unknown". That line is the checkout's, not the build's: compared without it.
    footer = re.compile(rb'(id=\\*"git-commit\\*">)[^<]*')
    differ = [k for k in _compare(outputs(root), outputs(base))
              if not ((root / k).exists() and (base / k).exists()
                      and footer.sub(rb"\1", (root / k).read_bytes()) == footer.sub(rb"\1", (base / k).read_bytes()))]
    nb = [k for k in differ if k.endswith(".ipynb")]
    return [("", "stale" if differ else "held",
             f"{len(differ)} files differ ({len(nb)} notebooks): {differ[:4]}" if differ
             else f"{len(outputs(base))} files byte-identical (processed, report, validation page, notebooks)")]


def concurrent(id: str, what: str, second: list[str]):
    def fn(base: Path, work: Path):
        want = reference_outputs(base, work)
        root = copy_of(base, work, id)
        change_214(root)
        first = subprocess.Popen(["make", "JOBS=1"], cwd=root, env=environment(root), text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        time.sleep(1.0)
        other = subprocess.Popen(second, cwd=root, env=environment(root), text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        (_, e1), (_, e2) = first.communicate(), other.communicate()
        text = e1 + e2
        if "Traceback" in text:
            return [("", "crashed", [line for line in text.splitlines() if "Error" in line][-1:])]
        waited = "another make is running" in text
        if second[-1] == "clean":
            return [("", "held" if waited else "rejected imprecisely",
                     f"exits {first.returncode}/{other.returncode}; clean {'waited for' if waited else 'did not wait for'} the build")]
        differ = _compare(outputs(root), want, "data/processed") + _compare(outputs(root), want, "reports/")
        if first.returncode or other.returncode:
            return [("", "rejected imprecisely", f"exits {first.returncode}/{other.returncode}: {text.strip()[-160:]}")]
        if differ:
            return [("", "stale", f"differs from a clean build: {differ[:3]}")]
        return [("", "held", f"both exit 0, {'the second waited' if waited else 'no wait message'}; outputs = clean build")]
    ATTACKS.append(Attack(id, "9 determinism / concurrency", what, fn))


concurrent("concurrent-two-makes", "two `make` runs at once in one tree after a change", ["make", "JOBS=1"])
concurrent("concurrent-make-and-data", "`make` and `make data/processed/datapackage.json` at once", ["make", "JOBS=1", DATA])
concurrent("concurrent-make-and-clean", "`make clean` while `make` builds", ["make", "clean"])


# ---- running and reporting -----------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="run attacks whose id or family contains this (repeatable)")
    parser.add_argument("--base", type=Path, help="a built copy to reuse instead of building one")
    parser.add_argument("--work", type=Path, help="where the copies go (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep each attack's copy")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--list", action="store_true", help="list the attacks and exit")
    parser.add_argument("--tables", type=Path, nargs="+", metavar="JSON",
                        help="only print the tables of earlier runs' --json files (a later file's result for an "
                             "attack replaces an earlier one: shards, re-runs after a fix)")
    args = parser.parse_args(argv)
    if args.tables:
        merged = {}
        for path in args.tables:
            merged.update({r["id"]: r for r in json.loads(path.read_text(encoding="utf-8"))})
        print(markdown(list(merged.values())))
        return 0
    chosen = [a for a in ATTACKS if not args.only or any(o in a.id or o in a.family for o in args.only)]
    if args.list:
        for a in chosen:
            print(f"{a.id:40} {a.family:32} {a.what}")
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="edugap-attacks-"))
    work.mkdir(parents=True, exist_ok=True)
    MARKS.mkdir(parents=True, exist_ok=True)
    base = args.base or build_base(work)
    rows = []
    for number, item in enumerate(chosen, 1):
        started = time.monotonic()
        try:
            found = item.run(base, work)
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:  # the harness, not the project
            found = [("", "skipped", f"harness: {exc}"[:200])]
        for suffix, outcome, detail in found:
            rows.append({"id": item.id + suffix, "family": item.family, "what": item.what, "outcome": outcome,
                         "detail": str(detail).replace("|", "\\|").replace("\n", " ")})
            print(f"[{number}/{len(chosen)} {time.monotonic() - started:5.1f}s] {item.id + suffix}: {outcome} — "
                  f"{str(detail)[:140]}", file=sys.stderr, flush=True)
        if not args.keep:
            shutil.rmtree(work / item.id, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown(rows))
    return 0


def markdown(rows: list[dict]) -> str:
    families = sorted({r["family"] for r in rows}, key=lambda f: (int(f.split()[0]), f))
    used = [o for o in OUTCOMES if any(r["outcome"] == o for r in rows)]
    lines = ["| family | tried | " + " | ".join(used) + " |", "|---|---:|" + "---:|" * len(used)]
    for family in families + ["**all**"]:
        these = [r for r in rows if family == "**all**" or r["family"] == family]
        counts = Counter(r["outcome"] for r in these)
        lines.append(f"| {family} | {len(these)} | " + " | ".join(str(counts.get(o, 0) or "") for o in used) + " |")
    lines += ["", "| attack | family | outcome | detail |", "|---|---|---|---|"]
    order = {o: i for i, o in enumerate(reversed(OUTCOMES))}
    for r in sorted(rows, key=lambda r: (order[r["outcome"]], r["family"], r["id"])):
        lines.append(f"| `{r['id']}` {r['what']} | {r['family']} | {r['outcome']} | {r['detail'][:220]} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
