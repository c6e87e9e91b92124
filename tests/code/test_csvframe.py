"""The polars reader of raw CSVs gives exactly what the per-row reader gives: same rows, same row
numbers, same error message, for every shape of file a hand-kept CSV takes."""

from __future__ import annotations

import polars as pl
import pytest

from analysis.csvframe import read_raw_frame
from analysis.errors import InputError
from analysis.snapshot import record
from analysis.tables import read_raw_csv

COLUMNS = ["a", "b", "c"]
READABLE = {
    "plain": "a,b,c\n1,2,3\n4,5,6\n",
    "no final newline": "a,b,c\n1,2,3\n4,5,6",
    "crlf": "a,b,c\r\n1,2,3\r\n4,5,6\r\n",
    "blank lines counted but skipped": "a,b,c\n1,2,3\n\n   \n,,\n , ,\n4,5,6\n\n\n",
    "quoted comma and newline": 'a,b,c\n"1,5",2,"x\ny"\n4,"",6\n',
    "doubled quotes": 'a,b,c\n"say ""hi""",2,3\n',
    "padded cells and header": " a , b ,c\n  1 ,\t2\t, 3 \n",
    "unicode spaces python strips": "a,b,c\n\u30001\u3000,\x1c2\x1f,\u00a03\u2028\n",
    "empty cells": "a,b,c\n1,,\n,,3\n",
    "columns in another order": "c,a,b\n3,1,2\n",
    "header only": "a,b,c\n",
    "utf-8 text": "a,b,c\n昭通市,学前教育,81.08\n",
}
BROKEN = {
    "short row": "a,b,c\n1,2,3\n4,5\n",
    "short row after blank lines": "a,b,c\n\n\n1,2\n",
    "short row with a quoted comma": 'a,b,c\n"1,2",3\n',
    "long row": "a,b,c\n1,2,3,4\n",
    "missing column": "a,b\n1,2\n",
    "unknown column": "a,b,c,d\n1,2,3,4\n",
    "duplicated column": "a,b,c,c\n1,2,3,4\n",
    "empty file": "",
    "not utf-8": b"a,b,c\n1,2,3\n" + "昭通".encode("gbk") + b",2,3\n",
}


def _write(tree, content) -> object:
    path = tree / "data" / "raw" / "sample.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    meta = record(path)
    meta.write_text(meta.read_text(encoding="utf-8").replace("title: null", "title: Test sample", 1),
                    encoding="utf-8")  # the origin a researcher fills in (analysis.metadata requires a title)
    return path


@pytest.mark.parametrize("name", sorted(READABLE))
def test_rows_are_those_of_the_per_row_reader(tree, name):
    path = _write(tree, READABLE[name])
    expected = read_raw_csv(path, COLUMNS)
    frame = read_raw_frame(path, COLUMNS)
    assert frame.to_dicts() == expected
    assert frame.schema["_row"] == pl.Int64


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_errors_are_those_of_the_per_row_reader(tree, name):
    path = _write(tree, BROKEN[name])
    with pytest.raises(InputError) as expected:
        read_raw_csv(path, COLUMNS)
    with pytest.raises(InputError) as caught:
        read_raw_frame(path, COLUMNS)
    assert str(caught.value) == str(expected.value)


@pytest.mark.parametrize("name", sorted(READABLE))
def test_readable_files_do_not_need_the_per_row_reader(tree, monkeypatch, name):
    path = _write(tree, READABLE[name])
    expected = read_raw_csv(path, COLUMNS)
    monkeypatch.setattr("analysis.csvframe._per_row", lambda *args: pytest.fail("fell back to the per-row reader"))
    assert read_raw_frame(path, COLUMNS).to_dicts() == expected
