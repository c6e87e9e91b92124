"""Rendering: Quarto when a ``quarto`` binary is on PATH, otherwise the Jupyter fallback (jupytext →
nbclient → nbconvert); either way the page names the renderer that actually ran, and the build fails if
the result is not one self-contained file."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click
import yaml

from ..atomic import write_text_atomic
from ..cli import step_command
from ..figures import FigureError
from ..notebooks import NotebookError, execute, read_script
from ..paths import project_root, relative, reports_dir
from .inputs import ENV_PROCESSED, ReportError, input_dir, load_inputs
from .offline import external_resources
from .provenance import ENV_RENDERER, git_commit, snapshot_id

SOURCE = "index.py"

OUTPUT = Path("_site") / "index.html"

NOTEBOOK = Path("_build") / "index.ipynb"


def quarto_version() -> str | None:
    quarto = shutil.which("quarto")
    if not quarto:
        return None
    done = subprocess.run([quarto, "--version"], capture_output=True, text=True, timeout=60)
    return done.stdout.strip() if done.returncode == 0 else None


def _versions() -> tuple[str, str]:
    import nbclient
    import nbconvert

    return nbclient.__version__, nbconvert.__version__


def _environment(label: str) -> dict:
    env = dict(os.environ, **{ENV_RENDERER: label, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    env[ENV_PROCESSED] = str(input_dir())  # absolute: the kernel runs in reports/
    env["EDUGAP_ROOT"] = str(project_root())
    # The kernel imports this very code, whatever an installed copy points at.
    code = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [code, os.environ.get("PYTHONPATH")]))
    return env


def _notebook_from_source(source: Path):
    """The percent script as a notebook; the YAML header cell becomes a title block for nbconvert."""
    import nbformat

    nb = read_script(source)
    first = nb.cells[0] if nb.cells else None
    if first is not None and first.cell_type == "markdown" and first.source.lstrip().startswith("---"):
        header = yaml.safe_load(first.source.strip().strip("-")) or {}
        nb.metadata["title"] = header.get("title", "Report")
        subtitle = f"\n\n*{header['subtitle']}*" if header.get("subtitle") else ""
        title = nbformat.v4.new_markdown_cell(f"# {header.get('title', 'Report')}{subtitle}")
        title.id = first.id
        nb.cells[0] = title
    return nb


def render_fallback(source: Path, label: str) -> str:
    """Execute the percent script with nbclient (kernel = this interpreter); the page as one HTML text."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = _notebook_from_source(source)
    saved, environment = dict(os.environ), _environment(label)
    os.environ.clear()
    os.environ.update(environment)
    try:
        try:
            execute(nb, source.parent, name=relative(source))
        except NotebookError as exc:
            raise ReportError(f"executing {relative(source)} failed: {exc.detail}") from exc
    finally:
        os.environ.clear()
        os.environ.update(saved)
    write_text_atomic(source.parent / NOTEBOOK, nbformat.writes(nb) + "\n")
    assets = source.parent / "assets"
    exporter = HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(assets)],
        template_file="edugap.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(
        nb, resources={"edugap_css": (assets / "report.css").read_text(encoding="utf-8")}
    )
    # The page is mainly Chinese (English passages say lang="en"); nbconvert knows only two-letter codes.
    return re.sub(r'<html lang="[^"]*">', '<html lang="zh-CN">', body, count=1)


def render_quarto(source: Path, output: Path, label: str) -> None:
    """``quarto render`` of the same source; _quarto.yml asks for one self-contained HTML file."""
    done = subprocess.run(
        [shutil.which("quarto"), "render", source.name, "--to", "html"],
        cwd=source.parent,
        env=_environment(label) | {"QUARTO_PYTHON": sys.executable},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise ReportError(f"quarto render failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    if not output.exists():
        raise ReportError(f"quarto render did not write {relative(output)}")


def render(renderer: str = "auto") -> tuple[Path, str, float]:
    """Render the report; return (output path, renderer label, seconds). A page that is not self-contained
    or does not name its renderer is never published (the fallback's last good page stays)."""
    from ..figures import cjk_font

    cjk_font()  # fail before the long part if figures would draw empty boxes
    load_inputs()  # and if an input is missing or broken: a one-line error instead of a kernel traceback
    source = reports_dir() / SOURCE
    output = reports_dir() / OUTPUT
    version = quarto_version()
    if renderer == "quarto" and version is None:
        raise ReportError("--renderer quarto: no working `quarto` on PATH")
    start = time.perf_counter()
    if renderer in ("auto", "quarto") and version is not None:
        label = f"Quarto {version}"
        render_quarto(source, output, label)
        page = output.read_text(encoding="utf-8")
    else:
        why = (
            "Quarto was not available" if version is None else "Quarto was available but not used (--renderer jupyter)"
        )
        nbclient_v, nbconvert_v = _versions()
        label = f"the Jupyter fallback (nbclient {nbclient_v}, nbconvert {nbconvert_v}) — {why}"
        page = render_fallback(source, label)
    seconds = time.perf_counter() - start
    loads = external_resources(page)
    problem = None
    if loads:
        listing = "; ".join(f"<{t} {a}={u}>" for t, a, u in loads[:10])
        problem = f"is not self-contained ({len(loads)} external loads: {listing})"
    elif f"Rendered by {label}" not in html.unescape(page):
        problem = f"does not name its renderer ({label!r}) in the footer"
    if problem:
        if renderer_wrote_it := output.exists() and label.startswith("Quarto"):
            output.unlink()
        raise ReportError(f"{relative(output)} {problem}; " + ("removed" if renderer_wrote_it else "not written"))
    write_text_atomic(output, page)
    return output, label, seconds


def check_page(html_file: Path) -> int:
    """List the external resource loads of a page; 1 if there is any."""
    loads = external_resources(Path(html_file).read_text(encoding="utf-8"))
    for tag, attr, url in loads:
        print(f"{tag}\t{attr}\t{url}")
    if loads:
        print(f"error: {html_file}: {len(loads)} external resource loads", file=sys.stderr)
        return 1
    print(f"{html_file}: self-contained (no external resource loads)")
    return 0


@step_command("report")
@click.option(
    "--renderer",
    type=click.Choice(["auto", "quarto", "jupyter"]),
    default="auto",
    show_default=True,
    help="auto: Quarto when installed, else the Jupyter fallback",
)
@click.option(
    "--check",
    "check",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="HTML",
    help="only list the external resource loads of HTML",
)
def main(renderer: str, check: Path | None) -> int:
    """Render the HTML report (Quarto if installed, else the Jupyter fallback): reports/_site/index.html."""
    if check:
        return check_page(check)
    try:
        output, label, seconds = render(renderer)
    except (ReportError, FigureError) as exc:
        print(f"error: {str(exc).strip()}", file=sys.stderr)
        return 1
    print(f"Rendered by {label}")
    print(f"git commit {git_commit()}; raw-data snapshot {snapshot_id()}")
    print(f"wrote {relative(output)} ({output.stat().st_size:,} bytes) in {seconds:.1f} s")
    return 0
