"""Numbers as they are written in plan texts: Arabic digits, Chinese numerals (via cn2an), 万
multipliers and OCR damage. Used to prove that a register row's value and year stand in its quote."""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

ARABIC = re.compile(r"\d+(?:\.\d+)?")
CHINESE = re.compile(r"[零一二两三四五六七八九十百千万亿]+")
# "10%o": an OCR reading of "10‰" or of "10%" followed by a stray letter; the value cannot be trusted.
OCR_PERMILLE = re.compile(r"\d+(?:\.\d+)?\s*%o")


@dataclass(frozen=True)
class Number:
    value: float
    start: int
    end: int
    text: str


def chinese_to_number(text: str) -> float | None:
    """A Chinese numeral run as a number, or None when cn2an cannot read it (e.g. a lone 万)."""
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def numbers_in(text: str) -> list[Number]:
    """Every number written in ``text``; a number followed by 万 also counts at its multiplied value."""
    found = []
    for m in ARABIC.finditer(text):
        value = float(m.group())
        found.append(Number(value, m.start(), m.end(), m.group()))
        if text[m.end():m.end() + 1] == "万":
            found.append(Number(value * 10_000, m.start(), m.end() + 1, m.group() + "万"))
    for m in CHINESE.finditer(text):
        value = chinese_to_number(m.group())
        if value is not None:
            found.append(Number(value, m.start(), m.end(), m.group()))
    return sorted(found, key=lambda n: (n.start, n.end))


def contains_number(text: str, value: float) -> bool:
    return any(abs(n.value - value) < 1e-9 for n in numbers_in(text))


def years_in(text: str) -> list[int]:
    """Four-digit years (1990-2099) in a text."""
    return [int(y) for y in re.findall(r"(?<!\d)(?:19[89]\d|20\d\d)(?!\d)", text)]


def has_ocr_permille(text: str) -> bool:
    return bool(OCR_PERMILLE.search(text))
