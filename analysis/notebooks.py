"""Execute a step notebook (a Jupytext percent script in notebooks/) and keep the executed copy,
so the report and reviewers can see exactly what ran. Notebooks stay thin: they call `analysis`.

    python -m analysis.notebooks notebooks/03_gap_analysis.py reports/_build/notebooks/03_gap_analysis.ipynb
    python -m analysis.notebooks notebooks/04_region_profile.py out.ipynb -p region_code=451000

Parameters follow the papermill convention: the cell tagged ``parameters`` holds the defaults and
a cell with the given values is inserted after it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .atomic import write_text_atomic
from .paths import project_root


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


def execute(notebook, cwd: Path, timeout: int = 600) -> None:
    """Run every cell with nbclient in ``cwd``; the 'python3' kernel runs in this interpreter (.venv)."""
    from nbclient import NotebookClient

    NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(cwd)}}).execute()


def execute_script(source: Path, parameters: dict[str, str] | None = None, timeout: int = 600):
    """Read a percent script and execute it in the project root."""
    import nbformat

    notebook = read_script(source)
    inject_parameters(notebook, parameters or {})
    execute(notebook, project_root(), timeout)
    return notebook, nbformat


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    parameters = {}
    while "-p" in args:
        i = args.index("-p")
        key, _, value = args[i + 1].partition("=")
        parameters[key] = value
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source, target = Path(args[0]), Path(args[1])
    try:
        notebook, nbformat = execute_script(source, parameters)
    except Exception as exc:  # an error in a cell: show which notebook failed, keep no partial output
        print(f"error: {source}: {exc}", file=sys.stderr)
        return 1
    write_text_atomic(target, nbformat.writes(notebook))
    print(f"executed {source} -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
