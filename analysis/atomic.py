"""Atomic, deterministic writes: a failed step never leaves a half-written file behind."""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write to a temporary file in the same folder, then rename over the target."""
    return publish([(Path(path), bytes_writer(data))])[0]


def write_text_atomic(path: Path, text: str) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"))


def json_bytes(payload: Any) -> bytes:
    """Sorted keys and a trailing newline, so the same payload always gives the same bytes."""
    return (json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def write_json_atomic(path: Path, payload: Any) -> Path:
    return write_bytes_atomic(path, json_bytes(payload))


def csv_writer(frame: pl.DataFrame) -> Callable[[Path], None]:
    """CSV with '\n' line ends; polars writes floats the same way every run, so bytes are stable."""
    return lambda tmp: tmp.write_bytes(frame.write_csv(line_terminator="\n").encode("utf-8"))


def parquet_writer(frame: pl.DataFrame) -> Callable[[Path], None]:
    """Parquet without statistics; polars writes no creation time, so bytes are stable. Encoded in memory,
    then written by Python: polars reports a full disk as a ComputeError (a traceback), Python as OSError
    (one line naming the file)."""
    def write(tmp: Path) -> None:
        buffer = io.BytesIO()
        frame.write_parquet(buffer, compression="zstd", statistics=False)
        tmp.write_bytes(buffer.getbuffer())
    return write


def bytes_writer(data: bytes) -> Callable[[Path], None]:
    return lambda tmp: tmp.write_bytes(data)


def copy_writer(source: Path) -> Callable[[Path], None]:
    """The bytes of an existing file (a staged table being published), copied without reading it into memory."""
    return lambda tmp: shutil.copyfile(source, tmp)


# Fault injection for the tests: stop the process (as a kill would) after this many renames of a publish.
KILL_AFTER = "EDUGAP_TEST_KILL_AFTER_RENAMES"


def publish(outputs: list[tuple[Path, Callable[[Path], None]]]) -> list[Path]:
    """Write every output to a temporary file beside it, then rename them all, in the order given.

    Put a step's make target last: a kill part-way through leaves the target older than the files it
    depends on (or absent), so the next ``make`` re-runs the step instead of trusting a fresh-looking mix.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, write in outputs:
            path = Path(path)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a killed run
                    stale.unlink(missing_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
                os.close(fd)
                staged.append((tmp, path))
                write(Path(tmp))
                os.chmod(tmp, 0o644)
            except OSError as exc:  # name the output (not its temporary, nor the staged file copied into it)
                raise OSError(exc.errno, exc.strerror, str(path)) from exc
        kill_after = int(os.environ.get(KILL_AFTER, "-1"))
        for done, (tmp, path) in enumerate(staged):
            if done == kill_after:
                os._exit(137)
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    return [path for _, path in staged]
