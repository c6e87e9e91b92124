"""The assessment's parameters (``params.yaml``), read and checked in one place.

Changing one is a deliberate, reviewed act: it changes the results. Every field is checked here, so a
typo gives one line naming the file and the field instead of a failure deep in a step.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import InputError
from .paths import project_root, relative
from .yamlfile import read_yaml

# field -> (lower bound, description); bounds are inclusive.
NUMBERS = {
    "on_track_ratio": (0.0, "R at or above which a target is on track"),
    "needs_acceleration_ratio": (0.0, "R at or above which a target needs acceleration"),
    "ceiling_threshold": (0.0, "rate targets (in %) at or above this use percentage-point progress"),
}
REQUIRED = ["as_of", *NUMBERS]


def params_path() -> Path:
    return project_root() / "params.yaml"


def load_params(path: Path | None = None) -> dict:
    """The parameters as a dict; ``as_of`` stays as written (YYYY-MM-DD), the ratios as numbers."""
    path = Path(path or params_path())
    name = relative(path)
    if not path.exists():
        raise InputError(name, "missing")
    params = read_yaml(path, name)
    if not isinstance(params, dict):
        raise InputError(name, "must be a mapping of parameter: value")
    return check_params(params, name)


def check_params(params: dict, name: str = "params.yaml") -> dict:
    """The same checks for parameters given in code (tests, the benchmark)."""
    for key in REQUIRED:
        if key not in params:
            raise InputError(name, f"missing parameter '{key}'", column=key)
    try:
        as_of_year(params)
    except (TypeError, ValueError):
        raise InputError(name, f"as_of {params['as_of']!r} is not a date written YYYY-MM-DD",
                         column="as_of") from None
    for key, (low, what) in NUMBERS.items():
        value = params[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
            raise InputError(name, f"{key} {value!r} is not a number ≥ {low} ({what})", column=key)
    minimum = params.setdefault("min_assessable_for_rate", 5)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise InputError(name, f"min_assessable_for_rate {minimum!r} is not a whole number ≥ 1",
                         column="min_assessable_for_rate")
    if params["needs_acceleration_ratio"] > params["on_track_ratio"]:
        raise InputError(name, "needs_acceleration_ratio is above on_track_ratio", column="needs_acceleration_ratio")
    return params


def as_of_year(params: dict) -> int:
    """The year the assessment speaks for: a target year before it has passed."""
    value = params["as_of"]
    if isinstance(value, dt.date):
        return value.year
    return dt.date.fromisoformat(str(value)).year
