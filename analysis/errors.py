"""One error type for bad input, so every message names the file, the row and the column."""

from __future__ import annotations


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
