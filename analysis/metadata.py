"""The schemas of the ``.meta.yaml`` beside every raw file: one for plan texts (data/raw/policies), one
for every other raw file (statistics, reference, register). Checked whenever metadata is read, so a
slip (an unquoted region code, a defect that YAML read as a mapping, a date that is not a date) stops
the build naming the file and the field instead of surfacing later as a wrong report.

Dates may be given as YYYY, YYYY-MM or YYYY-MM-DD and keep that precision (a dateline often gives
only the month).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from .dates import partial_date_problem
from .errors import InputError

SHA256 = r"^[0-9a-f]{64}$"
PATTERN_HINTS = {"document_id": "005-my-city (three digits, a hyphen, lower-case letters, digits, hyphens)",
                 "sha256": "64 hexadecimal digits (written by `record`)"}


def _partial_date(value: Any) -> Any:
    """YAML reads 2023-09-08 as a date and 2023 as an int; both become the text they were written as."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and (problem := partial_date_problem(value)):
        raise ValueError(problem)
    return value


def _region_code(value: Any) -> Any:
    """An unquoted code (region_code: 451000) is read by YAML as an int: accept it as the code it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{6}", value):
        raise ValueError(f"{value!r} is not a six-digit GB/T 2260 code (write it in quotes: \"451000\")")
    return value


def _text_list(value: Any) -> Any:
    """A list of plain texts; an item with ': ' in it unquoted is read by YAML as a mapping - say so."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("must be a list (one '- ' item a line), or []")
    for number, item in enumerate(value, start=1):
        if isinstance(item, dict):
            raise ValueError(f"item {number} was read as a mapping {item!r}: a ': ' inside it? quote the whole item")
        if not isinstance(item, str):
            raise ValueError(f"item {number} ({item!r}) is not text: quote it")
    return value


def _filled(value: Any) -> Any:
    """A required text left null in the template: say to fill it in."""
    if value is None:
        raise ValueError("is empty: fill it in")
    return value


Filled = Annotated[str, BeforeValidator(_filled), Field(min_length=1)]
PartialDate = Annotated[str | None, BeforeValidator(_partial_date)]
RegionCode = Annotated[str | None, BeforeValidator(_region_code)]
TextList = Annotated[list[str], BeforeValidator(_text_list)]
Year = Annotated[int, Field(ge=1949, le=2100)] | None


class RawFileMeta(BaseModel):
    """Origin of a statistics, reference or register file. Further origin fields are welcome."""

    model_config = ConfigDict(extra="allow", strict=False)

    file: Filled
    title: Filled
    producer: str | None = None
    url: str | None = None
    date_published: PartialDate = None
    date_accessed: PartialDate = None
    snapshot_taken: PartialDate = None
    license: str | None = None
    description: str | None = None
    sha256: str = Field(pattern=SHA256)
    bytes: int = Field(ge=0)


class PlanMeta(BaseModel):
    """What the pipeline needs to know about a plan text; unknown stays null, unknown fields are typos."""

    model_config = ConfigDict(extra="forbid", strict=False)

    file: Filled
    document_id: Annotated[Filled, Field(pattern=r"^\d{3}-[a-z0-9][a-z0-9-]*$")]
    title: Filled
    title_en: str | None = None
    issuing_body: str | None = None
    region_code: RegionCode
    issue_date: PartialDate = None
    plan_period_start: Year
    plan_period_end: Year
    date_published: PartialDate = None
    publisher: str | None = None
    url: str | None = None
    date_accessed: PartialDate = None
    license: str | None = None
    script: Literal["simplified", "traditional"]
    cleanups: TextList
    known_defects: TextList
    sha256: str = Field(pattern=SHA256)
    bytes: int = Field(ge=0)

    @model_validator(mode="after")
    def _period(self) -> PlanMeta:
        if (self.plan_period_start and self.plan_period_end and self.plan_period_start > self.plan_period_end):
            raise ValueError(f"plan_period_start {self.plan_period_start} is after plan_period_end {self.plan_period_end}")
        return self


def validate_meta(record: Any, meta_file: str, plan: bool) -> dict:
    """The record checked against its schema and normalised (codes and dates as text); fields kept."""
    schema = PlanMeta if plan else RawFileMeta
    if not isinstance(record, dict):
        raise InputError(meta_file, "is not a mapping of field: value lines")
    try:
        model = schema.model_validate(record)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or None
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "missing field"
        elif error["type"] == "string_pattern_mismatch":
            message = f"{error['input']!r} is not of the form {PATTERN_HINTS.get(field, error['ctx']['pattern'])}"
        elif error["type"] == "extra_forbidden":
            message = f"unknown field (a typo?); known: {', '.join(schema.model_fields)}"
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        where = f"field '{field}': " if field else ""
        raise InputError(meta_file, where + message + more) from None
    return model.model_dump()
