"""Start-up costs the pipeline does not pay: optional imports of third-party packages that no step uses.

Every step is a fresh interpreter, so an import paid at start is paid at every step of every build
(``make bench`` measures them; ``tests/code/test_startup.py`` asserts each by its effect).

* ``rfc3987_syntax``: jsonschema (imported by Great Expectations through altair, and by nbformat and
  nbclient) imports it whenever it is installed, only to check the "iri" string format, which no schema
  here asks for; building its grammar costs ~0.9 s. A None entry in ``sys.modules`` makes that optional
  import fail at once, exactly as if the package were not installed (jsonschema then skips "iri").
* ``scipy.stats`` and ``altair``: Great Expectations imports both at start for two expectations (KL
  divergence, KS test) and their charts, which no suite here uses; together ~1.5 s of its ~3.5 s import.
  :func:`defer` stands a module in until one of its attributes is read, so a suite that does use those
  expectations still gets the real module, loaded on first use.
* ``scipy.stats`` and ``scipy.cluster`` for seaborn: seaborn imports them at start only for kernel
  density estimates and clustermaps; the figures draw neither (one ``sns.heatmap``). :func:`import_seaborn`
  imports seaborn while they cannot be imported (~1 s less): seaborn then uses its bundled copy of
  scipy's ``gaussian_kde``, as it does where scipy is missing, and ``clustermap`` says it needs scipy.
  Afterwards both import normally for any other code.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
import threading
import types

NEVER_USED = ("rfc3987_syntax",)
USED_ONLY_BY_EXPECTATIONS_WE_DO_NOT_RUN = ("scipy.stats", "altair")
USED_ONLY_BY_SEABORN_PLOTS_WE_DO_NOT_DRAW = ("scipy.stats", "scipy.cluster")


def skip_unused_optional_imports() -> None:
    """Make the optional imports in NEVER_USED fail at once (as if not installed)."""
    for name in NEVER_USED:
        sys.modules.setdefault(name, None)


class Deferred(types.ModuleType):
    """Stands in for a module in ``sys.modules`` until an attribute of it is read, then imports the real
    module, takes its place and answers from it.

    The import system only reads ``__spec__`` (to see whether the module is still initialising), which a
    stand-in has, so ``import x`` and ``from p import x`` bind the stand-in without running ``x``. Code
    that reads any other attribute of every module in ``sys.modules`` loads the real one (correct, only
    slower). Once loaded, the stand-in answers from a copy of the module's names: a later change to the
    module's attributes (a test's monkeypatch) is not seen through it.
    """

    def __init__(self, name: str, spec) -> None:
        super().__init__(name)
        self.__spec__ = spec

    def __getattr__(self, attribute: str):
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        real = importlib.import_module(name)
        self.__dict__.update(real.__dict__)  # later reads through this stand-in find the real values
        return getattr(real, attribute)


def defer(*names: str) -> None:
    """Put a :class:`Deferred` stand-in in ``sys.modules`` for each module not imported yet."""
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)  # imports the parent package only (scipy: a few ms)
        if spec is not None:
            sys.modules[name] = Deferred(name, spec)


def import_great_expectations():
    """``great_expectations``, imported without running the modules only its unused expectations need
    (waiting for :func:`start_importing_great_expectations` if one is under way)."""
    finish_background_import()
    _before_importing_great_expectations()
    return _import_great_expectations()


def _before_importing_great_expectations() -> None:
    """On the caller's thread: the environment is written before any other thread may read it."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    defer(*USED_ONLY_BY_EXPECTATIONS_WE_DO_NOT_RUN)


def _import_great_expectations():
    import great_expectations

    return great_expectations


def finish_background_import() -> None:
    """Wait for :func:`start_importing_great_expectations`, if it started one."""
    if _background_import is not None:
        _background_import.join()


_background_import: threading.Thread | None = None


def start_importing_great_expectations() -> None:
    """Import great_expectations on a thread while the caller prepares its frames: GX's import (~2.5 s,
    one core) then overlaps polars' work, which releases the interpreter lock while it runs on the other
    core (2 s less of 11 s at national scale). :func:`import_great_expectations` waits for it; if this
    import fails, that call imports again and raises the error where it can be reported."""
    global _background_import
    if _background_import is None and "great_expectations" not in sys.modules:
        _before_importing_great_expectations()

        def attempt() -> None:
            with contextlib.suppress(BaseException):  # the caller's own import raises it again
                _import_great_expectations()

        _background_import = threading.Thread(target=attempt, name="import-great-expectations", daemon=True)
        _background_import.start()


def import_seaborn():
    """``seaborn``, imported without ``scipy.stats`` and ``scipy.cluster`` (see the module docstring)."""
    if "seaborn" in sys.modules:
        return sys.modules["seaborn"]
    blocked = [name for name in USED_ONLY_BY_SEABORN_PLOTS_WE_DO_NOT_DRAW if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # "import" of a None entry raises ImportError at once
    try:
        import seaborn
    finally:
        for name in blocked:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]
    return seaborn
