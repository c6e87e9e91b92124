"""One error type for bad input, so every message names the file, the row and the column."""

from __future__ import annotations

import functools
import sys


class InputError(ValueError):
    """Raised when an input file is wrong. The message says where and what, so a researcher can fix it."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.detail = str(file), row, column, message
        where = self.file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")


class ChecksumError(InputError):
    """A raw file differs from its recorded snapshot (or is missing): the build must stop."""


def command(main):
    """Wrap a module's ``main``: bad input becomes one ``error: file, row, column: ...`` line and exit 1,
    never a traceback, so a researcher sees at once what to fix."""

    @functools.wraps(main)
    def run(argv: list[str] | None = None) -> int:
        try:
            return main(list(sys.argv[1:] if argv is None else argv)) or 0
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1

    return run
