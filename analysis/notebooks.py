"""Execute a step notebook (a Jupytext percent script in notebooks/) and keep the executed copy,
so the report and reviewers can see exactly what ran. Notebooks stay thin: they call `analysis`.

    python -m analysis.notebooks notebooks/03_gap_analysis.py reports/_build/notebooks/03_gap_analysis.ipynb
    python -m analysis.notebooks notebooks/04_region_profile.py out.ipynb -p region_code=451000
    python -m analysis.notebooks notebooks/04_region_profile.py 'out-{region_code}.ipynb' --each region_code=451000,530600

Parameters follow the papermill convention: the cell tagged ``parameters`` holds the defaults and
a cell with the given values is inserted after it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from .atomic import write_text_atomic
from .cli import step_command
from .errors import InputError
from .paths import project_root

PROFILE = "04_region_profile"  # run once per plan region (the Makefile's PLAN_REGIONS)


def executed_names(plan_regions: set[str]) -> list[str]:
    """The executed notebooks a build makes (reports/_build/notebooks/<name>.ipynb): each step notebook, the
    region profile once per plan region. Derived from the sources, not globbed from disk: the report renders
    while the notebooks run, so a glob listed whichever had finished (two builds, two reports)."""
    names = []
    for source in (project_root() / "notebooks").glob("[0-9]*.py"):
        names += [f"{PROFILE}-{r}" for r in plan_regions] if source.stem == PROFILE else [source.stem]
    return sorted(names)


def inject_parameters(notebook, parameters: dict[str, str]) -> None:
    """Insert the given values after the cell tagged 'parameters' (papermill's convention)."""
    import nbformat

    if not parameters:
        return
    index = next((i for i, cell in enumerate(notebook.cells)
                  if "parameters" in cell.get("metadata", {}).get("tags", [])), None)
    if index is None:
        raise ValueError("the notebook has no cell tagged 'parameters'")
    source = "# Injected parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in sorted(parameters.items()))
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    cell.id = "injected-parameters"  # nbformat draws a random id; the executed copy must be byte-stable
    notebook.cells.insert(index + 1, cell)


def read_script(source: Path):
    """A percent script as a notebook for this interpreter's kernel, with stable cell ids (jupytext draws
    random ones), so the same source always gives the same notebook."""
    import jupytext

    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number:03d}"
    return notebook


class NotebookError(InputError):
    """A cell failed: the notebook's name and the error, in one line (the executed copy is not written)."""


def execute(notebook, cwd: Path, timeout: int = 600, name: str = "notebook") -> None:
    """Run every cell with nbclient in ``cwd``; the 'python3' kernel runs in this interpreter (.venv)."""
    execute_in_one_kernel([(notebook, name)], cwd, timeout)


def execute_in_one_kernel(runs: list[tuple[object, str]], cwd: Path, timeout: int = 600) -> None:
    """Run each (notebook, name) in turn in one kernel, every cell with nbclient in ``cwd``.

    Starting a kernel and importing polars and the project costs ~2 s; the region profile runs once per
    plan region. Between two notebooks the kernel forgets the names the first defined, which warnings it
    showed, and counts cells from 1 again (:func:`_forget`), so each executed copy of the region profile
    is what a kernel of its own gives (a test compares the bytes); imported modules stay, which is the
    saving. Every notebook runs in the first one's working folder.

    The kernel talks over IPC sockets in a private temporary folder, not TCP ports: two builds at once
    cannot take each other's port, and nothing is sent unencrypted over the network stack."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    with tempfile.TemporaryDirectory(prefix="edugap-kernel-") as sockets:
        manager = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
        try:
            for number, (notebook, name) in enumerate(runs):
                if number:
                    _forget(manager, timeout)
                client = NotebookClient(notebook, km=manager, timeout=timeout, kernel_name="python3",
                                        record_timing=False, resources={"metadata": {"path": str(cwd)}})
                try:
                    client.execute()
                except CellExecutionError as exc:
                    raise NotebookError(name, f"a cell failed: {exc.ename}: {exc.evalue}") from exc
                except (CellTimeoutError, DeadKernelError) as exc:
                    raise NotebookError(name, f"the kernel stopped: {' '.join(str(exc).split())[:300]}") from exc
                finally:
                    if client.kc is not None:
                        client.kc.stop_channels()
        finally:
            if manager.has_kernel:
                manager.shutdown_kernel()


FORGET = """\
get_ipython().run_line_magic('reset', '-f')
get_ipython().execution_count = 1
import warnings as _warnings
_filters = _warnings.filters[:]
_warnings.resetwarnings()  # forgets which warnings were shown once (every module's registry), then
_warnings.filters[:] = _filters  # the same filters again
del _warnings, _filters
"""


def _forget(manager, timeout: int) -> None:
    """Clear the kernel's user names and history, restart its cell count and forget which warnings it
    has shown (silently: no output, no count of its own). What stays: imported modules and their own
    state (polars' and matplotlib's settings, caches, the working folder); the notebooks run here set
    what they need themselves."""
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=timeout)
        reply = client.execute_interactive(FORGET, silent=True, store_history=False, timeout=timeout)
        if reply["content"]["status"] != "ok":
            raise NotebookError("kernel", f"could not reset the kernel between notebooks: {reply['content']}")
    finally:
        client.stop_channels()


def prepared(source: Path, parameters: dict[str, str] | None = None):
    """The percent script as a notebook, with ``parameters`` injected."""
    notebook = read_script(source)
    inject_parameters(notebook, parameters or {})
    return notebook


def execute_script(source: Path, parameters: dict[str, str] | None = None, timeout: int = 600):
    """Read a percent script and execute it in the project root."""
    import nbformat

    notebook = prepared(source, parameters)
    execute(notebook, project_root(), timeout, name=str(source))
    return notebook, nbformat


def run(source: Path, target: Path, parameters: dict[str, str] | None = None) -> Path:
    """The step: execute one notebook, keep the executed copy (nothing is written if a cell fails)."""
    notebook, nbformat = execute_script(source, parameters)
    return write_text_atomic(target, nbformat.writes(notebook))


def run_each(source: Path, target: str, name: str, values: list[str],
             parameters: dict[str, str] | None = None) -> list[Path]:
    """The step for a parameterised notebook: one executed copy per value of ``name`` (``target`` holds
    ``{name}``), all in one kernel; nothing is written unless every copy ran."""
    import nbformat

    placeholder = "{" + name + "}"
    if placeholder not in target:
        raise click.BadParameter(f"TARGET must contain {placeholder} to name one copy per value", param_hint="TARGET")
    runs = [(prepared(source, {**(parameters or {}), name: value}), f"{source} ({name}={value})") for value in values]
    execute_in_one_kernel(runs, project_root())
    return [write_text_atomic(Path(target.replace(placeholder, value)), nbformat.writes(notebook))
            for value, (notebook, _) in zip(values, runs)]


def _parameter(ctx, param, values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key.isidentifier():
            raise click.BadParameter(f"{value!r} is not NAME=VALUE")
        pairs[key] = val
    return pairs


def _each(ctx, param, value: str | None) -> tuple[str, list[str]] | None:
    if value is None:
        return None
    key, sep, listed = value.partition("=")
    values = listed.split(",")
    if not sep or not key.isidentifier() or not all(values):
        raise click.BadParameter(f"{value!r} is not NAME=VALUE,VALUE,...")
    if len(set(values)) != len(values):
        raise click.BadParameter(f"{value!r} names a value twice (each value is one executed copy)")
    return key, values


@step_command("notebook")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("target", type=click.Path(dir_okay=False))
@click.option("-p", "parameters", multiple=True, callback=_parameter, metavar="NAME=VALUE",
              help="a parameter injected after the cell tagged 'parameters' (repeatable)")
@click.option("--each", "each", callback=_each, metavar="NAME=VALUE,VALUE,...",
              help="one executed copy per value, all in one kernel; TARGET names them with {NAME}")
def main(source: Path, target: str, parameters: dict[str, str], each: tuple[str, list[str]] | None) -> None:
    """Execute the percent script SOURCE as a notebook and write the executed copy to TARGET."""
    if each:
        for written in run_each(source, target, *each, parameters=parameters):
            print(f"executed {source} -> {written}")
        return
    run(source, Path(target), parameters)
    print(f"executed {source} -> {target}")


if __name__ == "__main__":
    sys.exit(main())
