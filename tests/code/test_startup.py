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
