"""A draft register for any plan text: one row per commitment the candidate extractor finds, with the
fields a curator would otherwise type by hand (value, range, unit, comparator, year, kind, indicator,
sub-region, quote). The curator reviews it, fixes what needs judgement and checks it:

    edugap draft data/raw/policies/005_x.txt          # a recorded plan: region, period from its metadata
    edugap draft PLAN.txt --region 430300 --period 2023-2025 [--document-id 005-xyz] [--out FILE]
    edugap draft PLAN.txt --region 430300             # a title naming 十四五: the period is 2021-2025
    edugap check FILE --text PLAN.txt --period 2023-2025

Nothing is guessed: an indicator is filled only when a catalogue name or alias stands in the sentence
and its unit fits; the year comes from the sentence (a year, or a five-year plan's last year: 到“十四五”末
is 2025), else the nearest heading that dates it (flag year_from_heading), else the plan's end (flag
year_from_plan_end). How each field was found is said in ``note``, so the reviewer can judge it.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from .atomic import write_text_atomic
from .candidates import MEASURE, NUMBER, Candidate, extract
from .cli import step_command
from .dates import five_year_plans
from .errors import InputError
from .numbers import chinese_to_number
from .paths import interim_dir, relative
from .reference import load_indicators, load_regions
from .register import COLUMNS
from .semantics import FALL_WORDS, RISE_WORDS, VALUE_RULES, period_phrases
from .vocabulary import SCOPES

CLAUSE_END = "，,；;：:。\n"
SENTENCE_END = "。；;\n"
QUANTITY = re.compile(rf"(?P<low>{NUMBER})(?:\s*[—\-－~～至到]\s*(?P<high>{NUMBER}))?\s*(?P<unit>{MEASURE})")
# A year that dates a commitment; "2023—2025年" dates it by its end year. Years after 比/较/与 are baselines.
YEAR = re.compile(r"(?:(?:19|20)\d\d\s*[—\-－~～至到]\s*)?(?P<year>(?:19|20)\d\d)\s*(?:学)?年")
BASELINE_BEFORE = re.compile(r"(?:比|较|与|同)$")
# Comparator words, tested on the few characters around the number; first match wins.
AFTER_LE = re.compile(r"^\s*(?:以内|以下|之内)")
AFTER_GE = re.compile(r"^\s*(?:以上|及以上)")
BEFORE_LE = re.compile(r"(?:控制在|不超过|不高于|(?<!不)低于|(?<!不)少于|不多于)\s*$")
BEFORE_GT = re.compile(r"(?:(?<!不)超过|(?<!不)高于|(?<!不)多于)\s*$")
BEFORE_GE = re.compile(r"(?:达到|达|不低于|不少于|至少|保持在|稳定在|确保)\s*$")
# Kind words in the clause before the number: a rise or fall (analysis.semantics) right before a %.
RELATIVE = re.compile(rf"(?:{FALL_WORDS.pattern}|{RISE_WORDS.pattern})\s*$")
# Keeping a level (保持在95%以上): direction hold.
KEEP = re.compile(r"(?:保持在|稳定在|保持)\s*$")
# 建设 N 所: the register counts what is built in the plan period (T000-017); 建成 is ambiguous, left level.
INCREMENT = re.compile(r"新建|新增|累计|改扩建|新培育|增设|建设")
# Parts of a region the plan sets its own target for; the row keeps the region and says the scope.
SUB_REGION = re.compile("|".join(re.escape(s) for s in sorted(SCOPES, key=len, reverse=True)))
# A heading: a short line, optionally numbered (一、 / （二） / 1.), without a full stop inside.
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|\d+[.、．])?[^。]{0,38}$")
TOP_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、")


@dataclass(frozen=True)
class Plan:
    """The text a draft quotes, and what the curator states about it."""

    document_id: str
    text: str
    region_code: str
    period_start: int
    period_end: int


@dataclass
class Match:
    indicator_id: str
    term: str
    start: int
    end: int
    confidence: float


def read_plan_text(path: Path, script: str = "simplified") -> str:
    """A plan text as the draft and the check read it: UTF-8, BOM dropped, traditional script made simplified."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 (undecodable byte at byte {exc.start}); "
                         "convert it with `iconv -f GBK -t UTF-8`") from None
    text = text.removeprefix("\ufeff")
    if script == "traditional":
        from .normalize import to_simplified
        text = to_simplified(text, str(path))
    return text


def parse_period(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"((?:19|20)\d\d)\s*[-—–]\s*((?:19|20)\d\d)", value.strip())
    if not m or int(m.group(1)) > int(m.group(2)):
        raise InputError("--period", f"{value!r} is not a plan period START-END such as 2023-2025")
    return int(m.group(1)), int(m.group(2))


def title_period(text: str) -> tuple[int, int] | None:
    """The plan period its title states as one five-year plan (某市“十四五”教育发展规划 -> 2021, 2025); the
    title is the first line with text. A plan that only cites one (依据十四五规划) is not dated by it."""
    title = next((line for line in text.splitlines() if line.strip()), "")
    plans = {(first, last) for first, last, _, _ in five_year_plans(title)}
    return plans.pop() if len(plans) == 1 else None


def target_prefix(document_id: str) -> str:
    """T<nnn>: the document's number, the first three digits of its id (999 when it has none)."""
    m = re.match(r"\d{3}", document_id)
    return f"T{m.group() if m else '999'}"


# ---- finding the fields ----------------------------------------------------------------------------

def _bounds(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    left = max(text.rfind(ch, 0, start) for ch in stops) + 1
    rights = [i for i in (text.find(ch, end) for ch in stops) if i >= 0]
    return left, (min(rights) if rights else len(text))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return chinese_to_number(text)


def _format(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else repr(value)


def comparator(text: str, start: int, end: int, clause_start: int, ranged: bool) -> tuple[str, int]:
    """The comparator the words around the number say, and where the words after it end."""
    before, after = text[clause_start:start], text[end:end + 4]
    if ranged:
        return "range", end
    if m := AFTER_LE.match(after):
        return "<=", end + m.end()
    if BEFORE_LE.search(before):
        return "<=", end
    if BEFORE_GT.search(before):
        return ">", end
    if m := AFTER_GE.match(after):
        return ">=", end + m.end()
    if BEFORE_GE.search(before):
        return ">=", end
    return ">=", end  # nothing written: the register's convention for a number to reach


def target_year(text: str, sent_start: int, qty_start: int, sent_end: int) -> tuple[int, int, int] | None:
    """(year, start, end) of the year phrase dating the number in its sentence: a year (到2025年) or a
    five-year plan, which dates it to its last year (到“十四五”末 -> 2025); baselines (比2020年) skipped."""
    sentence = text[sent_start:sent_end]
    phrases = [(int(m.group("year")), m.start(), m.end()) for m in YEAR.finditer(text, sent_start, sent_end)]
    phrases += [(last, sent_start + start, sent_start + end) for _, last, start, end in five_year_plans(sentence)]
    found = sorted((p for p in phrases if not BASELINE_BEFORE.search(text[max(sent_start, p[1] - 1):p[1]])),
                   key=lambda p: p[1])
    before = [p for p in found if p[2] <= qty_start]
    clause_end = _bounds(text, qty_start, qty_start, CLAUSE_END)[1]
    after = [p for p in found if p[1] >= qty_start and p[2] <= clause_end]  # 达到92%(2025年)
    return before[-1] if before else (after[0] if after else None)


def heading_year(text: str, sent_start: int) -> tuple[int, str] | None:
    """The nearest preceding heading that dates the text under it; a top-level heading without a
    year (二、主要任务) ends the search, since what it opens is not dated by an earlier heading."""
    lines = text[:sent_start].split("\n")
    for line in reversed(lines[:-1] if lines and lines[-1].strip() else lines):
        line = line.strip()
        if not line or not HEADING.match(line):
            continue
        years = [m for m in YEAR.finditer(line)]
        if years and re.search(r"(?:19|20)\d\d\s*[—\-－~～至到]\s*(?:19|20)\d\d", line):
            continue  # the plan's period in its title: that is the plan's end, not a heading's date
        if years:
            return int(years[-1].group("year")), line
        if TOP_HEADING.match(line):
            return None
    return None


def indicator_terms(indicators: dict[str, dict]) -> list[tuple[str, str, bool]]:
    """(term, indicator_id, is_name) for every Chinese catalogue name and alias, longest first."""
    terms = []
    for ind_id, row in indicators.items():
        terms.append((row["name_zh"], ind_id, True))
        terms += [(alias, ind_id, False) for alias in row["aliases"] if re.search(r"[\u4e00-\u9fff]", alias)]
    return sorted(terms, key=lambda t: (-len(t[0]), t[1]))


def unit_fits(indicator_unit: str, unit: str | None) -> bool:
    if unit is None:
        return True  # a value-less commitment: any indicator may be a milestone of it
    return indicator_unit == unit or (indicator_unit == "%" and unit in ("%", "％", "个百分点"))


def _bare(before: str) -> bool:
    """True when the clause before a number holds no subject of its own (达到95% / 分别达到20平方米、):
    only then may the number take its indicator from another clause of the sentence."""
    rest = re.sub(r"分别|达到|达|不低于|不少于|超过|控制在|保持在|提高到|提高|下降|以上|以内|[、\s\d.%％]", "", before)
    rest = re.sub(rf"{NUMBER}\s*{MEASURE}", "", rest)
    return len(rest) <= 1


def match_indicator(text: str, terms, indicators, sent: tuple[int, int], clause: tuple[int, int],
                    qty: tuple[int, int], unit: str | None) -> tuple[Match | None, str]:
    """The catalogue term nearest the number in its clause (or, for a bare clause, its sentence) whose
    unit fits; else None and, when a term stood there with the wrong unit, why it was not taken."""
    scope = sent if _bare(text[clause[0]:qty[0]]) else clause
    hits = []
    for term, ind_id, is_name in terms:
        for m in re.finditer(re.escape(term), text[scope[0]:scope[1]]):
            start, end = scope[0] + m.start(), scope[0] + m.end()
            if any(h[0] <= start and end <= h[1] for h in hits):
                continue  # a shorter term inside a longer one already found
            same_clause = clause[0] <= start and end <= clause[1]
            distance = qty[0] - end if end <= qty[0] else start - qty[1] + 1000  # prefer terms before the number
            confidence = (1.0 if is_name else 0.9) if same_clause else 0.6
            hits.append((start, end, term, ind_id, confidence, distance))
    if not hits:
        return None, ""
    hits.sort(key=lambda h: (-h[4], abs(h[5]), -(h[1] - h[0])))
    for start, end, term, ind_id, confidence, _ in hits:
        if unit_fits(indicators[ind_id]["unit"], unit):
            return Match(ind_id, term, start, end, confidence), ""
    start, end, term, ind_id, *_ = hits[0]
    return None, f"catalogue term '{term}' ({ind_id}) stands there, but its unit {indicators[ind_id]['unit'] or 'none'} does not fit {unit}"


def respectively(text: str, clause: tuple[int, int], qty_start: int, words: re.Pattern) -> str | None:
    """分别: the k-th number after 分别 goes with the k-th of the words listed before it (城市和农村 … 分别达到 20、18)."""
    body = text[clause[0]:clause[1]]
    cut = body.find("分别")
    if cut < 0 or qty_start < clause[0] + cut:
        return None
    listed = [m.group() for m in words.finditer(body[:cut])]
    numbers = [clause[0] + cut + m.start() for m in QUANTITY.finditer(body[cut:])]
    if len(listed) == len(numbers) and qty_start in numbers:
        return listed[numbers.index(qty_start)]
    return None


def shortest_unique(text: str, start: int, end: int, limit: tuple[int, int]) -> tuple[int, int]:
    """Grow [start, end) within ``limit`` (left to the sentence start, then right) until it occurs once."""
    while text.count(text[start:end]) > 1:
        if start > limit[0]:
            start -= 1
        elif end < limit[1]:
            end += 1
        else:
            break
    return start, end


# ---- one row per candidate -------------------------------------------------------------------------

@dataclass
class Draft:
    """A row being drafted: its cells, its flags and notes, and the span its quote must hold."""

    row: dict
    flags: list[str]
    notes: list[str]
    start: int
    end: int

    def hold(self, start: int, end: int) -> None:
        self.start, self.end = min(self.start, start), max(self.end, end)


def _valueless(d: Draft, text: str, candidate: Candidate) -> None:
    """A phrase that states a value without a digit: its value rule (analysis.semantics) gives value,
    comparator and unit; a commitment without one (实现首批招生) is a milestone without a value."""
    rule = next((r for r in VALUE_RULES.values() if r.pattern.search(candidate.text)), None)
    if rule is None:
        d.row |= {"comparator": ">=", "target_kind": "milestone", "direction": "increase"}
        return
    after = text[candidate.end:candidate.end + 3]
    comp = ">" if ">" in rule.comparators and text[max(0, candidate.start - 2):candidate.start] == "超过" else \
        rule.comparators[0]
    kind = "relative_change" if rule.name == "只增不减" else "level"
    d.row |= {"value": _format(rule.value), "comparator": comp, "unit": rule.unit, "value_rule": rule.name,
              "target_kind": kind, "direction": "decrease" if comp in ("<=", "<") else "increase"}
    d.hold(d.start, candidate.end + (len(after) - len(after.lstrip("以上")) if rule.name == "一半" else 0))
    d.notes.append(f"value rule {rule.name}: {rule.meaning}")


def _value_and_kind(d: Draft, text: str, candidate: Candidate, clause: tuple[int, int]) -> bool:
    """Value, range, unit, comparator, kind, period and direction from the number and the words before
    it; False when the candidate has no number (a value-less commitment such as 全覆盖)."""
    q = QUANTITY.search(candidate.text)
    if not q:
        _valueless(d, text, candidate)
        return False
    low, high = _number(q.group("low")), _number(q.group("high")) if q.group("high") else None
    unit = "%" if q.group("unit") == "％" else q.group("unit")
    comp, words_end = comparator(text, candidate.start, candidate.end, clause[0], high is not None)
    d.hold(d.start, words_end)
    d.row |= {"value": _format(low), "value_high": _format(high), "unit": unit, "comparator": comp}
    if low is None or (q.group("high") and high is None):
        d.flags.append("needs_review")
        d.notes.append(f"the number in {candidate.text!r} could not be read")
    before = text[clause[0]:candidate.start]
    relative_word = RELATIVE.search(re.sub(r"(?:同比|年均|分别)$", "", before))
    periods = period_phrases(before)
    direction = "decrease" if comp in ("<=", "<") else "hold" if KEEP.search(before) else "increase"
    if relative_word and unit in ("%", "个百分点"):
        kind = "relative_change"
        direction = "decrease" if FALL_WORDS.search(relative_word.group()) else "increase"
    elif periods:
        kind = "per_year"
        d.row["period"] = periods[0]
    elif INCREMENT.search(before) and unit not in ("%", "‰", "个百分点"):
        kind = "increment"
    else:
        kind = "level"
    d.row |= {"target_kind": kind, "direction": direction}
    return True


def _indicator(d: Draft, match: Match | None, why_not: str, indicators: dict) -> None:
    if match:
        d.row["indicator_id"] = match.indicator_id
        if not d.row["unit"] and (d.row["target_kind"] == "milestone" or d.row["value_rule"]):
            d.row["unit"] = indicators[match.indicator_id]["unit"]
        d.notes.append(f"indicator: '{match.term}' (confidence {match.confidence:.1f})")
        d.hold(match.start, match.end)
    else:
        d.notes.append(f"indicator: none matched{'; ' + why_not if why_not else ''}")


def _year(d: Draft, plan: Plan, candidate: Candidate, sent: tuple[int, int], clause: tuple[int, int]) -> None:
    """The target year: a per-year target's is the plan's end; else the sentence's year (in the quote
    when it stands in the number's clause, else in year_quote), the heading's, or the plan's end."""
    text = plan.text
    if d.row["target_kind"] == "per_year":
        d.row["target_year"] = str(plan.period_end)
        d.flags.append("year_from_plan_end")
    elif dated := target_year(text, sent[0], candidate.start, sent[1]):
        d.row["target_year"] = str(dated[0])
        if clause[0] <= dated[1] < clause[1]:
            d.hold(dated[1], dated[2])
        else:  # 到2025年，…: the year opens the sentence; prove it by its own clause
            year_clause = _bounds(text, dated[1], dated[2], CLAUSE_END)
            year_start = max(year_clause[0], dated[1] - 2)
            year_start, year_end = shortest_unique(text, year_start, year_clause[1], (year_start, sent[1]))
            d.row["year_quote"] = text[year_start:year_end].strip()
    elif heading := heading_year(text, sent[0]):
        d.row["target_year"], d.row["year_quote"] = str(heading[0]), heading[1]
        d.flags.append("year_from_heading")
    else:
        d.row["target_year"] = str(plan.period_end)
        d.flags.append("year_from_plan_end")


def _quote(d: Draft, text: str, sent: tuple[int, int]) -> None:
    """The held span, trimmed and grown (to the end of its paragraph at most) until it occurs once."""
    start, end = d.start, d.end
    while start < end and text[start] in " \t\u3000":
        start += 1
    line_end = text.find("\n", end)
    start, end = shortest_unique(text, start, end, (sent[0], len(text) if line_end < 0 else line_end))
    d.row["quote"] = text[start:end]
    if text.count(d.row["quote"]) > 1:
        d.flags.append("needs_review")
        d.notes.append("quote occurs more than once even grown to the end of its paragraph")
    d.start, d.end = start, end


def _scope(d: Draft, text: str, candidate: Candidate, clause: tuple[int, int]) -> None:
    scope = respectively(text, clause, candidate.start, SUB_REGION)
    if scope is None and (first := SUB_REGION.search(text[clause[0]:clause[1]])):
        scope = first.group()
    if scope:
        d.flags.append("sub_region")
        d.notes.append(f"scope: {scope}")


def draft_row(plan: Plan, candidate: Candidate, terms, indicators) -> dict:
    """The register row a candidate suggests, with how each field was found in ``note``. The quote
    holds the clause up to the number (the subject, kind and comparator words), the comparator after
    it, the indicator term and, when it stands in the clause, the year."""
    text = plan.text
    sent = _bounds(text, candidate.start, candidate.end, SENTENCE_END)
    clause = _bounds(text, candidate.start, candidate.end, CLAUSE_END)
    row = dict.fromkeys(COLUMNS, "") | {"document_id": plan.document_id, "region_code": plan.region_code}
    d = Draft(row, [], [], clause[0], candidate.end)
    has_value = _value_and_kind(d, text, candidate, clause)
    match, why_not = match_indicator(text, terms, indicators, sent, clause, (candidate.start, candidate.end),
                                     (row["unit"] or None) if has_value or row["value_rule"] else None)
    _indicator(d, match, why_not, indicators)
    _year(d, plan, candidate, sent, clause)
    _quote(d, text, sent)
    _scope(d, text, candidate, clause)
    d.notes.append(f"at {d.start}-{d.end}")
    row["flags"] = ";".join(dict.fromkeys(d.flags))
    row["note"] = "draft; " + "; ".join(d.notes)
    return row


def draft_rows(plan: Plan, indicators: dict[str, dict], candidates: list[Candidate] | None = None,
               first_number: int = 1) -> list[dict]:
    """Draft rows in text order, numbered T<nnn>-001 ... (or from ``first_number``); one candidate, one
    row. ``candidates`` limits the draft to these (e.g. the ones the register does not cover yet)."""
    terms = indicator_terms(indicators)
    found = extract(plan.document_id, plan.text) if candidates is None else candidates
    drafted = [(c, draft_row(plan, c, terms, indicators)) for c in found]
    spans = [(c, *map(int, re.search(r"at (\d+)-(\d+)$", row["note"]).groups())) for c, row in drafted]
    # A bare 实现 inside another row's quote (实现全覆盖, 实现…达到95%) is that row's commitment, not a second one.
    rows = [row for c, row in drafted
            if not (row["target_kind"] == "milestone" and not row["value_rule"] and
                    any(other is not c and start <= c.start and c.end <= end for other, start, end in spans))]
    for number, row in enumerate(rows, start=first_number):
        row["target_id"] = f"{target_prefix(plan.document_id)}-{number:03d}"
    return rows


def draft_uncovered(uncovered: list[dict], register: list[dict]) -> list[Path]:
    """A draft per document for the candidates no register quote or dismissal covers, numbered on from
    the document's last target id, in data/interim/drafts/<document_id>.csv."""
    from .documents import load_documents
    from .normalize import load_normalized

    documents = {d.document_id: d for d in load_documents()}
    indicators, written = load_indicators(), []
    for document_id in sorted({u["document_id"] for u in uncovered}):
        document = documents[document_id]
        text = load_normalized(document_id).text
        numbers = [int(r["target_id"][-3:]) for r in register
                   if r["document_id"] == document_id and re.fullmatch(r"T\d{3}-\d{3}", r["target_id"])]
        mine = [c for c in extract(document_id, text)
                if any(u["document_id"] == document_id and u["start"] == c.start for u in uncovered)]
        plan = Plan(document_id, text, document.region_code or "", document.plan_period_start or 0,
                    document.plan_period_end or 0)
        rows = draft_rows(plan, indicators, mine, first_number=max(numbers, default=0) + 1)
        written.append(write_text_atomic(interim_dir() / "drafts" / f"{document_id}.csv", to_csv(rows)))
    return written


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def recorded_plan(path: Path) -> Plan | None:
    """A plan of the project (data/raw/policies, metadata filled): its normalized text (errata, clean-ups
    and script applied, as the register quotes it) and what its metadata says."""
    from .documents import load_documents
    from .errata import load_errata
    from .normalize import normalize_document
    from .snapshot import is_plan, meta_path

    if not (is_plan(path) and meta_path(path).exists()):
        return None
    document = next(d for d in load_documents() if d.path.resolve() == path.resolve())
    normalized, _ = normalize_document(document, load_errata())
    period = (document.plan_period_start, document.plan_period_end)
    return Plan(document.document_id, normalized.text, document.region_code or "", *(period if all(period) else (0, 0)))


def plan_to_draft(text_file: str, region: str | None, period: str | None, document_id: str | None,
                  script: str) -> Plan:
    """The plan to draft: a recorded one as its metadata says (options override), else the text as given."""
    path = Path(text_file)
    plan = recorded_plan(path)
    if plan is None:
        text = read_plan_text(path, script)
        titled = title_period(text)
        missing = [name for name, given in (("--region", region), ("--period", period or titled)) if not given]
        if missing:
            raise InputError(str(path), f"not a recorded plan of data/raw/policies: give {' and '.join(missing)}")
        plan = Plan(document_id or path.stem, text, "", *(titled or (0, 0)))
    start, end = parse_period(period) if period else (plan.period_start, plan.period_end)
    if not end:
        raise InputError(str(path), "its metadata gives no plan period: give --period START-END")
    region = region or plan.region_code
    if region and region not in load_regions():
        raise InputError("--region", f"{region!r} is not a region of data/raw/reference/regions.csv")
    return Plan(document_id or plan.document_id, plan.text, region, start, end)


@step_command("draft")
@click.argument("text_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--region", help="GB/T 2260 code of the plan's region, e.g. 430300 (default: from its metadata)")
@click.option("--period", help="the plan period START-END, e.g. 2024-2026 (default: from its metadata, or "
              "from a five-year plan its title names: 十四五 is 2021-2025)")
@click.option("--document-id", "document_id", help="e.g. 005-changsha (default: its metadata, else the file name)")
@click.option("--script", type=click.Choice(["simplified", "traditional"]), default="simplified", show_default=True,
              help="the text's script; traditional is converted to simplified first")
@click.option("--out", type=click.Path(dir_okay=False),
              help="where to write the draft (default: data/interim/drafts/<document_id>.csv)")
def main(text_file: str, region: str | None, period: str | None, document_id: str | None, script: str,
         out: str | None) -> int:
    """Draft register rows from a plan text: one row per commitment found, in the register's columns.

    TEXT_FILE is any plan text (UTF-8); a recorded plan under data/raw/policies is read normalized, with
    its region and period from its .meta.yaml. Review the draft, then check it with `edugap check`.
    """
    plan = plan_to_draft(text_file, region, period, document_id, script)
    rows = draft_rows(plan, load_indicators())
    target = Path(out) if out else interim_dir() / "drafts" / f"{plan.document_id}.csv"
    write_text_atomic(target, to_csv(rows))
    matched = sum(1 for r in rows if r["indicator_id"])
    print(f"draft: {len(rows)} row(s), {matched} with an indicator -> {relative(target)}")
    print("review every row (delete what is not a commitment, fill empty indicator_id), then check it:")
    if recorded_plan(Path(text_file)):
        print(f"  edugap check {relative(target)}   (after `make normalize`)")
    else:
        print(f"  edugap check {relative(target)} --text {text_file} --period {plan.period_start}-{plan.period_end}"
              + (f" --script {script}" if script != "simplified" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
