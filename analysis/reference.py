"""The reference catalogues: regions (GB/T 2260) and indicators, read from data/raw/reference."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError
from .paths import raw_dir, relative
from .tables import ASCII_NUMBER, read_raw_csv, reject_formulas
from .vocabulary import DIRECTIONS, INDICATOR_KINDS, MEASURES, REGION_LEVELS

REGION_COLUMNS = ["region_code", "name_zh", "name_en", "level", "parent_code"]
INDICATOR_COLUMNS = ["indicator_id", "theme_id", "name_zh", "aliases_zh", "name_en", "definition",
                     "definition_source", "unit", "direction", "kind", "measure", "min", "max", "notes"]
THEME_COLUMNS = ["theme_id", "name_zh", "name_en", "description"]
# An indicator's definition is official (its source named) or the project's own, said so in so many words.
PROJECT_DEFINITION = "project definition"


def regions_path() -> Path:
    return raw_dir() / "reference" / "regions.csv"


def indicators_path() -> Path:
    return raw_dir() / "reference" / "indicators.csv"


def themes_path() -> Path:
    return raw_dir() / "reference" / "themes.csv"


def load_themes() -> dict[str, dict]:
    """The themes that group the indicators (access and enrolment, inclusive preschool, …), by id."""
    path = themes_path()
    themes: dict[str, dict] = {}
    for row in read_raw_csv(path, THEME_COLUMNS):
        reject_formulas(relative(path), row)  # names reach the report's CSV downloads
        if row["theme_id"] in themes:
            raise InputError(relative(path), f"duplicated theme_id {row['theme_id']}", row=row["_row"], column="theme_id")
        themes[row["theme_id"]] = row
    return themes


def load_regions() -> dict[str, dict]:
    """Regions by code; parents must exist, so context can walk up to the national level."""
    path = regions_path()
    rows = read_raw_csv(path, REGION_COLUMNS)
    regions: dict[str, dict] = {}
    for row in rows:
        reject_formulas(relative(path), row)  # names reach the report's CSV downloads
        code = row["region_code"]
        if not re.fullmatch(r"[0-9]{6}", code):  # ASCII digits: str.isdigit() takes full-width ５３０６００
            raise InputError(relative(path), f"region_code {code!r} is not a six-digit GB/T 2260 code",
                             row=row["_row"], column="region_code")
        if code in regions:
            raise InputError(relative(path), f"duplicated region_code {code}", row=row["_row"], column="region_code")
        if row["level"] not in REGION_LEVELS:
            raise InputError(relative(path), f"level {row['level']!r} is not one of {sorted(REGION_LEVELS)}",
                             row=row["_row"], column="level")
        regions[code] = row
    for row in rows:
        if row["parent_code"] and row["parent_code"] not in regions:
            raise InputError(relative(path), f"parent_code {row['parent_code']} is not a listed region",
                             row=row["_row"], column="parent_code")
    return regions


def load_indicators() -> dict[str, dict]:
    """Indicators by id, with min/max as numbers and aliases as a list."""
    path = indicators_path()
    themes = load_themes()
    indicators: dict[str, dict] = {}
    for row in read_raw_csv(path, INDICATOR_COLUMNS):
        reject_formulas(relative(path), row)  # names reach the report's CSV downloads (a reviewer's spreadsheet)
        where = dict(row=row["_row"])
        if row["indicator_id"] in indicators:
            raise InputError(relative(path), f"duplicated indicator_id {row['indicator_id']}", column="indicator_id", **where)
        if row["theme_id"] not in themes:
            raise InputError(relative(path), f"theme_id {row['theme_id']!r} is not in {relative(themes_path())}",
                             column="theme_id", **where)
        for column in ("definition", "definition_source"):
            if not row[column]:
                raise InputError(relative(path), f"{column} is empty: name the official source, or write "
                                 f"{PROJECT_DEFINITION!r} and give the project's own definition", column=column, **where)
        for column, allowed in (("direction", DIRECTIONS), ("kind", INDICATOR_KINDS), ("measure", MEASURES)):
            if row[column] not in allowed:
                raise InputError(relative(path), f"{column} {row[column]!r} is not one of {sorted(allowed)}",
                                 column=column, **where)
        for column in ("min", "max"):
            if row[column] and not ASCII_NUMBER.fullmatch(row[column]):
                raise InputError(relative(path), f"{column} {row[column]!r} is not a number written in digits 0-9",
                                 column=column, **where)
            row[column] = float(row[column]) if row[column] else None
        row["aliases"] = [a.strip() for a in row["aliases_zh"].split("|") if a.strip()]
        indicators[row["indicator_id"]] = row
    return indicators

