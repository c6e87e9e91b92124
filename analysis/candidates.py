"""Candidate extractor: every numeric commitment-like span in a normalized plan, every phrase that
states a value without a digit (全覆盖, 所有, 每个…都, 全面接入, 清零, 零突破, 一半, 只增不减: the value rules of
``analysis.semantics``) and every 实现 (…实现首批招生, 实现…全覆盖), so nothing in the register is missed.
Each candidate must be covered by a register quote or by a reviewed dismissal
(``data/raw/register/dismissals.csv``: document_id, quote, reason). Works on any plan text: the
rules are about how Chinese plans write numbers, not about these five documents.

    python -m analysis.candidates          # list candidates, print coverage, fail if any is uncovered
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import polars as pl

from .cli import step_command
from .documents import load_documents
from .errors import InputError
from .normalize import load_normalized
from .paths import raw_dir, relative
from .semantics import VALUE_PHRASES
from .tables import parse_csv, read_raw_csv, write_tables

NUMBER = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)"
MEASURE = r"(?:个百分点|万人次|万人|万名|所|个|人次|人|名|间|次|项|家|支|座|门|节|套|台|批|条|亿元|万元|元|平方米|学时|课时|%|％|‰|%o)"
# A number (or a range of two) followed by a measure word: "60%", "2—3所", "1000名", "十二个".
QUANTITY = re.compile(rf"{NUMBER}(?:\s*[—\-－~～至到]\s*{NUMBER})?\s*{MEASURE}")
# Year phrases that date a commitment: 到2025年, 2023学年前, 2025年底, 每年.
YEAR_PHRASE = re.compile(r"(?:到|至|在|于|截至)?(?:19|20)\d\d\s*(?:学)?年(?:底|前|末|内|秋季学期)?|每年|每学年")
# 实现 ("achieve"): how plans state a commitment that has no number (实现首批招生); also a noun and a purpose
# word (为实现…目标), so each one is registered or dismissed with a reason.
ACHIEVE = re.compile(r"实现")
# "一个/一所/一项…" is mostly the indefinite article ("一个中心"), not a count: not a candidate.
INDEFINITE = re.compile(r"^一(?:个|所|项|批|支|条|家|座|门|节|套|台|间|名)$")
DISMISSAL_COLUMNS = ["document_id", "quote", "reason"]
SENTENCE_END = "。;；\n"


@dataclass(frozen=True)
class Candidate:
    document_id: str
    start: int
    end: int
    text: str
    year_hint: str
    sentence: str
    kind: str = "numeric"  # or "valueless": a phrase that states a value without a digit (全覆盖, 清零…)


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(ch, 0, start) for ch in SENTENCE_END) + 1
    rights = [i for i in (text.find(ch, end) for ch in SENTENCE_END) if i >= 0]
    return left, (min(rights) + 1 if rights else len(text))


def extract(document_id: str, text: str) -> list[Candidate]:
    """Candidates in a text (numeric spans, then value-less phrases, in text order), each with the year
    phrase of its sentence (if any)."""
    found = [(m, "numeric") for m in QUANTITY.finditer(text) if not INDEFINITE.match(m.group())]
    found += [(m, "valueless") for m in VALUE_PHRASES.finditer(text)]
    found += [(m, "valueless") for m in ACHIEVE.finditer(text)]
    candidates = []
    for m, kind in sorted(found, key=lambda item: (item[0].start(), item[0].end())):
        left, right = _sentence_bounds(text, m.start(), m.end())
        sentence = text[left:right].strip()
        years = YEAR_PHRASE.findall(text[left:right])
        candidates.append(Candidate(document_id, m.start(), m.end(), m.group(), years[0] if years else "", sentence,
                                    kind))
    return candidates


def dismissals_path() -> Path:
    return raw_dir() / "register" / "dismissals.csv"


def quote_spans(text: str, quotes: list[str]) -> list[tuple[int, int]]:
    """Every occurrence of every quote, as spans."""
    spans = []
    for quote in quotes:
        spans += [(m.start(), m.start() + len(quote)) for m in re.finditer(re.escape(quote), text)]
    return spans


def covered(candidate: Candidate, spans: list[tuple[int, int]]) -> bool:
    return any(start <= candidate.start and candidate.end <= end for start, end in spans)


def load_dismissals(texts: dict[str, str], draft: Path | None = None) -> list[dict]:
    """Reviewed dismissals; each must say why and must quote the text verbatim.

    ``draft`` reads a file outside data/raw (not checksummed), for review before it joins."""
    path = Path(draft) if draft else dismissals_path()
    rows = (parse_csv(path.read_text(encoding="utf-8"), str(path), DISMISSAL_COLUMNS) if draft
            else read_raw_csv(path, DISMISSAL_COLUMNS))
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        if row["document_id"] not in texts:
            raise InputError(relative(path), f"unknown document {row['document_id']!r}", row=row["_row"], column="document_id")
        seen = first.setdefault((row["document_id"], row["quote"]), row["_row"])
        if seen != row["_row"]:  # two reasons for one phrase: which one does the reader believe?
            raise InputError(relative(path), f"the same quote of {row['document_id']} is dismissed in row {seen}; "
                             "keep one row (one reason)", row=row["_row"], column="quote")
        if not row["reason"]:
            raise InputError(relative(path), "reason is empty: say why this is not a target", row=row["_row"], column="reason")
        if row["quote"] not in texts[row["document_id"]]:
            raise InputError(relative(path), f"quote not found in the normalized text of {row['document_id']}",
                             row=row["_row"], column="quote")
    return rows


def coverage(register_quotes: dict[str, list[str]], texts: dict[str, str],
             dismissals: list[dict]) -> pl.DataFrame:
    """One row per candidate: where it is, and whether the register or a dismissal covers it."""
    records = []
    for document_id, text in sorted(texts.items()):
        registered = quote_spans(text, register_quotes.get(document_id, []))
        dismissed = quote_spans(text, [d["quote"] for d in dismissals if d["document_id"] == document_id])
        for c in extract(document_id, text):
            status = "registered" if covered(c, registered) else "dismissed" if covered(c, dismissed) else "uncovered"
            records.append({"document_id": document_id, "start": c.start, "end": c.end, "candidate": c.text,
                            "kind": c.kind, "year_hint": c.year_hint, "status": status, "sentence": c.sentence})
    schema = {"document_id": pl.String, "start": pl.Int64, "end": pl.Int64, "candidate": pl.String,
              "kind": pl.String, "year_hint": pl.String, "status": pl.String, "sentence": pl.String}
    return pl.DataFrame(records, schema=schema, orient="row").sort("document_id", "start")


def coverage_by_document(frame: pl.DataFrame) -> pl.DataFrame:
    return (frame.group_by("document_id")
            .agg(candidates=pl.len(),
                 valueless=(pl.col("kind") == "valueless").sum(),
                 registered=(pl.col("status") == "registered").sum(),
                 dismissed=(pl.col("status") == "dismissed").sum(),
                 uncovered=(pl.col("status") == "uncovered").sum())
            .sort("document_id"))


def _print_drafts(uncovered: list[dict], register: list[dict]) -> None:
    """Draft register rows for the uncovered candidates (outside make's targets, so a failed check
    keeps them) and say how to accept them."""
    from .draft import draft_uncovered

    for path in draft_uncovered(uncovered, register):
        print(f"draft rows for the uncovered candidates: {relative(path)}\n"
              f"  review them (delete non-targets, add them to {relative(dismissals_path())} with a reason),\n"
              f"  check: edugap check {relative(path)}\n"
              f"  accept: append the rows to data/raw/register/targets.csv, then "
              f"make record FILE=data/raw/register/targets.csv", file=sys.stderr)


def run(register: str | None = None, dismissals_file: str | None = None,
        documents: tuple[str, ...] = ()) -> pl.DataFrame:
    """The step: every candidate and what covers it; written to candidates.csv for the real register only,
    and only when every candidate is covered."""
    from .register import load_register

    all_texts = {d.document_id: load_normalized(d.document_id).text for d in load_documents()}
    texts = {doc_id: text for doc_id, text in all_texts.items() if not documents or doc_id in documents}
    quotes: dict[str, list[str]] = {}
    for row in load_register(register):
        quotes.setdefault(row["document_id"], []).append(row["quote"])
    dismissals = [d for d in load_dismissals(all_texts, dismissals_file) if d["document_id"] in texts]
    frame = coverage(quotes, texts, dismissals)
    # Published only when complete: a failed check keeps data/processed as it was (make would otherwise
    # delete the new, failing candidates.csv on the error and leave data/processed without one).
    complete = frame.filter(pl.col("status") == "uncovered").height == 0
    if complete and not (register or dismissals_file or documents):
        write_tables({"candidates": frame}, main="candidates")
    return frame


@step_command("candidates")
@click.option("--register", "register", type=click.Path(exists=True, dir_okay=False),
              help="a draft register file to check instead of data/raw/register/targets.csv")
@click.option("--dismissals", "dismissals_file", type=click.Path(exists=True, dir_okay=False),
              help="a draft dismissals file instead of data/raw/register/dismissals.csv")
@click.option("--document", "documents", multiple=True, help="only this document id (repeatable)")
def main(register: str | None, dismissals_file: str | None, documents: tuple[str, ...]) -> int:
    """List every numeric candidate and value-less commitment of the plans; fail if one is neither
    registered nor dismissed."""
    frame = run(register, dismissals_file, documents)
    summary = coverage_by_document(frame)
    print("candidate coverage (numeric spans and value-less phrases found by the extractor):")
    for doc, total, valueless, reg, dis, unc in summary.iter_rows():
        print(f"  {doc}: {total} candidates ({valueless} value-less), {reg} registered, {dis} dismissed, {unc} uncovered")
    uncovered = frame.filter(pl.col("status") == "uncovered")
    for row in uncovered.iter_rows(named=True):  # the list to work through; the one error line follows
        print(f"  uncovered candidate in {row['document_id']} at {row['start']}: {row['candidate']!r} "
              f"in \"{row['sentence'][:80]}\"", file=sys.stderr)
    if uncovered.height:
        from .register import register_path

        first = uncovered.row(0, named=True)
        print(f"error: {relative(register_path())}: {uncovered.height} candidate(s) neither registered nor "
              f"dismissed (listed above), the first in {first['document_id']} at {first['start']}: "
              f"{first['candidate']!r}; register or dismiss each", file=sys.stderr)
        if not (register or dismissals_file):
            from .register import load_register
            _print_drafts(uncovered.to_dicts(), load_register())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
