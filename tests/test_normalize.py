"""Normalized texts: simplified script, no pinyin glosses, errata applied exactly once, offsets map back."""

from __future__ import annotations

import random

import opencc
import pytest

from analysis import normalize
from analysis.documents import load_documents
from analysis.errata import load_errata
from analysis.errors import InputError
from analysis.normalize import PINYIN_GLOSS
from tests.conftest import REPO

T2S = opencc.OpenCC("t2s")


@pytest.fixture(scope="module")
def normalized():
    errata = load_errata()
    return {d.document_id: (d, *normalize.normalize_document(d, errata)) for d in load_documents()}


def test_every_plan_is_normalized_under_its_document_id(normalized):
    texts = sorted((REPO / "data/raw/policies").glob("*.txt"))
    assert len(normalized) == len(texts)
    seeds = {"000-zhaotong", "001-xiangtan", "002-yunnan-2023", "003-baise", "004-unnamed"}
    assert seeds <= set(normalized), "the five seed plans keep their ids"


def test_no_traditional_characters_left_where_opencc_maps_them(normalized):
    for document_id, (_, text, _) in normalized.items():
        assert T2S.convert(text.text) == text.text, document_id


def test_002_had_traditional_script_and_317_glosses_now_none(normalized):
    document, text, sidecar = normalized["002-yunnan-2023"]
    raw = document.raw_text()
    assert T2S.convert(raw) != raw
    assert len(PINYIN_GLOSS.findall(raw)) == 317
    assert PINYIN_GLOSS.findall(text.text) == []
    assert sum(e["origin"] == "clean-up pinyin_glosses" for e in sidecar["edits"]) == 317
    assert "持续开展学习培训" in text.text


def test_002_mojibake_is_kept_and_flagged(normalized):
    _, text, sidecar = normalized["002-yunnan-2023"]
    flags = [f["text"] for f in sidecar["flags"] if f["flag"] == "mojibake_kept"]
    assert len(flags) == 3
    assert "?偨" in text.text


def test_003_spam_removed_through_errata(normalized):
    document, text, sidecar = normalized["003-baise"]
    raw = document.raw_text()
    for spam in ("j9九游", "j9国际官网"):
        assert spam in raw
        assert spam not in text.text
    assert any("j9" in e["original"] and e["origin"].startswith("errata row") for e in sidecar["edits"])


def test_every_erratum_applies_exactly_once(normalized):
    rows = load_errata()
    applied = [e for _, _, sidecar in normalized.values() for e in sidecar["edits"] if e["origin"].startswith("errata row")]
    assert len(applied) == len(rows)
    assert len({e["origin"] for e in applied}) == len(rows)


def test_stale_erratum_is_an_error(tree):
    errata = tree / "data/raw/reference/errata.csv"
    errata.write_text(errata.read_text(encoding="utf-8") + "003-baise,5,不在这里,x,test\n", encoding="utf-8")
    from analysis import snapshot

    snapshot.record(errata)
    with pytest.raises(InputError, match=r"errata.csv, row \d+, column 'offset': erratum for 003-baise does not match"):
        normalize.normalize_all()


def test_an_erratum_offset_in_full_width_digits_is_an_error(tree):
    errata = tree / "data/raw/reference/errata.csv"
    lines = errata.read_text(encoding="utf-8").split("\n")
    document, offset, rest = lines[1].split(",", 2)
    lines[1] = ",".join([document, "".join(chr(0xFF10 + int(d)) for d in offset), rest])  # int() read them
    errata.write_text("\n".join(lines), encoding="utf-8")
    from analysis import errata as errata_module
    from analysis import snapshot

    snapshot.record(errata)
    with pytest.raises(InputError, match=r"errata.csv, row 2, column 'offset': offset '[０-９]+' is not a whole number"):
        errata_module.load_errata()


def test_overlapping_edits_are_an_error():
    edits = [normalize.Edit(0, 4, "", "a", "first"), normalize.Edit(2, 6, "", "b", "second")]
    with pytest.raises(InputError, match="edits overlap: first"):
        normalize.apply_edits("0123456789", edits, "x.txt")


def test_offsets_map_back_to_raw_originals(normalized):
    """For sampled spans, normalizing the mapped raw span gives the normalized span back."""
    rng = random.Random(20261123)
    for document_id, (document, text, sidecar) in normalized.items():
        raw = document.raw_text()
        for _ in range(200):
            start = rng.randrange(0, len(text.text) - 20)
            end = start + rng.randrange(1, 20)
            raw_start, raw_end = text.to_raw(start, end)
            again, _ = normalize.apply_edits(raw[raw_start:raw_end], [
                normalize.Edit(e["raw_start"] - raw_start, e["raw_end"] - raw_start, e["replacement"], "", "")
                for e in sidecar["edits"] if raw_start <= e["raw_start"] and e["raw_end"] <= raw_end], "sample")
            if document.script == "traditional":
                again = T2S.convert(again)
            assert text.text[start:end] in again, (document_id, start, end)


def test_normalization_is_deterministic(tree):
    first = {p.name: p.read_bytes() for p in normalize.normalize_all()}
    second = {p.name: p.read_bytes() for p in normalize.normalize_all()}
    assert first == second and len(first) == len(list((tree / "data/raw/policies").glob("*.txt")))
