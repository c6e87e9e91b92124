# %% [markdown]
# # 01 · Official statistics and their validation / 官方统计数据与校验
#
# The official figures (`data/processed/observations.csv`) with their sources, and what the Great
# Expectations suites in `expectations/` found (`make validate` runs them; this notebook only reads
# the results in `data/processed/validation_summary.json`).

# %%
import json

import polars as pl

from analysis.paths import processed_dir
from analysis.tables import read_table

observations = read_table("observations")
sources = read_table("sources")
findings = json.loads((processed_dir() / "validation_summary.json").read_text(encoding="utf-8"))
pl.Config.set_tbl_rows(60).set_fmt_str_lengths(50).set_tbl_width_chars(160)

# %% [markdown]
# ## Figures per region and source / 各地区数据来源

# %%
observations.group_by("region_code", "region_name", "source_id", "source_kind").agg(
    figures=pl.len(), years=pl.col("year").unique().sort().cast(pl.String).str.join(", ")).sort("region_code", "source_id")

# %% [markdown]
# ## Not usable for assessment / 不可用于评估
# Figures without a reference year stay in the data, are shown, and are never used as an actual.

# %%
observations.filter(~pl.col("usable")).select("region_name", "indicator_as_published", "value", "unit", "source_id", "note")

# %% [markdown]
# ## Validation findings / 校验结果

# %%
pl.DataFrame([{"suite": f["suite"], "expectation": f["expectation"], "severity": f["severity"],
               "passed": f["passed"], "failing_rows": len(f["failing"])} for f in findings]).sort("passed", "suite")

# %% [markdown]
# ## Sources / 来源

# %%
sources.select("source_id", "publisher", "kind", "published", "url")
