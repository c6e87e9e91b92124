"""The command line: one entry for every step, help that explains itself, exit codes a script can trust."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis import cli
from tests.conftest import REPO


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis.cli", *args], cwd=REPO, capture_output=True, text=True)


def test_help_lists_every_command_without_importing_the_steps():
    done = run("--help")
    assert done.returncode == 0
    for name in cli.COMMANDS:
        assert name in done.stdout
    assert "polars" not in subprocess.run(
        [sys.executable, "-c", "import sys, analysis.cli as c; c.main(['--help']); print(sorted(sys.modules))"],
        cwd=REPO, capture_output=True, text=True).stdout


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_every_command_explains_itself(name):
    done = run(name, "--help")
    assert done.returncode == 0, done.stderr
    assert f"Usage: edugap {name}" in done.stdout


def test_unknown_option_and_unknown_command_exit_2_with_one_message():
    for args in (("assess", "--bogus"), ("no-such-command",)):
        done = run(*args)
        assert done.returncode == 2
        assert "Error:" in done.stderr and "Traceback" not in done.stderr


def test_bad_input_is_one_error_line_and_exit_1(tree):
    import os

    env = dict(os.environ, EDUGAP_ROOT=str(tree))
    (tree / "data/raw/statistics/observations.csv").write_text("region_code\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "analysis.cli", "verify"], cwd=REPO, capture_output=True,
                          text=True, env=env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: data/raw/statistics/observations.csv: checksum mismatch")


def test_a_programming_error_keeps_its_traceback(monkeypatch, capsys):
    """Only bad input becomes a one-line error; a bug must show where it is."""
    import click

    @cli.step_command("boom")
    def boom():
        raise ZeroDivisionError("a bug")

    with pytest.raises(ZeroDivisionError):
        boom([])
    assert isinstance(boom, click.Command)


def test_step_commands_return_exit_codes_when_called(capsys):
    assert cli.main(["verify", "--help"]) == 0
    assert cli.main(["verify", "--nope"]) == 2
