"""A failed candidate check leaves a draft of the uncovered commitments where make does not delete it."""

from __future__ import annotations

import csv

from analysis import candidates
from analysis.normalize import normalize_all
from analysis.snapshot import record


def test_uncovered_candidates_get_a_draft_that_survives(tree, capsys):
    register = tree / "data/raw/register/targets.csv"
    lines = register.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    removed = dict(zip(header, next(csv.reader([lines[1]]))))
    register.write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")
    record(register)
    normalize_all()

    assert candidates.main([]) == 1
    err = capsys.readouterr().err
    draft = tree / "data/interim/drafts" / f"{removed['document_id']}.csv"
    assert f"data/interim/drafts/{removed['document_id']}.csv" in err and "append the rows" in err
    rows = list(csv.DictReader(draft.open(encoding="utf-8")))
    assert any(r["quote"] in removed["quote"] or removed["quote"] in r["quote"] for r in rows)
    prefix = removed["target_id"][:5]
    existing = [int(line.split(",")[0][-3:]) for line in lines[1:] if line.startswith(prefix)]
    assert all(int(r["target_id"][-3:]) > max(existing) for r in rows)
