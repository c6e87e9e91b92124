"""The README's "Adding a plan" path on a constructed plan: copy, record, fill the template, draft,
check, accept; the register step then proves every row and no candidate is left uncovered."""

from __future__ import annotations

import re

from analysis import candidates, draft, register
from analysis.normalize import normalize_all
from analysis.snapshot import record

PLAN = """某市义务教育提质行动方案（2024—2026年）
一、目标
2025年，见成效：
九年义务教育巩固率达到97%，新建义务教育学校3所。
二、任务
校园安全责任事故发生率同比下降10%以上。市区九年义务教育巩固率保持在99%以上。
"""


def test_a_new_plan_goes_from_text_to_proven_register_rows(tree, capsys):
    text = tree / "data/raw/policies/905_new_plan.txt"
    text.write_text(PLAN, encoding="utf-8")
    meta = record(text)
    template = meta.read_text(encoding="utf-8")
    for field, value in {"document_id": "905-test", "title": "某市义务教育提质行动方案", "region_code": '"430300"',
                         "plan_period_start": "2024", "plan_period_end": "2026", "date_published": '"2024-03"'}.items():
        template = re.sub(rf"(?m)^{field}: null$", f"{field}: {value}", template)
    meta.write_text(template, encoding="utf-8")

    out = tree / "data/interim/drafts/905-test.csv"
    assert draft.main([str(text)]) == 0
    normalize_all()
    assert register.check([str(out)]) == 0, capsys.readouterr().err

    targets = tree / "data/raw/register/targets.csv"
    rows = out.read_text(encoding="utf-8").splitlines(keepends=True)[1:]
    targets.write_text(targets.read_text(encoding="utf-8") + "".join(rows), encoding="utf-8")
    record(targets)
    frame = register.build()
    assert frame.filter(frame["document_id"] == "905-test").height == len(rows) == 4
    assert candidates.main(["--document", "905-test"]) == 0
