"""Normalized plan texts in ``data/interim/texts/``: errata applied, documented clean-ups applied,
simplified script (OpenCC t2s). Beside each text, ``<id>.map.json`` holds the character-offset map
back to the raw text, the edits made and the flags raised (e.g. mojibake kept as is).

Offsets are Python character offsets into the UTF-8-decoded text, 0-based, end exclusive.

Command line: ``python -m analysis.normalize [DOCUMENT_ID ...]`` (all documents by default).
"""

from __future__ import annotations

import bisect
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import click

from .atomic import write_json_atomic, write_text_atomic
from .cli import step_command
from .documents import Document, load_documents
from .errata import Edit, errata_edits, load_errata, unknown_documents
from .errors import InputError
from .paths import interim_dir, relative

# A pinyin gloss inserted after a character by the host site of 002: "持續(xù)". Lower-case Latin letters
# with tone marks inside ASCII parentheses; real parenthesised text in the plans is Chinese.
PINYIN_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
# Mojibake: a '?' standing for bytes the host site could not decode, followed by non-ASCII text.
# Flagged with the six characters after it, since where the damage ends cannot be known.
MOJIBAKE = re.compile(r"\?(?=[^\s?])[^\s，。、；：“”\"]{1,6}")
# Suspect runs without a '?': a lone capital letter between Chinese characters ("高,F代化" for 现代化)
# or a character from the rare CJK extension planes ("学;𫄭据库"). Flagged for a reviewer, not repaired.
SUSPECT = re.compile(r"(?<=[\u4e00-\u9fff,;])[A-Z](?=[\u4e00-\u9fff])|[\U00020000-\U0003134F]")

CLEANUPS = {
    "pinyin_glosses": (PINYIN_GLOSS, "pinyin gloss inserted by the host site"),
}


@dataclass(frozen=True)
class Normalized:
    """A normalized text and its map: segments (norm_start, norm_end, raw_start, raw_end, edited) tile
    both texts; unedited segments map character by character, edited ones only as a whole."""

    document_id: str
    text: str
    segments: tuple[tuple[int, int, int, int, int], ...]

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Raw span holding the original of the normalized span text[start:end]."""
        starts = [s[0] for s in self.segments]
        i = max(bisect.bisect_right(starts, start) - 1, 0)
        n0, _, r0, _, edited = self.segments[i]
        raw_start = r0 if edited else r0 + (start - n0)
        j = max(bisect.bisect_left(starts, end) - 1, 0)
        n0, _, r0, r1, edited = self.segments[j]
        raw_end = r1 if edited else r0 + (end - n0)
        return raw_start, max(raw_end, raw_start)


def cleanup_edits(document: Document, raw: str) -> list[Edit]:
    """Edits for the rule-based clean-ups the document's metadata asks for."""
    edits = []
    for name in document.cleanups:
        if name not in CLEANUPS:
            raise InputError(relative(document.path) + ".meta.yaml", f"unknown clean-up {name!r}; "
                             f"known: {sorted(CLEANUPS)}", column="cleanups")
        pattern, reason = CLEANUPS[name]
        edits += [Edit(m.start(), m.end(), "", reason, f"clean-up {name}") for m in pattern.finditer(raw)]
    return edits


def apply_edits(raw: str, edits: list[Edit], source: str) -> tuple[str, list[tuple[int, int, int, int, int]]]:
    """Apply non-overlapping edits; return the new text and its segment map."""
    edits = sorted(edits, key=lambda e: (e.start, e.end))
    for before, after in zip(edits, edits[1:]):
        if after.start < before.end:
            raise InputError(source, f"edits overlap: {before.origin} ({before.start}-{before.end}) and "
                             f"{after.origin} ({after.start}-{after.end})")
    pieces, segments, raw_pos, norm_pos = [], [], 0, 0
    for edit in edits:
        if edit.start > raw_pos:
            length = edit.start - raw_pos
            pieces.append(raw[raw_pos:edit.start])
            segments.append((norm_pos, norm_pos + length, raw_pos, edit.start, 0))
            norm_pos += length
        pieces.append(edit.replacement)
        segments.append((norm_pos, norm_pos + len(edit.replacement), edit.start, edit.end, 1))
        norm_pos += len(edit.replacement)
        raw_pos = edit.end
    if raw_pos < len(raw) or not segments:
        pieces.append(raw[raw_pos:])
        segments.append((norm_pos, norm_pos + len(raw) - raw_pos, raw_pos, len(raw), 0))
    return "".join(pieces), segments


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str, source: str) -> str:
    """OpenCC t2s; it must keep the length so the offset map stays exact."""
    converted = _t2s().convert(text)
    if len(converted) != len(text):
        raise InputError(source, "OpenCC t2s changed the text length; the offset map would be wrong")
    return converted


def mojibake_flags(normalized: Normalized) -> list[dict]:
    """Undecodable runs are kept as they are (no guessing) and flagged with both offsets."""
    flags = []
    runs = [m.span() for m in MOJIBAKE.finditer(normalized.text)]
    for name, pattern in (("mojibake_kept", MOJIBAKE), ("suspect_characters", SUSPECT)):
        for m in pattern.finditer(normalized.text):
            if name == "suspect_characters" and any(a <= m.start() < b for a, b in runs):
                continue
            raw_start, raw_end = normalized.to_raw(m.start(), m.end())
            flags.append({"flag": name, "start": m.start(), "end": m.end(), "text": m.group(),
                          "raw_start": raw_start, "raw_end": raw_end})
    return sorted(flags, key=lambda f: f["start"])


def normalize_document(document: Document, errata_rows: list[dict]) -> tuple[Normalized, dict]:
    """Normalize one document; return it and the sidecar record (map, edits, flags)."""
    raw = document.raw_text()
    edits = errata_edits(document.document_id, raw, errata_rows) + cleanup_edits(document, raw)
    text, segments = apply_edits(raw, edits, relative(document.path))
    if document.script == "traditional":
        text = to_simplified(text, relative(document.path))
    normalized = Normalized(document.document_id, text, tuple(segments))
    sidecar = {
        "document_id": document.document_id,
        "raw_file": relative(document.path),
        "raw_sha256": document.meta["sha256"],
        "offsets": "Python character offsets, 0-based, end exclusive",
        "steps": ["errata", *document.cleanups] + (["opencc_t2s"] if document.script == "traditional" else []),
        "edits": [{"raw_start": e.start, "raw_end": e.end, "original": raw[e.start:e.end],
                   "replacement": e.replacement, "reason": e.reason, "origin": e.origin}
                  for e in sorted(edits, key=lambda e: e.start)],
        "flags": mojibake_flags(normalized),
        "segments": [list(s) for s in segments],
    }
    return normalized, sidecar


def text_path(document_id: str) -> Path:
    return interim_dir() / "texts" / f"{document_id}.txt"


def map_path(document_id: str) -> Path:
    return interim_dir() / "texts" / f"{document_id}.map.json"


def load_normalized(document_id: str) -> Normalized:
    """Read a normalized text and its map back from data/interim."""
    text = text_path(document_id).read_text(encoding="utf-8")
    sidecar = json.loads(map_path(document_id).read_text(encoding="utf-8"))
    return Normalized(document_id, text, tuple(tuple(s) for s in sidecar["segments"]))


def normalize_all(document_ids: list[str] | None = None) -> list[Path]:
    documents = load_documents()
    errata_rows = load_errata()
    unknown_documents(errata_rows, {d.document_id for d in documents})
    written = []
    for document in documents:
        if document_ids and document.document_id not in document_ids:
            continue
        normalized, sidecar = normalize_document(document, errata_rows)
        write_json_atomic(map_path(document.document_id), sidecar)
        written.append(write_text_atomic(text_path(document.document_id), normalized.text))
    return written


def run(document_ids: list[str] | None = None) -> list[Path]:
    """The step: normalize the given plans (all by default); returns the texts written."""
    return normalize_all(document_ids)


@step_command("normalize")
@click.argument("document_ids", nargs=-1)
def main(document_ids: tuple[str, ...]) -> None:
    """Normalize plan texts (all, or the DOCUMENT_IDS given) into data/interim/texts."""
    for path in run(list(document_ids) or None):
        print(f"normalized {relative(path)}")


if __name__ == "__main__":
    sys.exit(main())
