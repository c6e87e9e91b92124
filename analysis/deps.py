"""The Makefile's generated part: each step's code prerequisites, read from its imports, and one
normalization rule per plan, read from the plans' metadata.

Hand-kept prerequisite lists drift (a module a step imports is forgotten, and a change to it does not
rebuild the step); these are derived instead. Data never reaches make unchecked: a document id or region
code that is not of the expected form stops here with file and field, so nothing from a data file is
ever evaluated by make or a shell.

    python -m analysis.deps > data/interim/make.mk    (the Makefile does this when code or plans change)
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from .errors import InputError
from .metadata import validate_meta
from .paths import project_root
from .yamlfile import read_yaml

# make variable -> entry modules (dotted) or Python scripts whose imports define that step's code
ENTRIES = {
    "CODE_SNAPSHOT": ["analysis.snapshot"],
    "CODE_NORMALIZE": ["analysis.normalize"],
    "CODE_REGISTER": ["analysis.register"],
    "CODE_CANDIDATES": ["analysis.candidates"],
    "CODE_STATISTICS": ["analysis.statistics"],
    "CODE_VALIDATE": ["analysis.validation"],
    "CODE_ASSESS": ["analysis.assess.step"],
    "CODE_SEARCHES": ["analysis.searches"],
    "CODE_DATAPACKAGE": ["analysis.datapackage"],
    "CODE_NOTEBOOKS": ["analysis.notebooks", "notebooks"],
    "CODE_REPORT": ["analysis.report.render", "reports/index.py"],
}
DOCUMENT_ID = re.compile(r"^[0-9]{3}-[a-z0-9][a-z0-9-]*$")
REGION_CODE = re.compile(r"^[0-9]{6}$")
SAFE_PATH = re.compile(r"^[A-Za-z0-9_./-]+$")  # what make can take as a file name without quoting


def module_path(name: str, root: Path) -> Path | None:
    """File of a dotted module inside the project (a package's __init__.py), None if outside."""
    base = root / Path(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imports_of(path: Path, root: Path) -> set[str]:
    """Project modules a file imports (anywhere in it, including imports inside functions)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    package = parts if path.name == "__init__.py" else parts[:-1]  # what `from .` means here
    if package and package[-1] == "__init__":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}  # `from . import x` imports module x
    return {name for name in found if name.split(".")[0] in ("analysis", "benchmarks")}


def closure(entries: list[str], root: Path) -> list[str]:
    """Every project file the entries import, transitively, with the packages' __init__ files."""
    todo: list[Path] = []
    for entry in entries:
        if (root / entry).is_dir():
            todo += sorted((root / entry).glob("*.py"))
        elif entry.endswith(".py"):
            todo.append(root / entry)
        else:  # a module runs its packages' __init__ first
            parts = entry.split(".")
            todo += [module_path(".".join(parts[:i]), root) for i in range(1, len(parts) + 1)]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path is None or path in seen:
            continue
        seen.add(path)
        for name in imports_of(path, root):
            parts = name.split(".")
            for i in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ too
                todo.append(module_path(".".join(parts[:i]), root))
    scripts = {root / e for e in entries if e.endswith(".py")} | {p for e in entries if (root / e).is_dir()
                                                                 for p in (root / e).glob("*.py")}
    return sorted(p.relative_to(root).as_posix() for p in seen - scripts)  # scripts are prerequisites already


def plans(root: Path) -> list[tuple[str, str, str | None]]:
    """(text file, document_id, region_code) of every plan, each checked before make sees it."""
    found = []
    for text in sorted((root / "data/raw/policies").glob("*.txt")):
        meta = text.with_name(text.name + ".meta.yaml")
        name = meta.relative_to(root).as_posix()
        if not SAFE_PATH.match(text.relative_to(root).as_posix()):
            raise InputError(text.relative_to(root).as_posix(), "file name may hold only letters, digits and . _ - /")
        if not meta.exists():
            raise InputError(text.relative_to(root).as_posix(), f"no metadata file {meta.name} beside it; run "
                             f"`edugap record {text.relative_to(root).as_posix()}` and fill in its origin")
        record = read_yaml(meta, name) or {}
        record = validate_meta(record, name, plan=True)  # the plan schema: id and code are safe for make
        document_id, region = record["document_id"], record["region_code"]
        if not DOCUMENT_ID.match(document_id) or not (region is None or REGION_CODE.match(region)):
            raise InputError(name, "document_id or region_code not of the form make can take")  # schema drift
        found.append((text.relative_to(root).as_posix(), document_id, region))
    return found


def makefile_fragment(root: Path | None = None) -> str:
    root = root or project_root()
    lines = ["# Generated by `python -m analysis.deps`: do not edit; the Makefile regenerates it.", ""]
    for variable, entries in ENTRIES.items():
        lines.append(f"{variable} := {' '.join(closure(entries, root))}")
    documents = plans(root)
    lines += ["", f"NORMALIZED := {' '.join(f'data/interim/texts/{d}.txt' for _, d, _ in documents)}",
              f"PLAN_REGIONS := {' '.join(sorted({r for _, _, r in documents if r}))}", ""]
    for text, document_id, _ in documents:
        lines += [f"data/interim/texts/{document_id}.txt: {text} {text}.meta.yaml $(ERRATA) $(CODE_NORMALIZE) "
                  "| $(STAMP)", f"\t$(EDUGAP) normalize {document_id}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    try:
        sys.stdout.write(makefile_fragment())
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
