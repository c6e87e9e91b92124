"""Start-up costs the pipeline avoids on every step (measured by `make bench`; asserted here by effect)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout


def test_jsonschema_does_not_build_the_iri_grammar_after_analysis_is_imported():
    code = ("import sys, analysis, jsonschema\n"
            "ok = jsonschema.Draft202012Validator({'type': 'string', 'format': 'uri'},\n"
            "    format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).is_valid('https://example.org')\n"
            "print(sys.modules.get('rfc3987_syntax') is None, 'iri' in jsonschema.FormatChecker.checkers, ok)")
    assert _run(code).split() == ["True", "False", "True"]


def test_great_expectations_is_imported_without_running_scipy_stats_or_altair():
    code = ("import sys\nfrom analysis import startup\nstartup.import_great_expectations()\n"
            "print(*(name in sys.modules for name in ('great_expectations.expectations.core',\n"
            "    'scipy.stats._stats_py', 'altair.vegalite')))")
    assert _run(code).split() == ["True", "False", "False"]


def test_the_deferred_modules_are_the_real_ones_when_great_expectations_uses_them():
    code = ("import math, sys\nfrom analysis import startup\nstartup.import_great_expectations()\n"
            "from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl\n"
            "print(math.isclose(kl.stats.entropy([0.5, 0.5]), math.log(2)), hasattr(kl.alt, 'Chart'))\n"
            "import scipy.stats, altair\n"
            "print(scipy.stats.entropy is kl.stats.entropy, type(sys.modules['altair']).__name__)")
    assert _run(code).split() == ["True", "True", "True", "module"]


def test_a_deferred_module_runs_once_on_first_read_of_an_attribute(tmp_path, monkeypatch):
    from analysis import startup

    (tmp_path / "counted").mkdir()
    (tmp_path / "counted" / "__init__.py").write_text("")
    (tmp_path / "counted" / "heavy.py").write_text("import sys\nsys.heavy_runs = getattr(sys, 'heavy_runs', 0) + 1\n"
                                                  "ANSWER = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("counted", "counted.heavy"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(sys, "heavy_runs", 0, raising=False)
    startup.defer("counted.heavy")
    import counted.heavy as again
    from counted import heavy  # bound, not run

    assert sys.heavy_runs == 0 and heavy is again
    assert heavy.ANSWER == 42 and again.ANSWER == 42 and sys.heavy_runs == 1
    import counted.heavy as real

    assert real is not heavy and real.ANSWER == 42 and sys.heavy_runs == 1
    startup.defer("counted.heavy")  # already imported: left as it is
    assert sys.modules["counted.heavy"] is real


def test_seaborn_is_imported_without_scipy_stats_which_imports_normally_afterwards():
    code = ("import sys\nfrom analysis import startup\nsns = startup.import_seaborn()\n"
            "print(*(name in sys.modules for name in ('seaborn', 'scipy.stats', 'scipy.cluster')))\n"
            "import scipy.stats\nprint(round(float(scipy.stats.norm.cdf(0)), 2), hasattr(sns, 'heatmap'))")
    assert _run(code).split() == ["True", "False", "False", "0.5", "True"]


def test_great_expectations_imports_on_a_thread_and_a_failure_there_is_raised_by_the_callers_import():
    code = ("import threading\nfrom analysis import startup\ncalls, real = [], startup._import_great_expectations\n"
            "def flaky():\n"
            "    calls.append(threading.current_thread().name)\n"
            "    if threading.current_thread().name != 'MainThread':\n"
            "        raise RuntimeError('the import on the thread failed')\n"
            "    raise ImportError('no module named great_expectations (the caller sees this)')\n"
            "startup._import_great_expectations = flaky\nstartup.start_importing_great_expectations()\n"
            "try:\n    startup.import_great_expectations()\nexcept ImportError as exc:\n    print(calls, 'ImportError')\n")
    assert _run(code).split() == ["['import-great-expectations',", "'MainThread']", "ImportError"]
