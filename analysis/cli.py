"""The ``edugap`` command line: every step of the pipeline, and the tools a researcher uses on the way.

``make`` calls these same commands, so both ways give the same result. Each step module defines its
command with :func:`step_command`; this module only lists them, so ``edugap --help`` stays instant (a
step's heavy imports happen when that step runs).

Exit codes: 0 done, 1 bad input (one ``error: file, row, column: …`` line), 2 bad usage.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable

import click

from .errors import InputError

# name -> (module defining it, attribute, one-line help shown by `edugap --help`)
COMMANDS = {
    "verify": ("analysis.snapshot", "verify", "Check every raw file against its recorded sha256."),
    "record": ("analysis.snapshot", "record_cli", "Record the checksum (and metadata template) of a raw file."),
    "normalize": ("analysis.normalize", "main", "Normalize plan texts into data/interim/texts."),
    "register": ("analysis.register", "main", "Prove every register row by its quote; write targets."),
    "check": ("analysis.register", "check", "Check the register (or a draft register file) and list every problem."),
    "draft": ("analysis.draft", "main", "Draft register rows from any plan text, for review."),
    "candidates": ("analysis.candidates", "main", "List numeric candidates and check the register covers them."),
    "framework": ("analysis.framework", "main", "Measure comparability: indicators shared by plans, targets by theme."),
    "crosswalk": ("analysis.crosswalk", "main", "Map a CSV's older indicator ids onto today's catalogue."),
    "statistics": ("analysis.statistics", "main", "Load the official statistics into data/processed."),
    "validate": ("analysis.validation", "main", "Run the Great Expectations suites."),
    "assess": ("analysis.assess.step", "main", "Assess every target against the official figures."),
    "searches": ("analysis.searches", "main", "Link the search trail to the targets: one outcome per target."),
    "datapackage": ("analysis.datapackage", "main", "Describe data/processed as a Frictionless data package."),
    "notebook": ("analysis.notebooks", "main", "Execute a step notebook and keep the executed copy."),
    "report": ("analysis.report.render", "main", "Render the HTML report (Quarto if installed, else Jupyter)."),
    "version": ("analysis.versions", "main", "Check and print the data snapshot's version (CHANGELOG.md)."),
    "diff": ("analysis.diff", "main", "What changed between two snapshots (revisions, archives, directories)."),
    "release": ("analysis.release", "main", "Write the citable archive dist/edugap-<version>.tar.gz."),
}


class StepCommand(click.Command):
    """A click command that, called as a function, returns an exit code instead of exiting: what
    ``python -m analysis.<step>`` and the tests use. Bad input is one line on stderr, exit 1."""

    def __call__(self, args: list[str] | None = None) -> int:
        return run_click(self, args)


class StepGroup(click.Group):
    """A group with the same calling convention (``python -m analysis.snapshot verify``)."""

    command_class = StepCommand

    def __call__(self, args: list[str] | None = None) -> int:
        return run_click(self, args)


def run_click(command: click.Command, args: list[str] | None) -> int:
    """Run a click command; map its outcome to an exit code. A programming error keeps its traceback."""
    try:
        result = command.main(args=list(sys.argv[1:] if args is None else args), prog_name=_prog(command),
                              standalone_mode=False)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the machine, not the code: a read-only folder, a full disk, a missing path
        where = exc.filename or ""
        print(f"error: {relative_name(where)}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        print("aborted", file=sys.stderr)
        return 1
    return result if isinstance(result, int) else 0


def relative_name(path) -> str:
    from .paths import relative

    return relative(path) if path else "(no file)"


def _prog(command: click.Command) -> str:
    return "edugap" if command.name in (None, "edugap") else f"edugap {command.name}"


def step_command(name: str, **settings) -> Callable[[Callable], StepCommand]:
    """Declare a step's command: ``@step_command("assess")`` over a function documented by its docstring,
    with click options as needed. Unknown options are an error (exit 2)."""
    return click.command(name, cls=StepCommand, **settings)


class LazyGroup(click.Group):
    """``edugap``: commands are imported only when run, their one-line help is listed from COMMANDS."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[name]
        command = getattr(importlib.import_module(module), attribute)
        command.name = name
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][2]) for name in sorted(COMMANDS)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="edugap", prog_name="edugap")
def edugap() -> None:
    """edugap: how Chinese regions are doing against the quantitative targets of their education plans.

    `make` runs the whole pipeline; each step is also a command here.
    """


def main(args: list[str] | None = None) -> int:
    """Console-script entry point."""
    return run_click(edugap, args)


if __name__ == "__main__":
    sys.exit(main())
